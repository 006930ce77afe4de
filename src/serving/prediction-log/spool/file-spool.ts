/**
 * A {@link PredictionSpool} in local files: segments of JSON lines (`000001.jsonl`, ...), appended
 * to the newest, replayed from the oldest, each deleted once written to the store. Bounded by
 * `maxBytes`; found again after a restart, so rows spooled before a crash are not lost.
 */
import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PredictionRecord } from "../prediction-log-store.js";
import type { PredictionSpool } from "./prediction-spool.js";

/** Segments close at this size, so a replay reads a few MiB at a time, never the whole spool. */
const SEGMENT_BYTES = 4 * 1024 * 1024;

interface Segment {
  name: string;
  bytes: number;
  rows: number;
}

export class FileSpool implements PredictionSpool {
  private segments: Segment[] = [];
  private ready: Promise<void> | undefined;
  private next = 1;

  constructor(
    private dir: string,
    private readonly maxBytes: number,
  ) {}

  rows(): number {
    return this.segments.reduce((a, s) => a + s.rows, 0);
  }

  bytes(): number {
    return this.segments.reduce((a, s) => a + s.bytes, 0);
  }

  /** Find the segments a previous process left (call once at start; later calls reuse it). */
  open(): Promise<void> {
    this.ready ??= this.scan();
    return this.ready;
  }

  async append(records: readonly PredictionRecord[]): Promise<boolean> {
    await this.open();
    const line = `${JSON.stringify(records)}\n`;
    const size = Buffer.byteLength(line);
    if (this.bytes() + size > this.maxBytes) return false;
    let last = this.segments.at(-1);
    if (!last || last.bytes + size > SEGMENT_BYTES) {
      last = { name: `${String(this.next++).padStart(6, "0")}.jsonl`, bytes: 0, rows: 0 };
      this.segments.push(last);
    }
    await appendFile(join(this.dir, last.name), line, { mode: 0o600 });
    last.bytes += size;
    last.rows += records.length;
    return true;
  }

  async peek(): Promise<PredictionRecord[] | undefined> {
    await this.open();
    const first = this.segments[0];
    if (!first) return undefined;
    const text = await readFile(join(this.dir, first.name), "utf8");
    const out: PredictionRecord[] = [];
    for (const line of text.split("\n")) {
      if (line === "") continue;
      let records: PredictionRecord[];
      try {
        records = JSON.parse(line) as PredictionRecord[];
      } catch {
        continue; // the tail of an append a crash cut short
      }
      // JSON has no NaN: an unscorable row's score comes back as null.
      for (const r of records) out.push(r.score === null ? { ...r, score: Number.NaN } : r);
    }
    return out;
  }

  async shift(): Promise<void> {
    const first = this.segments.shift();
    if (first) await rm(join(this.dir, first.name), { force: true });
  }

  private async scan(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // One process per folder: a second live process on the same home spools beside it.
    if (await ownedByAnother(this.dir)) this.dir = `${this.dir}.${process.pid}`;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(join(this.dir, "owner"), String(process.pid), { mode: 0o600 });
    const names = (await readdir(this.dir)).filter((n) => /^\d{6}\.jsonl$/.test(n)).sort();
    for (const name of names) {
      const text = await readFile(join(this.dir, name), "utf8");
      // A line cut short by a crash is the tail of the last append: keep the whole lines before it.
      const lines = text.split("\n").filter((l) => l !== "");
      let rows = 0;
      for (const l of lines) {
        try {
          rows += (JSON.parse(l) as unknown[]).length;
        } catch {
          // the torn tail; peek() skips it too
        }
      }
      this.segments.push({ name, bytes: (await stat(join(this.dir, name))).size, rows });
      this.next = Math.max(this.next, Number(name.slice(0, 6)) + 1);
    }
  }
}

/** True when the folder's `owner` file names another process that is still running. */
async function ownedByAnother(dir: string): Promise<boolean> {
  const pid = Number(await readFile(join(dir, "owner"), "utf8").catch(() => ""));
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
