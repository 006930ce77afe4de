/** Score-ranking metrics computed from one descending sort: ROC AUC, average precision, best F1, lift. */

export { descendingOrder } from "./descending-order.js";

/** Cumulative true/false positives at each distinct score, highest score first. */
export interface RankCurve {
  readonly thresholds: Float64Array;
  readonly tps: Float64Array;
  readonly fps: Float64Array;
}

/** The curve sklearn's `_binary_clf_curve` builds: tied scores form one point. */
export function rankCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>, order: Uint32Array): RankCurve {
  const n = order.length;
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    tp += yTrue[i] as number;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      thresholds.push(scores[i] as number);
      tps.push(tp);
      fps.push(k + 1 - tp);
    }
  }
  return { thresholds: Float64Array.from(thresholds), tps: Float64Array.from(tps), fps: Float64Array.from(fps) };
}

/** Trapezoidal area under the ROC curve (ties count half, as in sklearn); null with one class. */
export function rocAuc(c: RankCurve): number | null {
  const last = c.tps.length - 1;
  const p = c.tps[last] ?? 0;
  const n = c.fps[last] ?? 0;
  if (p === 0 || n === 0) return null;
  let area = 0;
  let tpPrev = 0;
  let fpPrev = 0;
  for (let k = 0; k <= last; k++) {
    const tp = c.tps[k] as number;
    const fp = c.fps[k] as number;
    area += ((fp - fpPrev) * (tp + tpPrev)) / 2;
    tpPrev = tp;
    fpPrev = fp;
  }
  return area / (p * n);
}

/** sklearn's `average_precision_score`: Σ (R_k − R_{k−1}) · P_k over distinct thresholds; null without positives. */
export function averagePrecision(c: RankCurve): number | null {
  const p = c.tps[c.tps.length - 1] ?? 0;
  if (p === 0) return null;
  let ap = 0;
  let recallPrev = 0;
  for (let k = 0; k < c.tps.length; k++) {
    const tp = c.tps[k] as number;
    const recall = tp / p;
    ap += (recall - recallPrev) * (tp / (tp + (c.fps[k] as number)));
    recallPrev = recall;
  }
  return ap;
}

/** The highest distinct score whose "score ≥ t" rule maximises F1 = 2tp / (2tp + fp + fn). */
export function bestF1Threshold(c: RankCurve): number {
  const p = c.tps[c.tps.length - 1] ?? 0;
  let best = -1;
  let bestT = c.thresholds[0] ?? 0.5;
  for (let k = 0; k < c.tps.length; k++) {
    const tp = c.tps[k] as number;
    // Integer ratios are correctly rounded, so equal F1 values compare equal and the first (highest) wins.
    const f1 =
      2 * tp + (c.fps[k] as number) + (p - tp) === 0 ? 0 : (2 * tp) / (2 * tp + (c.fps[k] as number) + (p - tp));
    if (f1 > best) {
      best = f1;
      bestT = c.thresholds[k] as number;
    }
  }
  return bestT;
}

/** Positive rate among the first ceil(n/10) rows of `order` over the overall rate; null without positives. */
export function liftTopDecile(yTrue: ArrayLike<number>, order: Uint32Array, positives: number): number | null {
  const n = order.length;
  if (positives === 0 || n === 0) return null;
  const k = Math.ceil(n / 10);
  let top = 0;
  for (let j = 0; j < k; j++) top += yTrue[order[j] as number] as number;
  return top / k / (positives / n);
}
