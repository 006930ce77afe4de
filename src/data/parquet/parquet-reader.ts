/**
 * A Parquet file read row group by row group, each column chunk decoded straight into the
 * Table's arrays (see column-chunk.ts); only one column chunk's bytes are held at a time.
 * Chunks the fast decoder does not read (types, encodings or codecs listed in column-plan.ts,
 * values.ts and decompress.ts) go through hyparquet, chunk by chunk, to the same Table.
 */
import type { AsyncBuffer, CompressionCodec, FileMetaData } from "hyparquet";
import { parquetMetadata } from "hyparquet";
import { invalidParam, isMwError } from "../../core/errors.js";
import type { LogicalType } from "../table.js";
import { Table } from "../table.js";
import type { ByteSource } from "./byte-source.js";
import { asAsyncBuffer } from "./byte-source.js";
import { decodeChunk } from "./column-chunk.js";
import type { ColumnPlan } from "./column-plan.js";
import { flatLeaves, planColumns } from "./column-plan.js";
import { ColumnSink } from "./column-sink.js";
import type { Decompress } from "./decompress.js";
import { decompressor, isReadableCodec, READABLE_CODECS } from "./decompress.js";
import { readChunkWithHyparquet } from "./hyparquet-chunk.js";
import { readUint32 } from "./plain.js";
import { Unsupported } from "./unsupported.js";
import { Scratch } from "./values.js";

/** Options for reading Parquet. */
export interface ParquetReadOptions {
  /** Convert these columns to the given types (a value that does not convert is an error). */
  types?: Record<string, LogicalType>;
  /** Name used in error messages. */
  source?: string;
}

const MAGIC = 0x31524150; // "PAR1" little-endian
const ENCRYPTED_MAGIC = 0x45524150; // "PARE": an encrypted footer

/** An open Parquet file: its shape, its row groups as Tables, or the whole file as one Table. */
export class ParquetReader {
  /** Rows in the file. */
  readonly numRows: number;
  /** Column chunks read so far by the fast decoder and by hyparquet (what the fast decoder does not read). */
  readonly chunks = { fast: 0, hyparquet: 0 };
  private readonly groupStarts: number[] = [];
  private readonly scratch = new Scratch();
  private readonly decompressors = new Map<CompressionCodec, Decompress>();
  private readonly file: AsyncBuffer;

  private constructor(
    private readonly bytes: ByteSource,
    private readonly metadata: FileMetaData,
    private readonly plans: ColumnPlan[],
    private readonly source: string,
  ) {
    this.numRows = Number(metadata.num_rows);
    this.file = asAsyncBuffer(bytes);
    let start = 0;
    for (const g of metadata.row_groups) {
      this.groupStarts.push(start);
      start += Number(g.num_rows);
    }
    if (start !== this.numRows) {
      throw invalidParam(
        `${source}: corrupt Parquet footer (row groups hold ${start} rows, the file says ${this.numRows})`,
      );
    }
  }

  /** Read the footer of `bytes` (closed again on failure); errors name `options.source`. */
  static async open(bytes: ByteSource, options: ParquetReadOptions = {}): Promise<ParquetReader> {
    const source = options.source ?? "<buffer>";
    try {
      const metadata = await readFooter(bytes, source);
      const leaves = flatLeaves(metadata.schema, source);
      const types = options.types ?? {};
      for (const name of Object.keys(types)) {
        if (!leaves.some((l) => l.name === name)) {
          throw invalidParam(`${source}: types names column '${name}', which the file lacks`);
        }
      }
      return new ParquetReader(bytes, metadata, planColumns(leaves, types), source);
    } catch (e) {
      await bytes.close();
      throw e;
    }
  }

  /** Column names in file order. */
  get columnNames(): string[] {
    return this.plans.map((p) => p.name);
  }

  /** Number of row groups. */
  get rowGroupCount(): number {
    return this.metadata.row_groups.length;
  }

  /** Rows in each row group, in order. */
  get rowGroupSizes(): number[] {
    return this.metadata.row_groups.map((g) => Number(g.num_rows));
  }

  /** The row groups in order, each as a Table with its own string dictionaries (memory stays one group's). */
  async *rowGroups(): AsyncGenerator<Table> {
    for (let g = 0; g < this.rowGroupCount; g++) {
      const rows = Number(this.metadata.row_groups[g]?.num_rows);
      const sinks = this.sinks(rows, [g]);
      await this.readGroup(g, sinks, 0);
      yield this.finish(sinks, this.groupStarts[g] as number);
    }
  }

  /** The whole file as one Table: every row group decoded into the same preallocated columns. */
  async readAll(): Promise<Table> {
    const sinks = this.sinks(
      this.numRows,
      this.metadata.row_groups.map((_, g) => g),
    );
    for (let g = 0; g < this.rowGroupCount; g++) {
      await this.readGroup(g, sinks, this.groupStarts[g] as number);
    }
    return this.finish(sinks, 0);
  }

  /** Release the file. */
  close(): Promise<void> {
    return this.bytes.close();
  }

  /** Sinks for `rows` rows of row groups `groups`. */
  private sinks(rows: number, groups: number[]): ColumnSink[] {
    const leaves = this.metadata.schema.slice(1);
    return this.plans.map((p) => {
      const fixedLength = leaves[p.leaf]?.type === "FIXED_LEN_BYTE_ARRAY";
      return new ColumnSink(p, rows, {
        fixedLength,
        ...(p.type === "string" ? this.dictionaryBounds(p, rows, groups) : {}),
      });
    });
  }

  /**
   * Bounds for a string column's dictionary, so a high-cardinality column (ids) neither rehashes
   * nor copies its keys as it grows: its stored bytes, and (without dictionary pages, as writers do
   * for mostly-distinct values) as many keys as rows. Pages never written stay unallocated.
   */
  private dictionaryBounds(p: ColumnPlan, rows: number, groups: number[]): { keys?: number; bytes?: number } {
    let bytes = 0;
    let dictionaryPages = false;
    for (const g of groups) {
      const meta = this.metadata.row_groups[g]?.columns[p.leaf]?.meta_data;
      if (!meta) return {};
      bytes += Number(meta.total_uncompressed_size);
      const encodings: readonly string[] = meta.encodings;
      if (meta.dictionary_page_offset || encodings.some((e) => e.endsWith("_DICTIONARY"))) dictionaryPages = true;
    }
    const limit = 1 << 30;
    return { bytes: Math.min(bytes, limit), ...(dictionaryPages ? {} : { keys: Math.min(rows, limit >> 4) }) };
  }

  /** Row group `g` into the sinks from row `sinkRow`; a failure names the column (and the group). */
  private async readGroup(g: number, sinks: ColumnSink[], sinkRow: number): Promise<void> {
    for (const plan of this.plans) {
      const sink = sinks[plan.leaf] as ColumnSink;
      try {
        await this.readChunk(g, plan, sink, sinkRow);
      } catch (e) {
        if (isMwError(e)) throw e;
        const where = this.rowGroupCount > 1 ? `, row group ${g + 1}` : "";
        throw invalidParam(
          `${this.source}: column '${plan.name}'${where}: cannot decode Parquet data (${(e as Error).message})`,
        );
      }
    }
  }

  /**
   * One column chunk into the sink: the fast decoder, or hyparquet for what the fast decoder does
   * not read (after it gave up, hyparquet rewrites every row of the chunk).
   */
  private async readChunk(g: number, plan: ColumnPlan, sink: ColumnSink, sinkRow: number): Promise<void> {
    const group = this.metadata.row_groups[g];
    const chunk = group?.columns[plan.leaf];
    const meta = chunk?.meta_data;
    if (!group || !chunk || !meta) throw new Error("the footer lacks the column chunk's metadata");
    if (chunk.file_path) this.unsupported(plan, `its data is stored in another file ('${chunk.file_path}')`);
    if (!isReadableCodec(meta.codec)) {
      this.unsupported(plan, `compression codec ${meta.codec} (readable: ${READABLE_CODECS.join(", ")})`);
    }
    const rows = Number(group.num_rows);
    if (plan.fast) {
      if (meta.type !== plan.fast.physical)
        throw new Error(`the chunk is stored as ${meta.type}, the schema says ${plan.fast.physical}`);
      try {
        const decompress = this.decompressorFor(meta.codec);
        const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
        const bytes = await this.bytes.read(start, Number(meta.total_compressed_size), true);
        decodeChunk(bytes, { plan, sink, decompress, scratch: this.scratch }, sinkRow, rows);
        this.chunks.fast++;
        return;
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
      }
    }
    const groupStart = this.groupStarts[g] as number;
    await readChunkWithHyparquet({ file: this.file, metadata: this.metadata, sink, groupStart, rows, sinkRow });
    this.chunks.hyparquet++;
  }

  private unsupported(plan: ColumnPlan, what: string): never {
    throw invalidParam(`${this.source}: column '${plan.name}': ${what} is not supported`);
  }

  private decompressorFor(codec: CompressionCodec): Decompress {
    let d = this.decompressors.get(codec);
    if (!d) {
      d = decompressor(codec);
      this.decompressors.set(codec, d);
    }
    return d;
  }

  /** The Table, or the first bad value in column order (rows counted from `firstRow`). */
  private finish(sinks: ColumnSink[], firstRow: number): Table {
    sinks.forEach((s, c) => {
      if (s.error) {
        const { row, why } = s.error;
        throw invalidParam(`${this.source}: row ${firstRow + row + 1}, column ${c + 1} ('${s.plan.name}'): ${why}`);
      }
    });
    return new Table(sinks.map((s) => s.finish()));
  }
}

/** True when the bytes start and end with Parquet's magic number. */
export function looksLikeParquet(buf: Uint8Array): boolean {
  return buf.length >= 12 && readUint32(buf, 0) === MAGIC && readUint32(buf, buf.length - 4) === MAGIC;
}

async function readFooter(bytes: ByteSource, source: string): Promise<FileMetaData> {
  const notParquet = () => invalidParam(`${source}: not a Parquet file (missing PAR1 magic bytes)`);
  if (bytes.size < 12) throw notParquet();
  const head = await bytes.read(0, 4);
  const tail = await bytes.read(bytes.size - 8, 8);
  if (readUint32(tail, 4) === ENCRYPTED_MAGIC)
    throw invalidParam(`${source}: encrypted Parquet files are not supported`);
  if (readUint32(head, 0) !== MAGIC || readUint32(tail, 4) !== MAGIC) throw notParquet();
  const length = readUint32(tail, 0);
  try {
    if (length + 12 > bytes.size) throw new Error(`metadata length ${length} exceeds the file`);
    return parquetMetadata(await bytes.read(bytes.size - 8 - length, length + 8));
  } catch (e) {
    throw invalidParam(`${source}: corrupt Parquet footer (${(e as Error).message})`);
  }
}
