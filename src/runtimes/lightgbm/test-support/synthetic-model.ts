/**
 * Synthetic LightGBM text models, written by this project with a seeded generator: trees grown
 * leaf-wise at random, numerical splits with each missing type (None, Zero, NaN; default left or
 * right) and categorical splits with category bitsets. Nothing here is trained: the models have
 * LightGBM's file layout (as `Booster.save_model` writes it), not learned values, so what they
 * check is the runtime's reading and tree walking, against `referenceScores`.
 */

/** The objective line a synthetic model carries. */
export type SyntheticObjective = "binary" | "regression" | "multiclass" | "poisson";

/** Missing types of numerical splits (LightGBM's `decision_type` bits 2-3). */
export type SyntheticMissing = "none" | "zero" | "nan";

/** What to generate. */
export interface SyntheticSpec {
  readonly objective: SyntheticObjective;
  /** Classes of a multiclass model (trees per iteration); 1 otherwise. */
  readonly numClass?: number;
  readonly iterations: number;
  readonly leaves: number;
  readonly features: number;
  /** Feature indices split by category bitsets. */
  readonly categorical?: readonly number[];
  /** The missing types numerical splits draw from (default: NaN only). */
  readonly missing?: readonly SyntheticMissing[];
  /** Feature names (default `Column_0..`, as LightGBM names an array's columns). */
  readonly featureNames?: readonly string[];
  readonly seed: number;
}

/** A small deterministic generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MISSING_BITS: Record<SyntheticMissing, number> = { none: 0, zero: 4, nan: 8 };

/** One tree grown leaf-wise at random: internal node k splits a random existing leaf. */
function syntheticTree(spec: SyntheticSpec, rand: () => number, index: number): string {
  const categorical = new Set(spec.categorical ?? []);
  const missing = spec.missing ?? ["nan"];
  const cols = { feature: [] as number[], threshold: [] as number[], decision: [] as number[] };
  const left: number[] = [];
  const right: number[] = [];
  const words: number[] = [];
  const boundaries = [0];
  const parentOf = new Map<number, { node: number; side: "l" | "r" }>([[0, { node: -1, side: "l" }]]);
  for (let k = 0; k < spec.leaves - 1; k++) {
    const leaf = Math.floor(rand() * (k + 1));
    const at = parentOf.get(leaf) as { node: number; side: "l" | "r" };
    if (at.node >= 0) (at.side === "l" ? left : right)[at.node] = k;
    const f = Math.floor(rand() * spec.features);
    cols.feature.push(f);
    if (categorical.has(f)) {
      // One or two 32-bit words: categories 0..31 or 0..63 can go left.
      cols.threshold.push(boundaries.length - 1);
      cols.decision.push(1);
      const n = rand() < 0.5 ? 1 : 2;
      for (let w = 0; w < n; w++) words.push(Math.floor(rand() * 2 ** 32) >>> 0);
      boundaries.push(words.length);
    } else {
      cols.threshold.push(Math.round((rand() * 4 - 2) * 1e6) / 1e6);
      const type = missing[Math.floor(rand() * missing.length)] as SyntheticMissing;
      cols.decision.push(MISSING_BITS[type] | (rand() < 0.5 ? 2 : 0));
    }
    left.push(~leaf);
    right.push(~(k + 1));
    parentOf.set(leaf, { node: k, side: "l" });
    parentOf.set(k + 1, { node: k, side: "r" });
  }
  const values = Array.from({ length: spec.leaves }, () => (rand() - 0.5) * 0.4);
  const numCat = boundaries.length - 1;
  return [
    `Tree=${index}`,
    `num_leaves=${spec.leaves}`,
    `num_cat=${numCat}`,
    `split_feature=${cols.feature.join(" ")}`,
    `threshold=${cols.threshold.join(" ")}`,
    `decision_type=${cols.decision.join(" ")}`,
    `left_child=${left.join(" ")}`,
    `right_child=${right.join(" ")}`,
    `leaf_value=${values.join(" ")}`,
    ...(numCat > 0 ? [`cat_boundaries=${boundaries.join(" ")}`, `cat_threshold=${words.join(" ")}`] : []),
    "shrinkage=0.1",
    "",
    "",
  ].join("\n");
}

function objectiveLine(spec: SyntheticSpec): string {
  if (spec.objective === "binary") return "binary sigmoid:1";
  if (spec.objective === "multiclass") return `multiclass num_class:${spec.numClass ?? 3}`;
  return spec.objective;
}

/** The feature names of `spec`. */
export function syntheticFeatureNames(spec: SyntheticSpec): string[] {
  return spec.featureNames ? [...spec.featureNames] : Array.from({ length: spec.features }, (_, j) => `Column_${j}`);
}

/** A LightGBM text model (format v4) for `spec`; the same spec always gives the same text. */
export function syntheticModel(spec: SyntheticSpec): string {
  const rand = seededRandom(spec.seed);
  const numClass = spec.objective === "multiclass" ? (spec.numClass ?? 3) : 1;
  const categorical = new Set(spec.categorical ?? []);
  const names = syntheticFeatureNames(spec);
  const trees = spec.iterations * numClass;
  const infos = names.map((_, j) => (categorical.has(j) ? "0:1:2:3:4:5" : "[-3:3]"));
  const params = ["[boosting: gbdt]", `[objective: ${spec.objective}]`];
  if (categorical.size > 0) params.push(`[categorical_feature: ${[...categorical].sort((a, b) => a - b).join(",")}]`);
  return [
    "tree\nversion=v4",
    `num_class=${numClass}\nnum_tree_per_iteration=${numClass}\nlabel_index=0`,
    `max_feature_idx=${spec.features - 1}\nobjective=${objectiveLine(spec)}`,
    `feature_names=${names.join(" ")}`,
    `feature_infos=${infos.join(" ")}`,
    `tree_sizes=${Array(trees).fill(1).join(" ")}\n`,
    Array.from({ length: trees }, (_, t) => syntheticTree(spec, rand, t)).join(""),
    `end of trees\n\nparameters:\n${params.join("\n")}\nend of parameters\n\npandas_categorical:[]\n`,
  ].join("\n");
}

/**
 * `n` input rows for `spec` (null = missing): numbers in [-3, 3] with some exact zeros (for splits
 * of missing type Zero), categories 0..80 (beyond a two-word bitset too), about `missingRate` nulls.
 */
export function syntheticRows(spec: SyntheticSpec, n: number, seed: number, missingRate = 0.1): (number | null)[][] {
  const rand = seededRandom(seed);
  const categorical = new Set(spec.categorical ?? []);
  return Array.from({ length: n }, () =>
    Array.from({ length: spec.features }, (_, j) => {
      if (rand() < missingRate) return null;
      if (categorical.has(j)) return Math.floor(rand() * 81);
      if (rand() < 0.05) return 0;
      return Math.round((rand() * 6 - 3) * 1e6) / 1e6;
    }),
  );
}
