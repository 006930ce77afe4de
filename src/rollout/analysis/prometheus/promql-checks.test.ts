import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MwError } from "../../../core/errors.js";
import type { InstantQuerier, PromSample } from "./prometheus-client.js";
import { expandPromql, parsePromqlCheck, runPromqlChecks } from "./promql-checks.js";

const VARS = { deployment: "churn-prod", intervalMs: 30_000, variant: "candidate" };

/** Answers each query from a table; unknown queries fail as Prometheus would on bad syntax. */
function querier(answers: Record<string, PromSample[]>, asked: string[] = []): InstantQuerier {
  return {
    query: async (q) => {
      asked.push(q);
      const a = answers[q];
      if (!a)
        throw new MwError("INVALID_PARAMETER_VALUE", `Prometheus query (${q}) failed: bad_data: parse error\nat 1:3`);
      return a;
    },
  };
}

const one = (value: number): PromSample[] => [{ labels: {}, value }];

describe("runPromqlChecks", () => {
  test("substitutes the placeholders and passes a value within its bound", async () => {
    const asked: string[] = [];
    const q = 'sum(rate(x{deployment="churn-prod",variant="candidate"}[30s]))';
    const [r] = await runPromqlChecks(
      querier({ [q]: one(0.02) }, asked),
      [
        {
          name: "err",
          query: 'sum(rate(x{deployment="{{deployment}}",variant="{{variant}}"}[{{interval}}]))',
          max: 0.05,
        },
      ],
      VARS,
    );
    assert.deepEqual(asked, [q]);
    assert.deepEqual(r, {
      check: "promql:err",
      passed: true,
      value: 0.02,
      threshold: 0.05,
      detail: "err = 0.02 (at most 0.05)",
    });
  });

  test("bounds: max, min and both", async () => {
    const client = querier({ a: one(7), b: one(7), c: one(7) });
    const results = await runPromqlChecks(
      client,
      [
        { name: "over", query: "a", max: 5 },
        { name: "under", query: "b", min: 10 },
        { name: "between", query: "c", min: 5, max: 10 },
      ],
      VARS,
    );
    assert.deepEqual(
      results.map((r) => [r.check, r.passed, r.threshold]),
      [
        ["promql:over", false, 5],
        ["promql:under", false, 10],
        ["promql:between", true, 10],
      ],
    );
    assert.equal(results[1]?.detail, "under = 7 (at least 10)");
    assert.equal(results[2]?.detail, "between = 7 (expected 5 to 10)");
  });

  test("no value, NaN, several series and a query error each fail the check", async () => {
    const client = querier({
      empty: [],
      nan: one(Number.NaN),
      many: [
        { labels: { pod: "a" }, value: 1 },
        { labels: { pod: "b" }, value: 2 },
      ],
    });
    const specs = ["empty", "nan", "many", "bad("].map((query, i) => ({ name: `c${i}`, query, max: 1 }));
    const results = await runPromqlChecks(client, specs, VARS);
    assert.ok(results.every((r) => !r.passed && r.threshold === 1 && Number.isNaN(r.value)));
    assert.equal(results[0]?.detail, "c0 returned no values; expected one number");
    assert.equal(results[1]?.detail, "c1 returned NaN; expected a finite number");
    assert.equal(results[2]?.detail, "c2 returned 2 series; expected one number");
    assert.equal(
      results[3]?.detail,
      "c3 could not be evaluated: Prometheus query (bad() failed: bad_data: parse error at 1:3",
    );
  });

  test("placeholder values are escaped for the quoted matchers they sit in", () => {
    const q = expandPromql('x{deployment="{{deployment}}"}[{{interval}}]', {
      ...VARS,
      deployment: 'a"b',
      intervalMs: 1500,
    });
    assert.equal(q, 'x{deployment="a\\"b"}[2s]');
  });
});

describe("parsePromqlCheck", () => {
  test("splits at the last <= or >=", () => {
    assert.deepEqual(parsePromqlCheck('p99=histogram_quantile(0.99, x{le!="1"}) <= 0.25'), {
      name: "p99",
      query: 'histogram_quantile(0.99, x{le!="1"})',
      max: 0.25,
    });
    assert.deepEqual(parsePromqlCheck("ok=sum(x) >= bool 1 >=0.5"), {
      name: "ok",
      query: "sum(x) >= bool 1",
      min: 0.5,
    });
    assert.deepEqual(parsePromqlCheck("rate=x<=1e-3"), { name: "rate", query: "x", max: 0.001 });
  });

  test("bad input names --promql and what is wrong", () => {
    const cases: [string, RegExp][] = [
      ["sum(x)<=1", /NAME must be/],
      ["=sum(x)<=1", /NAME must be/],
      ["a b=sum(x)<=1", /NAME must be/],
      ["err=sum(x)", /no '<=' or '>=' bound/],
      ["err=<=1", /the query is empty/],
      ["err=sum(x)<=", /bound '' is not a finite number/],
      ["err=sum(x)<=abc", /bound 'abc' is not a finite number/],
      ["err=sum(x)>=Infinity", /not a finite number/],
    ];
    for (const [text, why] of cases) {
      assert.throws(
        () => parsePromqlCheck(text),
        (e: unknown) =>
          e instanceof MwError &&
          e.code === "INVALID_PARAMETER_VALUE" &&
          /--promql/.test(e.message) &&
          why.test(e.message),
        text,
      );
    }
  });
});
