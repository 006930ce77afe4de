/**
 * The point-in-time join, Feast's rules: for each entity row and one source, the source row with the
 * same keys whose event time is at or before the entity row's time and, with a ttl, at or after
 * that time minus the ttl (both bounds inclusive); the latest event time wins, then the latest
 * created time, then the later row of the source. No such row: no match (the features are null).
 *
 * The source's rows are put in time order once; the entity rows too (once for all views). One
 * sweep through both then keeps the latest source row per key seen so far, so each entity row's
 * match is one lookup: memory is read in order, and the per-key table stays small enough to
 * stay in cache (a per-row binary search within key groups reads memory at random instead).
 */
import type { Column } from "../../data/table.js";
import { Table } from "../../data/table.js";
import type { KeyIndex } from "./key-index.js";
import { buildKeyIndex } from "./key-index.js";
import type { TimeValues } from "./row-order.js";
import { storedInTimeOrder, timeOrder } from "./row-order.js";

/** A source ready for point-in-time lookups. */
export interface SourceIndex {
  readonly keys: KeyIndex;
  /**
   * Rows with a key and an event time, by (event time, created time, row), with each one's time
   * and key group (so the sweep reads memory in order); `order` null means every row, as stored.
   */
  readonly order: Int32Array | null;
  readonly times: Float64Array;
  readonly groups: Int32Array;
}

/** Which columns of a source are its keys and times. */
export interface SourceColumns {
  /** The join key columns, in the order entity key columns will be given. */
  keys: readonly string[];
  eventTime: string;
  created?: string | undefined;
}

/** Entity rows with a time, in time order (shared by every view joined onto them). */
export interface EntityOrder {
  readonly rows: Int32Array;
  /** The time of each entry of `rows`. */
  readonly times: Float64Array;
  readonly numRows: number;
}

/** The match of each entity row with a time, in time order: `sourceRows[k]` (-1: none) for `entityRows[k]`. */
export interface Matches {
  readonly entityRows: Int32Array;
  readonly sourceRows: Int32Array;
  /** Rows of the entity table (rows without a time are in neither list: they match nothing). */
  readonly numRows: number;
}

/** Index a source table's rows by key and time. */
export function indexSource(source: Table, columns: SourceColumns): SourceIndex {
  const keys = buildKeyIndex(
    columns.keys.map((k) => source.column(k) as Column),
    source.numRows,
  );
  const created = columns.created === undefined ? undefined : timeValues(source.column(columns.created) as Column);
  const event = timeValues(source.column(columns.eventTime) as Column);
  // Every row, already in order (an append-only log): read the columns as they are.
  if (storedInTimeOrder(event, keys.rowGroup, created))
    return { keys, order: null, times: event.values, groups: keys.rowGroup };
  const order = timeOrder(event, { groups: keys.rowGroup, ...(created ? { created } : {}) });
  const times = new Float64Array(order.length);
  const groups = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) {
    const r = order[k] as number;
    times[k] = event.values[r] as number;
    groups[k] = keys.rowGroup[r] as number;
  }
  return { keys, order, times, groups };
}

/** Order entity rows by their time (rows without one are left out: they match nothing). */
export function orderEntities(time: TimeValues): EntityOrder {
  const rows = timeOrder(time);
  const times = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) times[k] = time.values[rows[k] as number] as number;
  return { rows, times, numRows: time.values.length };
}

/**
 * The matching source row of each entity row (in entity time order). `entityKeys` are the entity
 * table's key columns in the source's key order, their rows in entity time order (see
 * {@link keysInTimeOrder}); `ttlMs` 0 means no lower bound.
 */
export function matchRows(
  index: SourceIndex,
  entityKeys: readonly Column[],
  entities: EntityOrder,
  ttlMs: number,
): Matches {
  const groupOf = index.keys.lookup(entityKeys, entities.rows.length);
  const latestRow = new Int32Array(index.keys.groups).fill(-1);
  const latestTime = new Float64Array(index.keys.groups);
  const { order, times: sourceTimes, groups } = index;
  const { rows, times } = entities;
  const out = new Int32Array(rows.length);
  const m = sourceTimes.length;
  let p = 0;
  for (let k = 0; k < rows.length; k++) {
    const t = times[k] as number;
    // Every source row at or before t, in order: the last one seen per key is the match.
    while (p < m && (sourceTimes[p] as number) <= t) {
      const g = groups[p] as number;
      if (g >= 0) {
        latestRow[g] = order === null ? p : (order[p] as number);
        latestTime[g] = sourceTimes[p] as number;
      }
      p++;
    }
    const g = groupOf[k] as number;
    const r = g < 0 ? -1 : (latestRow[g] as number);
    out[k] = r >= 0 && (ttlMs <= 0 || (latestTime[g] as number) >= t - ttlMs) ? r : -1;
  }
  return { entityRows: rows, sourceRows: out, numRows: entities.numRows };
}

/** Entity key columns with their rows in time order (as {@link matchRows} reads them: in sequence). */
export function keysInTimeOrder(columns: readonly Column[], entities: EntityOrder): Column[] {
  return columns.length === 0 ? [] : new Table(columns).take(entities.rows).columns.slice();
}

/** The matches by entity row: the source row of each, or -1. */
export function matchesByRow(m: Matches): Int32Array {
  const out = new Int32Array(m.numRows).fill(-1);
  for (let k = 0; k < m.entityRows.length; k++) out[m.entityRows[k] as number] = m.sourceRows[k] as number;
  return out;
}

/** A numeric column's values and nulls as the order and matching read them. */
export function timeValues(c: Column): TimeValues {
  if (c.type === "string" || c.type === "bool") throw new Error(`column '${c.name}' is not a time column`);
  return { values: c.values, nulls: c.nulls };
}
