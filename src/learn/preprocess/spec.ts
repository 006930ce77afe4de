/** The fitted preprocessing state: one spec per input column, serializable as deterministic JSON. */
import type { LogicalType } from "../../data/table.js";

/** Which model family the encoding targets. */
export type PreprocessKind = "linear" | "tree";

/** A numeric-like input (int, float, bool as 0/1, timestamp as epoch ms). */
export interface NumericSpec {
  readonly name: string;
  readonly type: Exclude<LogicalType, "string">;
  /** Training median of the finite values: the imputation value for the linear model. */
  readonly median: number;
  /** Training mean and population std after imputation (linear only; std 0 is stored as 1). */
  readonly mean?: number;
  readonly std?: number;
}

/** A string input, encoded by its sorted training categories. */
export interface CategoricalSpec {
  readonly name: string;
  readonly type: "string";
  readonly categories: readonly string[];
}

/** One fitted input column. */
export type FeatureSpec = NumericSpec | CategoricalSpec;

/** The serialized form of a fitted preprocessor. */
export interface PreprocessorJSON {
  format: typeof PREPROCESSOR_FORMAT;
  version: 1;
  kind: PreprocessKind;
  features: Array<Record<string, unknown>>;
}

/** One entry of a model package's input signature. */
export interface InputColumn {
  name: string;
  type: LogicalType;
  categories?: string[];
}

/** The `format` tag of {@link PreprocessorJSON}. */
export const PREPROCESSOR_FORMAT = "modelworks.preprocessor";

/** True for a categorical (string) spec. */
export function isCategorical(s: FeatureSpec): s is CategoricalSpec {
  return s.type === "string";
}

/** Code-unit order, independent of locale, so categories sort the same everywhere. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
