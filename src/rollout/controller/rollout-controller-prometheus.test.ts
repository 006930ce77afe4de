/**
 * The controller with `prometheus` in a rollout's spec: windows are read from a (fake, local HTTP)
 * Prometheus through PrometheusWindowSource, and the spec's PromQL checks join the analysis.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { CaptureServer } from "../../core/test-support/capture-server.js";
import { captureServer, deadUrl } from "../../core/test-support/capture-server.js";
import type { CheckResult } from "../analysis/window-checks.js";
import type { PromqlCheckSpec } from "../rollout.js";
import type { Harness } from "../test-support/controller-harness.js";
import { DEPLOYMENT, openHarness } from "../test-support/controller-harness.js";
import type { RolloutController } from "./rollout-controller.js";

/** Long enough that `{{interval}}` and the window's range read as `30s`. */
const INTERVAL = 30_000;

/** What one variant did, as the window queries' answers: counts and cumulative `le` buckets. */
interface Figures {
  requests: number;
  errors: number;
  latency: [le: string, cumulative: number][];
  scores: [le: string, cumulative: number][];
}

/** `n` requests, all between 5 and 10 ms, scores spread evenly over the 20 score buckets. */
function figures(n: number, over: Partial<Figures> = {}): Figures {
  const scoreBounds = Array.from({ length: 20 }, (_, i) => String(((i + 1) * 5) / 100));
  return {
    requests: n,
    errors: 0,
    latency: [
      ["0.005", 0],
      ["0.01", n],
      ["0.025", n],
      ["+Inf", n],
    ],
    scores: [...scoreBounds.map((le, i): [string, number] => [le, (n * (i + 1)) / 20]), ["+Inf", n]],
    ...over,
  };
}

/** One query the fake Prometheus was asked. */
interface Asked {
  query: string;
  time: string | null;
}

/**
 * A Prometheus on a local port answering `/api/v1/query` by the query's text: custom checks by the
 * first rule whose needle the query contains, window queries from the figures of the variant they name.
 */
class FakePrometheus {
  readonly variants: Record<string, Figures> = { primary: figures(1000), candidate: figures(200) };
  /** Custom check answers: needle → sample values (`[]` is an empty vector). */
  readonly rules = new Map<string, string[]>();
  /** An HTTP status other than 200 fails every query with that status. */
  status = 200;
  /** When set, only queries containing this fail with {@link status}. */
  failOnly: string | undefined;
  private constructor(private readonly server: CaptureServer) {}

  static async start(): Promise<FakePrometheus> {
    let self: FakePrometheus | undefined;
    const server = await captureServer((req, res) => {
      const { status, body } = (self as FakePrometheus).answer(req.method, req.url);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
    self = new FakePrometheus(server);
    return self;
  }

  get url(): string {
    return this.server.url;
  }

  /** Every query asked, in order. */
  get asked(): Asked[] {
    return this.server.requests.map((r) => {
      const u = new URL(r.url, "http://x");
      return { query: u.searchParams.get("query") ?? "", time: u.searchParams.get("time") };
    });
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private answer(method: string, url: string): { status: number; body: unknown } {
    const u = new URL(url, "http://x");
    if (method !== "GET" || u.pathname !== "/api/v1/query")
      return { status: 404, body: { status: "error", errorType: "not_found", error: `${method} ${u.pathname}` } };
    const q = u.searchParams.get("query") ?? "";
    const t = Number(u.searchParams.get("time") ?? Date.now() / 1000);
    if (this.status !== 200 && (this.failOnly === undefined || q.includes(this.failOnly)))
      return { status: this.status, body: { status: "error", errorType: "internal", error: "storage is on fire" } };
    const vector = (result: [Record<string, string>, number | string][]) => ({
      status: 200,
      body: {
        status: "success",
        data: { resultType: "vector", result: result.map(([metric, v]) => ({ metric, value: [t, String(v)] })) },
      },
    });
    for (const [needle, values] of this.rules) if (q.includes(needle)) return vector(values.map((v) => [{}, v]));
    const variant = /variant="([^"]*)"/.exec(q)?.[1] ?? "";
    const f = this.variants[variant];
    if (!f) return vector([]);
    if (q.startsWith("sum(increase(modelworks_requests_total{"))
      return vector([[{}, q.includes('status=~"5.."') ? f.errors : f.requests]]);
    if (q.startsWith("sum by (le) (increase(modelworks_request_duration_seconds_bucket{"))
      return vector(f.latency.map(([le, v]) => [{ le }, v]));
    if (q.startsWith("sum by (le) (increase(modelworks_prediction_score_bucket{"))
      return vector(f.scores.map(([le, v]) => [{ le }, v]));
    return vector([]);
  }
}

/** The checks recorded in an event's data. */
function checksOf(e: { data?: Record<string, unknown> } | undefined): CheckResult[] {
  return (e?.data?.checks ?? []) as CheckResult[];
}

function find(checks: CheckResult[], name: string): CheckResult {
  const c = checks.find((x) => x.check === name);
  assert.ok(c, `check ${name} in ${checks.map((x) => x.check).join(", ")}`);
  return c;
}

const ERROR_RATIO: PromqlCheckSpec = {
  name: "error-ratio",
  query: 'sum(rate(mw_check_errors{deployment="{{deployment}}",variant="{{variant}}"}[{{interval}}]))',
  max: 0.05,
};
const THROUGHPUT: PromqlCheckSpec = {
  name: "throughput",
  query: 'sum(rate(mw_check_requests{deployment="{{deployment}}",variant="{{variant}}"}[{{interval}}]))',
  min: 1,
};

describe("RolloutController with Prometheus", () => {
  let h: Harness;
  let c: RolloutController;
  let prom: FakePrometheus;

  beforeEach(async () => {
    h = await openHarness();
    c = h.controller();
    prom = await FakePrometheus.start();
    prom.rules.set("mw_check_errors", ["0.01"]);
    prom.rules.set("mw_check_requests", ["6.5"]);
  });
  afterEach(async () => {
    await prom.close();
    await h.close();
  });

  async function tickAfter(ms: number): Promise<void> {
    h.clock.advance(ms);
    await c.tick();
  }

  /** Start with Prometheus (at `url`, default the fake) and tick once: step 1, window open. */
  async function atFirstStep(checks: PromqlCheckSpec[], over: Parameters<Harness["start"]>[0] = {}, url = prom.url) {
    await h.start({ intervalMs: INTERVAL, prometheus: { url, checks }, ...over });
    await c.tick();
    const r = await h.rollout();
    assert.deepEqual([r.phase, r.stepIndex], ["progressing", 0]);
    // Opening a Prometheus window only notes the time.
    assert.equal(prom.asked.length, 0);
    return r;
  }

  test("healthy PromQL answers advance every step to promotion; the in-process window source is not used", async () => {
    await atFirstStep([ERROR_RATIO, THROUGHPUT]);

    const opened = h.clock.now();
    await tickAfter(INTERVAL - 1);
    assert.equal(prom.asked.length, 0, "no read before an interval has passed");
    await tickAfter(1);
    let r = await h.rollout();
    assert.deepEqual([r.phase, r.stepIndex, r.weight, r.analyses, r.failedChecks], ["progressing", 1, 50, 1, 0]);

    // The first analysis: 8 window queries at the clock's instant over the 30 s window, then the checks.
    const first = prom.asked;
    assert.equal(first.length, 10, first.map((a) => a.query).join("\n"));
    const windowQueries = first.filter((a) => a.query.includes("increase(modelworks_"));
    assert.equal(windowQueries.length, 8);
    for (const a of windowQueries) {
      assert.equal(a.time, String((opened + INTERVAL) / 1000));
      assert.match(a.query, /\{deployment="prod",variant="(primary|candidate)"[^}]*\}\[30s\]\)/);
    }
    const queries = first.map((a) => a.query);
    for (const v of ["primary", "candidate"]) {
      for (const expected of [
        `sum(increase(modelworks_requests_total{deployment="${DEPLOYMENT}",variant="${v}"}[30s]))`,
        `sum(increase(modelworks_requests_total{deployment="${DEPLOYMENT}",variant="${v}",status=~"5.."}[30s]))`,
        `sum by (le) (increase(modelworks_request_duration_seconds_bucket{deployment="${DEPLOYMENT}",variant="${v}"}[30s]))`,
        `sum by (le) (increase(modelworks_prediction_score_bucket{deployment="${DEPLOYMENT}",variant="${v}"}[30s]))`,
      ])
        assert.ok(queries.includes(expected), `${expected} in\n${queries.join("\n")}`);
    }
    // The placeholders were filled in.
    assert.ok(queries.includes('sum(rate(mw_check_errors{deployment="prod",variant="candidate"}[30s]))'));
    assert.ok(queries.includes('sum(rate(mw_check_requests{deployment="prod",variant="candidate"}[30s]))'));
    assert.ok(!queries.some((q) => q.includes("{{")), queries.join("\n"));

    // The window's figures and the PromQL checks are the step's evidence.
    const [step2] = (await h.events("rollout_step")).slice(1);
    const checks = checksOf(step2);
    assert.deepEqual(
      checks.map((x) => [x.check, x.passed]),
      [
        ["webhook:rollout", true],
        ["traffic", true],
        ["error-rate", true],
        ["latency-p99", true],
        ["score-psi", true],
        ["promql:error-ratio", true],
        ["promql:throughput", true],
      ],
    );
    assert.equal(find(checks, "traffic").value, 200);
    assert.equal(find(checks, "error-rate").value, 0);
    assert.deepEqual(
      [find(checks, "promql:error-ratio").value, find(checks, "promql:error-ratio").threshold],
      [0.01, 0.05],
    );
    assert.deepEqual([find(checks, "promql:throughput").value, find(checks, "promql:throughput").threshold], [6.5, 1]);

    await tickAfter(INTERVAL);
    r = await h.rollout();
    assert.deepEqual([r.phase, r.stepIndex, r.weight, r.analyses], ["progressing", 2, 100, 2]);
    await tickAfter(INTERVAL);
    r = await h.rollout();
    assert.equal(r.phase, "succeeded");
    assert.match(r.reason ?? "", /^promoted after 3 analyses$/);
    assert.equal((await h.registry.getModelVersionByAlias({ name: "m", alias: "champion" })).version, "2");

    assert.equal(prom.asked.length, 30, "three analyses of ten queries each");
    assert.deepEqual(h.windows.opened, [], "the in-process window source was not used");
    assert.equal(h.windows.reads, 0);
    assert.deepEqual(h.warnings, []);
  });

  test("shadow first: the window and the checks ask about variant shadow", async () => {
    await h.start({ intervalMs: INTERVAL, shadowFirst: true, prometheus: { url: prom.url, checks: [ERROR_RATIO] } });
    await c.tick();
    assert.equal((await h.rollout()).phase, "shadow");
    prom.variants.shadow = figures(200);
    await tickAfter(INTERVAL);
    const r = await h.rollout();
    assert.deepEqual([r.phase, r.stepIndex], ["progressing", 0]);
    const queries = prom.asked.map((a) => a.query);
    assert.ok(queries.includes('sum(rate(mw_check_errors{deployment="prod",variant="shadow"}[30s]))'));
    assert.ok(
      queries.includes(`sum(increase(modelworks_requests_total{deployment="${DEPLOYMENT}",variant="shadow"}[30s]))`),
    );
    assert.ok(!queries.some((q) => q.includes('variant="candidate"')), queries.join("\n"));
    assert.deepEqual(h.windows.opened, []);
  });

  test("a PromQL check above its max fails the analysis with its value and threshold; the threshold rolls back", async () => {
    await atFirstStep([ERROR_RATIO, THROUGHPUT]);
    prom.rules.set("mw_check_errors", ["0.2"]);
    await tickAfter(INTERVAL);
    let r = await h.rollout();
    assert.deepEqual([r.phase, r.stepIndex, r.weight, r.failedChecks, r.analyses], ["progressing", 0, 10, 1, 1]);
    const [analysis] = await h.events("rollout_analysis");
    assert.equal(analysis?.data?.passed, false);
    assert.match(
      analysis?.message ?? "",
      /Analysis failed \(1\/2\): promql:error-ratio: error-ratio = 0\.2 \(at most 0\.05\)/,
    );
    const checks = checksOf(analysis);
    assert.deepEqual(
      checks.filter((x) => !x.passed).map((x) => x.check),
      ["promql:error-ratio"],
      "the window itself is healthy",
    );
    const failed = find(checks, "promql:error-ratio");
    assert.deepEqual([failed.passed, failed.value, failed.threshold], [false, 0.2, 0.05]);
    assert.equal(find(checks, "promql:throughput").passed, true);

    // Not analysed again before another interval (a new window opened at the failure).
    const asked = prom.asked.length;
    await tickAfter(INTERVAL - 1);
    assert.equal(prom.asked.length, asked);
    assert.equal((await h.rollout()).failedChecks, 1);

    await tickAfter(1);
    r = await h.rollout();
    assert.equal(r.phase, "rolled_back");
    assert.equal(r.failedChecks, 2);
    assert.match(r.reason ?? "", /^analysis failed 2 of 2 allowed times; last: promql:error-ratio: error-ratio = 0\.2/);
    assert.equal((await h.deployments.get(DEPLOYMENT)).candidate, undefined);
    const [rolled] = await h.events("rollout_rolled_back");
    const last = find(checksOf(rolled), "promql:error-ratio");
    assert.deepEqual([last.passed, last.value, last.threshold], [false, 0.2, 0.05]);
    assert.equal(h.notices.at(-1)?.kind, "rolled_back");
    assert.deepEqual(h.windows.opened, []);
  });

  test("a PromQL check below its min fails the analysis", async () => {
    await atFirstStep([THROUGHPUT], { threshold: 3 });
    prom.rules.set("mw_check_requests", ["0.5"]);
    await tickAfter(INTERVAL);
    assert.equal((await h.rollout()).failedChecks, 1);
    const failed = find(checksOf((await h.events("rollout_analysis"))[0]), "promql:throughput");
    assert.deepEqual([failed.passed, failed.value, failed.threshold], [false, 0.5, 1]);
    assert.match(failed.detail, /throughput = 0\.5 \(at least 1\)/);
  });

  test("a PromQL query without data fails its check with 'no values'", async () => {
    await atFirstStep([ERROR_RATIO, THROUGHPUT], { threshold: 3 });
    prom.rules.set("mw_check_errors", []);
    await tickAfter(INTERVAL);
    const r = await h.rollout();
    assert.deepEqual([r.phase, r.stepIndex, r.failedChecks, r.analyses], ["progressing", 0, 1, 1]);
    const checks = checksOf((await h.events("rollout_analysis"))[0]);
    const failed = find(checks, "promql:error-ratio");
    assert.equal(failed.passed, false);
    assert.match(failed.detail, /^error-ratio returned no values; expected one number$/);
    assert.equal(failed.threshold, 0.05);
    // NaN in memory; the event's JSON keeps it as null.
    assert.equal(failed.value, null);
    assert.equal(find(checks, "promql:throughput").passed, true);
  });

  test("a PromQL check Prometheus answers with an error fails (the window read is fine)", async () => {
    await atFirstStep([ERROR_RATIO, THROUGHPUT], { threshold: 3 });
    prom.status = 500;
    prom.failOnly = "mw_check_requests";
    await tickAfter(INTERVAL);
    const r = await h.rollout();
    assert.deepEqual([r.stepIndex, r.failedChecks], [0, 1]);
    const failed = find(checksOf((await h.events("rollout_analysis"))[0]), "promql:throughput");
    assert.equal(failed.passed, false);
    assert.match(failed.detail, /throughput could not be evaluated: .*failed: internal: storage is on fire/);
    assert.deepEqual(h.warnings, []);
  });

  // Silence is not evidence: a window that cannot be measured fails the analysis (check "window"),
  // once per interval, so an outage rolls the rollout back at the threshold instead of stalling it.
  for (const outage of ["HTTP 500", "unreachable"] as const) {
    test(`Prometheus ${outage}: the window cannot be read, so the analysis fails once per interval`, async () => {
      const dead = outage === "unreachable" ? await deadUrl() : undefined;
      await atFirstStep([ERROR_RATIO], { threshold: 2 }, dead ?? prom.url);
      if (outage === "HTTP 500") prom.status = 500;

      await tickAfter(INTERVAL);
      let r = await h.rollout();
      assert.deepEqual([r.phase, r.stepIndex, r.analyses, r.failedChecks], ["progressing", 0, 1, 1]);
      const window = find(checksOf((await h.events("rollout_analysis"))[0]), "window");
      assert.equal(window.passed, false);
      const cause = outage === "HTTP 500" ? /storage is on fire/ : /unreachable \(ECONNREFUSED\)/;
      assert.match(window.detail, /could not measure the window: Prometheus query at .*failed/);
      assert.match(window.detail, cause);
      assert.equal(h.hooks.count("rollout"), 0, "the analysis stopped at the window read");
      assert.deepEqual(h.warnings, []);

      // Not retried before another interval has passed.
      await tickAfter(100);
      r = await h.rollout();
      assert.equal(r.failedChecks, 1);

      // Still out an interval later: the second failure reaches the threshold and rolls back.
      await tickAfter(INTERVAL);
      r = await h.rollout();
      assert.deepEqual([r.phase, r.failedChecks, r.weight], ["rolled_back", 2, 0]);
      assert.match(r.reason ?? "", /window: could not measure the window/);
      assert.deepEqual(h.windows.opened, [], "no fallback to the in-process window source");
    });
  }

  test("Prometheus recovering before the threshold: the next window is read and the rollout advances", async () => {
    await atFirstStep([ERROR_RATIO], { threshold: 3 });
    prom.status = 500;
    await tickAfter(INTERVAL);
    assert.equal((await h.rollout()).failedChecks, 1);
    prom.status = 200;
    await tickAfter(INTERVAL);
    const r = await h.rollout();
    assert.deepEqual([r.stepIndex, r.weight, r.failedChecks], [1, 50, 1]);
  });
});
