import type { BinnedMatrix } from "./bin-matrix.js";
import { MISSING_BIN } from "./bin-matrix.js";
import { findBestSplit, type SplitCandidate, type SplitRules } from "./find-best-split.js";
import type { FlatForest } from "./flat-forest.js";
import type { HistogramPool } from "./histogram-pool.js";

/** Shared state of one training run that every tree reuses. */
export interface GrowContext {
  binned: BinnedMatrix;
  /** Value bins per feature (cuts + 1). */
  binCounts: Int32Array;
  /** Interleaved gradient/hessian per row. */
  gh: Float32Array;
  /** Rows of this tree in `idx[0..rowCount)`, partitioned in place per node. */
  idx: Int32Array;
  scratch: Int32Array;
  pool: HistogramPool;
  rules: SplitRules;
  maxDepth: number;
  maxLeaves: number;
  eta: number;
}

/** A grown tree plus, per leaf, the row range it holds (to update training margins without a traversal). */
export interface GrownTree {
  tree: FlatForest;
  /** Bin code threshold per node (rows with `bin <= splitBin` go left). */
  splitBin: Int32Array;
  leafRanges: { node: number; start: number; end: number }[];
}

interface OpenNode {
  id: number;
  start: number;
  end: number;
  depth: number;
  grad: number;
  hess: number;
  hist: Float64Array | null;
  split: SplitCandidate | null;
}

interface NodeArrays {
  feature: number[];
  splitBin: number[];
  defaultLeft: number[];
  left: number[];
  right: number[];
  value: number[];
  gain: number[];
}

/** Grows one tree on rows `idx[0..rowCount)` from the current gradients over the features `feats`. */
export async function growTree(ctx: GrowContext, rowCount: number, feats: Int32Array): Promise<GrownTree> {
  const arrays: NodeArrays = { feature: [], splitBin: [], defaultLeft: [], left: [], right: [], value: [], gain: [] };
  const [grad, hess] = sumGradients(ctx, rowCount);
  const root = addNode(ctx, arrays, { start: 0, end: rowCount, depth: 0, grad, hess });
  const nodes: OpenNode[] = [root];
  const open: OpenNode[] = [];
  if (needsSplit(ctx, root)) {
    root.hist = ((await ctx.pool.build([root], feats)) as Float64Array[])[0] as Float64Array;
    evaluate(ctx, root, feats, open);
  }
  let leaves = 1;
  const lossguide = ctx.maxLeaves > 0;
  while (open.length > 0) {
    open.sort((a, b) => (b.split as SplitCandidate).gain - (a.split as SplitCandidate).gain || a.id - b.id);
    let batch = lossguide ? open.splice(0, 1) : open.splice(0);
    if (ctx.maxLeaves > 0) batch = batch.slice(0, ctx.maxLeaves - leaves);
    if (batch.length === 0) break;
    const pairs = batch.map((n) => splitNode(ctx, arrays, n));
    leaves += batch.length;
    for (const [l, r] of pairs) nodes.push(l, r);
    await buildChildHistograms(ctx, batch, pairs, feats);
    for (const [l, r] of pairs) {
      evaluate(ctx, l, feats, open);
      evaluate(ctx, r, feats, open);
    }
  }
  return finish(ctx, arrays, nodes);
}

function sumGradients(ctx: GrowContext, rowCount: number): [number, number] {
  let g = 0;
  let h = 0;
  for (let i = 0; i < rowCount; i++) {
    const r = ctx.idx[i] as number;
    g += ctx.gh[2 * r] as number;
    h += ctx.gh[2 * r + 1] as number;
  }
  return [g, h];
}

function addNode(ctx: GrowContext, a: NodeArrays, n: Omit<OpenNode, "id" | "hist" | "split">): OpenNode {
  a.feature.push(-1);
  a.splitBin.push(-1);
  a.defaultLeft.push(0);
  a.left.push(-1);
  a.right.push(-1);
  a.value.push((-n.grad / (n.hess + ctx.rules.lambda)) * ctx.eta);
  a.gain.push(0);
  return { ...n, id: a.feature.length - 1, hist: null, split: null };
}

function needsSplit(ctx: GrowContext, n: OpenNode): boolean {
  return n.depth < ctx.maxDepth && n.end - n.start >= 2 && n.hess >= 2 * ctx.rules.min_child_weight;
}

function evaluate(ctx: GrowContext, n: OpenNode, feats: Int32Array, open: OpenNode[]): void {
  if (n.hist === null) return;
  n.split = findBestSplit(n.hist, feats, ctx.binCounts, n.grad, n.hess, ctx.rules);
  if (n.split !== null) open.push(n);
  else n.hist = null;
}

/** Partitions the node's rows in place (stable, so children keep ascending row order) and adds its children. */
function splitNode(ctx: GrowContext, a: NodeArrays, n: OpenNode): [OpenNode, OpenNode] {
  const s = n.split as SplitCandidate;
  const { colBins, rows } = ctx.binned;
  const col = colBins.subarray(s.feature * rows, (s.feature + 1) * rows);
  const { idx, scratch } = ctx;
  let l = n.start;
  let rc = 0;
  for (let i = n.start; i < n.end; i++) {
    const r = idx[i] as number;
    const b = col[r] as number;
    if (b === MISSING_BIN ? s.defaultLeft : b <= s.bin) idx[l++] = r;
    else scratch[rc++] = r;
  }
  idx.set(scratch.subarray(0, rc), l);
  const depth = n.depth + 1;
  const left = addNode(ctx, a, { start: n.start, end: l, depth, grad: s.gradLeft, hess: s.hessLeft });
  const right = addNode(ctx, a, { start: l, end: n.end, depth, grad: n.grad - s.gradLeft, hess: n.hess - s.hessLeft });
  a.feature[n.id] = s.feature;
  a.splitBin[n.id] = s.bin;
  a.defaultLeft[n.id] = s.defaultLeft ? 1 : 0;
  a.left[n.id] = left.id;
  a.right[n.id] = right.id;
  a.gain[n.id] = s.gain;
  return [left, right];
}

/** Builds the smaller child's histogram and derives its sibling as parent − smaller. */
async function buildChildHistograms(
  ctx: GrowContext,
  parents: readonly OpenNode[],
  pairs: readonly [OpenNode, OpenNode][],
  feats: Int32Array,
): Promise<void> {
  const toBuild: OpenNode[] = [];
  const derive: [OpenNode, OpenNode, Float64Array][] = [];
  pairs.forEach(([l, r], i) => {
    const parentHist = (parents[i] as OpenNode).hist as Float64Array;
    (parents[i] as OpenNode).hist = null;
    const [needL, needR] = [needsSplit(ctx, l), needsSplit(ctx, r)];
    if (needL && needR) {
      const [small, large] = l.end - l.start <= r.end - r.start ? [l, r] : [r, l];
      toBuild.push(small);
      derive.push([small, large, parentHist]);
    } else if (needL) toBuild.push(l);
    else if (needR) toBuild.push(r);
  });
  if (toBuild.length === 0) return;
  const hists = await ctx.pool.build(toBuild, feats);
  toBuild.forEach((n, i) => {
    n.hist = hists[i] as Float64Array;
  });
  for (const [small, large, parentHist] of derive) {
    const sh = small.hist as Float64Array;
    for (let i = 0; i < parentHist.length; i++) parentHist[i] = (parentHist[i] as number) - (sh[i] as number);
    large.hist = parentHist;
  }
}

function finish(ctx: GrowContext, a: NodeArrays, nodes: readonly OpenNode[]): GrownTree {
  const threshold = new Float64Array(a.feature.length);
  a.feature.forEach((f, i) => {
    if (f >= 0) threshold[i] = (ctx.binned.cuts[f] as Float64Array)[a.splitBin[i] as number] as number;
  });
  const tree: FlatForest = {
    roots: Int32Array.of(0),
    feature: Int32Array.from(a.feature),
    threshold,
    defaultLeft: Uint8Array.from(a.defaultLeft),
    left: Int32Array.from(a.left),
    right: Int32Array.from(a.right),
    value: Float64Array.from(a.value),
    gain: Float64Array.from(a.gain),
  };
  const leafRanges = nodes
    .filter((n) => a.feature[n.id] === -1)
    .map((n) => ({ node: n.id, start: n.start, end: n.end }));
  return { tree, splitBin: Int32Array.from(a.splitBin), leafRanges };
}
