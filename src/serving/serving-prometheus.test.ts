import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { TELCO_CSV } from "../core/test-support/shared-data.js";
import { readTable } from "../data/read-table.js";
import { predictorFor } from "../learn/package/load-model.js";
import { fitTelcoPackage, telcoRecord } from "../learn/test-support/telco-models.js";
import type { PrometheusServer } from "./metrics/test-support/prometheus.js";
import { prometheusAvailable, startPrometheus } from "./metrics/test-support/prometheus.js";
import { skipUnlessAvailable } from "./metrics/test-support/skip.js";
import { deploymentOf, testServingApp } from "./test-support/static-runtime.js";

/** Polls an instant query until every series satisfies `accept`; returns value by `variant` label. */
async function pollByVariant(
  prom: PrometheusServer,
  promql: string,
  accept: (byVariant: Map<string, number>) => boolean,
): Promise<Map<string, number>> {
  const deadline = Date.now() + 30_000;
  let last: unknown;
  while (Date.now() < deadline) {
    last = await prom.query(promql);
    const byVariant = new Map<string, number>();
    for (const s of last as { metric: { variant?: string }; value: [number, string] }[])
      byVariant.set(s.metric.variant ?? "", Number(s.value[1]));
    if (accept(byVariant)) return byVariant;
    await sleep(500);
  }
  throw new Error(`${promql}: no acceptable value in 30 s; last result ${JSON.stringify(last)}`);
}

test("Prometheus scrapes a running inference server: request rate and p99 latency per variant", {
  skip: skipUnlessAvailable(prometheusAvailable(), "/usr/bin/prometheus"),
  timeout: 90_000,
}, async () => {
  const telco = await readTable(TELCO_CSV);
  const v1 = { name: "churn", version: "1", predictor: predictorFor(await fitTelcoPackage(telco, 50)) };
  const v2 = { ...v1, version: "2" };
  const { app } = await testServingApp(
    deploymentOf({ name: "churn-prod", primary: "churn/1", candidate: "churn/2", candidateWeight: 25 }),
    [v1, v2],
  );
  await app.listen({ host: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const row = telcoRecord(telco, 0);
  const body = JSON.stringify({ dataframe_records: [row] });
  let running = true;
  const traffic = (async () => {
    while (running) {
      const res = await fetch(`${url}/invocations`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      await sleep(2);
    }
  })();
  let prom: PrometheusServer | undefined;
  try {
    prom = await startPrometheus({ targets: [new URL(url).host], scrapeIntervalSeconds: 1 });
    await prom.waitForTarget();
    const both = (m: Map<string, number>) =>
      m.has("primary") && m.has("candidate") && [...m.values()].every((v) => v > 0);
    const rate = await pollByVariant(
      prom,
      'sum by (variant) (rate(modelworks_requests_total{deployment="churn-prod",status="200"}[10s]))',
      both,
    );
    // A quarter of the traffic goes to the candidate (random split, so only roughly).
    const share =
      (rate.get("candidate") as number) / ((rate.get("candidate") as number) + (rate.get("primary") as number));
    assert.ok(share > 0.1 && share < 0.45, `candidate share ${share}`);
    const p99 = await pollByVariant(
      prom,
      'histogram_quantile(0.99, sum by (le, variant) (rate(modelworks_request_duration_seconds_bucket{deployment="churn-prod"}[10s])))',
      (m) => both(m) && [...m.values()].every(Number.isFinite),
    );
    for (const [variant, seconds] of p99) assert.ok(seconds > 0 && seconds < 1, `${variant} p99 ${seconds}`);
  } finally {
    running = false;
    await traffic;
    await prom?.stop();
    await app.close();
  }
});
