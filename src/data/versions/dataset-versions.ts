/**
 * Adding dataset versions: stage the bytes (hashing them), parse and profile the staged copy, then
 * commit the object and only then record the version. A parse failure discards the staged bytes,
 * so a version never exists without its object and a bad file stores nothing.
 */

import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
import type { Clock } from "../../core/clock.js";
import { invalidParam, isMwError, MwError } from "../../core/errors.js";
import type { ByteSource, ObjectStore, StagedObject } from "../objects/object-store.js";
import type { LogicalType } from "../table.js";
import type { DatasetStore, DatasetVersion } from "./dataset-store.js";
import { validateDatasetName } from "./sql/sql-dataset-store.js";

/** What parsing a file yields: its shape and the serialised schema and profile. */
export interface TableAnalysis {
  rows: number;
  columns: number;
  schemaJson: string;
  profileJson: string;
}

/** Parses and profiles a local file (wired to the data and validation modules at the edge). */
export type Analyzer = (
  path: string,
  options: { format: string; label?: string; types?: Record<string, LogicalType> },
) => Promise<TableAnalysis>;

export interface DatasetVersionsDeps {
  store: DatasetStore;
  objects: ObjectStore;
  analyze: Analyzer;
  clock: Clock;
  /** The git commit of a folder; defaults to none. */
  gitCommit?: (dir: string) => Promise<string | undefined>;
}

export interface AddOptions {
  name: string;
  /** The label column, so the inferred schema marks it. */
  label?: string;
  /** Declared column types; the others are inferred. */
  types?: Record<string, LogicalType>;
  /** `csv`, `tsv` or `parquet`; from the source's extension when omitted. */
  format?: string;
  /** Where the bytes came from (a path or an upload description). */
  sourcePath: string;
  /** Largest accepted size in bytes. */
  maxBytes?: number;
}

/** The result of an add: the version and whether it is new. */
export interface AddResult {
  version: DatasetVersion;
  created: boolean;
}

const FORMATS = new Set(["csv", "tsv", "parquet"]);

/** The file format implied by a path's extension (CSV unless it says TSV or Parquet). */
export function formatOf(path: string): string {
  const ext = extname(path).toLowerCase();
  if (ext === ".parquet" || ext === ".pq") return "parquet";
  return ext === ".tsv" || ext === ".tab" ? "tsv" : "csv";
}

/** Adds versions to a {@link DatasetStore} backed by an {@link ObjectStore}. */
export class DatasetVersions {
  constructor(private readonly deps: DatasetVersionsDeps) {}

  /** Snapshot a local file; records the git commit of its folder. */
  async addFile(path: string, options: Omit<AddOptions, "sourcePath">): Promise<AddResult> {
    const abs = resolve(path);
    const info = await stat(abs).catch(() => undefined);
    if (!info) throw invalidParam(`File not found: '${path}'.`);
    if (!info.isFile()) throw invalidParam(`Not a regular file: '${path}'.`);
    const commit = await (this.deps.gitCommit?.(dirname(abs)) ?? Promise.resolve(undefined));
    return this.add(createReadStream(abs), { ...options, sourcePath: abs }, commit);
  }

  /** Snapshot bytes from a stream (an upload). */
  async addStream(source: ByteSource, options: AddOptions): Promise<AddResult> {
    return this.add(source, options, undefined);
  }

  private async add(source: ByteSource, options: AddOptions, gitCommit: string | undefined): Promise<AddResult> {
    validateDatasetName(options.name);
    const format = options.format ?? formatOf(options.sourcePath);
    if (!FORMATS.has(format)) throw invalidParam(`Unsupported format '${format}': expected csv, tsv or parquet.`);
    const staged = await this.deps.objects.stage(source, { suffix: `.${format}`, maxBytes: options.maxBytes });
    try {
      const existing = await this.deps.store.findByDigest(options.name, staged.digest);
      if (existing) {
        await staged.discard();
        return { version: existing, created: false };
      }
      const analysis = await analyzeStaged(this.deps.analyze, staged, format, options);
      await staged.commit();
      return await this.deps.store.addVersion({
        name: options.name,
        digest: staged.digest,
        format,
        sizeBytes: staged.size,
        ...analysis,
        sourcePath: options.sourcePath,
        ...(gitCommit ? { gitCommit } : {}),
        createdTime: this.deps.clock.now(),
      });
    } finally {
      await staged.discard();
    }
  }
}

/** Parse staged bytes, turning every parse failure into a client error that names the source. */
export async function analyzeStaged(
  analyze: Analyzer,
  staged: Pick<StagedObject, "path" | "size">,
  format: string,
  options: { sourcePath: string; label?: string; types?: Record<string, LogicalType> },
): Promise<TableAnalysis> {
  const what = `'${options.sourcePath}'`;
  if (staged.size === 0) throw invalidParam(`Cannot read ${what}: the file is empty.`);
  if (format !== "parquet" && (await looksBinary(staged.path))) {
    throw invalidParam(`Cannot read ${what}: it looks like a binary file, not CSV text.`);
  }
  let analysis: TableAnalysis;
  try {
    analysis = await analyze(staged.path, {
      format,
      ...(options.label ? { label: options.label } : {}),
      ...(options.types ? { types: options.types } : {}),
    });
  } catch (e) {
    // Readers name the file they read; users know the source, not our staging copy.
    if (isMwError(e)) throw new MwError(e.code, e.message.replaceAll(staged.path, options.sourcePath), { cause: e });
    throw invalidParam(`Cannot read ${what}: ${(e as Error).message ?? String(e)}`);
  }
  if (analysis.columns === 0 || analysis.rows === 0) throw invalidParam(`Cannot read ${what}: it has no data rows.`);
  return analysis;
}

/** A NUL byte in the first 8 KiB means binary (text CSV never has one). */
async function looksBinary(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).includes(0);
  } finally {
    await handle.close();
  }
}
