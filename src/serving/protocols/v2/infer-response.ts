/** The V2 inference response for a batch of model scores. */
import { hasClassNames, type V2Signature, v2BadRequest, v2OutputNames } from "./datatypes.js";

/** `$response_output`. */
export interface V2OutputTensor {
  name: string;
  datatype: "FP64" | "INT64" | "BYTES";
  shape: number[];
  data: (number | string | null)[];
}

/** `$inference_response`. */
export interface V2InferResponse {
  model_name: string;
  model_version: string;
  id?: string;
  outputs: V2OutputTensor[];
}

export interface V2ResponseMeta {
  modelName: string;
  modelVersion: string;
  /** The request's id, echoed back. */
  id?: string;
  /** Output names in the order wanted; undefined or empty means all. */
  requestedOutputs?: readonly string[];
  /** Multiclass: every probability (rows × classes) and the top class's index per row. */
  multiclass?: { probabilities: Float64Array; top: Int32Array };
}

/**
 * Binary models answer `probability` (FP64, the positive-class score) and `label` (BYTES class
 * names when the signature has `positive_class` and `negative_class`, else INT64 1/0; positive when
 * the score ≥ `threshold`, default 0.5); regression models answer `prediction` (FP64); multiclass
 * models answer `probabilities` (FP64, shape [rows, classes]) and `label` (BYTES). A NaN score
 * goes out as null (and a null label). Requested outputs come back in request order, once each;
 * an unknown name is a BAD_REQUEST error.
 */
export function formatV2InferResponse(
  scores: Float64Array,
  signature: V2Signature,
  meta: V2ResponseMeta,
): V2InferResponse {
  const known = v2OutputNames(signature.task);
  const wanted =
    meta.requestedOutputs !== undefined && meta.requestedOutputs.length > 0 ? meta.requestedOutputs : known;
  const outputs: V2OutputTensor[] = [];
  for (let i = 0; i < wanted.length; i++) {
    const name = wanted[i] as string;
    if (!known.includes(name))
      throw v2BadRequest(`Unknown output '${name}'; this model's outputs are ${known.join(", ")}.`);
    if (wanted.indexOf(name) !== i) continue;
    if (signature.task === "multiclass") outputs.push(multiclassOutput(name, signature.classes ?? [], meta));
    else outputs.push(name === "label" ? labels(scores, signature) : numbers(name, scores));
  }
  return meta.id !== undefined
    ? { model_name: meta.modelName, model_version: meta.modelVersion, id: meta.id, outputs }
    : { model_name: meta.modelName, model_version: meta.modelVersion, outputs };
}

function numbers(name: string, scores: Float64Array): V2OutputTensor {
  const n = scores.length;
  const data: (number | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = scores[i] as number;
    data[i] = Number.isNaN(v) ? null : v;
  }
  return { name, datatype: "FP64", shape: [n], data };
}

function labels(scores: Float64Array, signature: V2Signature): V2OutputTensor {
  const n = scores.length;
  const threshold = signature.threshold ?? 0.5;
  const named = hasClassNames(signature);
  const pos: number | string = named ? (signature.positive_class as string) : 1;
  const neg: number | string = named ? (signature.negative_class as string) : 0;
  const data: (number | string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = scores[i] as number;
    data[i] = Number.isNaN(v) ? null : v >= threshold ? pos : neg;
  }
  return { name: "label", datatype: named ? "BYTES" : "INT64", shape: [n], data };
}

function multiclassOutput(name: string, classes: readonly string[], meta: V2ResponseMeta): V2OutputTensor {
  const m = meta.multiclass;
  if (!m) throw new Error("multiclass responses need their probabilities");
  const n = m.top.length;
  if (name === "label") {
    return { name, datatype: "BYTES", shape: [n], data: Array.from(m.top, (c) => classes[c] as string) };
  }
  const data = Array.from(m.probabilities, (v) => (Number.isNaN(v) ? null : v));
  return { name, datatype: "FP64", shape: [n, classes.length], data };
}
