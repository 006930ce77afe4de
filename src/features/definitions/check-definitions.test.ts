import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DatasetColumns, DatasetColumnsLookup } from "./check-definitions.js";
import { checkDefinitions } from "./check-definitions.js";
import type { ValueType } from "./feature-spec.js";
import { parseDefinitionFiles } from "./parse-definitions.js";

const ENTITIES = `entities:
  - name: customer
    join_keys:
      customer_id: string
    description: A customer
`;

const VIEWS = `sources:
  - name: customer_events
    dataset: churn-events
    timestamp_field: event_time
    created_timestamp_column: created
feature_views:
  - name: customer_stats
    entities: [customer]
    source: customer_events
    ttl: 30d
    tags: {team: growth, tier: 1}
    features:
      tenure: Int64
      monthly_charges: float
      plan: {type: string, description: The plan}
feature_services:
  - name: churn_v1
    features: [customer_stats]
  - name: churn_small
    features: ["customer_stats:tenure"]
`;

const COLUMNS: Record<string, ValueType> = {
  customer_id: "string",
  event_time: "timestamp",
  created: "timestamp",
  tenure: "int",
  monthly_charges: "int",
  plan: "string",
};

function lookup(datasets: Record<string, Record<string, ValueType>>): DatasetColumnsLookup {
  return async (name, version): Promise<DatasetColumns> => {
    const cols = datasets[name];
    if (!cols) return { status: "no-dataset" };
    if (version !== undefined && version > 1) return { status: "no-version", latest: 1 };
    return { status: "ok", version: 1, columns: new Map(Object.entries(cols)) };
  };
}

async function check(
  files: Record<string, string>,
  datasets: Record<string, Record<string, ValueType>> = { "churn-events": COLUMNS },
) {
  const parsed = parseDefinitionFiles(Object.entries(files).map(([path, text]) => ({ path, text })));
  return checkDefinitions(parsed, lookup(datasets));
}

describe("feature definitions: parse and check", () => {
  test("entities, sources, views and services across files, types normalized, sorted by name", async () => {
    const r = await check({ "entities.yaml": ENTITIES, "views.yaml": VIEWS });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.warnings, []);
    const d = r.definitions;
    assert.deepEqual(d.entities, [
      { name: "customer", join_keys: [{ name: "customer_id", type: "string" }], description: "A customer" },
    ]);
    assert.deepEqual(d.sources[0], {
      name: "customer_events",
      dataset: "churn-events",
      timestamp_field: "event_time",
      created_timestamp_column: "created",
    });
    const view = d.feature_views[0];
    assert.equal(view?.ttl_ms, 30 * 86_400_000);
    assert.equal(view?.online, true);
    assert.deepEqual(view?.tags, { team: "growth", tier: "1" });
    assert.deepEqual(view?.features, [
      { name: "tenure", type: "int" },
      { name: "monthly_charges", type: "float" },
      { name: "plan", type: "string", description: "The plan" },
    ]);
    assert.deepEqual(
      d.feature_services.map((s) => s.name),
      ["churn_small", "churn_v1"],
    );
  });

  test("every problem at once, each as file:line: path: message", async () => {
    const bad = `feature_views:
  - name: stats
    entities: [customer, shop]
    source: nowhere
    ttl: soon
    colour: red
    features:
      tenure: integer
      customer_id: string
feature_services:
  - name: svc
    features: [stats, "stats:nope", "ghost:x", "stats:tenure"]
`;
    const r = await check({ "entities.yaml": ENTITIES, "bad.yaml": bad });
    assert.deepEqual(r.problems, [
      "bad.yaml:3: feature_views[0].entities[1]: unknown entity 'shop'",
      "bad.yaml:4: feature_views[0].source: unknown source 'nowhere'",
      "bad.yaml:5: feature_views[0].ttl: expected a duration such as 500ms, 30s or 5m, got 'soon'",
      "bad.yaml:6: feature_views[0].colour: unknown key (expected one of name, entities, source, features, ttl, online, tags, description)",
      "bad.yaml:8: feature_views[0].features.tenure: expected a type: int, float, bool, string, timestamp (or Feast's Int64, Float64, String, Bool, UnixTimestamp), got 'integer'",
      "bad.yaml:9: feature_views[0].features.customer_id: 'customer_id' is a join key of entity 'customer', not a feature",
      "bad.yaml:12: feature_services[0].features[1]: feature view 'stats' has no feature 'nope'",
      "bad.yaml:12: feature_services[0].features[2]: unknown feature view 'ghost'",
      "bad.yaml:12: feature_services[0].features[3]: 'stats:tenure' is selected twice",
    ]);
  });

  test("duplicate names across files and kinds name the first declaration", async () => {
    const again = `entities:
  - name: customer
    join_keys: {id: int}
sources:
  - name: customer_stats
    dataset: other
    timestamp_field: t
`;
    const r = await check({ "entities.yaml": ENTITIES, "views.yaml": VIEWS, "again.yaml": again });
    // Files in the order given, lines in order within a file.
    assert.deepEqual(r.problems, [
      "views.yaml:7: feature_views[0].name: duplicate name 'customer_stats': already a source at again.yaml:5: sources[0].name",
      "again.yaml:2: entities[0].name: duplicate name 'customer': already an entity at entities.yaml:2: entities[0].name",
    ]);
  });

  test("columns are checked against the dataset when it exists: missing, wrong type; an int column serves a float", async () => {
    const r = await check(
      { "entities.yaml": ENTITIES, "views.yaml": VIEWS },
      { "churn-events": { customer_id: "int", event_time: "string", tenure: "float", monthly_charges: "int" } },
    );
    assert.deepEqual(r.problems, [
      "views.yaml:4: sources[0].timestamp_field: column 'event_time' is timestamp here but string in dataset 'churn-events@1'",
      "views.yaml:5: sources[0].created_timestamp_column: column 'created' is not a column of dataset 'churn-events@1'",
      "views.yaml:8: feature_views[0].entities[0]: join key 'customer_id' is string here but int in the dataset 'churn-events' of source 'customer_events'",
      "views.yaml:13: feature_views[0].features.tenure: column 'tenure' is int here but float in the dataset 'churn-events' of source 'customer_events'",
      "views.yaml:15: feature_views[0].features.plan: column 'plan' is not a column of the dataset 'churn-events' of source 'customer_events'",
    ]);
  });

  test("a dataset not added yet is a warning; a missing pinned version is a problem", async () => {
    const r = await check({ "entities.yaml": ENTITIES, "views.yaml": VIEWS }, {});
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.warnings, [
      "views.yaml:3: sources[0].dataset: dataset 'churn-events' does not exist yet; columns not checked",
    ]);
    const pinned = VIEWS.replace("dataset: churn-events", "dataset: churn-events@7");
    const p = await check({ "entities.yaml": ENTITIES, "views.yaml": pinned });
    assert.deepEqual(p.problems, [
      "views.yaml:3: sources[0].dataset: dataset 'churn-events' has no version 7 (latest 1)",
    ]);
    const ok = await check({
      "entities.yaml": ENTITIES,
      "views.yaml": VIEWS.replace("churn-events", "churn-events@1"),
    });
    assert.equal(ok.definitions.sources[0]?.version, 1);
  });

  test("syntax errors, empty files and wrong shapes", async () => {
    const r = await check({
      "broken.yaml": "entities:\n  - name: [unclosed\n",
      "empty.yaml": "",
      "list.yaml": "- a\n- b\n",
      "shapes.yaml":
        "entities: {name: x}\nsources:\n  - name: s\n    dataset: bad/name\n    timestamp_field: t\n    created_timestamp_column: t\n",
    });
    assert.equal(r.problems.length, 6, r.problems.join("\n"));
    assert.match(r.problems[0] as string, /^broken\.yaml:\d+: not valid YAML: /);
    assert.equal(
      r.problems[1],
      "empty.yaml:1: (top level): empty file (expected entities, sources, feature_views, feature_services)",
    );
    assert.equal(r.problems[2], "list.yaml:1: (top level): expected a mapping, got a list");
    assert.equal(r.problems[3], "shapes.yaml:1: entities: expected a list");
    assert.equal(
      r.problems[4],
      "shapes.yaml:4: sources[0].dataset: expected a dataset name or NAME@VERSION, got 'bad/name'",
    );
    assert.equal(r.problems[5], "shapes.yaml:6: sources[0].created_timestamp_column: must differ from timestamp_field");
  });
});
