/** What a batch-scoring output holds: the input columns, then the score columns and the label. */
import type { Column, Table } from "../../data/table.js";
import type { PartScores } from "../../runtimes/part-scores.js";
import type { LoadedModel } from "../../runtimes/runtime.js";

/** How a row's label is found: from the score at a threshold (binary), or the top class (multiclass). */
export type LabelRule =
  | {
      readonly kind: "threshold";
      /** Class names when the signature has them, else 1/0 (like the MLflow scorer). */
      readonly positive: string | number;
      readonly negative: string | number;
      readonly threshold: number;
    }
  | { readonly kind: "top-class"; readonly classes: readonly string[] };

/** The output columns and how a score becomes a label; the same for every output format. */
export interface ScoredLayout {
  /** The input columns written back, in input order. */
  readonly inputs: readonly Column[];
  /**
   * The score columns: `probability` (binary), `prediction` (regression), or `probability_CLASS`
   * per class in the model's class order (multiclass); the scoring server's names.
   */
  readonly scoreNames: readonly string[];
  /** Classifiers only. */
  readonly label?: LabelRule;
}

/** A destination for scored chunks; `finish` completes the file (the caller renames it into place). */
export interface BatchSink {
  write(part: Table, scores: PartScores): Promise<void>;
  finish(): Promise<void>;
}

export const LABEL_COLUMN = "label";

/** The layout for scoring `table` with `model`. */
export function scoredLayout(model: LoadedModel, table: Table): ScoredLayout {
  const signature = model.signature;
  let scoreNames: string[];
  let label: LabelRule | undefined;
  if (model.kind === "multiclass") {
    const classes = model.classes ?? signature.classes ?? [];
    scoreNames = classes.map((c) => `probability_${c}`);
    label = { kind: "top-class", classes };
  } else if (model.kind === "binary") {
    const pos = signature.positive_class;
    scoreNames = ["probability"];
    label = {
      kind: "threshold",
      positive: pos ?? 1,
      negative: pos === undefined ? 0 : (signature.negative_class ?? `not ${pos}`),
      threshold: signature.threshold ?? 0.5,
    };
  } else {
    scoreNames = ["prediction"];
  }
  // An input column named like an output (re-scoring a scored file) is replaced, not duplicated:
  // two columns of one name would make an unreadable Parquet file and an ambiguous CSV header.
  const outputs = new Set<string>([...scoreNames, ...(label ? [LABEL_COLUMN] : [])]);
  const inputs = table.columns.filter((c) => !outputs.has(c.name));
  return { inputs, scoreNames, ...(label ? { label } : {}) };
}

/** Row `i`'s value of score column `j`. */
export function scoreAt(layout: ScoredLayout, scores: PartScores, i: number, j: number): number {
  if (layout.label?.kind !== "top-class") return scores.scores[i] as number;
  return scores.probabilities?.[i * layout.scoreNames.length + j] as number;
}

/** Row `i`'s label (the layout must have a label). */
export function labelAt(label: LabelRule, scores: PartScores, i: number): string | number {
  if (label.kind === "top-class") return label.classes[scores.top?.[i] as number] as string;
  return (scores.scores[i] as number) >= label.threshold ? label.positive : label.negative;
}

/** The layout's input columns, taken from a chunk of the table (same names, chunk rows). */
export function chunkInputs(layout: ScoredLayout, part: Table): Column[] {
  return layout.inputs.map((c) => part.column(c.name) as Column);
}
