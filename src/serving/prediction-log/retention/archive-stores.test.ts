/**
 * The log archive on each artifact store (local folder, S3): archived days are written, listed and
 * read back with the rows `deployments export-log` gives for the day; retention deletes only what
 * is archived; an S3 failure while archiving deletes nothing and says what failed.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { migrate } from "../../../core/db/migrate.js";
import { openSqlite } from "../../../core/db/sqlite/sqlite-database.js";
import { testBackends } from "../../../core/db/test-support/backends.js";
import { ownTestBucket, stopTestS3, testBucket } from "../../../core/s3/test-support/s3-test-server.js";
import { readTableFromBuffer } from "../../../data/read-table.js";
import type { Table } from "../../../data/table.js";
import { valueAt } from "../../../data/table.js";
import { logHandlers } from "../../../server/platform/log-handlers.js";
import type { ArtifactStore } from "../../../tracking/artifacts/artifact-store.js";
import { LocalArtifactStore } from "../../../tracking/artifacts/local/local-artifact-store.js";
import { S3ArtifactStore } from "../../../tracking/artifacts/s3/s3-artifact-store.js";
import { SqlDeploymentStore } from "../../deployments/sql/sql-deployment-store.js";
import { servingMigrations } from "../../migrations.js";
import { PredictionLogService } from "../log-service.js";
import { DAY_MS } from "../sql/day-partitions.js";
import { SqlPredictionLogStore } from "../sql/sql-prediction-log-store.js";
import { SqliteWorkerPredictionLogStore } from "../sqlite-worker/sqlite-worker-prediction-log-store.js";
import { archivePath, archiveToArtifacts } from "./archive-day.js";
import { LogRetention } from "./log-retention.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 4, 1);
/** Rows of day 0 and day 1, and of the first minute of day 2. */
const PER_DAY = 300;

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers.reverse()) await c();
  await stopTestS3();
});

type DbKind = "sqlite" | "postgres";

/** SQLite as `up` runs it (a file, the log writer's thread) or PostgreSQL (when the tests have one). */
async function openLog(kind: DbKind) {
  if (kind === "postgres") {
    const pg = testBackends().find((b) => b.name === "postgres");
    if (!pg) throw new Error("no PostgreSQL for this run");
    const { db, uri, drop } = await pg.create();
    closers.push(drop);
    return { db, writer: new SqlPredictionLogStore(db), exportStore: { postgres: uri } as const, upkeep: db };
  }
  const dir = mkdtempSync(join(tmpdir(), "mw-archive-"));
  const path = join(dir, "m.db");
  const db = openSqlite(path);
  const writer = new SqliteWorkerPredictionLogStore(path, new SqlPredictionLogStore(db));
  closers.push(async () => {
    await writer.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, writer, exportStore: { sqlite: path } as const, upkeep: writer.upkeepConnection() };
}

/** A log with `churn` (archived, 1 h retention), rows on days 0–2; `now` is settable. */
async function world(kind: DbKind = "sqlite") {
  const { db, writer, exportStore, upkeep } = await openLog(kind);
  const clock = { t: T0, now: () => clock.t };
  await migrate(db, servingMigrations);
  await new SqlDeploymentStore(db, { clock }).create({
    name: "churn",
    primary: "churn/1",
    logRetentionMs: HOUR,
    archiveLog: true,
  });
  const times = [
    ...Array.from({ length: 2 * PER_DAY }, (_, i) => T0 + Math.floor(i / PER_DAY) * DAY_MS + (i % PER_DAY) * 1000),
    ...Array.from({ length: 10 }, (_, i) => T0 + 2 * DAY_MS + i),
  ];
  await writer.appendPredictions(
    times.map((time, i) => ({
      deployment: "churn",
      requestId: `r-${i}`,
      row: 0,
      variant: "primary" as const,
      shadow: false,
      modelName: "churn",
      modelVersion: "1",
      inputs: JSON.stringify({ tenure: i % 72, Contract: i % 3 ? "One year" : "Month-to-month" }),
      score: (i % 100) / 100,
      label: i % 4 ? "No" : "Yes",
      time,
      latencyMs: 1,
      ...(i % 5 === 0 ? { routingKey: `k-${i % 7}` } : {}),
    })),
  );
  // Archives export on the worker thread, as `up` runs them.
  const log = new PredictionLogService({ db, exportStore });
  const retention = (artifacts: ArtifactStore) =>
    new LogRetention({
      db,
      upkeep,
      clock,
      archive: archiveToArtifacts(log, artifacts),
      batchRows: 100,
      pause: async () => {},
    });
  const count = async (from: number, to: number) =>
    Number(
      (
        await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM log_predictions WHERE time >= ? AND time < ?", [
          from,
          to,
        ])
      )?.n,
    );
  const archives = async () =>
    db.all<{ day: number; path: string; rows_count: number; bytes: number }>(
      "SELECT day, path, rows_count, bytes FROM log_archives ORDER BY day",
    );
  return { db, log, clock, retention, count, archives };
}

/** `deployments export-log churn --from DAY --to DAY+1d --out X.parquet`, through the CLI's own handler. */
async function exportDay(log: PredictionLogService, day: number): Promise<Table> {
  const file = await logHandlers(log, { inWorker: false }).exportDeploymentLog({
    name: "churn",
    from_time: day,
    to_time: day + DAY_MS,
    format: "parquet",
  });
  const parts: Uint8Array[] = [];
  for await (const c of file.chunks) parts.push(c);
  return readTableFromBuffer(Buffer.concat(parts), { format: "parquet" });
}

async function readBack(store: ArtifactStore, path: string): Promise<Table> {
  const { stream } = await store.get(path);
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.from(c as Uint8Array));
  return readTableFromBuffer(Buffer.concat(parts), { format: "parquet" });
}

function rowsOf(t: Table): unknown[][] {
  return Array.from({ length: t.numRows }, (_, i) => t.columns.map((c) => valueAt(c, i)));
}

const stores: { name: string; open(): Promise<ArtifactStore> }[] = [
  {
    name: "local folder",
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), "mw-archive-store-"));
      closers.push(async () => rmSync(dir, { recursive: true, force: true }));
      return new LocalArtifactStore(dir);
    },
  },
  {
    name: "S3",
    open: async () => {
      const b = await testBucket();
      closers.push(b.close);
      return new S3ArtifactStore(b.client, { bucket: b.bucket, prefix: "mlartifacts" }, 1);
    },
  },
];

const kinds = testBackends().map((b) => b.name);
for (const s of stores) {
  for (const kind of kinds) {
    describe(`prediction-log archive on ${s.name} (${kind})`, () => {
      test("closed days are archived, listed and read back as the day's export; only archived days are deleted", async () => {
        const w = await world(kind);
        const store = await s.open();
        const day0 = T0;
        const day1 = T0 + DAY_MS;
        const expected = [rowsOf(await exportDay(w.log, day0)), rowsOf(await exportDay(w.log, day1))];
        assert.equal(expected[0]?.length, PER_DAY);
        const columns = (await exportDay(w.log, day0)).columnNames;

        // Two hours into day 1: day 0 is closed and archived; day 1's early rows are past the hour's
        // retention but not archived, so they stay.
        w.clock.t = day1 + 2 * HOUR;
        const first = await w.retention(store).runOnce();
        assert.deepEqual(
          first.archived.map((a) => a.path),
          [archivePath("churn", day0)],
        );
        // PostgreSQL drops day 0's partition instead of deleting its rows.
        assert.deepEqual(first.droppedDays, kind === "postgres" ? [day0] : []);
        assert.equal(first.deleted + first.droppedDays.length * PER_DAY, PER_DAY);
        assert.equal(await w.count(day0, day1), 0);
        assert.equal(await w.count(day1, day1 + DAY_MS), PER_DAY);

        // Two hours into day 2: day 1 goes the same way; day 2 is open and stays.
        w.clock.t = day1 + DAY_MS + 2 * HOUR;
        const second = await w.retention(store).runOnce();
        assert.deepEqual(
          second.archived.map((a) => a.path),
          [archivePath("churn", day1)],
        );
        assert.equal(second.deleted + second.droppedDays.length * PER_DAY, PER_DAY);
        assert.equal(await w.count(0, day1 + DAY_MS), 0);
        assert.equal(await w.count(day1 + DAY_MS, day1 + 2 * DAY_MS), 10);

        const listed = await store.list("prediction-logs/churn");
        assert.deepEqual(
          listed.map((f) => [f.path, f.is_dir]),
          [
            ["2026-05-01.parquet", false],
            ["2026-05-02.parquet", false],
          ],
        );
        assert.deepEqual(await store.list("prediction-logs"), [{ path: "churn", is_dir: true }]);
        const recorded = await w.archives();
        assert.deepEqual(
          recorded.map((r) => [Number(r.day), r.path, Number(r.rows_count)]),
          [
            [day0, archivePath("churn", day0), PER_DAY],
            [day1, archivePath("churn", day1), PER_DAY],
          ],
        );
        for (const [i, r] of recorded.entries()) {
          assert.equal(listed[i]?.file_size, Number(r.bytes));
          const back = await readBack(store, r.path);
          assert.deepEqual(back.columnNames, columns);
          assert.deepEqual(rowsOf(back), expected[i]);
        }
      });
    });
  }
}

describe("prediction-log archive when S3 fails", () => {
  test("a bucket that does not exist: nothing is deleted or recorded, and the failure names the archive", async () => {
    const w = await world();
    const b = await testBucket();
    closers.push(b.close);
    const store = new S3ArtifactStore(b.client, { bucket: `${b.bucket}-missing`, prefix: "" });
    w.clock.t = T0 + 2 * DAY_MS + 2 * HOUR;
    const pass = await w.retention(store).runOnce();
    assert.equal(pass.failed.length, 1);
    assert.deepEqual([pass.failed[0]?.deployment, pass.failed[0]?.path], ["churn", archivePath("churn", T0)]);
    assert.match(pass.failed[0]?.message ?? "", /prediction log of churn for 2026-05-01/);
    assert.match(pass.failed[0]?.message ?? "", /bucket/i);
    assert.equal(await w.count(0, T0 + 3 * DAY_MS), 2 * PER_DAY + 10);
    assert.deepEqual(await w.archives(), []);
  });

  test("the server stopped between passes: the next pass deletes nothing and reports the archive", async () => {
    const w = await world();
    const server = await ownTestBucket();
    closers.push(server.close);
    const store = new S3ArtifactStore(server.client, { bucket: server.bucket, prefix: "logs" });
    w.clock.t = T0 + DAY_MS + 2 * HOUR;
    const first = await w.retention(store).runOnce();
    assert.equal(first.archived.length, 1);
    assert.equal(await store.stat(archivePath("churn", T0)).then((x) => x?.is_dir), false);

    await server.stop();
    w.clock.t = T0 + 2 * DAY_MS + 2 * HOUR;
    const pass = await w.retention(store).runOnce();
    assert.match(
      pass.failed.map((f) => f.message).join("\n"),
      /prediction log of churn for 2026-05-02 to prediction-logs\/churn\/2026-05-02\.parquet/,
    );
    assert.equal(await w.count(T0 + DAY_MS, T0 + 3 * DAY_MS), PER_DAY + 10);
    assert.deepEqual(
      (await w.archives()).map((r) => Number(r.day)),
      [T0],
    );
  });
});
