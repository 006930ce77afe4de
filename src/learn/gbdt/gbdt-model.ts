import { invalidParam } from "../../core/errors.js";
import type { FeatureMatrix } from "../feature-matrix.js";
import { addForestMargins, type FlatForest } from "./flat-forest.js";
import type { GbdtObjective, ResolvedGbdtParams } from "./gbdt-params.js";

/** The serialised model: plain arrays, stable key order, so equal models stringify byte-identically. */
export interface GbdtModelJson {
  format: "modelworks.gbdt";
  version: 1;
  objective: GbdtObjective;
  base_margin: number;
  feature_names: string[];
  best_iteration: number;
  params: ResolvedGbdtParams;
  trees: {
    roots: number[];
    feature: number[];
    threshold: number[];
    default_left: number[];
    left: number[];
    right: number[];
    value: number[];
    gain: number[];
  };
}

/** A trained gradient-boosted tree ensemble. */
export class GbdtModel {
  constructor(
    readonly objective: GbdtObjective,
    readonly baseMargin: number,
    readonly featureNames: readonly string[],
    readonly forest: FlatForest,
    /** 0-based index of the best iteration (the last kept tree). */
    readonly bestIteration: number,
    readonly params: ResolvedGbdtParams,
  ) {}

  /** Number of trees. */
  get treeCount(): number {
    return this.forest.roots.length;
  }

  /** Raw scores (log-odds for binary). */
  predictMargin(x: FeatureMatrix): Float64Array {
    if (x.cols !== this.featureNames.length) {
      throw invalidParam(`Expected ${this.featureNames.length} features, got ${x.cols}`);
    }
    const out = new Float64Array(x.rows).fill(this.baseMargin);
    addForestMargins(this.forest, x.data, x.rows, out, 0, this.treeCount);
    return out;
  }

  /** Probabilities of class 1 for binary:logistic, values for regression. */
  predict(x: FeatureMatrix): Float64Array {
    const m = this.predictMargin(x);
    if (this.objective === "binary:logistic") {
      for (let i = 0; i < m.length; i++) m[i] = 1 / (1 + Math.exp(-(m[i] as number)));
    }
    return m;
  }

  /** Total split gain per feature (XGBoost's `total_gain`); 0 for unused features. */
  featureImportance(): Record<string, number> {
    const totals = new Float64Array(this.featureNames.length);
    const { feature, gain } = this.forest;
    for (let n = 0; n < feature.length; n++) {
      const f = feature[n] as number;
      if (f >= 0) totals[f] = (totals[f] as number) + (gain[n] as number);
    }
    return Object.fromEntries(this.featureNames.map((name, j) => [name, totals[j] as number]));
  }

  /** The JSON form (deterministic for the same data, params and seed). */
  toJSON(): GbdtModelJson {
    const f = this.forest;
    return {
      format: "modelworks.gbdt",
      version: 1,
      objective: this.objective,
      base_margin: this.baseMargin,
      feature_names: [...this.featureNames],
      best_iteration: this.bestIteration,
      params: { ...this.params },
      trees: {
        roots: Array.from(f.roots),
        feature: Array.from(f.feature),
        threshold: Array.from(f.threshold),
        default_left: Array.from(f.defaultLeft),
        left: Array.from(f.left),
        right: Array.from(f.right),
        value: Array.from(f.value),
        gain: Array.from(f.gain),
      },
    };
  }
}

/** Restores a model from {@link GbdtModel.toJSON} output. */
export function gbdtFromJSON(json: GbdtModelJson): GbdtModel {
  if (json?.format !== "modelworks.gbdt" || json.version !== 1) {
    throw invalidParam("Not a modelworks.gbdt version 1 model JSON");
  }
  const t = json.trees;
  const n = t.feature.length;
  const sameLength = [t.threshold, t.default_left, t.left, t.right, t.value, t.gain].every((a) => a.length === n);
  if (!sameLength) throw invalidParam("GBDT model JSON 'trees' arrays differ in length");
  const forest: FlatForest = {
    roots: Int32Array.from(t.roots),
    feature: Int32Array.from(t.feature),
    threshold: Float64Array.from(t.threshold),
    defaultLeft: Uint8Array.from(t.default_left),
    left: Int32Array.from(t.left),
    right: Int32Array.from(t.right),
    value: Float64Array.from(t.value),
    gain: Float64Array.from(t.gain),
  };
  return new GbdtModel(json.objective, json.base_margin, json.feature_names, forest, json.best_iteration, json.params);
}
