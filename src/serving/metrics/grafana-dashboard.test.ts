import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ServingMetrics } from "./serving-metrics.js";
import { exerciseAll } from "./test-support/exercise.js";
import { exposedNames } from "./test-support/exposition.js";
import { metricNamesIn, metricNamesInVariable } from "./test-support/promql-names.js";
import { checkExpressions, findPromtool } from "./test-support/promtool.js";
import { skipUnlessAvailable } from "./test-support/skip.js";

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}

interface Dashboard {
  schemaVersion: number;
  __inputs: { name: string; type: string; pluginId: string }[];
  panels: Panel[];
  templating: { list: { name: string; query: { query: string } }[] };
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's import placeholder, filled in at import time.
const DS_UID = "${DS_PROMETHEUS}";

const dashboard = JSON.parse(
  readFileSync(new URL("../../../deploy/grafana/modelworks-serving.json", import.meta.url), "utf8"),
) as Dashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== "row");

test("PromQL name extraction skips functions, labels, ranges and variables", () => {
  assert.deepEqual(
    metricNamesIn(
      'histogram_quantile(0.99, sum by (le, variant) (rate(a_bucket{x=~"$v", s="5.."}[$__rate_interval])))\n/ on (variant) group_left b_total * 1e3 > bool 0.5',
    ),
    ["a_bucket", "b_total"],
  );
  assert.deepEqual(metricNamesInVariable('label_values(m_total{d=~"$d"}, variant)'), ["m_total"]);
});

test("the Grafana dashboard only queries metrics that ServingMetrics exposes", async () => {
  const m = new ServingMetrics();
  exerciseAll(m);
  const exposed = exposedNames(await m.text());
  const used = new Set<string>();
  for (const panel of panels) {
    assert.ok(panel.targets && panel.targets.length > 0, `panel "${panel.title}" has no query`);
    for (const { expr } of panel.targets) {
      const names = metricNamesIn(expr);
      assert.ok(names.length > 0, `no metric in "${expr}"`);
      for (const name of names) {
        assert.ok(exposed.has(name), `panel "${panel.title}" queries ${name}, which is not exposed`);
        used.add(name);
      }
    }
  }
  for (const v of dashboard.templating.list) {
    for (const name of metricNamesInVariable(v.query.query))
      assert.ok(exposed.has(name), `variable ${v.name}: ${name}`);
  }
  // The panels the issue asks for are there.
  for (const name of [
    "modelworks_requests_total",
    "modelworks_request_duration_seconds_bucket",
    "modelworks_prediction_score_bucket",
    "modelworks_deployment_candidate_weight",
    "modelworks_requests_in_flight",
    "modelworks_model_loads_total",
    "modelworks_model_load_failures_total",
    "modelworks_prediction_log_queue_rows",
    "modelworks_prediction_log_dropped_rows_total",
  ]) {
    assert.ok(used.has(name), `no panel shows ${name}`);
  }
});

test("the dashboard is importable: a Prometheus datasource input, unique ids, schema 39", () => {
  assert.equal(dashboard.schemaVersion, 39);
  assert.deepEqual(
    dashboard.__inputs.map((i) => [i.name, i.type, i.pluginId]),
    [["DS_PROMETHEUS", "datasource", "prometheus"]],
  );
  const ids = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const panel of panels) {
    assert.equal(panel.datasource?.uid, DS_UID, panel.title);
    for (const t of panel.targets ?? []) assert.equal(t.datasource?.uid, DS_UID, panel.title);
  }
});

/** Grafana's variables replaced by values Prometheus accepts. */
function substituteVariables(expr: string): string {
  return expr
    .replace(/\$__rate_interval/g, "1m")
    .replace(/\$__range/g, "1h")
    .replace(/\$\w+/g, ".*");
}

test("every dashboard query is valid PromQL", { skip: skipUnlessAvailable(!!findPromtool(), "promtool") }, () => {
  const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => substituteVariables(t.expr)));
  const { status, output } = checkExpressions(exprs);
  assert.equal(status, 0, output);
  assert.match(output, new RegExp(`SUCCESS: ${exprs.length} rules found`));
});
