/**
 * The indexed point-in-time join against a brute-force reference on random data: composite and
 * missing keys, keys typed differently on the two sides, ties on event time (broken by created
 * time, then by the later row), missing created times, ttl 0 (no limit), entity rows before any
 * source row, missing entity times, unsorted sources and fractional or negative times.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import type { LogicalType } from "../../data/table.js";
import { Table, valueAt } from "../../data/table.js";
import { buildColumn } from "../../data/test-support/build-table.js";
import {
  indexSource,
  keysInTimeOrder,
  matchesByRow,
  matchRows,
  orderEntities,
  timeValues,
} from "./point-in-time-join.js";

type Key = number | null;

interface Case {
  keyTypes: { source: LogicalType; entity: LogicalType }[];
  source: { keys: Key[]; event: number | null; created: number | null }[];
  entities: { keys: Key[]; time: number | null }[];
  withCreated: boolean;
  ttl: number;
  scale: number;
}

const keyType = fc.constantFrom<LogicalType>("int", "string");
const key = fc.option(fc.integer({ min: 0, max: 4 }), { freq: 8 });
const time = fc.option(fc.integer({ min: -3, max: 12 }), { freq: 8 });

const cases = fc.integer({ min: 0, max: 2 }).chain((nKeys) =>
  fc.record<Case>({
    keyTypes: fc.array(fc.record({ source: keyType, entity: keyType }), { minLength: nKeys, maxLength: nKeys }),
    source: fc.array(
      fc.record({
        keys: fc.array(key, { minLength: nKeys, maxLength: nKeys }),
        event: time,
        created: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 4 }),
      }),
      { maxLength: 40 },
    ),
    entities: fc.array(fc.record({ keys: fc.array(key, { minLength: nKeys, maxLength: nKeys }), time }), {
      maxLength: 30,
    }),
    withCreated: fc.boolean(),
    ttl: fc.constantFrom(0, 1, 3, 7),
    // 1 keeps integer times (offset keys); the others exercise the floating-point keys.
    scale: fc.constantFrom(1, 0.25, -1.5, 1e9),
  }),
);

function build(c: Case) {
  const keyNames = c.keyTypes.map((_, k) => `k${k}`);
  const scaled = (t: number | null) => (t === null ? null : t * c.scale);
  const cell = (v: Key, type: LogicalType) => (v === null ? null : type === "string" ? String(v) : v);
  const source = new Table([
    ...keyNames.map((name, k) => {
      const type = (c.keyTypes[k] as Case["keyTypes"][number]).source;
      return buildColumn(
        name,
        c.source.map((r) => cell(r.keys[k] as Key, type)),
        type,
      );
    }),
    buildColumn(
      "event",
      c.source.map((r) => scaled(r.event)),
      "timestamp",
    ),
    buildColumn(
      "created",
      c.source.map((r) => r.created),
      "timestamp",
    ),
  ]);
  const entities = new Table([
    ...keyNames.map((name, k) => {
      const type = (c.keyTypes[k] as Case["keyTypes"][number]).entity;
      return buildColumn(
        name,
        c.entities.map((r) => cell(r.keys[k] as Key, type)),
        type,
      );
    }),
    buildColumn(
      "event_timestamp",
      c.entities.map((r) => scaled(r.time)),
      "timestamp",
    ),
  ]);
  return { keyNames, source, entities, ttl: c.ttl * Math.abs(c.scale) };
}

/** The rules written out directly: scan every source row for every entity row. */
function bruteForce(c: Case, t: ReturnType<typeof build>, withCreated: boolean): number[] {
  const sameKey = (i: number, j: number) =>
    t.keyNames.every((name) => {
      const a = valueAt(t.entities.column(name) as never, i);
      const b = valueAt(t.source.column(name) as never, j);
      return a !== null && b !== null && String(a) === String(b);
    });
  const value = (table: Table, name: string, i: number) => valueAt(table.column(name) as never, i) as number | null;
  return c.entities.map((_, i) => {
    const at = value(t.entities, "event_timestamp", i);
    if (at === null) return -1;
    let best = -1;
    let bestEvent = 0;
    let bestCreated = 0;
    for (let j = 0; j < t.source.numRows; j++) {
      const ev = value(t.source, "event", j);
      if (ev === null || !sameKey(i, j) || ev > at || (t.ttl > 0 && ev < at - t.ttl)) continue;
      const cr = withCreated ? (value(t.source, "created", j) ?? Number.NEGATIVE_INFINITY) : 0;
      if (best < 0 || ev > bestEvent || (ev === bestEvent && cr >= bestCreated)) {
        best = j;
        bestEvent = ev;
        bestCreated = cr;
      }
    }
    return best;
  });
}

describe("point-in-time join", () => {
  test("matches the brute-force reference on random data", () => {
    fc.assert(
      fc.property(cases, (c) => {
        const t = build(c);
        const index = indexSource(t.source, {
          keys: t.keyNames,
          eventTime: "event",
          created: c.withCreated ? "created" : undefined,
        });
        const entities = orderEntities(timeValues(t.entities.column("event_timestamp") as never));
        const keys = keysInTimeOrder(
          t.keyNames.map((k) => t.entities.column(k) as never),
          entities,
        );
        const got = matchesByRow(matchRows(index, keys, entities, t.ttl));
        assert.deepEqual([...got], bruteForce(c, t, c.withCreated));
      }),
      { numRuns: 500 },
    );
  });
});
