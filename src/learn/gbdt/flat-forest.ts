/**
 * Trees as parallel flat arrays (no object per node). Node indices are global across trees;
 * a leaf has `feature = -1`. Internal nodes send `x < threshold` left, NaN per `defaultLeft`.
 */
export interface FlatForest {
  readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly defaultLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Leaf output (already scaled by the learning rate); unused on internal nodes. */
  readonly value: Float64Array;
  /** Split gain on internal nodes, 0 on leaves. */
  readonly gain: Float64Array;
}

/** The leaf value one tree gives row `row` of column-major `data` with `rows` rows. */
export function treeOutput(forest: FlatForest, root: number, data: Float64Array, rows: number, row: number): number {
  const { feature, threshold, defaultLeft, left, right } = forest;
  let node = root;
  let f = feature[node] as number;
  while (f >= 0) {
    const v = data[f * rows + row] as number;
    if (v < (threshold[node] as number)) node = left[node] as number;
    else if (defaultLeft[node] === 1 && Number.isNaN(v)) node = left[node] as number;
    else node = right[node] as number;
    f = feature[node] as number;
  }
  return forest.value[node] as number;
}

/** Adds trees `[from, to)` to each row's margin. */
export function addForestMargins(
  forest: FlatForest,
  data: Float64Array,
  rows: number,
  margins: Float64Array,
  from: number,
  to: number,
): void {
  const roots = forest.roots;
  for (let i = 0; i < rows; i++) {
    let m = margins[i] as number;
    for (let t = from; t < to; t++) m += treeOutput(forest, roots[t] as number, data, rows, i);
    margins[i] = m;
  }
}

/** Joins single trees (each rooted at its own node 0) into one forest. */
export function concatTrees(trees: readonly FlatForest[]): FlatForest {
  const total = trees.reduce((n, t) => n + t.feature.length, 0);
  const out: FlatForest = {
    roots: new Int32Array(trees.length),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    defaultLeft: new Uint8Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    value: new Float64Array(total),
    gain: new Float64Array(total),
  };
  let base = 0;
  trees.forEach((t, i) => {
    out.roots[i] = base;
    out.feature.set(t.feature, base);
    out.threshold.set(t.threshold, base);
    out.defaultLeft.set(t.defaultLeft, base);
    out.value.set(t.value, base);
    out.gain.set(t.gain, base);
    for (let n = 0; n < t.feature.length; n++) {
      out.left[base + n] = t.left[n] === -1 ? -1 : (t.left[n] as number) + base;
      out.right[base + n] = t.right[n] === -1 ? -1 : (t.right[n] as number) + base;
    }
    base += t.feature.length;
  });
  return out;
}
