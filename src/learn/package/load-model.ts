/** Load any model package into one predictor interface: a Table batch in, scores out. */
import { invalidParam } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import type { FeatureMatrix } from "../feature-matrix.js";
import { matrixFromColumns } from "../feature-matrix.js";
import type { GbdtModelJson } from "../gbdt/gbdt-model.js";
import { gbdtFromJSON } from "../gbdt/gbdt-model.js";
import { logisticFromJSON } from "../linear/logistic.js";
import { preprocessorFromJSON } from "../preprocess/json.js";
import type { Preprocessor } from "../preprocess/preprocessor.js";
import { RowEncoder } from "../preprocess/row-encoder.js";
import { loadXgboostModel } from "../xgboost/xgboost-model.js";
import type { ModelFaults } from "./model-faults.js";
import { faultyPredictor } from "./model-faults.js";
import type { ModelPackage, ModelSignature } from "./model-package.js";
import { readModelPackage } from "./model-package.js";

/** A loaded model. */
export interface Predictor {
  readonly algo: ModelPackage["algo"];
  readonly signature: ModelSignature;
  /** Probabilities (binary) or values (regression), one per row. */
  predict(table: Table): Float64Array;
  /**
   * A new one-row scorer (no Table in between), for models that have one; each call gives an
   * independent scorer, so keep one per use site.
   */
  rowScorer?(): RowScorer;
  /** Injected faults (test models); the server reads `delay_ms`, `predict` applies the rest. */
  readonly faults?: ModelFaults;
}

/**
 * Scores one row given input by input, in signature order: the same result as `predict` on a
 * one-row table with those values. Not reentrant: set the inputs, call `score()`, repeat. An input
 * left unset keeps its value from the previous row.
 */
export interface RowScorer {
  /** Numeric-like input `i` (int, float, bool as 0/1, timestamp as epoch ms); NaN means missing. */
  setNumber(i: number, v: number): void;
  /** String input `i`; undefined means missing. */
  setString(i: number, v: string | undefined): void;
  score(): number;
}

/** Load the package in `dir`. */
export async function loadModel(dir: string): Promise<Predictor> {
  return predictorFor(await readModelPackage(dir));
}

/** A predictor for an in-memory package; `random` drives a `fail_rate` fault (default Math.random). */
export function predictorFor(pkg: ModelPackage, options: { random?: () => number } = {}): Predictor {
  const base = basePredictor(pkg);
  return pkg.faults ? faultyPredictor(base, pkg.faults, options.random) : base;
}

function basePredictor(pkg: ModelPackage): Predictor {
  const score = scorer(pkg);
  if (pkg.algo === "xgboost") {
    const names = pkg.signature.inputs.map((i) => i.name);
    const numeric = pkg.signature.inputs.every((i) => i.type === "int" || i.type === "float");
    return {
      algo: pkg.algo,
      signature: pkg.signature,
      predict: (t) => score(numericMatrix(t, names)),
      // numericMatrix refuses other types, so only all-numeric signatures score row by row alike.
      ...(numeric ? { rowScorer: () => numericRowScorer(names, score) } : {}),
    };
  }
  if (pkg.preprocessor === undefined) throw invalidParam(`A ${pkg.algo} package needs its preprocessor.json.`);
  const pre = preprocessorFromJSON(pkg.preprocessor);
  return {
    algo: pkg.algo,
    signature: pkg.signature,
    predict: (t) => score(pre.transform(t)),
    rowScorer: () => encodedRowScorer(pre, pkg.signature, score),
  };
}

/** A row scorer over the preprocessor's one-row encoding. */
function encodedRowScorer(pre: Preprocessor, signature: ModelSignature, score: Scorer): RowScorer {
  const encoder = new RowEncoder(pre);
  const specOf = new Map(pre.specs.map((s, k) => [s.name, k]));
  // Signature position → spec index (-1: an input the preprocessor does not use).
  const spec = Int32Array.from(signature.inputs, (i) => specOf.get(i.name) ?? -1);
  const matrix = oneRow(pre.featureNames, encoder.features, pre.kind === "tree" ? pre.categorical : undefined);
  return {
    setNumber: (i, v) => {
      const k = spec[i] as number;
      if (k >= 0) encoder.setNumber(k, v);
    },
    setString: (i, v) => {
      const k = spec[i] as number;
      if (k >= 0) encoder.setString(k, v);
    },
    score: () => score(matrix)[0] as number,
  };
}

/** A row scorer for models fed the signature's numeric inputs as they are. */
function numericRowScorer(names: readonly string[], score: Scorer): RowScorer {
  const features = new Float64Array(names.length);
  const matrix = oneRow(names, features);
  return {
    setNumber: (i, v) => {
      features[i] = v;
    },
    setString: () => {
      throw invalidParam("This model takes numeric inputs only.");
    },
    score: () => score(matrix)[0] as number,
  };
}

function oneRow(names: readonly string[], data: Float64Array, categorical?: readonly boolean[]): FeatureMatrix {
  return { rows: 1, cols: names.length, data, names, ...(categorical ? { categorical } : {}) };
}

type Scorer = (x: FeatureMatrix) => Float64Array;

function scorer(pkg: ModelPackage): Scorer {
  switch (pkg.algo) {
    case "gbdt": {
      const m = gbdtFromJSON(pkg.model as GbdtModelJson);
      return (x) => m.predict(x);
    }
    case "linear": {
      const m = logisticFromJSON(pkg.model);
      return (x) => m.predict(x);
    }
    case "xgboost": {
      const m = loadXgboostModel(pkg.model);
      return (x) => m.predict(x);
    }
  }
}

/** The named numeric columns of a table as a feature matrix (for models without preprocessing). */
function numericMatrix(t: Table, names: readonly string[]): FeatureMatrix {
  const columns = names.map((n) => {
    const c = t.column(n);
    if (!c) throw invalidParam(`Input column '${n}' is missing.`);
    if (c.type !== "int" && c.type !== "float")
      throw invalidParam(`Input column '${n}' must be numeric, got ${c.type}.`);
    if (!c.nulls) return c.values;
    const v = Float64Array.from(c.values);
    for (let i = 0; i < v.length; i++) if (c.nulls[i]) v[i] = Number.NaN;
    return v;
  });
  return matrixFromColumns(names, columns);
}
