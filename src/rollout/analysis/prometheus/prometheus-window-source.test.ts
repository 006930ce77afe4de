import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { OutboundPolicy } from "../../../auth/outbound-policy.js";
import { LATENCY_BUCKETS, SCORE_BUCKETS } from "../../../serving/metrics/buckets.js";
import { PrometheusClient } from "./prometheus-client.js";
import { PrometheusWindowSource, perBucket } from "./prometheus-window-source.js";

const outbound = OutboundPolicy.parse(["prom"]);

/** A Prometheus stand-in: answers each query by the first rule whose text it contains. */
function fakePrometheus(rules: [string, unknown[]][]): { fetch: typeof fetch; asked: URLSearchParams[] } {
  const asked: URLSearchParams[] = [];
  const fetchImpl: typeof fetch = async (input) => {
    const params = new URL(String(input)).searchParams;
    asked.push(params);
    const q = params.get("query") ?? "";
    const result = rules.find(([needle]) => q.includes(needle))?.[1] ?? [];
    return Response.json({ status: "success", data: { resultType: "vector", result } });
  };
  return { fetch: fetchImpl, asked };
}

const sample = (value: string, metric: Record<string, string> = {}) => ({ metric, value: [0, value] });

function clockAt(ms: number) {
  const clock = { t: ms, now: () => clock.t };
  return clock;
}

describe("PrometheusWindowSource", () => {
  test("reads counts and turns cumulative le buckets into per-bucket counts", async () => {
    const prom = fakePrometheus([
      ['variant="candidate",status=~"5.."', [sample("2.5")]],
      ['modelworks_requests_total{deployment="churn",variant="candidate"}', [sample("40.5")]],
      ['modelworks_requests_total{deployment="churn",variant="primary"}', [sample("120")]],
      [
        'modelworks_request_duration_seconds_bucket{deployment="churn",variant="candidate"}',
        // Out of order and in Prometheus' spellings, as `sum by (le)` may return them.
        [sample("40.5", { le: "+Inf" }), sample("30", { le: "0.01" }), sample("10", { le: "1e-03" })],
      ],
      [
        'modelworks_prediction_score_bucket{deployment="churn",variant="candidate"}',
        [sample("5", { le: "0.5" }), sample("5", { le: "1" }), sample("5", { le: "+Inf" })],
      ],
    ]);
    const clock = clockAt(1_700_000_000_000);
    const source = new PrometheusWindowSource(new PrometheusClient("http://prom", { outbound, fetch: prom.fetch }), {
      clock,
    });
    const window = await source.open("churn", "candidate");
    clock.t += 60_200;
    const r = await window.read();

    assert.equal(r.durationMs, 60_200);
    assert.deepEqual({ requests: r.candidate.requests, errors: r.candidate.errors }, { requests: 40.5, errors: 2.5 });
    assert.deepEqual(r.candidate.latency, { bounds: [0.001, 0.01], counts: [10, 20, 10.5] });
    assert.deepEqual(r.candidate.scores, { bounds: [0.5, 1], counts: [5, 0, 0] });
    assert.equal(r.primary.requests, 120);
    // The primary has no histogram series: empty, over the serving buckets.
    assert.deepEqual(r.primary.latency.bounds, LATENCY_BUCKETS);
    assert.deepEqual(r.primary.latency.counts, new Array(LATENCY_BUCKETS.length + 1).fill(0));
    assert.deepEqual(r.primary.scores.bounds, SCORE_BUCKETS);
    assert.equal(r.primary.errors, 0);

    // Eight queries, all at the read's instant, over 61 s (60.2 s rounded up).
    assert.equal(prom.asked.length, 8);
    for (const p of prom.asked) {
      assert.equal(p.get("time"), "1700000060.2");
      assert.match(p.get("query") ?? "", /\[61s\]\)/);
    }
    const queries = prom.asked.map((p) => p.get("query"));
    assert.ok(
      queries.includes('sum(increase(modelworks_requests_total{deployment="churn",variant="primary"}[61s]))'),
      queries.join("\n"),
    );
    assert.ok(
      queries.includes(
        'sum by (le) (increase(modelworks_request_duration_seconds_bucket{deployment="churn",variant="candidate"}[61s]))',
      ),
    );
  });

  test("a window read at once covers 1 s; label values are escaped; shadow is the candidate", async () => {
    const prom = fakePrometheus([]);
    const clock = clockAt(5_000);
    const source = new PrometheusWindowSource(new PrometheusClient("http://prom", { outbound, fetch: prom.fetch }), {
      clock,
    });
    const r = await (await source.open('we"ird\\name', "shadow")).read();
    assert.equal(r.durationMs, 0);
    assert.equal(r.candidate.requests, 0);
    const queries = prom.asked.map((p) => p.get("query") ?? "");
    assert.ok(queries.every((q) => q.includes('{deployment="we\\"ird\\\\name",variant=')));
    assert.ok(queries.every((q) => q.includes("[1s]")));
    assert.equal(queries.filter((q) => q.includes('variant="shadow"')).length, 4);
  });

  test("a failing query fails the read", async () => {
    const down: typeof fetch = async () => new Response("no", { status: 502 });
    const source = new PrometheusWindowSource(new PrometheusClient("http://prom", { outbound, fetch: down }), {
      clock: clockAt(0),
    });
    const window = await source.open("churn", "candidate");
    await assert.rejects(window.read(), /HTTP 502/);
  });
});

describe("perBucket", () => {
  test("a dip from separate extrapolation is clamped at zero", () => {
    const h = perBucket(
      [
        { labels: { le: "0.1" }, value: 10.2 },
        { labels: { le: "0.2" }, value: 10 },
        { labels: { le: "+Inf" }, value: 12 },
      ],
      [],
    );
    assert.deepEqual(h.bounds, [0.1, 0.2]);
    assert.deepEqual(
      h.counts.map((c) => Math.round(c * 10) / 10),
      [10.2, 0, 1.8],
    );
  });

  test("without a +Inf bucket the last slot is empty", () => {
    assert.deepEqual(perBucket([{ labels: { le: "1" }, value: 3 }], []), { bounds: [1], counts: [3, 0] });
  });
});
