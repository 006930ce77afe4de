/**
 * CSV → Table. Large files take the streaming path (read-stream.ts); otherwise, and whenever that
 * path meets anything unusual, the file is read once into shared memory and parsed here, where
 * errors are located exactly.
 */
import { open, stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import type { Column, LogicalType } from "../table.js";
import { Table } from "../table.js";
import { assembleColumn } from "./assemble.js";
import { parseChunk } from "./chunk-parser.js";
import type { ChunkResult, ParseSpec } from "./chunk-types.js";
import { MODE_SKIP, MODE_STRING } from "./chunk-types.js";
import type { Header } from "./infer.js";
import { buildSpec, checkDeclared, parseHeader } from "./infer.js";
import { checkCsvBytes, csvError } from "./input-checks.js";
import type { ParseTask } from "./parse-worker.js";
import { readCsvStream } from "./read-stream.js";
import { runWorker, startWorker } from "./workers.js";

/** Options for reading CSV. */
export interface CsvReadOptions {
  /** Declared types by column name; a cell that does not fit is an error naming its line and column. */
  types?: Record<string, LogicalType>;
  /** One-character field delimiter (default `,`). */
  delimiter?: string;
  /** Name used in error messages (default: the path, or `<buffer>`). */
  source?: string;
  /**
   * Threads for large inputs. A file is streamed and, with 2 (the default for files), a worker thread
   * takes chunks of it too, writing into shared columns. An in-memory buffer defaults to 1 (this thread);
   * with 2 its halves are parsed by two workers and copied together.
   */
  workers?: number;
  /** Streaming block size in bytes (tests use small blocks to exercise rows cut at block ends). */
  blockBytes?: number;
}

/** Files from this size are streamed in blocks instead of read whole. */
const STREAM_MIN_BYTES = 4 << 20;

/** Below this size a single in-thread parse beats starting workers. */
const PARALLEL_MIN_BYTES = 8 << 20;

/** Read a file's bytes into memory that worker threads can share without copying. */
export async function readSharedFile(path: string): Promise<Buffer> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const buf = Buffer.from(new SharedArrayBuffer(size));
    let off = 0;
    while (off < size) {
      const { bytesRead } = await fh.read(buf, off, Math.min(size - off, 1 << 30), off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return buf.subarray(0, off);
  } finally {
    await fh.close();
  }
}

/** Read a CSV file into a Table: large files are streamed (see read-stream.ts), others read whole. */
export async function readCsvFile(path: string, options: CsvReadOptions = {}): Promise<Table> {
  const source = options.source ?? path;
  const { size } = await stat(path);
  if (size >= (options.blockBytes !== undefined ? 0 : STREAM_MIN_BYTES)) {
    const threads = Math.min(options.workers ?? 2, availableParallelism());
    // Booted before anything else so that its start-up overlaps reading the head and inferring types.
    const worker = threads >= 2 && size >= PARALLEL_MIN_BYTES ? startWorker() : undefined;
    const delimiter = (options.delimiter ?? ",").charCodeAt(0);
    const stream = { source, delimiter, types: options.types ?? {}, blockBytes: options.blockBytes };
    const table = await readCsvStream(path, size, stream, worker);
    if (table) return table;
  }
  return readCsvBuffer(await readSharedFile(path), { ...options, source });
}

/** Parse CSV bytes into a Table (a header-only input gives 0 rows; an empty one is an error). */
export async function readCsvBuffer(buf: Buffer, options: CsvReadOptions = {}): Promise<Table> {
  const source = options.source ?? "<buffer>";
  const delimiter = (options.delimiter ?? ",").charCodeAt(0);
  const types = options.types ?? {};
  const start = checkCsvBytes(buf, source, delimiter);
  const header = parseHeader(buf, start, delimiter, source);
  checkDeclared(header.names, types, source);
  if (isBlankText(buf, header.dataStart)) return emptyTable(header.names, types);
  const { spec, bytesPerRow } = buildSpec(buf, header, delimiter, types, source);
  const results = await parseAll(buf, header, spec, bytesPerRow, source, options.workers);
  const sizes = results.map((r) => r.rows);
  const total = sizes.reduce((a, b) => a + b, 0);
  const degraded = spec.modes.map((_, c) => results.some((r) => r.columns[c]?.degraded));
  const reread = degraded.includes(true) ? rereadAsStrings(buf, header, spec, degraded, total) : undefined;
  const columns = header.names.map((name, c) =>
    reread && degraded[c]
      ? assembleColumn(name, [reread.columns[c] as ChunkResult["columns"][number]], [total])
      : assembleColumn(
          name,
          results.map((r) => r.columns[c] as ChunkResult["columns"][number]),
          sizes,
          types[name] === "float",
        ),
  );
  return new Table(columns);
}

function isBlankText(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) {
    const b = buf[i];
    if (b !== 10 && b !== 13 && b !== 32 && b !== 9) return false;
  }
  return true;
}

function emptyTable(names: string[], types: Record<string, LogicalType>): Table {
  const columns = names.map((name): Column => {
    const type = types[name] ?? "string";
    if (type === "string") return { name, length: 0, type, codes: new Int32Array(0), dictionary: [] };
    if (type === "bool") return { name, length: 0, type, values: new Uint8Array(0) };
    return { name, length: 0, type, values: new Float64Array(0) };
  });
  return new Table(columns);
}

/** Columns whose later cells did not fit the sampled type are read again, as strings. */
function rereadAsStrings(buf: Buffer, header: Header, spec: ParseSpec, degraded: boolean[], rows: number) {
  const modes = spec.modes.map((_, c) => (degraded[c] ? MODE_STRING : MODE_SKIP));
  return parseChunk(buf, header.dataStart, buf.length, { ...spec, modes }, header.lines + 1, rows + 1);
}

function throwCellError(r: ChunkResult, lineOffset: number, source: string): void {
  if (r.error) throw csvError(source, r.error.line + lineOffset, r.error.column, r.error.message);
}

async function parseAll(
  buf: Buffer,
  header: Header,
  spec: ParseSpec,
  bytesPerRow: number,
  source: string,
  workers = 1,
): Promise<ChunkResult[]> {
  const firstLine = header.lines + 1;
  const estRows = (bytes: number) => Math.ceil((bytes / bytesPerRow) * 1.1) + 16;
  const single = (): ChunkResult[] => {
    const r = parseChunk(buf, header.dataStart, buf.length, spec, firstLine, estRows(buf.length - header.dataStart));
    throwCellError(r, 0, source);
    return [r];
  };
  const size = buf.length - header.dataStart;
  if (
    Math.min(workers, availableParallelism()) < 2 ||
    size < PARALLEL_MIN_BYTES ||
    !(buf.buffer instanceof SharedArrayBuffer)
  )
    return single();
  // Speculative split at the first line break after the middle; the first half's end state verifies it.
  const split = buf.indexOf(10, header.dataStart + Math.floor(size / 2)) + 1;
  if (split <= 0 || split >= buf.length) return single();
  const task = (start: number, end: number, line: number): ParseTask => ({
    shared: buf.buffer as SharedArrayBuffer,
    length: buf.byteOffset + buf.length,
    start: buf.byteOffset + start,
    end: buf.byteOffset + end,
    spec,
    firstLine: line,
    estRows: estRows(end - start),
  });
  let parts: ChunkResult[];
  try {
    parts = await Promise.all([
      runWorker(task(header.dataStart, split, firstLine)),
      runWorker(task(split, buf.length, 0)),
    ]);
  } catch {
    // Workers could not run here (e.g. a loader the worker lacks): parse in this thread instead.
    return single();
  }
  const [a, b] = parts as [ChunkResult, ChunkResult];
  if (a.openQuote) return single();
  throwCellError(a, 0, source);
  throwCellError(b, firstLine + a.lines, source);
  return parts;
}
