import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ServingMetrics, type VariantLabels } from "./serving-metrics.js";
import { type PrometheusServer, prometheusAvailable, startPrometheus } from "./test-support/prometheus.js";
import { skipUnlessAvailable } from "./test-support/skip.js";

const LABELS: VariantLabels = { deployment: "churn", model: "churn-gbdt", version: "3", variant: "primary" };

/** Serves the metrics' exposition text at /metrics, as the inference server will. */
async function serveMetrics(metrics: ServingMetrics): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    metrics.text().then(
      (text) => res.writeHead(200, { "content-type": metrics.contentType }).end(text),
      (e: unknown) => res.writeHead(500).end(String(e)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

/** Simulated traffic: 1–4 ms requests, mostly 200s, until stopped. */
function simulateTraffic(metrics: ServingMetrics): () => void {
  const timer = setInterval(() => {
    for (let i = 0; i < 50; i++) {
      metrics.observeRequest(LABELS, "mlflow", i % 25 === 0 ? 500 : 200, 0.001 + Math.random() * 0.003);
    }
  }, 20);
  return () => clearInterval(timer);
}

/** The value of a one-element instant-vector result, or undefined when it has no data yet. */
function scalarOf(result: unknown): number | undefined {
  if (!Array.isArray(result) || result.length !== 1) return undefined;
  const value = (result[0] as { value?: [number, string] }).value;
  return value ? Number(value[1]) : undefined;
}

/** Polls a query until `accept` holds for its value (rates need two scrapes in the window). */
async function pollQuery(prom: PrometheusServer, promql: string, accept: (v: number) => boolean): Promise<number> {
  const deadline = Date.now() + 20_000;
  let last: unknown;
  while (Date.now() < deadline) {
    last = await prom.query(promql);
    const v = scalarOf(last);
    if (v !== undefined && accept(v)) return v;
    await sleep(500);
  }
  throw new Error(`${promql}: no acceptable value in 20 s; last result ${JSON.stringify(last)}`);
}

test("Prometheus scrapes ServingMetrics and computes a request rate and a p99", {
  skip: skipUnlessAvailable(prometheusAvailable(), "/usr/bin/prometheus"),
  timeout: 60_000,
}, async () => {
  const metrics = new ServingMetrics();
  const stopTraffic = simulateTraffic(metrics);
  const server = await serveMetrics(metrics);
  let prom: PrometheusServer | undefined;
  try {
    const { port } = server.address() as AddressInfo;
    prom = await startPrometheus({ targets: [`127.0.0.1:${port}`], scrapeIntervalSeconds: 1 });
    await prom.waitForTarget();
    const rate = await pollQuery(prom, "sum(rate(modelworks_requests_total[10s]))", (v) => v > 0);
    assert.ok(rate > 0);
    const p99 = await pollQuery(
      prom,
      "histogram_quantile(0.99, sum by (le) (rate(modelworks_request_duration_seconds_bucket[10s])))",
      Number.isFinite,
    );
    // Every simulated request took 1–4 ms, so p99 interpolates inside the 2.5–5 ms bucket.
    assert.ok(p99 > 0.0025 && p99 <= 0.005, `p99 ${p99}`);
  } finally {
    stopTraffic();
    await prom?.stop();
    await new Promise((resolve) => server.close(resolve));
  }
});
