/**
 * A native model package (gbdt or linear) as one ONNX model: its preprocessing and its model in one
 * graph, whose scores equal the package's (onnxruntime within 1e-6; regression values are float32,
 * as TreeEnsembleRegressor outputs them). Inputs: one per input column, [N, 1], double for numbers,
 * booleans (0/1) and timestamps (epoch ms), NaN for missing; string for categorical columns.
 */
import { invalidParam } from "../../core/errors.js";
import { type GbdtModelJson, gbdtFromJSON } from "../gbdt/gbdt-model.js";
import { logisticFromJSON } from "../linear/logistic.js";
import type { ModelPackage } from "../package/model-package.js";
import { preprocessorFromJSON } from "../preprocess/json.js";
import type { Preprocessor } from "../preprocess/preprocessor.js";
import { gbdtGraph } from "./export-gbdt.js";
import { linearGraph } from "./export-linear.js";
import { preprocessGraph } from "./export-preprocess.js";
import { GraphBuilder, ML_DOMAIN } from "./graph-builder.js";
import { encodeOnnxModel } from "./onnx-encode.js";
import type { OnnxModel } from "./onnx-model.js";

/** ONNX IR 8 with opset 16 and ai.onnx.ml 3 (double tree attributes): ONNX 1.11, onnxruntime ≥ 1.11. */
export const EXPORT_OPSETS = [
  { domain: "", version: 16 },
  { domain: ML_DOMAIN, version: 3 },
];

/** What the export records about where the model came from. */
export interface ExportOptions {
  /** e.g. `churn/3`, kept in the model's metadata. */
  source?: string;
  producerVersion?: string;
}

/** The ONNX model of `pkg`; INVALID_PARAMETER_VALUE for packages that cannot be exported. */
export function packageToOnnx(pkg: ModelPackage, options: ExportOptions = {}): OnnxModel {
  if (pkg.algo !== "gbdt" && pkg.algo !== "linear") {
    throw invalidParam(
      `A ${pkg.algo} package cannot be exported to ONNX; only the platform's own gbdt and linear models can.`,
    );
  }
  if (pkg.preprocessor === undefined) throw invalidParam(`The ${pkg.algo} package has no preprocessor.json.`);
  const pre = preprocessorFromJSON(pkg.preprocessor);
  const g = new GraphBuilder();
  const features = preprocessGraph(g, pre);
  if (pkg.algo === "gbdt") {
    const model = gbdtFromJSON(pkg.model as GbdtModelJson);
    sameFeatures(pre, model.featureNames);
    gbdtGraph(g, model, features, pkg.signature);
  } else {
    const model = logisticFromJSON(pkg.model);
    sameFeatures(pre, model.featureNames);
    linearGraph(g, model, features, pkg.signature);
  }
  const metadata: Record<string, string> = { "modelworks.algo": pkg.algo, "modelworks.task": pkg.signature.task };
  if (options.source) metadata["modelworks.source"] = options.source;
  if (pkg.runId) metadata["modelworks.run_id"] = pkg.runId;
  return {
    irVersion: 8,
    opsets: EXPORT_OPSETS,
    producerName: "modelworks",
    ...(options.producerVersion ? { producerVersion: options.producerVersion } : {}),
    docString: `A modelworks ${pkg.algo} ${pkg.signature.task} model${options.source ? ` (${options.source})` : ""}.`,
    graph: g.build(`modelworks_${pkg.algo}`),
    metadata,
  };
}

/** The ONNX bytes of `pkg`. */
export function exportPackageOnnx(pkg: ModelPackage, options: ExportOptions = {}): Uint8Array {
  return encodeOnnxModel(packageToOnnx(pkg, options));
}

function sameFeatures(pre: Preprocessor, names: readonly string[]): void {
  const expected = pre.featureNames;
  if (names.length !== expected.length || names.some((n, j) => n !== expected[j]))
    throw invalidParam("The package's model and preprocessor disagree on the features; it cannot be exported.");
}
