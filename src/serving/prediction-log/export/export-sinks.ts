/**
 * Export formats. Both take rows as cells and hand their bytes to `out` as they are ready: CSV a
 * chunk of lines per page, Parquet a row group at a time (hyparquet-writer appends row groups and
 * writes the footer at the end), so memory holds one row group however long the export.
 */
import type { SchemaElement } from "hyparquet-writer";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { LogicalType } from "../../../data/table.js";
import { VERSION } from "../../../version.js";
import type { Cell } from "./export-cells.js";
import type { ExportColumn } from "./export-plan.js";

export type ExportFormat = "csv" | "parquet";

/** Where an export's bytes go; resolves when the consumer wants more. */
export type ChunkOut = (chunk: Uint8Array) => Promise<void>;

export interface ExportSink {
  /** Add rows (each one cell per column). */
  write(rows: readonly Cell[][]): Promise<void>;
  /** Write what is buffered and the file's end. */
  finish(): Promise<void>;
}

/** A sink for `format`. */
export function exportSink(format: ExportFormat, columns: readonly ExportColumn[], out: ChunkOut): ExportSink {
  return format === "csv" ? csvSink(columns, out) : parquetSink(columns, out);
}

function csvSink(columns: readonly ExportColumn[], out: ChunkOut): ExportSink {
  const types = columns.map((c) => c.type);
  let started = false;
  const header = async () => {
    if (started) return;
    started = true;
    await out(Buffer.from(`${columns.map((c) => csvText(c.name)).join(",")}\n`));
  };
  return {
    async write(rows) {
      await header();
      if (rows.length === 0) return;
      let s = "";
      for (const r of rows) {
        for (let i = 0; i < r.length; i++) s += (i === 0 ? "" : ",") + csvCell(r[i] as Cell, types[i] as LogicalType);
        s += "\n";
      }
      await out(Buffer.from(s));
    },
    finish: header,
  };
}

function csvCell(v: Cell, type: LogicalType): string {
  if (v === null) return "";
  if (type === "timestamp" && typeof v === "number") return new Date(v).toISOString();
  return typeof v === "string" ? csvText(v) : String(v);
}

function csvText(s: string): string {
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows buffered before a row group is written. */
export const ROW_GROUP_ROWS = 65_536;

function parquetSink(columns: readonly ExportColumn[], out: ChunkOut): ExportSink {
  const bytes = new ByteWriter();
  // The writer calls flush after each row group and finish at the end: the buffered bytes go to
  // `out` (copied, since the buffer is reused) and the next group waits for the consumer.
  const drain = async () => {
    if (bytes.index > 0) await out(Buffer.from(bytes.getBytes()));
    bytes.index = 0;
  };
  const writer = new ParquetWriter({
    writer: Object.assign(bytes, { flush: drain, finish: drain }),
    schema: [{ name: "root", num_children: columns.length }, ...columns.map(element)],
    createdBy: `modelworks version ${VERSION}`,
  });
  let pending: Cell[][] = [];
  const flushGroup = async () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    const columnData = columns.map((c, j) => ({
      name: c.name,
      data: rows.map((r) => parquetValue(r[j] as Cell, c.type)),
    }));
    await writer.write({ columnData, rowGroupSize: rows.length });
  };
  return {
    async write(rows) {
      for (const r of rows) pending.push(r);
      if (pending.length >= ROW_GROUP_ROWS) await flushGroup();
    },
    async finish() {
      await flushGroup();
      await writer.finish();
    },
  };
}

function element(c: ExportColumn): SchemaElement {
  const optional = { name: c.name, repetition_type: "OPTIONAL" } as const;
  switch (c.type) {
    case "string":
      return { ...optional, type: "BYTE_ARRAY", converted_type: "UTF8" };
    case "bool":
      return { ...optional, type: "BOOLEAN" };
    case "int":
      return { ...optional, type: "INT64" };
    case "float":
      return { ...optional, type: "DOUBLE" };
    case "timestamp":
      return {
        ...optional,
        type: "INT64",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
      };
  }
}

function parquetValue(v: Cell, type: LogicalType): unknown {
  if (v === null) return null;
  return type === "int" || type === "timestamp" ? BigInt(Math.round(v as number)) : v;
}
