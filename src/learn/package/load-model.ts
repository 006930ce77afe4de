/** Load any model package into one predictor interface: a Table batch in, scores out. */
import { invalidParam } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import type { FeatureMatrix } from "../feature-matrix.js";
import { matrixFromColumns } from "../feature-matrix.js";
import type { GbdtModelJson } from "../gbdt/gbdt-model.js";
import { gbdtFromJSON } from "../gbdt/gbdt-model.js";
import { logisticFromJSON } from "../linear/logistic.js";
import { preprocessorFromJSON } from "../preprocess/json.js";
import { loadXgboostModel } from "../xgboost/xgboost-model.js";
import type { ModelPackage, ModelSignature } from "./model-package.js";
import { readModelPackage } from "./model-package.js";

/** A loaded model. */
export interface Predictor {
  readonly algo: ModelPackage["algo"];
  readonly signature: ModelSignature;
  /** Probabilities (binary) or values (regression), one per row. */
  predict(table: Table): Float64Array;
}

/** Load the package in `dir`. */
export async function loadModel(dir: string): Promise<Predictor> {
  return predictorFor(await readModelPackage(dir));
}

/** A predictor for an in-memory package. */
export function predictorFor(pkg: ModelPackage): Predictor {
  const score = scorer(pkg);
  if (pkg.algo === "xgboost") {
    const names = pkg.signature.inputs.map((i) => i.name);
    return { algo: pkg.algo, signature: pkg.signature, predict: (t) => score(numericMatrix(t, names)) };
  }
  if (pkg.preprocessor === undefined) throw invalidParam(`A ${pkg.algo} package needs its preprocessor.json.`);
  const pre = preprocessorFromJSON(pkg.preprocessor);
  return { algo: pkg.algo, signature: pkg.signature, predict: (t) => score(pre.transform(t)) };
}

function scorer(pkg: ModelPackage): (x: FeatureMatrix) => Float64Array {
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
