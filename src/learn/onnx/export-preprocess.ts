/**
 * A fitted {@link Preprocessor} as ONNX nodes: one graph input per input column ([N, 1]; numbers,
 * booleans and timestamps as double with NaN for missing, strings as string), encoded exactly as
 * `Preprocessor.transform` does, into one [N, features] double matrix.
 *
 * - tree kind: numbers as they are; strings → their category index (LabelEncoder), unseen or
 *   missing → NaN.
 * - linear kind: numbers with non-finite values replaced by the training median, then standardized;
 *   strings → one-hot over the training categories (LabelEncoder + OneHot), unseen or missing → all 0.
 *
 * A missing string is fed as "" (not a training category, so it encodes like a missing value).
 */
import type { Preprocessor } from "../preprocess/preprocessor.js";
import { type CategoricalSpec, isCategorical, type NumericSpec } from "../preprocess/spec.js";
import { type GraphBuilder, ML_DOMAIN } from "./graph-builder.js";
import { attr, ELEM, tensorType } from "./onnx-model.js";

/** Declare the inputs of `pre` on `g` and encode them; returns the name of the feature matrix. */
export function preprocessGraph(g: GraphBuilder, pre: Preprocessor): string {
  const inputs = pre.specs.map((s) =>
    g.input({ name: s.name, type: tensorType(isCategorical(s) ? ELEM.string : ELEM.double, ["N", 1]) }),
  );
  const columns = pre.specs.map((s, k) => {
    const x = inputs[k] as string;
    if (pre.kind === "tree") return isCategorical(s) ? categoryIndex(g, x, s) : x;
    return isCategorical(s) ? oneHot(g, x, s) : standardized(g, x, s);
  });
  return g.node("Concat", columns, { axis: attr.int(1) }, { hint: "features" });
}

/** Category → its index as a double; anything else → NaN (a tree's missing value). */
function categoryIndex(g: GraphBuilder, x: string, s: CategoricalSpec): string {
  const code = g.node(
    "LabelEncoder",
    [x],
    {
      keys_strings: attr.strings([...s.categories]),
      values_floats: attr.floats(s.categories.map((_, k) => k)),
      default_float: attr.float(Number.NaN),
    },
    { domain: ML_DOMAIN, hint: `${s.name}_code` },
  );
  return g.node("Cast", [code], { to: attr.int(ELEM.double) }, { hint: `${s.name}_index` });
}

/** Category → a one-hot row over the training categories; anything else → zeros. */
function oneHot(g: GraphBuilder, x: string, s: CategoricalSpec): string {
  const k = s.categories.length;
  const index = g.node(
    "LabelEncoder",
    [x],
    {
      keys_strings: attr.strings([...s.categories]),
      values_int64s: attr.ints(s.categories.map((_, j) => j)),
      // Out of OneHot's range (and not negative, which OneHot would count from the end): all zeros.
      default_int64: attr.int(k),
    },
    { domain: ML_DOMAIN, hint: `${s.name}_code` },
  );
  const depth = g.constant(`${s.name}_depth`, { elem: ELEM.int64, dims: [1], values: [k] });
  // onnxruntime's OneHot has no double output: float 0/1, cast to double (exactly).
  const onOff = g.constant(`${s.name}_off_on`, { elem: ELEM.float, dims: [2], values: [0, 1] });
  const encoded = g.node("OneHot", [index, depth, onOff], { axis: attr.int(-1) }, { hint: `${s.name}_onehot3` });
  const shape = g.constant(`${s.name}_shape`, { elem: ELEM.int64, dims: [2], values: [-1, k] });
  const flat = g.node("Reshape", [encoded, shape], {}, { hint: `${s.name}_onehot_f` });
  return g.node("Cast", [flat], { to: attr.int(ELEM.double) }, { hint: `${s.name}_onehot` });
}

/** (x with NaN and ±Infinity replaced by the median − mean) / std, in double as the native encoder. */
function standardized(g: GraphBuilder, x: string, s: NumericSpec): string {
  const scalar = (hint: string, v: number) =>
    g.constant(`${s.name}_${hint}`, { elem: ELEM.double, dims: [1], values: [v] });
  const bad = g.node("Or", [g.node("IsNaN", [x]), g.node("IsInf", [x])], {}, { hint: `${s.name}_missing` });
  const filled = g.node("Where", [bad, scalar("median", s.median), x], {}, { hint: `${s.name}_filled` });
  const centered = g.node("Sub", [filled, scalar("mean", s.mean ?? 0)], {}, { hint: `${s.name}_centered` });
  return g.node("Div", [centered, scalar("std", s.std ?? 1)], {}, { hint: `${s.name}_scaled` });
}
