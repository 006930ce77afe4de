import { MISSING_BIN } from "./bin-matrix.js";

/** The best split of a node: rows with `bin <= bin` (i.e. `x < cuts[bin]`) go left, missing per `defaultLeft`. */
export interface SplitCandidate {
  feature: number;
  bin: number;
  defaultLeft: boolean;
  /** ½(G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)) − γ */
  gain: number;
  gradLeft: number;
  hessLeft: number;
}

/** Regularisation that bounds which splits are allowed. */
export interface SplitRules {
  lambda: number;
  gamma: number;
  min_child_weight: number;
}

// XGBoost's kRtEps: splits that gain less are treated as no improvement.
const MIN_GAIN = 1e-6;

/** Scans every selected feature's histogram, trying missing-left and missing-right at each cut. */
export function findBestSplit(
  hist: Float64Array,
  feats: Int32Array,
  binCounts: Int32Array,
  grad: number,
  hess: number,
  rules: SplitRules,
): SplitCandidate | null {
  const { lambda, gamma, min_child_weight: mcw } = rules;
  const parentScore = (grad * grad) / (hess + lambda);
  let best: SplitCandidate | null = null;
  let bestGain = MIN_GAIN;
  for (let k = 0; k < feats.length; k++) {
    const f = feats[k] as number;
    const base = f * 512;
    const gm = hist[base + MISSING_BIN * 2] as number;
    const hm = hist[base + MISSING_BIN * 2 + 1] as number;
    const last = (binCounts[f] as number) - 1;
    let gl = 0;
    let hl = 0;
    for (let b = 0; b < last; b++) {
      gl += hist[base + b * 2] as number;
      hl += hist[base + b * 2 + 1] as number;
      // Missing-left first, so on a tie (no missing values) missing rows default left as in XGBoost dumps.
      for (let dir = 0; dir < (hm > 0 ? 2 : 1); dir++) {
        const gL = dir === 0 ? gl + gm : gl;
        const hL = dir === 0 ? hl + hm : hl;
        const hR = hess - hL;
        if (hL < mcw || hR < mcw || hL <= 0 || hR <= 0) continue;
        const gR = grad - gL;
        const gain = 0.5 * ((gL * gL) / (hL + lambda) + (gR * gR) / (hR + lambda) - parentScore) - gamma;
        if (gain > bestGain) {
          bestGain = gain;
          best = { feature: f, bin: b, defaultLeft: dir === 0, gain, gradLeft: gL, hessLeft: hL };
        }
      }
    }
  }
  return best;
}
