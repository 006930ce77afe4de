/** The data a chunk parse takes and gives: column modes, the parse spec, and per-range results. */
import type { DictBytes } from "./byte-dict.js";

/** How a column's cells are parsed. SKIP ignores the column (used when re-reading a subset). */
export const MODE_SKIP = 0;
export const MODE_NUMBER = 1;
export const MODE_STRING = 2;
export const MODE_BOOL = 3;
export const MODE_TIMESTAMP = 4;
/** Like MODE_NUMBER, but a decimal is a bad cell (a declared `int` column). */
export const MODE_INT = 5;

/** What to parse: delimiter byte, one mode per column, and which columns' types were declared. */
export interface ParseSpec {
  delimiter: number;
  modes: number[];
  /** A declared column errors on a bad cell; an inferred one is marked degraded and re-read as string. */
  declared: boolean[];
  names: string[];
  /** Per column, from the sample: distinct strings per row and bytes per distinct string (presizes dictionaries). */
  distinctRatio?: number[];
  keyBytes?: number[];
}

/** A bad cell: 1-based physical line and 1-based column. */
export interface CellError {
  line: number;
  column: number;
  message: string;
}

/** One column's parsed cells. */
export interface ChunkColumn {
  mode: number;
  values?: Float64Array | Uint8Array;
  codes?: Int32Array;
  dict?: DictBytes;
  nulls?: Uint8Array;
  allInt: boolean;
  degraded: boolean;
}

/** The rows of one byte range. `end` is where parsing stopped; `lines` counts line breaks consumed. */
export interface ChunkResult {
  rows: number;
  lines: number;
  end: number;
  columns: ChunkColumn[];
  error?: CellError;
  /** The range ended inside a quoted field (a real error, or a parallel split that fell inside quotes). */
  openQuote?: boolean;
}

/**
 * Preallocated output arrays (e.g. views of SharedArrayBuffers that another thread assembles):
 * per column a values or codes array of `cap` rows; rows beyond `cap` spill into private arrays.
 */
export interface ChunkOutput {
  cap: number;
  /** Rows the dictionaries are sized for (this part's dictionaries absorb the other parts' keys later). */
  dictRows?: number;
  values: (Float64Array | Uint8Array | undefined)[];
  codes: (Int32Array | undefined)[];
}
