/**
 * New-data trigger: poll a folder and report each new file matching a pattern once it has stopped
 * growing (the same size and modification time on two polls in a row), so a file still being copied
 * is not picked up half-written. A file is reported at most once per watcher.
 */
import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { globRegExp } from "./glob.js";

/** One file of a folder listing. */
export interface FileEntry {
  name: string;
  size: number;
  mtimeMs: number;
}

/** Lists a folder's files (not subfolders); a missing folder lists as empty. */
export type ListFolder = (dir: string) => Promise<FileEntry[]>;

/** What to watch. */
export interface FolderWatchOptions {
  path: string;
  /** Glob on the file name (`*.csv`, `day-{1,2}.parquet`); default every file. */
  pattern?: string;
  /** Treat files present at the first poll as already seen (default true: only new data triggers). */
  ignoreExisting?: boolean;
}

/** Polls one folder; call {@link FolderWatcher.poll} on a timer. */
export class FolderWatcher {
  readonly path: string;
  private readonly match: RegExp;
  private readonly ignoreExisting: boolean;
  private readonly pending = new Map<string, { size: number; mtimeMs: number }>();
  private readonly reported = new Set<string>();
  private polls = 0;

  constructor(
    options: FolderWatchOptions,
    private readonly list: ListFolder = listFolder,
  ) {
    this.path = options.path;
    this.match = globRegExp(options.pattern ?? "*");
    this.ignoreExisting = options.ignoreExisting ?? true;
  }

  /** Full paths of files that became stable since the last poll, sorted by name. */
  async poll(): Promise<string[]> {
    const entries = (await this.list(this.path)).filter((e) => this.match.test(e.name));
    const first = this.polls++ === 0;
    const ready: string[] = [];
    const present = new Set<string>();
    for (const e of entries) {
      present.add(e.name);
      if (this.reported.has(e.name)) continue;
      if (first && this.ignoreExisting) {
        this.reported.add(e.name);
        continue;
      }
      const before = this.pending.get(e.name);
      // Empty files are usually just created and not yet written, so they wait for content.
      if (before && before.size === e.size && before.mtimeMs === e.mtimeMs && e.size > 0) {
        this.pending.delete(e.name);
        this.reported.add(e.name);
        ready.push(join(this.path, e.name));
      } else {
        this.pending.set(e.name, { size: e.size, mtimeMs: e.mtimeMs });
      }
    }
    // A file that vanished before it settled starts over if it comes back.
    for (const name of this.pending.keys()) if (!present.has(name)) this.pending.delete(name);
    return ready.sort();
  }
}

/** The real folder listing. */
export async function listFolder(dir: string): Promise<FileEntry[]> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const out: FileEntry[] = [];
  for (const d of dirents) {
    if (!d.isFile()) continue;
    const s = await stat(join(dir, d.name)).catch(() => undefined);
    if (s) out.push({ name: d.name, size: s.size, mtimeMs: s.mtimeMs });
  }
  return out;
}
