/**
 * The online store: each entity's latest feature values per feature view, for serving. One value
 * per (view, entity key), never history. Writes follow one rule on every backend: a record replaces
 * the stored one only when its event time is newer (or equal with a created time at least as new),
 * so a late-arriving older row never overwrites a newer value and a rerun changes nothing.
 */

/** One entity's feature values of a view, as written. */
export interface OnlineRecord {
  /** The encoded entity key (see `encodeEntityKey`). */
  key: string;
  /** Event time, ms since the epoch. */
  eventTime: number;
  /** Created time, ms since the epoch (0 when the source has none). */
  createdTime: number;
  /** Feature values by feature name (null for a missing value; timestamps as ms). */
  values: Record<string, unknown>;
}

/** A stored record, as read back. */
export interface StoredRecord {
  eventTime: number;
  createdTime: number;
  values: Record<string, unknown>;
}

/** What a view holds in the store: its materialization watermark and newest event time. */
export interface ViewState {
  view: string;
  /** The end of the last materialization (ms); incremental runs start from it. */
  watermark?: number;
  /** The newest event time of any record written (ms), for freshness. */
  newestEventTime?: number;
  /** When a materialization last wrote to the view (ms). */
  updatedTime?: number;
}

/** What a write did. */
export interface WriteCounts {
  /** Records stored (new or newer than the stored one). */
  written: number;
  /** Records skipped because the stored one is newer. */
  skipped: number;
}

/** An online store backend (SQLite embedded, Redis for many serving replicas). */
export interface OnlineStore {
  readonly kind: "sqlite" | "redis";
  /** Write records of a view (newer event time wins); `now` is recorded as the view's update time. */
  write(view: string, records: readonly OnlineRecord[], now: number): Promise<WriteCounts>;
  /** The stored record of each key, in order (undefined where none). */
  read(view: string, keys: readonly string[]): Promise<(StoredRecord | undefined)[]>;
  /** A view's watermark and freshness (an empty state when never written). */
  viewState(view: string): Promise<ViewState>;
  /** Every view with any state, by name. */
  listViews(): Promise<ViewState[]>;
  /** Move a view's watermark forward to `time` (never back). */
  advanceWatermark(view: string, time: number): Promise<void>;
  /** Remove a view's records and state. */
  dropView(view: string): Promise<void>;
  close(): Promise<void>;
}

/** True when a record with (eventTime, createdTime) replaces one stored with (storedEvent, storedCreated). */
export function replaces(eventTime: number, createdTime: number, storedEvent: number, storedCreated: number): boolean {
  return eventTime > storedEvent || (eventTime === storedEvent && createdTime >= storedCreated);
}
