/**
 * LightGBM's text model format (`Booster.save_model`, MLflow's `model.lgb`), read as
 * `GBDT::LoadModelFromString` reads it (src/boosting/gbdt_model_text.cpp): a first line `tree`, a
 * header of `key=value` lines, one block per tree (`Tree=N` then its lines, then a blank line),
 * `end of trees`, feature importances, the training parameters and `pandas_categorical:`. Every
 * problem is an INVALID_PARAMETER_VALUE starting with the file's label.
 */
import { invalidParam } from "../../core/errors.js";
import { type LightgbmTree, parseTree } from "./lightgbm-tree.js";

/** A parsed model: the header fields prediction needs and the trees in saved order. */
export interface ParsedLightgbm {
  /** `version=` (v2, v3, v4 as LightGBM releases wrote them). */
  readonly version: string;
  readonly numClass: number;
  readonly numTreePerIteration: number;
  /** The objective line as saved (`binary sigmoid:1`, `multiclass num_class:3`, ...); undefined when absent. */
  readonly objective: string | undefined;
  readonly featureNames: readonly string[];
  /** Per feature: `[min:max]` (numerical), `a:b:c` (categories seen) or `none` (unused). */
  readonly featureInfos: readonly string[];
  /** Random forests (`boosting=rf`) average their trees instead of adding them. */
  readonly averageOutput: boolean;
  readonly trees: readonly LightgbmTree[];
  /** The `[linear_tree: 1]` parameter or `is_linear=1` trees. */
  readonly linearTree: boolean;
  /** `pandas_categorical:` as JSON (the category values of each pandas category column), null when none. */
  readonly pandasCategorical: unknown;
  /** The `[categorical_feature: 1,4]` parameter (feature indices), undefined when the file does not say. */
  readonly categoricalFeature: readonly number[] | undefined;
}

/** Splits a text into lines without their line ends (\n, \r\n or \r). */
function linesOf(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

/** The header lines before the first `Tree=` line, as LightGBM keys them (first `=` splits). */
function readHeader(lines: string[], label: string): { header: Map<string, string>; next: number } {
  const header = new Map<string, string>();
  let i = 1;
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === "") continue;
    if (line.startsWith("Tree=") || line === "end of trees") break;
    const eq = line.indexOf("=");
    if (eq < 0) header.set(line, "");
    else header.set(line.slice(0, eq), line.slice(eq + 1));
  }
  if (i >= lines.length) throw invalidParam(`${label}: no trees (truncated?): the file ends in its header`);
  return { header, next: i };
}

function headerCount(header: Map<string, string>, key: string, label: string, fallback?: number): number {
  const text = header.get(key);
  if (text === undefined) {
    if (fallback !== undefined) return fallback;
    throw invalidParam(`${label}: the header has no '${key}'`);
  }
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw invalidParam(`${label}: header '${key}' is '${text}', expected a count`);
  return n;
}

function headerList(header: Map<string, string>, key: string, n: number, label: string): string[] {
  const text = header.get(key);
  if (text === undefined) throw invalidParam(`${label}: the header has no '${key}'`);
  const parts = text.split(" ").filter((p) => p !== "");
  if (parts.length !== n) throw invalidParam(`${label}: '${key}' has ${parts.length} entries, expected ${n}`);
  return parts;
}

/** Parses a whole model text; `label` (the file) starts every error message. */
export function parseLightgbmText(text: string, label: string): ParsedLightgbm {
  const lines = linesOf(text);
  const first = (lines[0] ?? "").trim();
  if (first !== "tree") {
    const head = JSON.stringify(first.slice(0, 20));
    throw invalidParam(
      `${label}: not a LightGBM text model (its first line should be 'tree', the file starts with ${head})`,
    );
  }
  const { header, next } = readHeader(lines, label);
  const numClass = headerCount(header, "num_class", label);
  const numTreePerIteration = headerCount(header, "num_tree_per_iteration", label, numClass);
  if (numClass < 1 || numTreePerIteration < 1) throw invalidParam(`${label}: num_class is 0`);
  const numFeatures = headerCount(header, "max_feature_idx", label) + 1;
  const featureNames = headerList(header, "feature_names", numFeatures, label);
  const featureInfos = headerList(header, "feature_infos", numFeatures, label);
  const { trees, end } = readTrees(lines, next, numFeatures, label);
  checkTreeCount(header, trees.length, numTreePerIteration, label);
  const tail = lines.slice(end);
  // The parameters section ends every file LightGBM writes; the pandas categories come after it.
  if (!tail.includes("end of parameters")) throw invalidParam(`${label}: no 'end of parameters' line (truncated)`);
  return {
    version: header.get("version") ?? "",
    numClass,
    numTreePerIteration,
    objective: header.get("objective"),
    featureNames,
    featureInfos,
    averageOutput: header.has("average_output"),
    trees,
    linearTree: tail.includes("[linear_tree: 1]") || trees.some((t) => t.linear !== undefined),
    pandasCategorical: pandasCategorical(tail, label),
    categoricalFeature: categoricalFeature(tail),
  };
}

/** The `Tree=N` blocks up to `end of trees`, which a complete file always has. */
function readTrees(lines: string[], start: number, numFeatures: number, label: string) {
  const trees: LightgbmTree[] = [];
  let i = start;
  while (i < lines.length && lines[i] !== "end of trees") {
    const line = lines[i] as string;
    if (line === "") {
      i++;
      continue;
    }
    if (!line.startsWith("Tree=")) throw invalidParam(`${label}: expected 'Tree=${trees.length}', found '${line}'`);
    const where = `${label}, tree ${trees.length}`;
    if (line !== `Tree=${trees.length}`) throw invalidParam(`${where}: out of order ('${line}')`);
    const fields = new Map<string, string>();
    for (i++; i < lines.length && lines[i] !== ""; i++) {
      const field = lines[i] as string;
      const eq = field.indexOf("=");
      if (eq < 0) throw invalidParam(`${where}: line '${field.slice(0, 40)}' is not key=value`);
      fields.set(field.slice(0, eq), field.slice(eq + 1));
    }
    if (i >= lines.length) throw invalidParam(`${where}: the file ends inside the tree (truncated)`);
    trees.push(parseTree(fields, numFeatures, where));
  }
  if (i >= lines.length) {
    throw invalidParam(`${label}: no 'end of trees' line after ${trees.length} trees (truncated)`);
  }
  return { trees, end: i + 1 };
}

function checkTreeCount(header: Map<string, string>, n: number, perIteration: number, label: string): void {
  const sizes = header.get("tree_sizes");
  if (sizes !== undefined) {
    const expected = sizes.split(" ").filter((s) => s !== "").length;
    if (expected !== n) throw invalidParam(`${label}: tree_sizes lists ${expected} trees, the file has ${n}`);
  }
  if (n === 0) throw invalidParam(`${label}: the model has no trees`);
  if (n % perIteration !== 0) {
    throw invalidParam(`${label}: ${n} trees is not a whole number of iterations of ${perIteration} trees`);
  }
}

function pandasCategorical(tail: string[], label: string): unknown {
  const line = tail.find((l) => l.startsWith("pandas_categorical:"));
  if (line === undefined) return null;
  try {
    return JSON.parse(line.slice("pandas_categorical:".length));
  } catch {
    throw invalidParam(`${label}: the pandas_categorical line is not JSON`);
  }
}

/** The training parameter naming categorical features by index (LightGBM 3+ writes it). */
function categoricalFeature(tail: string[]): number[] | undefined {
  const line = tail.find((l) => l.startsWith("[categorical_feature:") && l.endsWith("]"));
  if (line === undefined) return undefined;
  const list = line.slice("[categorical_feature:".length, -1).trim();
  if (list === "") return [];
  const indices = list.split(",").map((s) => Number(s.trim()));
  return indices.every((i) => Number.isInteger(i) && i >= 0) ? indices : undefined;
}
