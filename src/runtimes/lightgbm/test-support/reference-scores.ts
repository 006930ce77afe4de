/**
 * A plain reference evaluator for LightGBM text models, independent of the runtime under test: it
 * reads only what synthetic models hold (header counts, the objective, the trees' arrays) and walks
 * each tree node by node as LightGBM's `Tree::NumericalDecision` and `CategoricalDecision` do, then
 * applies the objective's link. Slow and simple on purpose; for tests only.
 */

interface RefTree {
  feature: number[];
  threshold: number[];
  decision: number[];
  left: number[];
  right: number[];
  leafValue: number[];
  catBoundaries: number[];
  catThreshold: number[];
}

const numbers = (s: string | undefined): number[] =>
  s
    ? s
        .split(" ")
        .filter((p) => p !== "")
        .map(Number)
    : [];

function keyValues(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines) {
    const eq = line.indexOf("=");
    if (eq > 0) out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

function readTrees(text: string): RefTree[] {
  const body = text.slice(text.indexOf("\nTree=0\n"), text.indexOf("\nend of trees"));
  return body
    .split(/\nTree=\d+\n/)
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const f = keyValues(block.split("\n"));
      return {
        feature: numbers(f.get("split_feature")),
        threshold: numbers(f.get("threshold")),
        decision: numbers(f.get("decision_type")),
        left: numbers(f.get("left_child")),
        right: numbers(f.get("right_child")),
        leafValue: numbers(f.get("leaf_value")),
        catBoundaries: numbers(f.get("cat_boundaries")),
        catThreshold: numbers(f.get("cat_threshold")),
      };
    });
}

/** Which child a numerical split sends `value` to. */
function numericalChild(tree: RefTree, node: number, value: number): number {
  const type = tree.decision[node] as number;
  const defaultLeft = (type & 2) !== 0;
  const missingType = (type >> 2) & 3; // 0 None, 1 Zero, 2 NaN
  let v = value;
  if (Number.isNaN(v) && missingType !== 2) v = 0;
  const isZero = v >= -1e-35 && v <= 1e-35;
  if ((missingType === 1 && isZero) || (missingType === 2 && Number.isNaN(v))) {
    return defaultLeft ? (tree.left[node] as number) : (tree.right[node] as number);
  }
  return v <= (tree.threshold[node] as number) ? (tree.left[node] as number) : (tree.right[node] as number);
}

/** Which child a categorical split sends `value` to: left when its category's bit is set. */
function categoricalChild(tree: RefTree, node: number, value: number): number {
  const right = tree.right[node] as number;
  if (Number.isNaN(value)) return right;
  const category = Math.trunc(value);
  if (category < 0) return right;
  const cat = tree.threshold[node] as number;
  const from = tree.catBoundaries[cat] as number;
  const words = (tree.catBoundaries[cat + 1] as number) - from;
  const word = Math.floor(category / 32);
  if (word >= words) return right;
  const bits = tree.catThreshold[from + word] as number;
  return Math.floor(bits / 2 ** (category % 32)) % 2 === 1 ? (tree.left[node] as number) : right;
}

function leafOf(tree: RefTree, row: readonly number[]): number {
  if (tree.feature.length === 0) return tree.leafValue[0] as number;
  let node = 0;
  while (node >= 0) {
    const value = row[tree.feature[node] as number] as number;
    node =
      (tree.decision[node] as number) & 1 ? categoricalChild(tree, node, value) : numericalChild(tree, node, value);
  }
  return tree.leafValue[~node] as number;
}

/**
 * LightGBM's predictions for `rows` (features in model order, null = missing): P(class 1) for
 * binary, the value for regression, exp for poisson, one probability list per row for multiclass.
 */
export function referenceScores(text: string, rows: readonly (readonly (number | null)[])[]): (number | number[])[] {
  const header = keyValues(text.slice(0, text.indexOf("\nTree=0\n")).split("\n"));
  const numClass = Number(header.get("num_class"));
  const objective = header.get("objective") ?? "";
  const sigmoid = Number(/sigmoid:(\S+)/.exec(objective)?.[1] ?? 1);
  const trees = readTrees(text);
  return rows.map((r) => {
    const row = r.map((v) => (v === null ? Number.NaN : v));
    const raw = new Array<number>(numClass).fill(0);
    trees.forEach((tree, t) => {
      raw[t % numClass] = (raw[t % numClass] as number) + leafOf(tree, row);
    });
    const score = raw[0] as number;
    if (objective.startsWith("binary")) return 1 / (1 + Math.exp(-sigmoid * score));
    if (objective.startsWith("poisson")) return Math.exp(score);
    if (objective.startsWith("multiclass")) {
      const max = Math.max(...raw);
      const e = raw.map((x) => Math.exp(x - max));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / sum);
    }
    return score;
  });
}
