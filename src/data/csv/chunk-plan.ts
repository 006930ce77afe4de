/**
 * Parallel streaming of one file: the data is cut at line breaks into chunks, each owning a region of
 * shared (SharedArrayBuffer) columns. The main thread claims chunks from the front, the worker from the
 * back, until they meet, so a late-starting or slower thread simply takes fewer, and each thread's
 * chunks stay contiguous (the merged dictionaries keep first-seen order). One dictionary per thread.
 */
import type { ByteDict, DictBytes } from "./byte-dict.js";
import { ChunkParser } from "./chunk-parser.js";
import type { ChunkColumn, ParseSpec } from "./chunk-types.js";
import { MODE_BOOL, MODE_SKIP, MODE_STRING } from "./chunk-types.js";
import type { BlockBuffer } from "./stream.js";
import { BadBytesError, parseFileRange } from "./stream.js";

export type Typed = Float64Array | Uint8Array | Int32Array;

/** The shared work: chunk k is bytes [starts[k], starts[k + 1]) with rows [bases[k], bases[k + 1]) of `full`. */
export interface ChunkPlan {
  path: string;
  spec: ParseSpec;
  starts: number[];
  bases: number[];
  /** Per column: the shared values (or codes) array; undefined for skipped columns. */
  full: (Typed | undefined)[];
  /** [front | back << 16]: chunks [front, back) are unclaimed; set to 0 to stop every thread after an error. */
  next: Int32Array;
  /** Rows a thread's dictionaries are presized for. */
  dictRows: number;
}

/** A parsed chunk: its rows and columns (no dictionaries: those are per thread). */
export interface DoneChunk {
  k: number;
  rows: number;
  columns: ChunkColumn[];
  failed: boolean;
}

/** One thread's chunks and its dictionaries. */
export interface ChunkBatch {
  done: DoneChunk[];
  dicts: (DictBytes | undefined)[];
}

/** Shared columns for `rows` rows, one per parsed column. */
export function allocShared(modes: number[], rows: number): (Typed | undefined)[] {
  return modes.map((mode) => {
    if (mode === MODE_SKIP) return undefined;
    if (mode === MODE_STRING) return new Int32Array(new SharedArrayBuffer(rows * 4));
    if (mode === MODE_BOOL) return new Uint8Array(new SharedArrayBuffer(rows));
    return new Float64Array(new SharedArrayBuffer(rows * 8));
  });
}

/** The claim counter for `chunks` chunks (at most 65535). */
export function claimCounter(chunks: number): Int32Array {
  const next = new Int32Array(new SharedArrayBuffer(4));
  next[0] = chunks << 16;
  return next;
}

/**
 * Claim the first (or last) unclaimed chunk; -1 when none is left, or (from the front) when no more than
 * `reserve` are left and the other thread has begun claiming.
 */
function claim(next: Int32Array, fromBack: boolean, chunks: number, reserve: number): number {
  for (;;) {
    const v = Atomics.load(next, 0);
    const front = v & 0xffff;
    const back = v >>> 16;
    if (front >= back || (!fromBack && back < chunks && back - front <= reserve)) return -1;
    const taken = fromBack ? ((back - 1) << 16) | front : (back << 16) | (front + 1);
    if (Atomics.compareExchange(next, 0, v, taken) === v) return fromBack ? back - 1 : front;
  }
}

/** How many chunks to leave to the other thread, asked before each claim (given the chunks done so far). */
export type Reserve = (done: number, dicts: (ByteDict | undefined)[] | undefined) => number;

/**
 * Claim and parse chunks until none is left (or `reserve` says to leave the rest); the thread's
 * dictionaries (`dicts` when continuing) are returned live.
 */
export function parseClaimedChunks(
  fd: number,
  plan: ChunkPlan,
  blocks: BlockBuffer,
  fromBack: boolean,
  more?: { dicts?: (ByteDict | undefined)[] | undefined; reserve?: Reserve },
): { done: DoneChunk[]; dicts: (ByteDict | undefined)[] | undefined } {
  const done: DoneChunk[] = [];
  const chunks = plan.starts.length - 1;
  let dicts = more?.dicts;
  for (;;) {
    const k = claim(plan.next, fromBack, chunks, more?.reserve?.(done.length, dicts) ?? 0);
    if (k < 0) break;
    const base = plan.bases[k] as number;
    const cap = (plan.bases[k + 1] as number) - base;
    const view = (a: Typed | undefined) => a?.subarray(base, base + cap);
    const out = {
      cap,
      dictRows: plan.dictRows,
      values: plan.full.map((a) => (a instanceof Int32Array ? undefined : (view(a) as Float64Array | Uint8Array))),
      codes: plan.full.map((a) => (a instanceof Int32Array ? (view(a) as Int32Array) : undefined)),
    };
    const parser = new ChunkParser(blocks.buf, plan.spec, 0, cap, out, dicts);
    dicts = parser.dicts;
    let ok: boolean;
    try {
      ok = parseFileRange(fd, plan.starts[k] as number, plan.starts[k + 1] as number, parser, blocks);
    } catch (e) {
      if (!(e instanceof BadBytesError)) throw e;
      ok = false;
    }
    done.push({ k, rows: parser.rows, columns: parser.columnsResult(false), failed: !ok });
    if (!ok) {
      Atomics.store(plan.next, 0, 0);
      break;
    }
  }
  return { done, dicts };
}
