import assert from "node:assert/strict";
import { test } from "node:test";
import { register } from "prom-client";
import { SCORE_BUCKETS } from "./buckets.js";
import { ServingMetrics, type VariantLabels } from "./serving-metrics.js";
import { exerciseAll } from "./test-support/exercise.js";
import { samplesOf, sampleValue } from "./test-support/exposition.js";
import { checkMetrics, findPromtool } from "./test-support/promtool.js";
import { skipUnlessAvailable } from "./test-support/skip.js";

const PRIMARY: VariantLabels = { deployment: "churn", model: "churn-gbdt", version: "3", variant: "primary" };
const CANDIDATE: VariantLabels = { deployment: "churn", model: "churn-gbdt", version: "4", variant: "candidate" };

test("requests are counted by variant, protocol and status", async () => {
  const m = new ServingMetrics();
  m.observeRequest(PRIMARY, "mlflow", 200, 0.001);
  m.observeRequest(PRIMARY, "mlflow", 200, 0.002);
  m.observeRequest(PRIMARY, "v2", 400, 0.0001);
  m.observeRequest(CANDIDATE, "mlflow", 503, 0.01);
  const text = await m.text();
  const requests = (labels: Record<string, string>) => sampleValue(text, "modelworks_requests_total", labels);
  assert.equal(requests({ ...PRIMARY, protocol: "mlflow", status: "200" }), 2);
  assert.equal(requests({ ...PRIMARY, protocol: "v2", status: "400" }), 1);
  assert.equal(requests({ ...CANDIDATE, protocol: "mlflow", status: "503" }), 1);
  assert.equal(samplesOf(text, "modelworks_requests_total").length, 3);
});

test("the duration histogram counts each request in its sub-millisecond bucket", async () => {
  const m = new ServingMetrics();
  for (const s of [0.00005, 0.0001, 0.0003, 0.0009, 0.0012, 3, Number.NaN]) m.observeRequest(PRIMARY, "v2", 200, s);
  const text = await m.text();
  const labels = { ...PRIMARY, protocol: "v2" };
  const bucket = (le: string) => sampleValue(text, "modelworks_request_duration_seconds_bucket", { ...labels, le });
  // Cumulative, and `le` is inclusive: 0.0001 falls in the first bucket.
  assert.equal(bucket("0.0001"), 2);
  assert.equal(bucket("0.00025"), 2);
  assert.equal(bucket("0.0005"), 3);
  assert.equal(bucket("0.001"), 4);
  assert.equal(bucket("0.0025"), 5);
  assert.equal(bucket("2.5"), 5);
  assert.equal(bucket("5"), 6);
  assert.equal(bucket("+Inf"), 6);
  // The NaN duration is dropped, but its request still counts.
  assert.equal(sampleValue(text, "modelworks_request_duration_seconds_count", labels), 6);
  assert.ok(Math.abs(sampleValue(text, "modelworks_request_duration_seconds_sum", labels) - 3.00255) < 1e-12);
  assert.equal(sampleValue(text, "modelworks_requests_total", { ...labels, status: "200" }), 7);
});

test("scores fill 0.05-wide buckets, NaN skipped, and every row is counted", async () => {
  const m = new ServingMetrics();
  m.observeScores(PRIMARY, Float64Array.from([0.01, 0.05, 0.07, 0.5, 0.99, Number.NaN]));
  m.observeScores(PRIMARY, Float64Array.from([1]));
  m.observeScores(CANDIDATE, new Float64Array(0));
  const text = await m.text();
  const bucket = (le: string) => sampleValue(text, "modelworks_prediction_score_bucket", { ...PRIMARY, le });
  assert.equal(samplesOf(text, "modelworks_prediction_score_bucket", PRIMARY).length, SCORE_BUCKETS.length + 1);
  assert.equal(bucket("0.05"), 2);
  assert.equal(bucket("0.1"), 3);
  assert.equal(bucket("0.45"), 3);
  assert.equal(bucket("0.5"), 4);
  assert.equal(bucket("0.95"), 4);
  assert.equal(bucket("1"), 6);
  assert.equal(sampleValue(text, "modelworks_prediction_score_count", PRIMARY), 6);
  assert.equal(sampleValue(text, "modelworks_rows_scored_total", PRIMARY), 7);
  assert.equal(sampleValue(text, "modelworks_rows_scored_total", CANDIDATE), 0);
});

test("the in-flight gauge follows started and finished requests per deployment", async () => {
  const m = new ServingMetrics();
  m.requestStarted("churn");
  m.requestStarted("churn");
  m.requestStarted("fraud");
  m.requestFinished("churn");
  const text = await m.text();
  assert.equal(sampleValue(text, "modelworks_requests_in_flight", { deployment: "churn" }), 1);
  assert.equal(sampleValue(text, "modelworks_requests_in_flight", { deployment: "fraud" }), 1);
  m.requestFinished("churn");
  assert.equal(sampleValue(await m.text(), "modelworks_requests_in_flight", { deployment: "churn" }), 0);
});

test("model loads and load failures are counted", async () => {
  const m = new ServingMetrics();
  m.modelLoaded({ deployment: "churn", model: "churn-gbdt", version: "3" });
  m.modelLoaded({ deployment: "churn", model: "churn-gbdt", version: "3" });
  m.modelLoadFailed({ deployment: "churn", model: "churn-gbdt" });
  const text = await m.text();
  assert.equal(sampleValue(text, "modelworks_model_loads_total", { version: "3" }), 2);
  assert.equal(sampleValue(text, "modelworks_model_load_failures_total", { deployment: "churn" }), 1);
});

test("setServing publishes what is served and removes the series of what no longer is", async () => {
  const m = new ServingMetrics();
  m.setServing("churn", [{ variant: "primary", model: "churn-gbdt", version: "3" }], 0);
  m.setServing("fraud", [{ variant: "primary", model: "fraud", version: "1" }], 0);
  m.setServing(
    "churn",
    [
      { variant: "primary", model: "churn-gbdt", version: "3" },
      { variant: "candidate", model: "churn-gbdt", version: "4" },
    ],
    25,
  );
  let text = await m.text();
  assert.equal(sampleValue(text, "modelworks_deployment_candidate_weight", { deployment: "churn" }), 25);
  assert.equal(sampleValue(text, "modelworks_deployment_info", CANDIDATE), 1);
  assert.equal(samplesOf(text, "modelworks_deployment_info").length, 3);

  // Promotion: version 4 becomes the primary; both version 3 and the candidate series go.
  m.setServing("churn", [{ variant: "primary", model: "churn-gbdt", version: "4" }], 0);
  text = await m.text();
  const churn = samplesOf(text, "modelworks_deployment_info", { deployment: "churn" });
  assert.deepEqual(
    churn.map((s) => [s.labels.variant, s.labels.version, s.value]),
    [["primary", "4", 1]],
  );
  assert.equal(sampleValue(text, "modelworks_deployment_info", { deployment: "fraud" }), 1);
  assert.equal(sampleValue(text, "modelworks_deployment_candidate_weight", { deployment: "churn" }), 0);
});

test("prediction-log figures are read from the callback at each scrape", async () => {
  const m = new ServingMetrics();
  assert.equal(sampleValue(await m.text(), "modelworks_prediction_log_written_rows_total"), 0);
  let stats = { queuedRows: 7, droppedRows: 2, writtenRows: 100 };
  let reads = 0;
  m.setLogStats(() => {
    reads++;
    if (stats.queuedRows < 0) throw new Error("writer closed");
    return stats;
  });
  assert.equal(reads, 0, "nothing is read before a scrape");
  let text = await m.text();
  assert.ok(reads > 0);
  assert.equal(sampleValue(text, "modelworks_prediction_log_queue_rows"), 7);
  assert.equal(sampleValue(text, "modelworks_prediction_log_dropped_rows_total"), 2);
  assert.equal(sampleValue(text, "modelworks_prediction_log_written_rows_total"), 100);
  stats = { queuedRows: 0, droppedRows: 5, writtenRows: 250 };
  text = await m.text();
  assert.equal(sampleValue(text, "modelworks_prediction_log_queue_rows"), 0);
  assert.equal(sampleValue(text, "modelworks_prediction_log_dropped_rows_total"), 5);
  assert.equal(sampleValue(text, "modelworks_prediction_log_written_rows_total"), 250);
  // A failing reader keeps the last figures instead of failing the scrape.
  stats = { queuedRows: -1, droppedRows: 0, writtenRows: 0 };
  assert.equal(sampleValue(await m.text(), "modelworks_prediction_log_written_rows_total"), 250);
});

test("each instance has its own registry and the global one stays empty", async () => {
  const a = new ServingMetrics();
  const b = new ServingMetrics();
  a.observeRequest(PRIMARY, "mlflow", 200, 0.001);
  assert.equal(samplesOf(await b.text(), "modelworks_requests_total").length, 0);
  assert.equal(samplesOf(await register.metrics(), "modelworks_requests_total").length, 0);
  assert.match(a.contentType, /^text\/plain; version=0\.0\.4/);
  assert.equal(a.contentType, a.registry.contentType);
  assert.ok((await a.text()).includes("process_resident_memory_bytes "));
});

test("promtool check metrics accepts the exposition", {
  skip: skipUnlessAvailable(!!findPromtool(), "promtool"),
}, async () => {
  const m = new ServingMetrics();
  exerciseAll(m);
  const { status, output } = checkMetrics(await m.text());
  assert.equal(status, 0, output);
});
