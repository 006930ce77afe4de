/** features materialize / materialize-incremental / get-online / freshness, embedded and over HTTP. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../../core/config.js";
import { buildApp } from "../../server/app.js";
import { AUTH_OFF } from "../../server/auth/auth-gate.js";
import type { Platform } from "../../server/open-platform.js";
import { openPlatform } from "../../server/open-platform.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

const DEFS = `entities:
  - name: customer
    join_keys: {customer_id: int}
sources:
  - name: usage_src
    dataset: usage
    timestamp_field: ts
feature_views:
  - name: usage
    entities: [customer]
    source: usage_src
    ttl: 3650d
    features: {minutes: float, plan: string}
feature_services:
  - name: churn
    features: [usage]
`;
const USAGE = `customer_id,ts,minutes,plan
1,2024-01-01T00:00:00Z,10,basic
2,2024-01-01T00:00:00Z,20,pro
1,2024-01-02T00:00:00Z,11,pro
2,2024-01-03T00:00:00Z,,pro
`;

describe("modelworks features materialize and get-online (embedded)", () => {
  let home: string;
  const run = async (...argv: string[]) => {
    const io = captureIo(home);
    const code = await main(argv, io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const json = async (...argv: string[]) => {
    const r = await run(...argv, "--json");
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out);
  };
  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-features-online-"));
    writeFileSync(join(home, "usage.csv"), USAGE);
    writeFileSync(join(home, "defs.yaml"), DEFS);
    assert.equal((await run("data", "add", join(home, "usage.csv"), "--name", "usage")).code, 0);
    assert.equal((await run("features", "apply", join(home, "defs.yaml"))).code, 0);
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("materialize a window, then incremental from the watermark; reruns change nothing", async () => {
    const first = await json(
      "features",
      "materialize",
      "--start",
      "2024-01-01T00:00:00Z",
      "--end",
      "2024-01-02T00:00:00Z",
    );
    assert.deepEqual(
      first.views.map((v: Record<string, unknown>) => [v.view, v.entities, v.written, v.watermark]),
      [["usage", 2, 2, Date.parse("2024-01-02T00:00:00Z")]],
    );
    assert.match(first.online_store, /^sqlite:.*online-store\.db$/);
    const got = await json("features", "get-online", "--service", "churn", "--entity", "customer_id=1,2,9");
    assert.deepEqual(got.metadata.feature_names, ["customer_id", "minutes", "plan"]);
    assert.deepEqual(got.results[1].values, [11, 20, null]);
    assert.deepEqual(got.results[1].statuses, ["PRESENT", "PRESENT", "NOT_FOUND"]);
    const inc = await run("features", "materialize-incremental", "--end", "2024-01-04T00:00:00Z");
    assert.equal(inc.code, 0, inc.err);
    assert.match(
      inc.out,
      /^usage: 2 entities from 2 of 4 rows of usage@1 \(2024-01-02T00:00:00\.000Z \.\. 2024-01-04.*; 2 written, 0 kept newer/,
    );
    const human = await run("features", "get-online", "--features", "usage:minutes", "--entity", "customer_id=2");
    assert.equal(human.out, 'customer_id="2"  minutes=null (NULL_VALUE)');
    const fresh = await json("features", "freshness");
    assert.deepEqual(
      fresh.views.map((v: Record<string, unknown>) => [v.view, v.newest_event_time]),
      [["usage", Date.parse("2024-01-03T00:00:00Z")]],
    );
  });

  test("bad flags and bad requests exit non-zero with the reason", async () => {
    assert.equal((await run("features", "materialize", "--end", "now")).code, 2);
    assert.equal((await run("features", "materialize", "--start", "yesterday-ish", "--end", "now")).code, 2);
    assert.equal((await run("features", "get-online", "--service", "churn")).code, 2);
    const bad = await run("features", "get-online", "--service", "churn", "--entity", "customer_id=x");
    assert.equal(bad.code, 1);
    assert.match(bad.err, /entities\.customer_id\[0\]: expected an integer, got "x"/);
    const view = await run("features", "materialize", "--start", "0", "--end", "now", "--views", "ghost");
    assert.equal(view.code, 1);
    assert.match(view.err, /views: unknown feature view 'ghost'/);
  });
});

describe("POST /api/modelworks/v1/features/get-online-features", () => {
  let root: string;
  let platform: Platform;
  let app: FastifyInstance;
  let uri: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), "mw-features-online-http-"));
    platform = await openPlatform(resolveConfig({ home: join(root, "home") }, {}, root));
    writeFileSync(join(root, "usage.csv"), USAGE);
    await platform.datasets.versions.addFile(join(root, "usage.csv"), { name: "usage" });
    app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test" });
    await app.listen({ host: "127.0.0.1", port: 0 });
    uri = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const io = captureIo(root);
    writeFileSync(join(root, "defs.yaml"), DEFS);
    assert.equal(await main(["features", "apply", join(root, "defs.yaml"), "--tracking-uri", uri], io), 0);
    await platform.onlineStore.write(
      "usage",
      [
        {
          key: "[1]",
          eventTime: Date.parse("2024-01-02T00:00:00Z"),
          createdTime: 0,
          values: { minutes: 11, plan: "pro" },
        },
      ],
      Date.now(),
    );
  });
  after(async () => {
    await app.close();
    await platform.close();
    rmSync(root, { recursive: true, force: true });
  });
  const post = (body: unknown) =>
    fetch(`${uri}/api/modelworks/v1/features/get-online-features`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  test("Feast's request and answer shapes, with a feature service or a feature list", async () => {
    const res = await post({ feature_service: "churn", entities: { customer_id: [1, 5] } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      metadata: { feature_names: ["customer_id", "minutes", "plan"] },
      results: [
        {
          values: [1, 5],
          statuses: ["PRESENT", "PRESENT"],
          event_timestamps: ["1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"],
        },
        {
          values: [11, null],
          statuses: ["PRESENT", "NOT_FOUND"],
          event_timestamps: ["2024-01-02T00:00:00.000Z", "1970-01-01T00:00:00Z"],
        },
        {
          values: ["pro", null],
          statuses: ["PRESENT", "NOT_FOUND"],
          event_timestamps: ["2024-01-02T00:00:00.000Z", "1970-01-01T00:00:00Z"],
        },
      ],
    });
    const full = await post({ features: ["usage:plan"], entities: { customer_id: [1] }, full_feature_names: true });
    assert.deepEqual(((await full.json()) as { metadata: unknown }).metadata, {
      feature_names: ["customer_id", "usage__plan"],
    });
  });

  test("bad input is a 400 naming the field", async () => {
    const cases: [unknown, RegExp][] = [
      [{ feature_service: "churn" }, /entities/],
      [{ feature_service: "churn", entities: { customer_id: "1" } }, /entities\.customer_id: expected a list/],
      [{ feature_service: "churn", entities: { other: [1] } }, /entities\.customer_id: missing/],
      [{ features: ["usage:nope"], entities: { customer_id: [1] } }, /features: .*no feature 'nope'/],
      [{ features: "usage:plan", entities: { customer_id: [1] } }, /features/],
      [{ features: ["usage:plan"], feature_service: "churn", entities: { customer_id: [1] } }, /not both/],
    ];
    for (const [body, re] of cases) {
      const res = await post(body);
      assert.ok(res.status >= 400 && res.status < 500, `${JSON.stringify(body)} -> ${res.status}`);
      assert.match(((await res.json()) as { message: string }).message, re);
    }
    const svc = await post({ feature_service: "ghost", entities: { customer_id: [1] } });
    assert.equal(svc.status, 404);
  });
});
