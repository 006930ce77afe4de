/**
 * End to end against a real Prometheus scraping a real serving app with a primary and a candidate
 * (which fails on one kind of input): the window reading counts what was sent, per variant, and
 * PromQL checks pass or fail on the same data.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { OutboundPolicy } from "../../../auth/outbound-policy.js";
import { systemClock } from "../../../core/clock.js";
import { TELCO_CSV } from "../../../core/test-support/shared-data.js";
import { readTable } from "../../../data/read-table.js";
import { valueAt } from "../../../data/table.js";
import type { Predictor } from "../../../learn/package/load-model.js";
import { predictorFor } from "../../../learn/package/load-model.js";
import { fitTelcoPackage, telcoRecord } from "../../../learn/test-support/telco-models.js";
import type { PrometheusServer } from "../../../serving/metrics/test-support/prometheus.js";
import { prometheusAvailable, startPrometheus } from "../../../serving/metrics/test-support/prometheus.js";
import { skipUnlessAvailable } from "../../../serving/metrics/test-support/skip.js";
import { deploymentOf, testServingApp } from "../../../serving/test-support/static-runtime.js";
import type { BucketCounts } from "../bucket-quantile.js";
import { checkWindow } from "../window-checks.js";
import type { WindowReading } from "../window-source.js";
import { PrometheusClient } from "./prometheus-client.js";
import { PrometheusWindowSource } from "./prometheus-window-source.js";
import { parsePromqlCheck, runPromqlChecks } from "./promql-checks.js";

const DEPLOYMENT = "churn-prod";
/** A tenure no customer has: the candidate fails on it, the primary scores it. */
const BAD_TENURE = 999;

/** `inner`, failing any request with a row of tenure {@link BAD_TENURE} (no row scorer: the general path). */
function failingOnBadTenure(inner: Predictor): Predictor {
  return {
    algo: inner.algo,
    signature: inner.signature,
    predict: (t) => {
      const c = t.column("tenure");
      for (let i = 0; c && i < t.numRows; i++) if (valueAt(c, i) === BAD_TENURE) throw new Error("bad tenure");
      return inner.predict(t);
    },
  };
}

/** Polls `read` until `ok` holds; fails with the last value at the deadline. */
async function eventually<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 40_000;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await sleep(250);
  }
  throw new Error(`${what}: not reached before the deadline; last ${JSON.stringify(last)}`);
}

/** What the app answered: requests per variant (a 500 can only be the candidate's). */
class Sent {
  primary = 0;
  candidate = 0;
  candidateErrors = 0;
  get total(): number {
    return this.primary + this.candidate;
  }
}

function total(h: BucketCounts): number {
  return h.counts.reduce((a, b) => a + b, 0);
}

test("a Prometheus window counts each variant's requests, errors, latencies and scores; PromQL checks judge them", {
  skip: skipUnlessAvailable(prometheusAvailable(), "/usr/bin/prometheus"),
  timeout: 120_000,
}, async () => {
  const telco = await readTable(TELCO_CSV);
  const base = predictorFor(await fitTelcoPackage(telco, 20));
  const { app } = await testServingApp(
    deploymentOf({ name: DEPLOYMENT, primary: "churn/1", candidate: "churn/2", candidateWeight: 50 }),
    [
      { name: "churn", version: "1", predictor: base },
      { name: "churn", version: "2", predictor: failingOnBadTenure(base) },
    ],
  );
  await app.listen({ host: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const good = JSON.stringify({ dataframe_records: [telcoRecord(telco, 0)] });
  const bad = JSON.stringify({ dataframe_records: [{ ...telcoRecord(telco, 0), tenure: BAD_TENURE }] });
  const sent = new Sent();
  const send = async (body: string) => {
    const res = await fetch(`${url}/invocations`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
    });
    await res.arrayBuffer();
    if (res.status === 500) sent.candidateErrors++;
    const variant = res.status === 500 ? "candidate" : res.headers.get("x-modelworks-variant");
    assert.ok(res.status === 200 || res.status === 500, `status ${res.status}`);
    if (variant === "primary") sent.primary++;
    else if (variant === "candidate") sent.candidate++;
    else assert.fail(`answered by ${variant}`);
  };

  let prom: PrometheusServer | undefined;
  try {
    prom = await startPrometheus({ targets: [new URL(url).host], scrapeIntervalSeconds: 1 });
    await prom.waitForTarget();
    const client = new PrometheusClient(prom.url, { outbound: OutboundPolicy.parse([new URL(prom.url).host]) });
    const scrapedTotal = async () =>
      (await client.query(`sum(modelworks_requests_total{deployment="${DEPLOYMENT}"})`))[0]?.value ?? 0;
    const lastScrape = async () =>
      (await client.query(`max(timestamp(modelworks_requests_total{deployment="${DEPLOYMENT}"}))`))[0]?.value ?? 0;

    // increase() ignores a series' first sample, so every series must exist before the window
    // opens: both variants answered, the candidate failed once.
    for (
      let i = 0;
      i < 500 && !(sent.primary > 0 && sent.candidate > sent.candidateErrors && sent.candidateErrors > 0);
      i++
    )
      await send(i % 2 === 0 ? good : bad);
    const warm = { primary: sent.primary, candidate: sent.candidate, errors: sent.candidateErrors };
    await eventually("warm-up scraped", scrapedTotal, (v) => v === sent.total);

    const source = new PrometheusWindowSource(client, { clock: systemClock });
    const opened = Date.now() / 1000;
    const window = await source.open(DEPLOYMENT, "candidate");
    // A sample inside the window from before its traffic, so increase() sees all of that traffic.
    await eventually("a scrape after the window opened", lastScrape, (t) => t > opened);

    for (let i = 0; i < 240; i++) await send(i % 3 === 0 ? bad : good);
    const inWindow = {
      primary: sent.primary - warm.primary,
      candidate: sent.candidate - warm.candidate,
      errors: sent.candidateErrors - warm.errors,
    };
    await eventually("window traffic scraped", scrapedTotal, (v) => v === sent.total);

    // increase() extrapolates to the range's edges, by up to one scrape interval in the range's
    // length: a few percent high, never low. The reading settles into 15 % as the window grows.
    const near = (v: number, expected: number) => v >= expected - 0.01 && v <= expected * 1.15;
    const settled = (r: WindowReading) =>
      near(r.primary.requests, inWindow.primary) &&
      near(r.candidate.requests, inWindow.candidate) &&
      near(r.candidate.errors, inWindow.errors) &&
      near(total(r.primary.latency), inWindow.primary) &&
      near(total(r.candidate.latency), inWindow.candidate) &&
      near(total(r.primary.scores), inWindow.primary) &&
      near(total(r.candidate.scores), inWindow.candidate - inWindow.errors);
    const reading = await eventually(`a reading near ${JSON.stringify(inWindow)}`, () => window.read(), settled);
    assert.equal(reading.primary.errors, 0);
    assert.ok(inWindow.candidate >= 20 && inWindow.errors > 0, JSON.stringify(inWindow));

    // The built-in checks see the candidate's errors.
    const verdicts = new Map(checkWindow(reading.primary, reading.candidate).map((c) => [c.check, c.passed]));
    assert.equal(verdicts.get("traffic"), true);
    assert.equal(verdicts.get("error-rate"), false);

    const errorRate =
      'sum(increase(modelworks_requests_total{deployment="{{deployment}}",variant="{{variant}}",status=~"5.."}[{{interval}}]))' +
      ' / sum(increase(modelworks_requests_total{deployment="{{deployment}}",variant="{{variant}}"}[{{interval}}]))';
    const results = await runPromqlChecks(
      client,
      [
        { name: "errors-loose", query: errorRate, max: 0.5 },
        { name: "errors-strict", query: errorRate, max: 0.1 },
        parsePromqlCheck(
          `p99=histogram_quantile(0.99, sum by (le) (rate(modelworks_request_duration_seconds_bucket{deployment="{{deployment}}",variant="{{variant}}"}[{{interval}}])))<=1`,
        ),
        {
          name: "shadow",
          query: 'sum(modelworks_requests_total{deployment="{{deployment}}",variant="shadow"})',
          min: 1,
        },
        { name: "broken", query: "sum(modelworks_requests_total", max: 1 },
      ],
      { deployment: DEPLOYMENT, intervalMs: reading.durationMs, variant: "candidate" },
    );
    const byName = new Map(results.map((r) => [r.check, r]));
    const loose = byName.get("promql:errors-loose");
    assert.equal(loose?.passed, true, loose?.detail);
    assert.ok(Math.abs((loose?.value ?? 0) - inWindow.errors / inWindow.candidate) < 0.05, loose?.detail);
    assert.equal(byName.get("promql:errors-strict")?.passed, false);
    assert.equal(byName.get("promql:p99")?.passed, true, byName.get("promql:p99")?.detail);
    assert.equal(byName.get("promql:shadow")?.passed, false);
    assert.match(byName.get("promql:shadow")?.detail ?? "", /no values/);
    assert.equal(byName.get("promql:broken")?.passed, false);
    assert.match(byName.get("promql:broken")?.detail ?? "", /could not be evaluated: .*bad_data/);
  } finally {
    await prom?.stop();
    await app.close();
  }
});
