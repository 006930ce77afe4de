/**
 * The fast path for large CSV files: the file is streamed in blocks (never held whole) and, with a
 * worker, parsed by two threads claiming chunks of a {@link ChunkPlan}, straight into shared columns,
 * so joining is a small in-place move plus a dictionary merge. Anything unusual (a bad cell, bad bytes,
 * a chunk cut inside quotes, a failed worker) returns undefined, and the caller reads the whole file
 * the exact way, which reports the located error.
 */
import { closeSync, openSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import type { LogicalType } from "../table.js";
import { Table } from "../table.js";
import { assembleColumn } from "./assemble.js";
import { ByteDict, decodeKeys, hashBytes } from "./byte-dict.js";
import { ChunkParser } from "./chunk-parser.js";
import type { ChunkBatch, ChunkPlan, DoneChunk, Reserve, Typed } from "./chunk-plan.js";
import { allocShared, claimCounter, parseClaimedChunks } from "./chunk-plan.js";
import type { ChunkColumn, ParseSpec } from "./chunk-types.js";
import { MODE_SKIP, MODE_STRING } from "./chunk-types.js";
import type { Header } from "./infer.js";
import { buildSpec, checkDeclared, parseHeader, SAMPLE_ROWS } from "./infer.js";
import { checkCsvBytes } from "./input-checks.js";
import type { BlockBuffer } from "./stream.js";
import { BLOCK_BYTES, blockBuffer, lastLineEnd, parseFileRange, readFully } from "./stream.js";
import { runTask } from "./workers.js";

/** Chunk size when two threads share the work, in blocks: small enough to balance, large enough to stay cheap. */
const CHUNK_BLOCKS = 8;
/** Rows reserved per chunk beyond the estimate from the sampled bytes per row. */
const SLACK = 1.1;

interface StreamOptions {
  source: string;
  delimiter: number;
  types: Record<string, LogicalType>;
  blockBytes?: number | undefined;
}

type Part = DoneChunk & { remote: boolean };

/** Read a large CSV file by streaming (in two threads when `worker` is given); undefined: use the exact path. */
export async function readCsvStream(
  path: string,
  size: number,
  options: StreamOptions,
  worker: Worker | undefined,
): Promise<Table | undefined> {
  // A worker that fails to boot must not take the process down; it is then simply not used.
  worker?.on("error", () => {});
  let fd = -1;
  try {
    fd = openSync(path, "r");
    return await streamTable(fd, path, size, options, worker);
  } catch {
    return undefined;
  } finally {
    if (fd >= 0) closeSync(fd);
    void worker?.terminate();
  }
}

async function streamTable(
  fd: number,
  path: string,
  size: number,
  options: StreamOptions,
  worker: Worker | undefined,
): Promise<Table | undefined> {
  const { source, delimiter, types } = options;
  const blocks = blockBuffer(Math.min(size, options.blockBytes ?? BLOCK_BYTES));
  const head = readHead(fd, size, blocks, source, delimiter, types);
  if (!head) return undefined;
  const { header, spec, bytesPerRow } = head;
  const est = (bytes: number) => Math.ceil((bytes / bytesPerRow) * SLACK) + 256;
  const data = size - header.dataStart;
  const block = blocks.buf.length;
  const chunkBytes = worker ? Math.max(block, Math.min(block * CHUNK_BLOCKS, data / 4)) : data;
  const starts = chunkStarts(fd, header.dataStart, size, chunkBytes);
  const bases = [0];
  for (let k = 1; k < starts.length; k++)
    bases.push((bases[k - 1] as number) + est((starts[k] as number) - (starts[k - 1] as number)));
  const plan: ChunkPlan = {
    path,
    spec,
    starts,
    bases,
    full: allocShared(spec.modes, bases[bases.length - 1] as number),
    next: claimCounter(starts.length - 1),
    // Each thread's dictionaries hold about its share of the keys (they grow if it takes more).
    dictRows: est(data / (starts.length > 2 ? 2 : 1)),
  };
  // The handler is attached at once so a failing worker is never an unhandled rejection.
  const remote =
    worker && starts.length > 2
      ? runTask(worker, { plan }).then(
          (r) => r.batch,
          () => undefined,
        )
      : undefined;
  // This thread leaves the worker enough chunks to parse while it decodes its own keys (which come
  // first in the merged dictionaries), then takes any chunk still unclaimed.
  const first = parseClaimedChunks(fd, plan, blocks, false, { reserve: reserveFor(performance.now()) });
  const dicts = first.dicts ?? spec.modes.map((m) => (m === MODE_STRING ? new ByteDict() : undefined));
  const decoded = dicts.map((d) => (remote ? d?.decode() : undefined));
  const rest = first.done.some((d) => d.failed) ? undefined : parseClaimedChunks(fd, plan, blocks, false, { dicts });
  const mine = { done: [...first.done, ...(rest?.done ?? [])] };
  if (mine.done.some((d) => d.failed)) return undefined;
  decoded.forEach((keys, c) => {
    if (keys) dicts[c]?.decode(keys);
  });
  const chunks = starts.length - 1;
  const waiting = mine.done.length < chunks;
  const theirs = waiting ? await remote : undefined;
  if (waiting && (!theirs || theirs.done.length + mine.done.length !== chunks || theirs.done.some((d) => d.failed)))
    return undefined;
  const parts: Part[] = [
    ...mine.done.map((d) => ({ ...d, remote: false })),
    ...(theirs?.done ?? []).map((d) => ({ ...d, remote: true })),
  ].sort((a, b) => a.k - b.k);
  const rows = parts.reduce((n, p) => n + p.rows, 0);
  const degraded = spec.modes.map((_, c) => parts.some((p) => p.columns[c]?.degraded));
  const merged = theirs ? mergeDicts(dicts, theirs, parts, degraded) : [];
  const reread = degraded.includes(true) ? rereadStrings(fd, size, spec, header, degraded, rows, blocks) : undefined;
  if (reread === null) return undefined;
  const columns = header.names.map((name, c) => {
    if (degraded[c]) return rereadColumn(name, reread as ChunkParser, c, rows);
    const dict = dicts[c];
    const m = merged[c];
    const dictionary = dict ? (decoded[c] ?? dict.decode()) : undefined;
    if (dictionary && m) decodeKeys(m.bytes, m.added, dictionary);
    return assembleColumn(name, [joinColumn(c, parts, plan, rows)], [rows], types[name] === "float", dictionary);
  });
  return new Table(columns);
}

/** Milliseconds to decode one dictionary key into a JS string (measured, with its GC share). */
const DECODE_MS_PER_KEY = 0.0004;

/** Chunks to leave to the worker: about as many as it parses while this thread decodes its keys. */
function reserveFor(start: number): Reserve {
  return (done, dicts) => {
    if (done === 0 || !dicts) return 0;
    const perChunk = (performance.now() - start) / done;
    const keys = dicts.reduce((n, d) => n + (d?.size ?? 0), 0);
    return Math.floor((keys * DECODE_MS_PER_KEY) / perChunk);
  };
}

/**
 * Header and parse spec from the first bytes (read into the block buffer when it is large enough);
 * the head grows until it holds the whole type-inference sample, as the in-memory path sees it.
 */
function readHead(
  fd: number,
  size: number,
  blocks: BlockBuffer,
  source: string,
  delimiter: number,
  types: Record<string, LogicalType>,
) {
  for (let want = Math.min(size, Math.max(blocks.buf.length, 1 << 20)); ; want = Math.min(size, want * 4)) {
    const head = want <= blocks.buf.length ? blocks.buf : Buffer.allocUnsafeSlow(want);
    const got = readFully(fd, head, 0, want, 0);
    const end = got >= size ? got : lastLineEnd(head, got);
    if (end <= 0) return undefined;
    const text = head.subarray(0, end);
    const header = parseHeader(text, checkCsvBytes(text, source, delimiter), delimiter, source);
    checkDeclared(header.names, types, source);
    if (header.dataStart >= end) return undefined;
    const built = buildSpec(text, header, delimiter, types, source);
    if (built.sampleRows >= SAMPLE_ROWS || got >= size) return { header, ...built };
  }
}

/** Chunk starts: `start`, then the first line start after every `chunkBytes` or so, then `size`. */
function chunkStarts(fd: number, start: number, size: number, chunkBytes: number): number[] {
  const n = Math.min(0xffff, Math.max(1, Math.round((size - start) / chunkBytes)));
  const starts = [start];
  const probe = Buffer.alloc(1 << 16);
  for (let i = 1; i < n; i++) {
    const from = start + Math.floor(((size - start) * i) / n);
    const got = readFully(fd, probe, 0, Math.min(probe.length, size - from), from);
    const lf = probe.subarray(0, got).indexOf(10);
    const at = from + lf + 1;
    if (lf >= 0 && at < size && at > (starts[starts.length - 1] as number)) starts.push(at);
  }
  starts.push(size);
  return starts;
}

/**
 * Remap the codes of the worker's chunks into this thread's dictionaries: a key this thread has keeps
 * its code, a new one gets the next code, in the order the file first shows it (the worker's chunks
 * follow this thread's). Returns, per column, the worker's keys that are new, in code order.
 */
function mergeDicts(dicts: (ByteDict | undefined)[], theirs: ChunkBatch, parts: Part[], degraded: boolean[]) {
  return dicts.map((dict, c) => {
    const bytes = theirs.dicts[c];
    if (!dict || !bytes || degraded[c]) return undefined;
    const { arena, offsets, hashes } = bytes;
    const remap = new Int32Array(offsets.length - 1).fill(-1);
    const added = new Int32Array(offsets.length - 1);
    let next = dict.size;
    for (const p of parts) {
      const codes = p.remote ? p.columns[c]?.codes : undefined;
      if (!codes) continue;
      for (let i = 0; i < codes.length; i++) {
        const k = codes[i] as number;
        if (k < 0) continue;
        let to = remap[k] as number;
        if (to < 0) {
          const s = offsets[k] as number;
          const e = offsets[k + 1] as number;
          to = dict.find(arena, s, e, hashes ? (hashes[k] as number) : hashBytes(arena, s, e));
          if (to < 0) {
            added[next - dict.size] = k;
            to = next++;
          }
          remap[k] = to;
        }
        codes[i] = to;
      }
    }
    return { bytes, added: added.subarray(0, next - dict.size) };
  });
}

/** Column c of every chunk as one: moved down in place in the shared array unless a chunk spilled. */
function joinColumn(c: number, parts: Part[], plan: ChunkPlan, rows: number): ChunkColumn {
  const cols = parts.map((p) => p.columns[c] as ChunkColumn);
  const first = cols[0] as ChunkColumn;
  const data = cols.map((col) => (col.values ?? col.codes) as Typed | undefined);
  const full = plan.full[c];
  let joined: Typed | undefined;
  if (full) {
    const inPlace = parts.every((p, i) => {
      const d = data[i];
      return d !== undefined && (p.remote ? d.buffer instanceof SharedArrayBuffer : d.buffer === full.buffer);
    });
    if (inPlace) {
      let at = 0;
      parts.forEach((p) => {
        const base = plan.bases[p.k] as number;
        if (base !== at && p.rows > 0) full.copyWithin(at, base, base + p.rows);
        at += p.rows;
      });
      joined = full.subarray(0, rows);
    } else {
      joined = new (full.constructor as new (n: number) => Typed)(rows);
      let at = 0;
      data.forEach((d, i) => {
        if (d) (joined as Typed).set(d.subarray(0, (parts[i] as Part).rows), at);
        at += (parts[i] as Part).rows;
      });
    }
  }
  let nulls: Uint8Array | undefined;
  if (cols.some((col) => col.nulls)) {
    nulls = new Uint8Array(rows);
    let at = 0;
    cols.forEach((col, i) => {
      if (col.nulls) (nulls as Uint8Array).set(col.nulls, at);
      at += (parts[i] as Part).rows;
    });
  }
  const data0 = joined instanceof Int32Array ? { codes: joined } : joined ? { values: joined } : {};
  return {
    mode: first.mode,
    allInt: cols.every((col) => col.allInt),
    degraded: false,
    ...(nulls ? { nulls } : {}),
    ...data0,
  };
}

/** Columns whose later cells did not fit their sampled type, read again as strings (null: that failed). */
function rereadStrings(
  fd: number,
  size: number,
  spec: ParseSpec,
  header: Header,
  degraded: boolean[],
  rows: number,
  blocks: BlockBuffer,
): ChunkParser | null {
  const modes = spec.modes.map((_, c) => (degraded[c] ? MODE_STRING : MODE_SKIP));
  const p = new ChunkParser(blocks.buf, { ...spec, modes }, header.lines + 1, rows + 1);
  if (!parseFileRange(fd, header.dataStart, size, p, blocks) || p.rows !== rows) return null;
  return p;
}

function rereadColumn(name: string, r: ChunkParser, c: number, rows: number) {
  const nulls = r.nulls[c]?.subarray(0, rows);
  const codes = (r.codes[c] as Int32Array).subarray(0, rows);
  const column: ChunkColumn = { mode: MODE_STRING, codes, allInt: false, degraded: false, ...(nulls ? { nulls } : {}) };
  return assembleColumn(name, [column], [rows], false, (r.dicts[c] as ByteDict).decode());
}
