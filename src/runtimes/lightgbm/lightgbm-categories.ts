/**
 * pandas category columns. A model trained on a DataFrame with `category` columns saves each one's
 * categories (`pandas_categorical:` at the end of the file), and LightGBM's `predict` turns a
 * DataFrame's category values into their position in that list, an unknown or missing value into
 * NaN (`_data_from_pandas` in lightgbm/basic.py). Those columns are the features of the
 * `categorical_feature` parameter, in order. Here the same happens to the input values: strings
 * match string categories, numbers (and booleans as 0/1) match numeric ones.
 */
import type { ParsedLightgbm } from "./lightgbm-text.js";

/** How one feature's input values become category codes. */
export interface CategoryCodes {
  /** True when the categories are strings (the input is a string column). */
  readonly strings: boolean;
  readonly byString: ReadonlyMap<string, number>;
  readonly byNumber: ReadonlyMap<number, number>;
}

/**
 * Per model feature, its codes when it was a pandas category column, else undefined. A file whose
 * category lists cannot be matched to features (their number differs from `categorical_feature`)
 * gets none, and `warn` says so: its inputs are then taken as the codes themselves.
 */
export function pandasCategories(
  parsed: ParsedLightgbm,
  label: string,
  warn?: (message: string) => void,
): (CategoryCodes | undefined)[] {
  const out: (CategoryCodes | undefined)[] = new Array(parsed.featureNames.length).fill(undefined);
  const lists = parsed.pandasCategorical;
  if (!Array.isArray(lists) || lists.length === 0) return out;
  const features = parsed.categoricalFeature;
  if (features === undefined || features.length !== lists.length || features.some((f) => f >= out.length)) {
    warn?.(
      `${label}: pandas_categorical lists ${lists.length} category columns that cannot be matched to features (categorical_feature: ${features?.join(",") ?? "absent"}); inputs of categorical features are taken as category codes`,
    );
    return out;
  }
  lists.forEach((categories, i) => {
    out[features[i] as number] = codesOf(Array.isArray(categories) ? categories : []);
  });
  return out;
}

function codesOf(categories: readonly unknown[]): CategoryCodes {
  const byString = new Map<string, number>();
  const byNumber = new Map<number, number>();
  categories.forEach((c, code) => {
    if (typeof c === "string") byString.set(c, code);
    else if (typeof c === "number") byNumber.set(c, code);
    else if (typeof c === "boolean") byNumber.set(c ? 1 : 0, code);
  });
  return { strings: byString.size > 0, byString, byNumber };
}

/** The code of a number (NaN when it is missing or not a category). */
export function codeOfNumber(codes: CategoryCodes, v: number): number {
  return codes.byNumber.get(v) ?? Number.NaN;
}

/** The code of a string (NaN when it is missing or not a category). */
export function codeOfString(codes: CategoryCodes, v: string | undefined): number {
  return v === undefined ? Number.NaN : (codes.byString.get(v) ?? Number.NaN);
}
