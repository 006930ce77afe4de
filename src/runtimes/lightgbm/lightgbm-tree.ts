/**
 * One `Tree=N` block of LightGBM's text model format, read as LightGBM's `Tree(const char*)`
 * constructor reads it (src/io/tree.cpp) and checked so that scoring can never index out of range
 * or loop: every array has its length, children point inside the tree and deeper, features exist,
 * categorical splits name a bitset that exists.
 */
import { invalidParam } from "../../core/errors.js";

/** A tree's linear leaves (`linear_tree=true`): leaf = const + Σ coeff × feature, or leaf_value when one is NaN. */
export interface LinearLeaves {
  readonly leafConst: Float64Array;
  readonly features: readonly Int32Array[];
  readonly coeffs: readonly Float64Array[];
}

/** One tree as saved: internal nodes 0 .. num_leaves-2, a child < 0 is the leaf `~child`. */
export interface LightgbmTree {
  readonly numLeaves: number;
  readonly splitFeature: Int32Array;
  readonly threshold: Float64Array;
  /** Bit 0 categorical, bit 1 default left, bits 2-3 missing type (0 None, 1 Zero, 2 NaN). */
  readonly decisionType: Uint8Array;
  readonly leftChild: Int32Array;
  readonly rightChild: Int32Array;
  /** Leaf outputs, already multiplied by the tree's shrinkage. */
  readonly leafValue: Float64Array;
  readonly numCat: number;
  readonly catBoundaries: Int32Array;
  readonly catThreshold: Uint32Array;
  readonly linear?: LinearLeaves;
}

export const CATEGORICAL_MASK = 1;
export const DEFAULT_LEFT_MASK = 2;

/** LightGBM's `Common::Atof` spellings of the special values besides plain numbers. */
const SPECIAL: Record<string, number> = {
  nan: Number.NaN,
  na: Number.NaN,
  null: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  "+inf": Number.POSITIVE_INFINITY,
  "-inf": Number.NEGATIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  "+infinity": Number.POSITIVE_INFINITY,
  "-infinity": Number.NEGATIVE_INFINITY,
};

/** A double as LightGBM writes it (`%.17g` style, or inf/nan). */
export function parseDouble(s: string): number {
  const special = SPECIAL[s.toLowerCase()];
  if (special !== undefined) return special;
  const v = s === "" ? Number.NaN : Number(s);
  if (Number.isNaN(v)) throw new Error(`'${s}' is not a number`);
  return v;
}

function parseInteger(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`'${s}' is not an integer`);
  return Number(s);
}

/** Whitespace-separated values of `key`; `n` of them, or the block is refused. */
function list<T>(fields: Map<string, string>, key: string, n: number, parse: (s: string) => T, where: string): T[] {
  const text = fields.get(key);
  if (text === undefined) throw invalidParam(`${where}: the '${key}' line is missing`);
  const parts = text.split(/\s+/).filter((p) => p !== "");
  if (parts.length !== n) throw invalidParam(`${where}: '${key}' has ${parts.length} values, expected ${n}`);
  try {
    return parts.map(parse);
  } catch (e) {
    throw invalidParam(`${where}: '${key}': ${(e as Error).message}`);
  }
}

function count(fields: Map<string, string>, key: string, where: string): number {
  const text = fields.get(key);
  if (text === undefined) throw invalidParam(`${where}: the '${key}' line is missing`);
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw invalidParam(`${where}: '${key}' is '${text}', expected a count`);
  return n;
}

/**
 * Parses the `key=value` lines of one tree (after its `Tree=N` line). `numFeatures` bounds the
 * split features; `where` (file and tree) starts every error.
 */
export function parseTree(fields: Map<string, string>, numFeatures: number, where: string): LightgbmTree {
  const numLeaves = count(fields, "num_leaves", where);
  if (numLeaves < 1) throw invalidParam(`${where}: num_leaves is 0`);
  const numCat = count(fields, "num_cat", where);
  const leafValue = Float64Array.from(list(fields, "leaf_value", numLeaves, parseDouble, where));
  const isLinear = (fields.get("is_linear") ?? "0").trim() === "1";
  const linear = isLinear ? linearLeaves(fields, numLeaves, numFeatures, where) : undefined;
  const n = numLeaves - 1;
  const ints = (key: string) => Int32Array.from(list(fields, key, n, parseInteger, where));
  const tree: LightgbmTree = {
    numLeaves,
    splitFeature: n > 0 ? ints("split_feature") : new Int32Array(0),
    threshold: n > 0 ? Float64Array.from(list(fields, "threshold", n, parseDouble, where)) : new Float64Array(0),
    decisionType: fields.has("decision_type") && n > 0 ? Uint8Array.from(ints("decision_type")) : new Uint8Array(n),
    leftChild: n > 0 ? ints("left_child") : new Int32Array(0),
    rightChild: n > 0 ? ints("right_child") : new Int32Array(0),
    leafValue,
    numCat,
    ...categories(fields, numCat, where),
    ...(linear ? { linear } : {}),
  };
  checkNodes(tree, numFeatures, where);
  return tree;
}

function categories(fields: Map<string, string>, numCat: number, where: string) {
  if (numCat === 0) return { catBoundaries: new Int32Array(1), catThreshold: new Uint32Array(0) };
  const catBoundaries = Int32Array.from(list(fields, "cat_boundaries", numCat + 1, parseInteger, where));
  for (let i = 0; i < numCat; i++) {
    if ((catBoundaries[i + 1] as number) < (catBoundaries[i] as number) || catBoundaries[0] !== 0) {
      throw invalidParam(`${where}: cat_boundaries must start at 0 and never decrease`);
    }
  }
  const words = catBoundaries[numCat] as number;
  const catThreshold = Uint32Array.from(list(fields, "cat_threshold", words, parseInteger, where));
  return { catBoundaries, catThreshold };
}

function linearLeaves(fields: Map<string, string>, numLeaves: number, numFeatures: number, where: string) {
  const leafConst = Float64Array.from(list(fields, "leaf_const", numLeaves, parseDouble, where));
  const sizes = list(fields, "num_features", numLeaves, parseInteger, where);
  const total = sizes.reduce((a, b) => a + b, 0);
  const allFeatures = total > 0 ? list(fields, "leaf_features", total, parseInteger, where) : [];
  const allCoeffs = total > 0 ? list(fields, "leaf_coeff", total, parseDouble, where) : [];
  if (allFeatures.some((f) => f < 0 || f >= numFeatures)) {
    throw invalidParam(`${where}: leaf_features names a feature outside 0..${numFeatures - 1}`);
  }
  const features: Int32Array[] = [];
  const coeffs: Float64Array[] = [];
  let at = 0;
  for (const size of sizes) {
    features.push(Int32Array.from(allFeatures.slice(at, at + size)));
    coeffs.push(Float64Array.from(allCoeffs.slice(at, at + size)));
    at += size;
  }
  return { leafConst, features, coeffs };
}

/** Every internal node: a known feature, a valid decision, children inside the tree and deeper (so walks end). */
function checkNodes(tree: LightgbmTree, numFeatures: number, where: string): void {
  const n = tree.numLeaves - 1;
  for (let node = 0; node < n; node++) {
    const at = `${where}, node ${node}`;
    const feature = tree.splitFeature[node] as number;
    if (feature < 0 || feature >= numFeatures) {
      throw invalidParam(`${at}: split_feature ${feature} is outside 0..${numFeatures - 1}`);
    }
    const decision = tree.decisionType[node] as number;
    if (decision > 15 || decision >> 2 === 3) throw invalidParam(`${at}: decision_type ${decision} is not valid`);
    if (decision & CATEGORICAL_MASK && tree.numCat > 0) {
      const cat = tree.threshold[node] as number;
      if (!Number.isInteger(cat) || cat < 0 || cat >= tree.numCat) {
        throw invalidParam(`${at}: categorical split ${cat} is outside 0..${tree.numCat - 1}`);
      }
    }
    for (const child of [tree.leftChild[node] as number, tree.rightChild[node] as number]) {
      const ok = child >= 0 ? child > node && child < n : ~child < tree.numLeaves;
      if (!ok) throw invalidParam(`${at}: child ${child} is not a node below it nor a leaf of the tree`);
    }
  }
}
