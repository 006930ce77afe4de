/**
 * The feature store end to end, on the online store of SQLite (always) and of Redis (when
 * MODELWORKS_TEST_REDIS_URL is set): `data add` the sources of examples/features, `features apply`
 * the example, `train --features churn_v1` (point-in-time join) and register, `features
 * materialize`, then a spawned `up` on that online store serves `deployments create --features`:
 * requests carry only the customer id and the request-time input, the scores equal `predict` on
 * the full rows, the prediction log holds the values read, and a customer never materialized is a
 * 400 naming the feature. `get-online-features` is refused without a token and without READ on the
 * source datasets.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/test-support/capture-io.js";
import { homeAuthorization } from "../../src/cli/test-support/home-auth.js";
import type { SpawnedCli } from "../../src/cli/test-support/spawn-cli.js";
import { spawnCli } from "../../src/cli/test-support/spawn-cli.js";
import { readTable } from "../../src/data/read-table.js";
import type { Column, Table } from "../../src/data/table.js";
import { valueAt } from "../../src/data/table.js";
import { openRedisOnlineStore } from "../../src/features/online/redis/redis-online-store.js";
import { testRedisUrl } from "../../src/features/online/test-support/online-backends.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/features/churn-features.yaml", import.meta.url));
const DAY = 86_400_000;
const HOUR = 3_600_000;
const CUSTOMERS = 240;
const SERVED = [0, 1, 2, 3, 4, 5, 7, 10];
const FEATURES = ["minutes", "sessions", "support_tickets", "monthly_charges"] as const;
const ONLINE_V1 = "/api/modelworks/v1/features/get-online-features";

interface Latest {
  minutes: number;
  sessions: number;
  support_tickets: number;
  monthly_charges: number;
}

/**
 * Usage every 8 days (a correction of the newest row written an hour later for every 5th customer),
 * billing every 30 days, training rows 12 days ago; churners use less and open more tickets. All
 * times are relative to now so the newest rows are within the views' ttl when served.
 */
function churnData(now: number) {
  const iso = (ms: number) => new Date(ms).toISOString();
  const usage = ["customer_id,event_time,written_at,minutes,sessions,support_tickets"];
  const billing = ["customer_id,billed_at,monthly_charges,contract"];
  const rows = ["customer_id,event_timestamp,region,churned"];
  const latest = new Map<number, Latest>();
  for (let c = 0; c < CUSTOMERS; c++) {
    const churner = c % 3 === 0;
    const cur: Partial<Latest> = {};
    for (const [k, ago] of [25, 17, 9, 1].entries()) {
      const t = now - ago * DAY;
      const minutes = (churner ? 80 : 200) + ((c * 7 + k * 13) % 60) + 0.25;
      const sessions = (churner ? 3 : 9) + ((c + k) % 4);
      const tickets = (c + k) % (churner ? 6 : 2);
      usage.push(`${c},${iso(t)},${iso(t + HOUR)},${minutes},${sessions},${tickets}`);
      Object.assign(cur, { minutes, sessions, support_tickets: tickets });
      if (ago === 1 && c % 5 === 0) {
        // Same event time, written later: the correction wins.
        usage.push(`${c},${iso(t)},${iso(t + 2 * HOUR)},${minutes + 1},${sessions},${tickets}`);
        cur.minutes = minutes + 1;
      }
    }
    for (const ago of [60, 30]) {
      const charges = (churner ? 85 : 55) + ((c * 3 + ago) % 20) + 0.5;
      billing.push(`${c},${iso(now - ago * DAY)},${charges},${c % 2 ? "one_year" : "month"}`);
      cur.monthly_charges = charges;
    }
    latest.set(c, cur as Latest);
    rows.push(`${c},${iso(now - (12 + (c % 3)) * DAY)},${c % 4 ? "north" : "south"},${churner ? "yes" : "no"}`);
  }
  const csv = (lines: string[]) => `${lines.join("\n")}\n`;
  return { usage: csv(usage), billing: csv(billing), rows: csv(rows), latest };
}

/** A column the table must have. */
function columnOf(table: Table, name: string): Column {
  const c = table.column(name);
  assert.ok(c, `no column '${name}' in ${table.columns.map((x) => x.name).join(",")}`);
  return c;
}

const region = (c: number) => (c % 4 ? "north" : "south");

interface Store {
  name: "sqlite" | "redis";
  uri(home: string): string;
  drop(uri: string): Promise<void>;
}

const STORES: Store[] = [{ name: "sqlite", uri: (home) => `sqlite:${join(home, "online.db")}`, drop: async () => {} }];
const REDIS = testRedisUrl();
if (REDIS) {
  const prefix = `mwtest:${randomBytes(6).toString("hex")}:`;
  STORES.push({
    name: "redis",
    uri: () => `${REDIS}?prefix=${encodeURIComponent(prefix)}`,
    drop: async () => {
      const store = openRedisOnlineStore(REDIS, { prefix });
      for (const v of await store.listViews()) await store.dropView(v.view);
      await store.close();
    },
  });
}

for (const backend of STORES) {
  describe(`churn features end to end (online store: ${backend.name})`, () => {
    let home: string;
    let storeUri: string;
    let up: SpawnedCli | undefined;
    let url: string;
    let data: ReturnType<typeof churnData>;

    const cli = async (...argv: string[]) => {
      const io = captureIo(home);
      io.env.MODELWORKS_ONLINE_STORE = storeUri;
      const code = await main(argv, io);
      return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
    };
    const ok = async (...argv: string[]) => {
      const r = await cli(...argv);
      assert.equal(r.code, 0, `modelworks ${argv.join(" ")}: ${r.out}\n${r.err}`);
      return r.out;
    };
    const file = (name: string, text: string) => {
      const p = join(home, name);
      writeFileSync(p, text);
      return p;
    };
    const post = (path: string, body: unknown, authorization?: string) =>
      fetch(`${url}${path}`, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
      });
    const invoke = (customers: number[]) =>
      post(
        "/deployments/churn/invocations",
        { dataframe_records: customers.map((c) => ({ customer_id: c, region: region(c) })) },
        homeAuthorization(home),
      );
    const tokenOf = async (user: string) => {
      await ok("users", "create", user, "--password", `pw-${randomBytes(8).toString("hex")}`);
      return `Bearer ${(JSON.parse(await ok("tokens", "create", "--user", user, "--json")) as { token: string }).token}`;
    };

    before(async () => {
      home = mkdtempSync(join(tmpdir(), `mw-features-e2e-${backend.name}-`));
      storeUri = backend.uri(home);
      data = churnData(Date.now());
      await ok("data", "add", file("usage.csv", data.usage), "--name", "customer-usage");
      await ok("data", "add", file("billing.csv", data.billing), "--name", "customer-billing");
      await ok("features", "apply", EXAMPLE);
      const trained = JSON.parse(
        await ok(
          "train",
          "--data",
          file("rows.csv", data.rows),
          "--label",
          "churned",
          "--features",
          "churn_v1",
          "--register",
          "churn",
          "--param",
          "n_estimators=60",
          "--json",
        ),
      ) as { metrics: { roc_auc: number } };
      assert.ok(trained.metrics.roc_auc > 0.9, `the features predict churn: roc_auc ${trained.metrics.roc_auc}`);
      const mat = JSON.parse(await ok("features", "materialize", "--start", "0", "--end", "now", "--json")) as {
        views: { view: string; entities: number }[];
      };
      assert.deepEqual(mat.views.map((v) => [v.view, v.entities]).sort(), [
        ["billing", CUSTOMERS],
        ["usage", CUSTOMERS],
      ]);
      up = await spawnCli(["up", "--port", "0", "--json", "--sync-ms", "200", "--online-store", storeUri], {
        MODELWORKS_HOME: home,
      });
      url = (JSON.parse(up.firstLine) as { url: string }).url;
      await ok("deployments", "create", "churn", "--model", "churn/1", "--features", "churn_v1");
      // `up` picks the new deployment up at its next sync.
      for (let i = 0; ; i++) {
        const res = await invoke([SERVED[0] as number]);
        await res.arrayBuffer();
        if (res.status === 200) break;
        if (i >= 150) assert.fail(`the deployment never served: ${res.status}\n${up.stderr()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    });
    after(async () => {
      await up?.stop();
      await backend.drop(storeUri);
      rmSync(home, { recursive: true, force: true });
    });

    test("requests with only the key and request-time inputs score as the full rows; the log holds the features", async (t) => {
      const res = await invoke(SERVED);
      const text = await res.text();
      assert.equal(res.status, 200, text);
      const got = (JSON.parse(text) as { predictions: { probability: number }[] }).predictions.map(
        (p) => p.probability,
      );

      // The full rows, from the data the test wrote, scored by `predict`.
      const full = ["customer_id,region,minutes,sessions,support_tickets,monthly_charges"];
      for (const c of SERVED) {
        const l = data.latest.get(c) as Latest;
        full.push([c, region(c), ...FEATURES.map((f) => l[f])].join(","));
      }
      const scored = join(home, "scored.csv");
      await ok("predict", "churn/1", file("full.csv", `${full.join("\n")}\n`), "--out", scored);
      const want = await readTable(scored);
      assert.equal(got.length, SERVED.length);
      for (const [i, p] of got.entries()) {
        const w = valueAt(columnOf(want, "probability"), i) as number;
        assert.ok(Math.abs(p - w) < 1e-9, `customer ${SERVED[i]}: served ${p}, predict ${w}`);
      }
      // Not a constant model: the churners and the others score apart.
      assert.ok(Math.min(got[0] as number, got[3] as number) > Math.max(got[1] as number, got[2] as number));

      // The prediction log has the feature values read from the online store.
      const log = join(home, "log.csv");
      for (let i = 0; ; i++) {
        await ok("deployments", "export-log", "churn", "--out", log);
        const table = await readTable(log);
        // Before the first rows are written the export has no input columns yet.
        const ids = table.column("customer_id");
        const rows = Array.from({ length: ids ? table.numRows : 0 }, (_, r) => r).filter((r) =>
          SERVED.includes(Number(valueAt(ids as Column, r))),
        );
        if (ids && rows.length >= SERVED.length) {
          t.diagnostic(`the served rows were in the log's export after ${i} retries`);
          for (const r of rows) {
            const c: number = Number(valueAt(ids, r));
            const l = data.latest.get(c) as Latest;
            for (const f of FEATURES)
              assert.equal(Number(valueAt(columnOf(table, f), r)), l[f], `logged ${f} of customer ${c}`);
          }
          break;
        }
        if (i >= 50) assert.fail(`the prediction log has ${rows.length} of the served rows`);
        await new Promise((r) => setTimeout(r, 200));
      }
    });

    test("a customer never materialized: 400 naming the feature (--missing-features fail)", async () => {
      const res = await invoke([1, CUSTOMERS + 1000]);
      const body = (await res.json()) as { message: string };
      assert.equal(res.status, 400);
      assert.match(
        body.message,
        new RegExp(
          `Feature '(minutes|sessions|support_tickets|monthly_charges)' of service 'churn_v1' is not in the online store \\(NOT_FOUND\\) for customer_id=${CUSTOMERS + 1000}`,
        ),
      );
    });

    test("get-online-features: 401 without a token, 200 for the admin, 403 without READ on a source dataset", async () => {
      const request = { feature_service: "churn_v1", entities: { customer_id: [1, 2] } };
      assert.equal((await post(ONLINE_V1, request)).status, 401);

      const admin = await post(ONLINE_V1, request, homeAuthorization(home));
      const answer = (await admin.json()) as {
        metadata: { feature_names: string[] };
        results: { values: unknown[]; statuses: string[] }[];
      };
      assert.equal(admin.status, 200, JSON.stringify(answer));
      assert.deepEqual(answer.metadata.feature_names, ["customer_id", ...FEATURES]);
      for (const [i, f] of FEATURES.entries()) {
        assert.deepEqual(
          answer.results[i + 1]?.values,
          [1, 2].map((c) => data.latest.get(c)?.[f]),
        );
        assert.deepEqual(answer.results[i + 1]?.statuses, ["PRESENT", "PRESENT"]);
      }

      // The default permission is READ: a plain user may read; one denied a source dataset may not.
      const reader = await tokenOf("reader");
      assert.equal((await post(ONLINE_V1, request, reader)).status, 200);
      const outsider = await tokenOf("outsider");
      await ok("permissions", "set", "dataset", "customer-billing", "outsider", "NO_PERMISSIONS");
      const refused = await post(ONLINE_V1, request, outsider);
      assert.equal(refused.status, 403, await refused.text());
      const usageOnly = { features: ["usage:minutes"], entities: { customer_id: [1] } };
      assert.equal((await post(ONLINE_V1, usageOnly, outsider)).status, 200);
    });
  });
}
