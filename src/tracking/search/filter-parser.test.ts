import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MwError } from "../../core/errors.js";
import {
  type Clause,
  EXPERIMENT_GRAMMAR,
  MODEL_VERSION_GRAMMAR,
  parseSearchFilter,
  REGISTERED_MODEL_GRAMMAR,
  RUN_GRAMMAR,
  type SearchGrammar,
} from "./filter-parser.js";

const runs = (filter: string) => parseSearchFilter(filter, RUN_GRAMMAR);

function rejects(filter: string, message: RegExp, grammar: SearchGrammar = RUN_GRAMMAR): void {
  assert.throws(
    () => parseSearchFilter(filter, grammar),
    (e: unknown) => e instanceof MwError && e.code === "INVALID_PARAMETER_VALUE" && message.test(e.message),
    `${filter} should be rejected with ${message}`,
  );
}

describe("parseSearchFilter: the documented examples", () => {
  const cases: [string, Clause[]][] = [
    ["metrics.accuracy > 0.92", [{ type: "metric", key: "accuracy", comparator: ">", value: 0.92 }]],
    [
      'params.model = "LogisticRegression" and params.lambda = "0.001" and metrics.error <= 0.05',
      [
        { type: "param", key: "model", comparator: "=", value: "LogisticRegression" },
        { type: "param", key: "lambda", comparator: "=", value: "0.001" },
        { type: "metric", key: "error", comparator: "<=", value: 0.05 },
      ],
    ],
    ['attributes.status = "FAILED"', [{ type: "attribute", key: "status", comparator: "=", value: "FAILED" }]],
    [
      "tags.mlflow.parentRunId = '<run_id>'",
      [{ type: "tag", key: "mlflow.parentRunId", comparator: "=", value: "<run_id>" }],
    ],
    [
      "attributes.run_id IN ('a1b2', 'c3d4')",
      [{ type: "attribute", key: "run_id", comparator: "IN", value: ["a1b2", "c3d4"] }],
    ],
    [
      "run_name LIKE 'sweep-%' and datasets.context = 'training'",
      [
        { type: "attribute", key: "run_name", comparator: "LIKE", value: "sweep-%" },
        { type: "dataset", key: "context", comparator: "=", value: "training" },
      ],
    ],
  ];
  for (const [filter, expected] of cases) test(filter, () => assert.deepEqual(runs(filter), expected));

  test("an empty, blank or absent filter has no clauses", () => {
    assert.deepEqual(runs(""), []);
    assert.deepEqual(runs("   "), []);
    assert.deepEqual(parseSearchFilter(undefined, RUN_GRAMMAR), []);
  });
});

describe("parseSearchFilter: syntax", () => {
  test("every comparator, case-insensitive keywords", () => {
    for (const op of ["=", "!=", ">", ">=", "<", "<="]) assert.equal(runs(`metrics.m ${op} 1`)[0]!.comparator, op);
    assert.equal(runs("params.p like 'a%'")[0]!.comparator, "LIKE");
    assert.equal(runs("params.p iLiKe 'a%'")[0]!.comparator, "ILIKE");
    assert.equal(runs("run_id in ('a')")[0]!.comparator, "IN");
    assert.equal(runs("run_id not  In ('a')")[0]!.comparator, "NOT IN");
    assert.equal(runs("metrics.a>1 AnD metrics.b<2").length, 2);
  });

  test("entity type aliases", () => {
    const types = (prefixes: string[], value: string) =>
      prefixes.map((p) => runs(`${p}.k = ${value}`)[0]!.type).join(",");
    assert.equal(types(["metric", "metrics"], "1"), "metric,metric");
    assert.equal(types(["param", "params", "parameter", "parameters"], "'v'"), "param,param,param,param");
    assert.equal(types(["tag", "tags"], "'v'"), "tag,tag");
    assert.deepEqual(
      ["attribute", "attributes", "attr", "run"].map((p) => runs(`${p}.status = 'x'`)[0]!.type),
      ["attribute", "attribute", "attribute", "attribute"],
    );
    assert.equal(runs("dataset.name = 'd'")[0]!.type, "dataset");
    assert.equal(runs("status = 'x'")[0]!.type, "attribute");
  });

  test("quoted keys and entity types", () => {
    assert.deepEqual(runs('metrics."my-metric" > 1')[0], {
      type: "metric",
      key: "my-metric",
      comparator: ">",
      value: 1,
    });
    assert.equal(runs("tags.`user name` = 'bob'")[0]!.key, "user name");
    assert.equal(runs("`metrics`.auc > 1")[0]!.key, "auc");
    assert.equal(runs("params.\"a.b\" = 'x'")[0]!.key, "a.b");
  });

  test("attribute aliases resolve to canonical keys", () => {
    assert.equal(runs("created > 5")[0]!.key, "start_time");
    assert.equal(runs("attributes.Created >= 5")[0]!.key, "start_time");
    for (const alias of ['"run name"', "`Run name`", "`Run Name`"])
      assert.equal(runs(`${alias} = 'x'`)[0]!.key, "run_name");
  });

  test("string values: both quotes, escapes", () => {
    assert.equal(runs('params.p = "dq"')[0]!.value, "dq");
    assert.equal(runs("tags.t = 'it''s'")[0]!.value, "it's");
    assert.equal(runs("tags.t = 'it\\'s'")[0]!.value, "it's");
    assert.equal(runs('tags.t = "say ""hi"""')[0]!.value, 'say "hi"');
    assert.equal(runs("tags.t = ''")[0]!.value, "");
    assert.equal(runs("tags.t = 'a AND b OR (c)'")[0]!.value, "a AND b OR (c)");
  });

  test("numeric literals: int, float, negative, exponent", () => {
    const v = (lit: string) => runs(`metrics.m > ${lit}`)[0]!.value;
    assert.equal(v("3"), 3);
    assert.equal(v("0.25"), 0.25);
    assert.equal(v(".5"), 0.5);
    assert.equal(v("-2"), -2);
    assert.equal(v("-1.5e3"), -1500);
    assert.equal(v("2E-2"), 0.02);
    assert.equal(runs("start_time >= 1.7e12")[0]!.value, 1.7e12);
  });

  test("lists for run_id and datasets", () => {
    assert.deepEqual(runs(`run_id IN ('a', "b",'c')`)[0]!.value, ["a", "b", "c"]);
    assert.deepEqual(runs("datasets.digest NOT IN ('x')")[0], {
      type: "dataset",
      key: "digest",
      comparator: "NOT IN",
      value: ["x"],
    });
  });
});

describe("parseSearchFilter: extra ANDs are ignored, as MLflow's parsers drop every AND token", () => {
  const metricAuc: Clause = { type: "metric", key: "auc", comparator: ">", value: 0.8 };
  const cases: [string, SearchGrammar, string, Clause[]][] = [
    ["runs", RUN_GRAMMAR, "metrics.auc > 0.8", [metricAuc]],
    [
      "experiments",
      EXPERIMENT_GRAMMAR,
      "name = 'e'",
      [{ type: "attribute", key: "name", comparator: "=", value: "e" }],
    ],
    [
      "registered models",
      REGISTERED_MODEL_GRAMMAR,
      "tags.t = 'x'",
      [{ type: "tag", key: "t", comparator: "=", value: "x" }],
    ],
    [
      "model versions",
      MODEL_VERSION_GRAMMAR,
      "run_id IN ('r')",
      [{ type: "attribute", key: "run_id", comparator: "IN", value: ["r"] }],
    ],
  ];
  for (const [resource, grammar, comparison, expected] of cases) {
    test(`${resource}: trailing, leading and repeated AND in any case`, () => {
      const parse = (f: string) => parseSearchFilter(f, grammar);
      assert.deepEqual(parse(`${comparison} and`), expected);
      assert.deepEqual(parse(`${comparison} AND  `), expected);
      assert.deepEqual(parse(`And ${comparison}`), expected);
      assert.deepEqual(parse(`and and ${comparison} AND and`), expected);
      assert.deepEqual(parse(`${comparison} AND AND ${comparison}`), [...expected, ...expected]);
    });
    test(`${resource}: a filter of only ANDs has no clauses`, () => {
      assert.deepEqual(parseSearchFilter("AND", grammar), []);
      assert.deepEqual(parseSearchFilter(" and and ", grammar), []);
    });
    test(`${resource}: a missing AND, OR and other tokens around ANDs are still errors`, () => {
      rejects(`${comparison} ${comparison}`, /expected AND, found/, grammar);
      rejects(`${comparison} AND OR ${comparison}`, /unexpected keyword 'OR'/, grammar);
      rejects(`${comparison} and;`, /expected an identifier, found ';'/, grammar);
      rejects(`${comparison} and ,`, /expected an identifier, found ','/, grammar);
      rejects("AND OR", /unexpected keyword 'OR'/, grammar);
    });
  }
  test("AND is only skipped as a whole word", () => {
    assert.equal(runs("metrics.auc > 0.8 AND tags.android = 'x'")[1]!.key, "android");
    rejects("metrics.auc > 0.8 ANDtags.x = 'y'", /expected AND, found 'ANDtags.x'/);
    rejects("and.x = 'y'", /invalid entity type 'and'/);
  });
});

describe("parseSearchFilter: rejections", () => {
  test("OR, NOT, parentheses and dangling AND", () => {
    rejects("metrics.a > 1 OR metrics.b > 2", /OR is not supported.*position 14/);
    rejects("metrics.a > 1 or metrics.b > 2", /OR is not supported/);
    rejects("(metrics.a > 1)", /parentheses are not supported.*position 0/);
    rejects("metrics.a > 1 AND (metrics.b > 2)", /parentheses are not supported.*position 18/);
    rejects("NOT metrics.a > 1", /unexpected keyword 'NOT'/);
    rejects("run_id NOT LIKE 'a'", /NOT is only supported as NOT IN/);
  });

  test("trailing garbage and malformed tokens", () => {
    rejects("metrics.a > 1 extra", /expected AND, found 'extra' at position 14/);
    rejects("metrics.a > 1; metrics.b > 2", /expected AND, found ';'/);
    rejects("metrics.a > 0.5.3", /expected AND, found '.3'/);
    rejects("params.p <> 'a'", /unsupported comparator '<>'/);
    rejects("params.p == 'a'", /unsupported comparator '=='/);
    rejects("params.p IS 'a'", /expected a comparator .* found 'IS'/);
    rejects("params.p", /expected a comparator .* found end of input/);
    rejects("params.p =", /expected a quoted string, a number or a list, found end of input/);
    rejects("status = FAILED", /expected a quoted string, a number or a list, found 'FAILED'/);
    rejects("params.p = `v`", /backticks quote keys/);
    rejects("'status' = 'x'", /expected an identifier, found '''/);
  });

  test("unterminated quotes and lists", () => {
    rejects("params.a = 'open", /unterminated ' quote at position 11/);
    rejects('params.a = "open', /unterminated " quote/);
    rejects("tags.`open = 'x'", /unterminated ` quote at position 5/);
    rejects("run_id IN ('a', 'b'", /unterminated list/);
    rejects("run_id IN ('a' 'b')", /expected ',' or '\)'/);
    rejects("run_id IN ()", /empty list/);
    rejects("run_id IN ('a', 1)", /expected a quoted string in the list, found '1'/);
  });

  test("empty keys and unknown identifiers", () => {
    rejects("metrics. > 1", /empty key after 'metrics.'/);
    rejects('metrics."" > 1', /empty key/);
    rejects("`` = 'x'", /empty key/);
    rejects("Metrics.a > 1", /invalid entity type 'Metrics'/);
    rejects('"metrics".a > 1', /invalid entity type '"metrics"'/);
    rejects("lifecycle_stage = 'active'", /invalid attribute key 'lifecycle_stage'/);
    rejects("experiment_id = '1'", /invalid attribute key 'experiment_id'/);
    rejects("datasets.source = 'x'", /invalid dataset key 'source'/);
  });

  test("comparators and value types per entity", () => {
    rejects("metrics.a LIKE 'x'", /invalid comparator 'LIKE' for metric 'a'/);
    rejects("metrics.a = 'x'", /expected a numeric value for metric 'a', found 'x'/);
    rejects('metrics.a = "1"', /expected a numeric value/);
    rejects("params.p > 'a'", /invalid comparator '>' for param 'p'/);
    rejects("params.p = 1", /expected a quoted string value for param 'p'/);
    rejects("tags.t IN ('a')", /tag 't' does not support comparison with a list/);
    rejects("status > 'a'", /invalid comparator '>' for attribute 'status'/);
    rejects("start_time LIKE 'a'", /invalid comparator 'LIKE' for attribute 'start_time'/);
    rejects("start_time > 'a'", /expected a numeric value for attribute 'start_time'/);
    rejects("end_time > 1.5", /expected an integer value/);
    rejects("run_id IN 'a'", /IN expects a list/);
    rejects("run_id = ('a')", /a list can only be compared with IN or NOT IN/);
    rejects("datasets.name > 'a'", /invalid comparator '>' for dataset 'name'/);
  });

  test("a list for any attribute but run_id", () => {
    rejects("status IN ('a', 'b')", /only the 'run_id' attribute supports comparison with a list.*'status'/);
    rejects("run_name NOT IN ('a')", /only the 'run_id' attribute supports comparison with a list/);
    rejects("metrics.a IN ('1')", /expected a numeric value for metric 'a', found a list/);
  });
});

describe("parseSearchFilter: other resources", () => {
  test("experiments: name, the two timestamps, tags", () => {
    const exp = (f: string) => parseSearchFilter(f, EXPERIMENT_GRAMMAR);
    assert.deepEqual(exp("name LIKE 'exp%' and attribute.creation_time > 5 and tags.team = 'x'"), [
      { type: "attribute", key: "name", comparator: "LIKE", value: "exp%" },
      { type: "attribute", key: "creation_time", comparator: ">", value: 5 },
      { type: "tag", key: "team", comparator: "=", value: "x" },
    ]);
    assert.equal(exp("last_update_time <= 10")[0]!.key, "last_update_time");
    rejects("metrics.a > 1", /invalid entity type 'metrics' for experiments/, EXPERIMENT_GRAMMAR);
    rejects("attributes.name = 'x'", /invalid entity type 'attributes'/, EXPERIMENT_GRAMMAR);
    rejects("experiment_id = '1'", /invalid attribute key 'experiment_id'/, EXPERIMENT_GRAMMAR);
    rejects("name IN ('a')", /attribute 'name' does not support comparison with a list/, EXPERIMENT_GRAMMAR);
    rejects("creation_time LIKE '1'", /invalid comparator 'LIKE'/, EXPERIMENT_GRAMMAR);
  });

  test("registered models: name and tags only", () => {
    const rm = (f: string) => parseSearchFilter(f, REGISTERED_MODEL_GRAMMAR);
    assert.deepEqual(rm("name ILIKE '%Model%' AND tags.`owner` != 'me'"), [
      { type: "attribute", key: "name", comparator: "ILIKE", value: "%Model%" },
      { type: "tag", key: "owner", comparator: "!=", value: "me" },
    ]);
    rejects("name > 'a'", /invalid comparator '>' for attribute 'name'/, REGISTERED_MODEL_GRAMMAR);
    rejects("run_id = 'a'", /invalid attribute key 'run_id'/, REGISTERED_MODEL_GRAMMAR);
    rejects("params.a = 'a'", /invalid entity type 'params'/, REGISTERED_MODEL_GRAMMAR);
  });

  test("model versions: IN (not NOT IN) for run_id only, numeric version and timestamps", () => {
    const mv = (f: string) => parseSearchFilter(f, MODEL_VERSION_GRAMMAR);
    assert.deepEqual(mv("name = 'm' and version_number >= 2 and run_id IN ('r1') and source_path LIKE 's3://%'"), [
      { type: "attribute", key: "name", comparator: "=", value: "m" },
      { type: "attribute", key: "version_number", comparator: ">=", value: 2 },
      { type: "attribute", key: "run_id", comparator: "IN", value: ["r1"] },
      { type: "attribute", key: "source_path", comparator: "LIKE", value: "s3://%" },
    ]);
    assert.equal(mv("creation_timestamp > 1 and last_updated_timestamp < 2 and tags.t = 'x'").length, 3);
    rejects("run_id NOT IN ('a')", /invalid comparator 'NOT IN' for attribute 'run_id'/, MODEL_VERSION_GRAMMAR);
    rejects("name IN ('a')", /only the 'run_id' attribute supports comparison with a list/, MODEL_VERSION_GRAMMAR);
    rejects("version_number = 'a'", /expected a numeric value/, MODEL_VERSION_GRAMMAR);
    rejects("source_path = 1", /expected a quoted string value/, MODEL_VERSION_GRAMMAR);
  });
});
