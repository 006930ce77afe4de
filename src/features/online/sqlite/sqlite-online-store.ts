/**
 * The embedded online store: a SQLite file of its own (WAL), beside the metadata database but not in
 * it, so serving reads never wait on metadata writes. better-sqlite3 answers a point read in
 * microseconds synchronously, which is what a serving request wants.
 */
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { ensurePrivateDir } from "../../../core/fs/private-files.js";
import type { OnlineRecord, OnlineStore, StoredRecord, ViewState, WriteCounts } from "../online-store.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS online_rows (
  view TEXT NOT NULL,
  entity_key TEXT NOT NULL,
  event_time INTEGER NOT NULL,
  created_time INTEGER NOT NULL,
  values_json TEXT NOT NULL,
  PRIMARY KEY (view, entity_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS online_views (
  view TEXT NOT NULL PRIMARY KEY,
  watermark INTEGER,
  newest_event_time INTEGER,
  updated_time INTEGER
);`;

// The stored row is replaced only by a newer event time, or the same one created at least as late.
const UPSERT = `INSERT INTO online_rows (view, entity_key, event_time, created_time, values_json)
  VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (view, entity_key) DO UPDATE SET
    event_time = excluded.event_time, created_time = excluded.created_time, values_json = excluded.values_json
  WHERE excluded.event_time > online_rows.event_time
     OR (excluded.event_time = online_rows.event_time AND excluded.created_time >= online_rows.created_time)`;

type Row = { event_time: number; created_time: number; values_json: string };
type ViewRow = {
  view: string;
  watermark: number | null;
  newest_event_time: number | null;
  updated_time: number | null;
};

/** Open (creating when needed) the SQLite online store at `path`. */
export function openSqliteOnlineStore(path: string): OnlineStore {
  if (path !== ":memory:") ensurePrivateDir(dirname(path));
  const db = new BetterSqlite3(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);
  const upsert = db.prepare(UPSERT);
  const readOne = db.prepare<[string, string], Row>(
    "SELECT event_time, created_time, values_json FROM online_rows WHERE view = ? AND entity_key = ?",
  );
  const viewOne = db.prepare<[string], ViewRow>("SELECT * FROM online_views WHERE view = ?");
  const viewAll = db.prepare<[], ViewRow>("SELECT * FROM online_views ORDER BY view");
  const touch = db.prepare(
    `INSERT INTO online_views (view, newest_event_time, updated_time) VALUES (?, ?, ?)
     ON CONFLICT (view) DO UPDATE SET updated_time = excluded.updated_time,
       newest_event_time = MAX(COALESCE(online_views.newest_event_time, excluded.newest_event_time), excluded.newest_event_time)`,
  );
  const advance = db.prepare(
    `INSERT INTO online_views (view, watermark) VALUES (?, ?)
     ON CONFLICT (view) DO UPDATE SET watermark = MAX(COALESCE(online_views.watermark, excluded.watermark), excluded.watermark)`,
  );
  const writeAll = db.transaction((view: string, records: readonly OnlineRecord[], now: number): WriteCounts => {
    let written = 0;
    let newest = Number.NEGATIVE_INFINITY;
    for (const r of records) {
      written += upsert.run(view, r.key, r.eventTime, r.createdTime, JSON.stringify(r.values)).changes;
      if (r.eventTime > newest) newest = r.eventTime;
    }
    if (records.length > 0) touch.run(view, newest, now);
    return { written, skipped: records.length - written };
  });
  const dropAll = db.transaction((view: string) => {
    db.prepare("DELETE FROM online_rows WHERE view = ?").run(view);
    db.prepare("DELETE FROM online_views WHERE view = ?").run(view);
  });
  const toStored = (row: Row | undefined): StoredRecord | undefined =>
    row === undefined
      ? undefined
      : {
          eventTime: row.event_time,
          createdTime: row.created_time,
          values: JSON.parse(row.values_json) as Record<string, unknown>,
        };
  return {
    kind: "sqlite",
    write: async (view, records, now) => writeAll(view, records, now),
    read: async (view, keys) => keys.map((k) => toStored(readOne.get(view, k))),
    viewState: async (view) => stateOf(viewOne.get(view), view),
    listViews: async () => viewAll.all().map((r) => stateOf(r, r.view)),
    advanceWatermark: async (view, time) => {
      advance.run(view, time);
    },
    dropView: async (view) => {
      dropAll(view);
    },
    close: async () => {
      db.close();
    },
  };
}

function stateOf(row: ViewRow | undefined, view: string): ViewState {
  return {
    view,
    ...(row?.watermark != null ? { watermark: row.watermark } : {}),
    ...(row?.newest_event_time != null ? { newestEventTime: row.newest_event_time } : {}),
    ...(row?.updated_time != null ? { updatedTime: row.updated_time } : {}),
  };
}
