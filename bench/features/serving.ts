/**
 * One-row `/invocations` with and without a feature service (issue 21): the Telco churn GBDT
 * (200 trees) served in this process over loopback HTTP, once taking every input in the request,
 * once taking only `customerID` plus the request-time inputs and reading 6 features from a SQLite
 * online store. A closed loop of 16 keep-alive clients for --seconds each, alternating plain,
 * features, plain, features; req/s and latency percentiles per side (the best of its two runs).
 *
 *   node --import tsx bench/features/serving.ts [--quick] [--no-write] [--seconds N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { systemClock } from "../../src/core/clock.js";
import { TELCO_CSV } from "../../src/core/test-support/shared-data.js";
import { readTable } from "../../src/data/read-table.js";
import type { FeatureDefinitions } from "../../src/features/definitions/feature-spec.js";
import { planOnline } from "../../src/features/online/online-features.js";
import { openSqliteOnlineStore } from "../../src/features/online/sqlite/sqlite-online-store.js";
import { predictorFor } from "../../src/learn/package/load-model.js";
import { fitTelcoPackage, telcoRecord } from "../../src/learn/test-support/telco-models.js";
import type { DeploymentFeatures } from "../../src/serving/deployments/deployment.js";
import { featureLookupFactory } from "../../src/serving/features/feature-lookup.js";
import { ServingMetrics } from "../../src/serving/metrics/serving-metrics.js";
import { DeploymentRuntime } from "../../src/serving/runtime/deployment-runtime.js";
import { buildServingApp } from "../../src/serving/serving-app.js";
import { singleTarget } from "../../src/serving/serving-targets.js";
import { deploymentOf, memorySource } from "../../src/serving/test-support/static-runtime.js";
import { writeResultsFile } from "../lib/results-file.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const secondsArg = args.indexOf("--seconds");
const SECONDS = secondsArg >= 0 ? Number(args[secondsArg + 1]) : quick ? 2 : 8;
const CONCURRENCY = 16;
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const FEATURES = ["tenure", "MonthlyCharges", "TotalCharges", "Contract", "InternetService", "PaymentMethod"];
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

async function main() {
  const telco = await readTable(TELCO_CSV);
  const model = { name: "churn", version: "1", predictor: predictorFor(await fitTelcoPackage(telco, 200)) };
  const types = new Map(telco.columns.map((c) => [c.name, c.type]));
  const defs: FeatureDefinitions = {
    entities: [{ name: "customer", join_keys: [{ name: "customerID", type: "string" }] }],
    sources: [{ name: "src", dataset: "telco", timestamp_field: "ts" }],
    feature_views: [
      {
        name: "account",
        entities: ["customer"],
        source: "src",
        features: FEATURES.map((name) => ({ name, type: types.get(name) ?? "float" })),
        ttl_ms: 0,
        online: true,
      },
    ],
    feature_services: [{ name: "churn", features: ["account"] }],
  };
  const dir = mkdtempSync(join(tmpdir(), "mw-bench-fserve-"));
  const store = openSqliteOnlineStore(join(dir, "online.db"));
  const records = Array.from({ length: telco.numRows }, (_, r) => telcoRecord(telco, r));
  await store.write(
    "account",
    records.map((r) => ({
      key: JSON.stringify([r.customerID]),
      eventTime: 1,
      createdTime: 0,
      values: Object.fromEntries(FEATURES.map((f) => [f, r[f]])),
    })),
    Date.now(),
  );
  const serve = async (features?: DeploymentFeatures) => {
    const runtime = new DeploymentRuntime("churn", {
      source: async () =>
        deploymentOf({ name: "churn", primary: "churn/1", logSampling: 0, ...(features ? { features } : {}) }),
      loader: memorySource([model]),
      clock: systemClock,
      features: featureLookupFactory({ plan: async (sel) => planOnline(defs, sel), store, clock: systemClock }),
    });
    await runtime.start();
    const app = buildServingApp({
      targets: singleTarget(runtime),
      version: "bench",
      clock: systemClock,
      metrics: new ServingMetrics(),
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    return { app, port: (app.server.address() as AddressInfo).port };
  };
  const plain = await serve();
  const withFeatures = await serve({ service: "churn", missing: "fail" });
  const bodies = {
    plain: records.slice(0, 1000).map((r) => JSON.stringify({ dataframe_records: [r] })),
    features: records.slice(0, 1000).map((r) =>
      JSON.stringify({
        dataframe_records: [Object.fromEntries(Object.entries(r).filter(([k]) => !FEATURES.includes(k)))],
      }),
    ),
  };
  const run = async (port: number, list: string[]) => {
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const lat: number[] = [];
    let errors = 0;
    let i = 0;
    const end = performance.now() + SECONDS * 1000;
    const one = (body: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: "127.0.0.1",
            port,
            path: "/invocations",
            method: "POST",
            agent,
            headers: { "content-type": "application/json" },
          },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    const loop = async () => {
      while (performance.now() < end) {
        const s = performance.now();
        const status = await one(list[i++ % list.length] as string);
        lat.push(performance.now() - s);
        if (status !== 200) errors++;
      }
    };
    const t = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, loop));
    const secs = (performance.now() - t) / 1000;
    agent.destroy();
    lat.sort((a, b) => a - b);
    const q = (p: number) => round(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] as number);
    return { requests: lat.length, errors, req_per_s: Math.round(lat.length / secs), p50_ms: q(0.5), p99_ms: q(0.99) };
  };
  await run(plain.port, bodies.plain);
  await run(withFeatures.port, bodies.features);
  const runs = { plain: [] as Awaited<ReturnType<typeof run>>[], features: [] as Awaited<ReturnType<typeof run>>[] };
  for (let k = 0; k < 2; k++) {
    runs.plain.push(await run(plain.port, bodies.plain));
    runs.features.push(await run(withFeatures.port, bodies.features));
  }
  await plain.app.close();
  await withFeatures.app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const best = (xs: Awaited<ReturnType<typeof run>>[]) => xs.reduce((a, b) => (b.req_per_s > a.req_per_s ? b : a));
  const doc = {
    bench: "features/serving",
    when: new Date().toISOString(),
    quick,
    seconds_per_run: SECONDS,
    concurrency: CONCURRENCY,
    features_read: FEATURES.length,
    plain: best(runs.plain),
    with_feature_service: best(runs.features),
    runs,
    ratio: round(best(runs.features).req_per_s / best(runs.plain).req_per_s),
  };
  console.log(JSON.stringify({ plain: doc.plain, with_feature_service: doc.with_feature_service, ratio: doc.ratio }));
  if (!args.includes("--no-write"))
    console.log(
      `wrote ${writeResultsFile(repo, join(repo, "bench", "results", `features-serving${quick ? "-quick" : ""}.json`), doc)}`,
    );
}

await main();
