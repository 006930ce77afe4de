import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { dataMigrations } from "../migrations.js";
import { LocalObjectStore } from "../objects/local/local-object-store.js";
import type { Analyzer } from "./dataset-versions.js";
import { DatasetVersions } from "./dataset-versions.js";
import { datasetInput } from "./lineage.js";
import { SqlDatasetStore } from "./sql/sql-dataset-store.js";

/** Counts lines and commas; throws on a row with a different number of fields. */
const fakeAnalyze: Analyzer = async (path) => {
  const { readFileSync } = await import("node:fs");
  const lines = readFileSync(path, "utf8").trim().split("\n");
  const width = (lines[0] ?? "").split(",").length;
  if (lines.some((l) => l.split(",").length !== width)) throw new Error("ragged row");
  return { rows: lines.length - 1, columns: width, schemaJson: '{"version":1}', profileJson: '{"columns":[]}' };
};

describe("DatasetVersions", () => {
  let dir: string;
  let db: Database;
  let objects: LocalObjectStore;
  let store: SqlDatasetStore;
  let versions: DatasetVersions;

  const objectFiles = () => {
    try {
      return readdirSync(join(dir, "objects", "sha256"), { recursive: true }).filter((f) => String(f).length > 2);
    } catch {
      return [];
    }
  };
  const file = (name: string, body: string | Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, body);
    return p;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mw-dsv-"));
    db = openSqlite(":memory:");
    await migrate(db, dataMigrations);
    objects = new LocalObjectStore(join(dir, "objects"));
    store = new SqlDatasetStore(db);
    versions = new DatasetVersions({
      store,
      objects,
      analyze: fakeAnalyze,
      clock: { now: () => 42 },
      gitCommit: async () => "c".repeat(40),
    });
  });
  after(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("adds a file once; the same bytes again return the same version", async () => {
    const path = file("a.csv", "x,y\n1,2\n3,4\n");
    const first = await versions.addFile(path, { name: "ds" });
    assert.equal(first.created, true);
    assert.equal(first.version.version, 1);
    assert.equal(first.version.rows, 2);
    assert.equal(first.version.gitCommit, "c".repeat(40));
    assert.equal(first.version.sourcePath, path);
    assert.equal(await objects.has(first.version.digest), true);
    const copy = file("copy.csv", "x,y\n1,2\n3,4\n");
    const again = await versions.addFile(copy, { name: "ds" });
    assert.deepEqual(again, { version: first.version, created: false });
    const second = await versions.addStream(Readable.from([Buffer.from("x,y\n5,6\n")]), {
      name: "ds",
      sourcePath: "upload",
    });
    assert.equal(second.version.version, 2);
    assert.equal(objectFiles().length, 2);
  });

  test("a parse failure, empty or binary file stores nothing", async () => {
    const before = objectFiles().length;
    const cases: [string, string | Buffer, RegExp][] = [
      ["ragged.csv", "x,y\n1,2,3\n", /ragged row/],
      ["empty.csv", "", /empty/],
      ["binary.csv", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff]), /binary/],
      ["header-only.csv", "x,y\n", /no data rows/],
    ];
    for (const [name, body, message] of cases) {
      await assert.rejects(versions.addFile(file(name, body), { name: "bad" }), {
        code: "INVALID_PARAMETER_VALUE",
        message,
      });
    }
    await assert.rejects(versions.addFile(join(dir, "missing.csv"), { name: "bad" }), /File not found/);
    assert.equal(objectFiles().length, before);
    await assert.rejects(store.getVersion("bad"), { code: "RESOURCE_DOES_NOT_EXIST" });
    assert.deepEqual(readdirSync(join(dir, "objects", "tmp")), []);
  });

  test("a failing source stream stores no object and no record", async () => {
    const before = objectFiles().length;
    const source = Readable.from(
      (async function* () {
        yield Buffer.from("x,y\n7,8\n");
        throw new Error("connection reset");
      })(),
    );
    await assert.rejects(versions.addStream(source, { name: "broken", sourcePath: "upload" }), /connection reset/);
    assert.equal(objectFiles().length, before);
    await assert.rejects(store.getVersion("broken"), { code: "RESOURCE_DOES_NOT_EXIST" });
  });

  test("lineage: an MLflow log-inputs dataset entry", async () => {
    const v = await store.getVersion("ds", 1);
    const entry = datasetInput(v, { context: "training" });
    assert.deepEqual(entry.tags, [{ key: "mlflow.data.context", value: "training" }]);
    assert.deepEqual(entry.dataset, {
      name: "ds",
      digest: v.digest,
      source_type: "modelworks",
      source: "modelworks-dataset:/ds/1",
      schema: '{"version":1}',
      profile: '{"columns":[]}',
    });
    assert.equal(datasetInput(v, { useOriginalPath: true }).dataset.source, v.sourcePath);
  });
});
