import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../../core/config.js";
import { readTable } from "../../data/read-table.js";
import { valueAt } from "../../data/table.js";
import { buildApp } from "../../server/app.js";
import { AUTH_OFF } from "../../server/auth/auth-gate.js";
import type { Platform } from "../../server/open-platform.js";
import { openPlatform } from "../../server/open-platform.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

const ENTITY = `entities:
  - name: customer
    join_keys: {customer_id: int}
`;
const VIEWS = `sources:
  - name: usage_src
    dataset: usage
    timestamp_field: ts
feature_views:
  - name: usage
    entities: [customer]
    source: usage_src
    ttl: 2d
    tags: {team: growth}
    features: {minutes: float, plan: string}
feature_services:
  - name: churn
    features: [usage]
`;
const USAGE = `customer_id,ts,minutes,plan
1,2024-01-01T00:00:00Z,10,basic
2,2024-01-01T00:00:00Z,20,pro
1,2024-01-02T00:00:00Z,11,pro
`;
const ENTITIES = `customer_id,event_timestamp,churned
2,2024-01-01T06:00:00Z,no
1,2024-01-02T06:00:00Z,yes
1,2023-06-01T00:00:00Z,no
3,2024-01-02T00:00:00Z,no
`;

function cli(home: () => string, extra: () => string[] = () => []) {
  const run = async (...argv: string[]) => {
    const io = captureIo(home());
    const code = await main([...argv, ...extra()], io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const json = async (...argv: string[]) => {
    const r = await run(...argv, "--json");
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out);
  };
  return { run, json };
}

async function rows(path: string) {
  const t = await readTable(path);
  return Array.from({ length: t.numRows }, (_, i) => t.columns.map((c) => valueAt(c, i)));
}

describe("modelworks features (embedded store)", () => {
  let home: string;
  const { run, json } = cli(() => home);
  const file = (name: string, text: string) => {
    const p = join(home, name);
    writeFileSync(p, text);
    return p;
  };

  before(() => {
    home = mkdtempSync(join(tmpdir(), "mw-features-cli-"));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("help, and unknown subcommands", async () => {
    const r = await run("features", "--help");
    assert.equal(r.code, 0);
    assert.match(r.out, /features get-historical --entities FILE\|DATASET/);
    assert.equal((await run("features")).code, 2);
    assert.equal((await run("features", "frob")).code, 2);
  });

  test("apply checks files together: every problem as file:line: path, exit 1, nothing stored", async () => {
    mkdirSync(join(home, "defs"));
    writeFileSync(join(home, "defs", "views.yaml"), VIEWS.replace("[customer]", "[client]"));
    const r = await run("features", "apply", "defs");
    assert.equal(r.code, 1);
    assert.match(r.err, /defs\/views\.yaml:7: feature_views\[0\]\.entities\[0\]: unknown entity 'client'/);
    assert.equal((await json("features", "ls")).registry_version, 0);
  });

  test("a dry run shows the changes; apply stores them; warns about a dataset not added yet", async () => {
    writeFileSync(join(home, "defs", "views.yaml"), VIEWS);
    const entity = file("entity.yaml", ENTITY);
    const dry = await run("features", "apply", entity, "defs", "--dry-run");
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /Dry run: would change 4 object\(s\) of registry version 0:\n {2}\+ entity customer\n/);
    assert.match(dry.out, /warning: defs\/views\.yaml:3: sources\[0\]\.dataset: dataset 'usage' does not exist yet/);
    assert.equal((await json("features", "ls")).objects.length, 0);
    assert.equal((await run("data", "add", file("usage.csv", USAGE), "--name", "usage")).code, 0);
    const applied = await json("features", "apply", entity, "defs");
    assert.deepEqual([applied.registry_version, applied.changes.length, applied.warnings], [1, 4, []]);
    const again = await run("features", "apply", entity, "defs");
    assert.match(again.out, /^No changes \(registry version 1\)\.$/);
  });

  test("ls and show, human and JSON", async () => {
    const ls = await run("features", "ls");
    assert.match(ls.out, /feature_view +usage +1 .* 2 features of customer from usage_src, ttl 2d, online/);
    assert.deepEqual(
      (await json("features", "ls", "--kind", "entity")).objects.map((o: { name: string }) => o.name),
      ["customer"],
    );
    const show = await run("features", "show", "usage");
    assert.match(show.out, /^feature_view usage \(version 1\)\n\nname: usage\n/);
    assert.match(show.out, /ttl: 2d/);
    assert.equal((await json("features", "show", "churn")).object.spec.features[0], "usage");
    assert.equal((await run("features", "show", "nope")).code, 1);
    assert.equal((await run("features", "ls", "--kind", "view")).code, 2);
  });

  test("get-historical: a file or a dataset of entity rows, CSV or Parquet out", async () => {
    const entities = file("entities.csv", ENTITIES);
    const out = join(home, "train.csv");
    const r = await run("features", "get-historical", "--entities", entities, "--service", "churn", "--out", out);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Wrote 4 rows to .*train\.csv \(registry version 1; read usage@1\)$/);
    assert.match(readFileSync(out, "utf8"), /^customer_id,event_timestamp,churned,minutes,plan\n/);
    assert.deepEqual(
      (await rows(out)).map((x) => x.slice(2)),
      [
        ["no", 20, "pro"],
        ["yes", 11, "pro"],
        ["no", null, null],
        ["no", null, null],
      ],
    );
    assert.equal((await run("data", "add", entities, "--name", "people")).code, 0);
    const pq = join(home, "train.parquet");
    const j = await json(
      "features",
      "get-historical",
      "--entities",
      "people@1",
      "--features",
      "usage:plan",
      "--full-names",
      "--out",
      pq,
    );
    assert.deepEqual([j.format, j.rows, j.sources[0].dataset], ["parquet", 4, "usage"]);
    assert.deepEqual((await readTable(pq)).columnNames, ["customer_id", "event_timestamp", "churned", "usage__plan"]);
  });

  test("get-historical refuses incomplete flags and bad requests without leaving a file", async () => {
    const out = join(home, "bad.csv");
    assert.equal((await run("features", "get-historical", "--entities", "people", "--out", out)).code, 2);
    assert.equal((await run("features", "get-historical", "--service", "churn", "--out", out)).code, 2);
    const bad = await run("features", "get-historical", "--entities", "people", "--service", "ghost", "--out", out);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /Unknown feature service 'ghost'/);
    assert.throws(() => readFileSync(out));
  });
});

describe("modelworks features --tracking-uri (over HTTP)", () => {
  let root: string;
  let platform: Platform;
  let app: FastifyInstance;
  let uri: string;
  const { run, json } = cli(
    () => join(root, "client"),
    () => ["--tracking-uri", uri],
  );

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "mw-features-remote-"));
    mkdirSync(join(root, "client"));
    platform = await openPlatform(resolveConfig({ home: join(root, "server-home") }, {}, root));
    writeFileSync(join(root, "usage.csv"), USAGE);
    await platform.datasets.versions.addFile(join(root, "usage.csv"), { name: "usage" });
    app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test" });
    await app.listen({ host: "127.0.0.1", port: 0 });
    uri = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await app.close();
    await platform.close();
    rmSync(root, { recursive: true, force: true });
  });

  test("apply, ls and get-historical go to the server; the entity file is uploaded", async () => {
    const defs = join(root, "client", "defs.yaml");
    writeFileSync(defs, ENTITY + VIEWS);
    assert.equal((await json("features", "apply", defs)).registry_version, 1);
    assert.equal((await json("features", "ls")).objects.length, 4);
    const entities = join(root, "client", "entities.csv");
    writeFileSync(entities, ENTITIES);
    const out = join(root, "client", "train.parquet");
    const j = await json("features", "get-historical", "--entities", entities, "--service", "churn", "--out", out);
    assert.deepEqual([j.rows, j.registry_version, j.sources[0].version], [4, 1, 1]);
    assert.deepEqual(
      (await rows(out)).map((x) => x[3]),
      [20, 11, null, null],
    );
    const bad = await run("features", "get-historical", "--entities", entities, "--features", "usage:x", "--out", out);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /feature view 'usage' has no feature 'x'/);
  });
});
