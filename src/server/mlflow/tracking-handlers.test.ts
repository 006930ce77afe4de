import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import type { Metric } from "../../core/api/mlflow-entities.js";
import { resolveConfig } from "../../core/config.js";
import { buildApp } from "../app.js";
import { AUTH_OFF } from "../auth/auth-gate.js";
import type { Platform } from "../open-platform.js";
import { openPlatform } from "../open-platform.js";
import { HISTORY_PAGE_MAX } from "./tracking-handlers.js";

let home: string;
let platform: Platform;
let app: FastifyInstance;
let runId: string;
const EXTRA = 1234;

before(async () => {
  home = mkdtempSync(join(tmpdir(), "mw-history-"));
  platform = await openPlatform(resolveConfig({ home }, {}, home));
  app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test" });
  runId = (await platform.tracking.createRun({ experimentId: "0" })).info.run_id;
  const total = HISTORY_PAGE_MAX + EXTRA;
  for (let at = 0; at < total; at += 1000) {
    const metrics = Array.from({ length: Math.min(1000, total - at) }, (_, i) => ({
      key: "loss",
      value: 1 / (at + i + 1),
      timestamp: 1_700_000_000_000 + at + i,
      step: at + i,
    }));
    await platform.tracking.logBatch(runId, { metrics });
  }
});
after(async () => {
  await app.close();
  await platform.close();
  rmSync(home, { recursive: true, force: true });
});

async function history(query: Record<string, string>): Promise<{ metrics?: Metric[]; next_page_token?: string }> {
  const res = await app.inject({
    url: "/api/2.0/mlflow/metrics/get-history",
    query: { run_id: runId, metric_key: "loss", ...query },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

test("get-history never answers more than the page cap; the token brings the rest", async () => {
  const queries: Record<string, string>[] = [
    {},
    { max_results: String(10 * HISTORY_PAGE_MAX) },
    { max_results: String(HISTORY_PAGE_MAX) },
  ];
  for (const query of queries) {
    const first = await history(query);
    assert.equal(first.metrics?.length, HISTORY_PAGE_MAX, JSON.stringify(query));
    assert.equal(first.metrics?.[0]?.step, 0);
    assert.equal(first.metrics?.at(-1)?.step, HISTORY_PAGE_MAX - 1);
    assert.ok(first.next_page_token, "a token for the rest");
    const rest = await history({ ...query, page_token: first.next_page_token as string });
    assert.equal(rest.metrics?.length, EXTRA);
    assert.equal(rest.metrics?.[0]?.step, HISTORY_PAGE_MAX);
    assert.equal(rest.metrics?.at(-1)?.step, HISTORY_PAGE_MAX + EXTRA - 1);
    assert.equal(rest.next_page_token, undefined, "the last page has no token");
  }
});

test("smaller pages are honoured, as MLflow's client asks them", async () => {
  const page = await history({ max_results: "100" });
  assert.equal(page.metrics?.length, 100);
  const next = await history({ max_results: "100", page_token: page.next_page_token as string });
  assert.equal(next.metrics?.[0]?.step, 100);
});
