/** What a batch-scoring output holds: the input columns, then the score and (binary) the label. */
import type { Column, Table } from "../../data/table.js";
import type { ModelSignature } from "../../learn/package/model-package.js";

/** The output columns and how a score becomes a label; the same for every output format. */
export interface ScoredLayout {
  /** The input columns written back, in input order. */
  readonly inputs: readonly Column[];
  /** `probability` for binary models, `prediction` for regression (as the scoring server names them). */
  readonly scoreName: "probability" | "prediction";
  /** Binary models only: class names when the signature has them, else 1/0 (like the MLflow scorer). */
  readonly label?: {
    readonly positive: string | number;
    readonly negative: string | number;
    readonly threshold: number;
  };
}

/** A destination for scored chunks; `finish` completes the file (the caller renames it into place). */
export interface BatchSink {
  write(part: Table, scores: Float64Array): Promise<void>;
  finish(): Promise<void>;
}

export const LABEL_COLUMN = "label";

/** The layout for scoring `table` with a model of this signature. */
export function scoredLayout(signature: ModelSignature, table: Table): ScoredLayout {
  const binary = signature.task === "binary";
  const scoreName = binary ? "probability" : "prediction";
  const pos = signature.positive_class;
  const label = binary
    ? {
        positive: pos ?? 1,
        negative: pos === undefined ? 0 : (signature.negative_class ?? `not ${pos}`),
        threshold: signature.threshold ?? 0.5,
      }
    : undefined;
  // An input column named like an output (re-scoring a scored file) is replaced, not duplicated:
  // two columns of one name would make an unreadable Parquet file and an ambiguous CSV header.
  const outputs = new Set<string>([scoreName, ...(label ? [LABEL_COLUMN] : [])]);
  const inputs = table.columns.filter((c) => !outputs.has(c.name));
  return { inputs, scoreName, ...(label ? { label } : {}) };
}

/** The label for one score (the layout must have a label). */
export function labelFor(label: NonNullable<ScoredLayout["label"]>, score: number): string | number {
  return score >= label.threshold ? label.positive : label.negative;
}

/** The layout's input columns, taken from a chunk of the table (same names, chunk rows). */
export function chunkInputs(layout: ScoredLayout, part: Table): Column[] {
  return layout.inputs.map((c) => part.column(c.name) as Column);
}
