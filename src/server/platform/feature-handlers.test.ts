/** The feature store routes through the real app: apply, list, show, get-historical (CSV/Parquet, dataset or upload), and who may call them. */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../../core/config.js";
import { readTableFromBuffer } from "../../data/read-table.js";
import { valueAt } from "../../data/table.js";
import { buildApp } from "../app.js";
import { AUTH_OFF } from "../auth/auth-gate.js";
import type { Platform } from "../open-platform.js";
import { openPlatform } from "../open-platform.js";

const V1 = "/api/modelworks/v1";

const DEFINITIONS = `entities:
  - name: customer
    join_keys: {customer_id: int}
sources:
  - name: events
    dataset: events
    timestamp_field: ts
  - name: secret
    dataset: secret
    timestamp_field: ts
feature_views:
  - name: usage
    entities: [customer]
    source: events
    ttl: 1d
    features: {minutes: float, plan: string}
  - name: hidden
    entities: [customer]
    source: secret
    features: {score: float}
feature_services:
  - name: churn
    features: [usage]
  - name: everything
    features: [usage, hidden]
`;

const EVENTS = `customer_id,ts,minutes,plan
1,2024-01-01T00:00:00Z,10.5,basic
2,2024-01-02T00:00:00Z,3,pro
1,2024-01-03T00:00:00Z,12,pro
`;
const SECRET = "customer_id,ts,score\n1,2024-01-01T00:00:00Z,0.9\n";
const ENTITIES = `customer_id,event_timestamp,label
1,2024-01-01T12:00:00Z,yes
2,2024-01-05T00:00:00Z,no
1,2023-12-31T00:00:00Z,no
`;

async function addDatasets(platform: Platform, dir: string) {
  for (const [name, text] of [
    ["events", EVENTS],
    ["secret", SECRET],
    ["people", ENTITIES],
  ]) {
    const path = join(dir, `${name}.csv`);
    await writeFile(path, text as string);
    await platform.datasets.versions.addFile(path, { name: name as string });
  }
}

function cells(buf: Buffer, format: "csv" | "parquet") {
  return readTableFromBuffer(buf, { format }).then((t) =>
    Array.from({ length: t.numRows }, (_, i) => t.columns.map((c) => valueAt(c, i))),
  );
}

describe("feature routes (authentication off)", () => {
  let root: string;
  let platform: Platform;
  let app: FastifyInstance;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "mw-features-http-"));
    platform = await openPlatform(resolveConfig({ home: join(root, "home") }, {}, root));
    await addDatasets(platform, root);
    app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test" });
  });
  after(async () => {
    await app.close();
    await platform.close();
    await rm(root, { recursive: true, force: true });
  });

  const post = (url: string, payload: unknown) =>
    app.inject({ method: "POST", url: V1 + url, payload: payload as object });

  test("apply validates every file at once (400 naming file:line: path), a dry run stores nothing, then apply", async () => {
    const bad = await post("/features/apply", {
      files: [{ path: "bad.yaml", text: DEFINITIONS.replace("minutes: float", "minutes: int") }],
    });
    assert.equal(bad.statusCode, 400);
    assert.match(
      bad.json().message,
      /^bad\.yaml:16: feature_views\[0\]\.features\.minutes: column 'minutes' is int here but float in the dataset 'events'/,
    );
    const dry = await post("/features/apply", { files: [{ path: "f.yaml", text: DEFINITIONS }], dry_run: true });
    assert.equal(dry.statusCode, 200);
    assert.deepEqual([dry.json().registry_version, dry.json().changes.length], [0, 7]);
    const applied = await post("/features/apply", { files: [{ path: "f.yaml", text: DEFINITIONS }] });
    assert.deepEqual([applied.json().registry_version, applied.json().warnings], [1, []]);
  });

  test("an int join key matches a small table's integer ids (whose inferred schema widens them to float)", async () => {
    const path = join(root, "accounts.csv");
    // 25 ids, each twice: not an id column (repeats), too many values and too few rows to stay int.
    const ids = Array.from({ length: 50 }, (_, i) => (i % 25) * 7);
    const rows = ids.map((id, i) => `${id},2024-01-0${1 + (i % 2)}T00:00:00Z,${id}.5`);
    await writeFile(path, `account_id,ts,balance\n${rows.join("\n")}\n`);
    await platform.datasets.versions.addFile(path, { name: "accounts" });
    const defs = `entities:
  - name: account
    join_keys: {account_id: int}
sources:
  - name: accounts_src
    dataset: accounts
    timestamp_field: ts
feature_views:
  - name: balances
    entities: [account]
    source: accounts_src
    features: {balance: float}
`;
    const dry = await post("/features/apply", { files: [{ path: "a.yaml", text: defs }], dry_run: true });
    assert.equal(dry.statusCode, 200, dry.body);
    const wrong = defs.replace("account_id: int", "account_id: string");
    const bad = await post("/features/apply", { files: [{ path: "a.yaml", text: wrong }], dry_run: true });
    assert.match(bad.json().message, /join key 'account_id' is string here but int in the dataset 'accounts'/);
  });

  test("list and show", async () => {
    const list = await app.inject({ method: "GET", url: `${V1}/features?kind=feature_service` });
    assert.deepEqual(
      list.json().objects.map((o: { name: string }) => o.name),
      ["churn", "everything"],
    );
    const shown = await app.inject({ method: "GET", url: `${V1}/features/objects/usage` });
    assert.equal(shown.json().object.spec.ttl_ms, 86_400_000);
    assert.equal((await app.inject({ method: "GET", url: `${V1}/features/objects/nope` })).statusCode, 404);
  });

  test("get-historical from a dataset streams CSV with what it read in headers", async () => {
    const res = await app.inject({
      method: "POST",
      url: `${V1}/features/get-historical`,
      payload: { entities: "people", service: "churn" },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers["content-type"]), /^text\/csv/);
    assert.equal(res.headers["x-modelworks-registry-version"], "1");
    const sources = JSON.parse(String(res.headers["x-modelworks-feature-sources"]));
    assert.deepEqual(
      sources.map((s: { dataset: string; version: number }) => [s.dataset, s.version]),
      [["events", 1]],
    );
    const rows = await cells(res.rawPayload, "csv");
    assert.deepEqual(
      rows.map((r) => [r[0], r[2], r[3], r[4]]),
      [
        [1, "yes", 10.5, "basic"],
        [2, "no", null, null],
        [1, "no", null, null],
      ],
    );
  });

  test("get-historical from an uploaded file, as Parquet with full names; bad requests are 4xx", async () => {
    const res = await app.inject({
      method: "POST",
      url: `${V1}/features/get-historical?features=usage:plan&full_names=true&format=parquet`,
      headers: { "content-type": "text/csv" },
      payload: ENTITIES,
    });
    assert.equal(res.statusCode, 200, res.body);
    const t = await readTableFromBuffer(res.rawPayload, { format: "parquet" });
    assert.deepEqual(t.columnNames, ["customer_id", "event_timestamp", "label", "usage__plan"]);
    for (const [query, status] of [
      ["service=nope&entities=people", 404],
      ["service=churn", 400],
      ["service=churn&entities=people&dataset_versions=events@x", 400],
      ["features=usage:nope&entities=people", 400],
      ["service=churn&entities=people&event_time=label", 400],
    ] as const) {
      const r = await app.inject({ method: "POST", url: `${V1}/features/get-historical?${query}` });
      assert.equal(r.statusCode, status, `${query}: ${r.body}`);
    }
  });
});

describe("feature routes (authentication on)", () => {
  let root: string;
  let platform: Platform;
  let app: FastifyInstance;
  const auth: Record<string, string> = {};

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "mw-features-auth-"));
    platform = await openPlatform(resolveConfig({ home: join(root, "home") }, {}, root), { defaultPermission: "none" });
    await addDatasets(platform, root);
    const users = platform.authService;
    for (const [name, admin] of [
      ["admin", true],
      ["analyst", false],
    ] as const) {
      const u = await users.createUser(name, `${name}-password`, admin);
      auth[name] = `Bearer ${(await users.issueToken(u.id, "test")).token}`;
    }
    const analyst = await users.getUser("analyst");
    for (const ds of ["events", "people"])
      await users.setGrant({ resourceType: "dataset", resourceId: ds, userId: analyst.id, permission: "read" });
    app = await buildApp({ ...platform, auth: { mode: "on", service: users }, version: "test" });
  });
  after(async () => {
    await app.close();
    await platform.close();
    await rm(root, { recursive: true, force: true });
  });

  const call = (who: string, url: string, payload?: object) =>
    app.inject({
      method: payload ? "POST" : "GET",
      url: V1 + url,
      headers: { authorization: auth[who] as string },
      ...(payload ? { payload } : {}),
    });

  test("applying definitions is for admins; listing for any signed-in user", async () => {
    const files = [{ path: "f.yaml", text: DEFINITIONS }];
    assert.equal((await call("analyst", "/features/apply", { files })).statusCode, 403);
    assert.equal((await call("admin", "/features/apply", { files })).statusCode, 200);
    assert.equal((await call("analyst", "/features")).statusCode, 200);
    assert.equal((await app.inject({ method: "GET", url: `${V1}/features` })).statusCode, 401);
  });

  test("a training set needs read on every dataset it reads: the sources and the entity dataset", async () => {
    const ok = await call("analyst", "/features/get-historical", { entities: "people", service: "churn" });
    assert.equal(ok.statusCode, 200, ok.body);
    const hidden = await call("analyst", "/features/get-historical", { entities: "people", service: "everything" });
    assert.equal(hidden.statusCode, 403);
    assert.match(hidden.json().message, /secret/);
    const viaRefs = await call("analyst", "/features/get-historical", { entities: "people", features: "hidden:score" });
    assert.equal(viaRefs.statusCode, 403);
    const entities = await call("analyst", "/features/get-historical", { entities: "secret", service: "churn" });
    assert.equal(entities.statusCode, 403);
    assert.equal(
      (await call("admin", "/features/get-historical", { entities: "people", service: "everything" })).statusCode,
      200,
    );
  });
});
