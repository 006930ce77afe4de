import { invalidParam } from "../../core/errors.js";
import { seededRandom } from "../../core/random.js";
import type { FeatureMatrix } from "../feature-matrix.js";
import { type BinnedMatrix, binMatrix, MISSING_BIN } from "./bin-matrix.js";
import { addForestMargins, concatTrees, type FlatForest } from "./flat-forest.js";
import { GbdtModel } from "./gbdt-model.js";
import { type GbdtParams, type ResolvedGbdtParams, resolveGbdtParams } from "./gbdt-params.js";
import { type GrowContext, type GrownTree, growTree } from "./grow-tree.js";
import { HistogramPool, sharedArray } from "./histogram-pool.js";
import { baseMargin, computeGradients, evalLoss } from "./objectives.js";

/** Optional inputs of {@link trainGbdt}. */
export interface TrainGbdtOptions {
  /** Held-out data for the per-iteration validation loss and early stopping. */
  valid?: { x: FeatureMatrix; y: Float64Array };
  /** Called after each tree; `trainLoss` is computed only when this is given. */
  onIteration?: (iteration: number, trainLoss: number, validLoss?: number) => void;
  /** Threads for histogram building (default 1); results are deterministic per thread count. */
  threads?: number;
}

// Below this many rows, worker hand-offs cost more than they save.
const MIN_ROWS_FOR_THREADS = 20_000;

/** Trains a histogram-based gradient-boosted tree ensemble (XGBoost `tree_method=hist` semantics). */
export async function trainGbdt(
  x: FeatureMatrix,
  y: Float64Array,
  params: GbdtParams,
  options: TrainGbdtOptions = {},
): Promise<GbdtModel> {
  const p = resolveGbdtParams(params);
  checkData(x, y, p, options);
  const threads = x.rows >= MIN_ROWS_FOR_THREADS ? (options.threads ?? 1) : 1;
  const binned = shareBins(binMatrix(x, p.max_bin), threads > 1);
  const n = x.rows;
  const gh = sharedArray(Float32Array, 4, 2 * n, threads > 1);
  const idx = sharedArray(Int32Array, 4, n, threads > 1);
  const pool = new HistogramPool(threads, binned.bins, binned.cols, gh, idx);
  const ctx: GrowContext = {
    binned,
    binCounts: Int32Array.from(binned.cuts, (c) => c.length + 1),
    gh,
    idx,
    scratch: new Int32Array(n),
    pool,
    rules: p,
    maxDepth: p.max_depth,
    maxLeaves: p.max_leaves,
    eta: p.learning_rate,
  };
  try {
    const { trees, best } = await boost(ctx, x, y, p, options);
    const forest = concatTrees(trees.slice(0, best + 1));
    return new GbdtModel(p.objective, baseMargin(p.objective, p.base_score, y), x.names, forest, best, p);
  } finally {
    await pool.close();
  }
}

async function boost(
  ctx: GrowContext,
  x: FeatureMatrix,
  y: Float64Array,
  p: ResolvedGbdtParams,
  options: TrainGbdtOptions,
): Promise<{ trees: FlatForest[]; best: number }> {
  const base = baseMargin(p.objective, p.base_score, y);
  const margins = new Float64Array(x.rows).fill(base);
  const valid = options.valid;
  const validMargins = valid ? new Float64Array(valid.x.rows).fill(base) : null;
  const rng = seededRandom(p.seed);
  const trees: FlatForest[] = [];
  let best = -1;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (let it = 0; it < p.n_estimators; it++) {
    computeGradients(p.objective, y, margins, ctx.gh);
    const rowCount = sampleRows(ctx.idx, x.rows, p.subsample, rng);
    const grown = await growTree(ctx, rowCount, sampleFeatures(x.cols, p.colsample_bytree, rng));
    trees.push(grown.tree);
    updateTrainMargins(ctx.binned, grown, ctx.idx, rowCount, margins);
    let validLoss: number | undefined;
    if (valid && validMargins) {
      addForestMargins(grown.tree, valid.x.data, valid.x.rows, validMargins, 0, 1);
      validLoss = evalLoss(p.objective, valid.y, validMargins);
    }
    options.onIteration?.(it, evalLoss(p.objective, y, margins), validLoss);
    if (p.early_stopping_rounds === 0 || validLoss === undefined) {
      best = it;
    } else if (validLoss < bestLoss) {
      bestLoss = validLoss;
      best = it;
    } else if (it - best >= p.early_stopping_rounds) {
      break;
    }
  }
  return { trees, best };
}

/** Bernoulli row sampling into `idx` (all rows, in order, when subsample is 1); returns the count. */
function sampleRows(idx: Int32Array, n: number, subsample: number, rng: () => number): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (subsample >= 1 || rng() < subsample) idx[c++] = i;
  return c;
}

/** The sorted feature subset of one tree (colsample_bytree). */
function sampleFeatures(cols: number, fraction: number, rng: () => number): Int32Array {
  const all = Int32Array.from({ length: cols }, (_, j) => j);
  if (fraction >= 1) return all;
  const k = Math.max(1, Math.floor(cols * fraction));
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng() * (cols - i));
    [all[i], all[j]] = [all[j] as number, all[i] as number];
  }
  return all.subarray(0, k).sort();
}

/** Adds the new tree's output to every training row's margin. */
function updateTrainMargins(b: BinnedMatrix, g: GrownTree, idx: Int32Array, rowCount: number, margins: Float64Array) {
  const { value, feature, defaultLeft, left, right } = g.tree;
  if (rowCount === b.rows) {
    // Every row was partitioned into some leaf: no traversal needed.
    for (const { node, start, end } of g.leafRanges) {
      const v = value[node] as number;
      for (let i = start; i < end; i++) {
        const r = idx[i] as number;
        margins[r] = (margins[r] as number) + v;
      }
    }
    return;
  }
  for (let r = 0; r < b.rows; r++) {
    let node = 0;
    let f = feature[0] as number;
    while (f >= 0) {
      const bin = b.colBins[f * b.rows + r] as number;
      const goLeft = bin === MISSING_BIN ? defaultLeft[node] === 1 : bin <= (g.splitBin[node] as number);
      node = (goLeft ? left[node] : right[node]) as number;
      f = feature[node] as number;
    }
    margins[r] = (margins[r] as number) + (value[node] as number);
  }
}

function shareBins(b: BinnedMatrix, shared: boolean): BinnedMatrix {
  if (!shared) return b;
  const bins = sharedArray(Uint8Array, 1, b.bins.length, true);
  bins.set(b.bins);
  return { ...b, bins };
}

function checkData(x: FeatureMatrix, y: Float64Array, p: ResolvedGbdtParams, options: TrainGbdtOptions): void {
  if (x.rows < 1 || x.cols < 1) throw invalidParam("GBDT training data 'x' must have at least one row and one column");
  if (x.names.length !== x.cols) throw invalidParam(`'x.names' has ${x.names.length} names for ${x.cols} columns`);
  checkLabels(y, x.rows, p, "y");
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw invalidParam(`'threads' must be an integer in [1, 64], got ${threads}`);
  }
  if (p.early_stopping_rounds > 0 && !options.valid) {
    throw invalidParam("GBDT parameter 'early_stopping_rounds' requires a validation set ('valid')");
  }
  if (options.valid) {
    if (options.valid.x.cols !== x.cols) {
      throw invalidParam(`'valid.x' has ${options.valid.x.cols} columns, training data has ${x.cols}`);
    }
    checkLabels(options.valid.y, options.valid.x.rows, p, "valid.y");
  }
}

function checkLabels(y: Float64Array, rows: number, p: ResolvedGbdtParams, name: string): void {
  if (y.length !== rows) throw invalidParam(`'${name}' has ${y.length} labels for ${rows} rows`);
  const binary = p.objective === "binary:logistic";
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number;
    if (binary ? v !== 0 && v !== 1 : !Number.isFinite(v)) {
      const rule = binary ? "0 or 1 for binary:logistic" : "finite";
      throw invalidParam(`'${name}' labels must be ${rule}; row ${i} has ${v}`);
    }
  }
}
