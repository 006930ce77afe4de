/**
 * The Open Inference Protocol v2 as a client: reading model metadata, sending a batch (one tensor
 * per input column, BYTES for text; or one [n, k] tensor when the endpoint takes a matrix, as
 * KServe's sklearn and XGBoost servers do), and reading the scores out of the answer's tensors.
 */
import { invalidParam } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import type { SignatureInput } from "../../learn/package/model-package.js";
import type { ModelKind } from "../runtime.js";
import { badAnswer, type ScoreShape, scoresFrom, scoreValue } from "./remote-scores.js";
import { cellAs, defaultKind, inputColumns, type JsonScalar, type WireKind } from "./table-values.js";

/** `$tensor_metadata`. */
export interface OipTensorMeta {
  name: string;
  datatype: string;
  shape: number[];
}

/** The parts of `GET /v2/models/NAME` the client uses. */
export interface OipMetadata {
  inputs: OipTensorMeta[];
  outputs: OipTensorMeta[];
}

/** How a batch is sent: one tensor per column, or one [n, k] matrix. */
export type OipPlan =
  | { layout: "columns"; datatypes: string[]; kinds: WireKind[] }
  | { layout: "matrix"; name: string; datatype: string; kind: WireKind };

const NUMERIC = new Set(["UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP32", "FP64"]);

/** The wire kind of a datatype JSON can carry, or undefined (FP16, BF16 and unknown names). */
export function datatypeWireKind(datatype: string): WireKind | undefined {
  return datatype === "BOOL" ? "bool" : datatype === "BYTES" ? "text" : NUMERIC.has(datatype) ? "num" : undefined;
}

/** Read a metadata answer; tensors without a name are skipped, a missing list is empty. */
export function parseOipMetadata(body: unknown, endpoint: string): OipMetadata {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw badAnswer(endpoint, "model metadata that is not a JSON object");
  const list = (v: unknown): OipTensorMeta[] =>
    (Array.isArray(v) ? v : [])
      .filter((t): t is Record<string, unknown> => typeof t === "object" && t !== null && typeof t.name === "string")
      .map((t) => ({
        name: t.name as string,
        datatype: typeof t.datatype === "string" ? t.datatype : "",
        shape: Array.isArray(t.shape) ? t.shape.map(Number) : [],
      }));
  const b = body as Record<string, unknown>;
  return { inputs: list(b.inputs), outputs: list(b.outputs) };
}

/** Input columns named by the metadata (one [-1] or [-1, 1] tensor each), or undefined when it has none or a matrix. */
export function inputsFromMetadata(meta: OipMetadata): SignatureInput[] | undefined {
  if (meta.inputs.length === 0 || meta.inputs.some((t) => columnWidth(t) !== 1)) return undefined;
  return meta.inputs.map((t) => {
    const kind = datatypeWireKind(t.datatype);
    const type: SignatureInput["type"] =
      kind === "bool" ? "bool" : kind === "text" ? "string" : t.datatype.startsWith("FP") ? "float" : "int";
    return { name: t.name, type };
  });
}

/** What the model predicts by its output tensors' names (the platform's own), or undefined. */
export function kindFromMetadata(meta: OipMetadata): { task: ModelKind; classes?: string[] } | undefined {
  const named = (n: string) => meta.outputs.find((t) => t.name === n);
  const probs = named("probabilities");
  const k = probs?.shape.length === 2 ? (probs.shape[1] as number) : -1;
  if (probs && k > 2) return { task: "multiclass", classes: Array.from({ length: k }, (_, i) => String(i)) };
  if (named("probability") || (probs && k === 2)) return { task: "binary" };
  if (named("prediction")) return { task: "regression" };
  return undefined;
}

/**
 * How to send `inputs` to an endpoint with this metadata: a tensor per column (with the datatypes
 * it declares) when it names every input, else its single [-1, k] tensor; INVALID_PARAMETER_VALUE otherwise.
 */
export function planInputs(inputs: readonly SignatureInput[], meta: OipMetadata, endpoint: string): OipPlan {
  const declared = new Map(meta.inputs.map((t) => [t.name, t]));
  if (meta.inputs.length === 0 || inputs.every((i) => declared.has(i.name))) {
    const datatypes = inputs.map((i) => declared.get(i.name)?.datatype || defaultDatatype(i));
    const kinds = datatypes.map((d, c) => {
      const kind = datatypeWireKind(d);
      if (!kind) throw jsonless(endpoint, inputs[c]?.name as string, d);
      return kind;
    });
    return { layout: "columns", datatypes, kinds };
  }
  const only = meta.inputs.length === 1 ? (meta.inputs[0] as OipTensorMeta) : undefined;
  const width = only ? columnWidth(only) : 0;
  if (only && width !== 1 && (width === -1 || width === inputs.length)) {
    const kind = datatypeWireKind(only.datatype);
    if (!kind) throw jsonless(endpoint, only.name, only.datatype);
    return { layout: "matrix", name: only.name, datatype: only.datatype, kind };
  }
  const missing = inputs.filter((i) => !declared.has(i.name)).map((i) => i.name);
  throw invalidParam(
    `The remote model at ${endpoint} takes inputs ${meta.inputs.map((t) => t.name).join(", ")}; the signature's ${missing.join(", ")} are not among them (and it takes no single [n, ${inputs.length}] tensor).`,
  );
}

/** The infer request body for a batch. */
export function encodeOipRequest(table: Table, inputs: readonly SignatureInput[], plan: OipPlan): string {
  const rows = table.numRows;
  const columns = inputColumns(table, inputs);
  if (plan.layout === "matrix") {
    const data: JsonScalar[] = new Array(rows * inputs.length);
    for (let i = 0; i < rows; i++)
      for (let c = 0; c < inputs.length; c++) data[i * inputs.length + c] = cellAs(columns[c], i, plan.kind);
    const tensor = { name: plan.name, shape: [rows, inputs.length], datatype: plan.datatype, data };
    return JSON.stringify({ inputs: [tensor] });
  }
  const tensors = inputs.map((input, c) => {
    const data: JsonScalar[] = new Array(rows);
    const kind = plan.kinds[c] as WireKind;
    for (let i = 0; i < rows; i++) data[i] = cellAs(columns[c], i, kind);
    return { name: input.name, shape: [rows], datatype: plan.datatypes[c], data };
  });
  // MLServer and KServe build a pandas DataFrame from named tensors with this content type.
  return JSON.stringify({ parameters: { content_type: "pd" }, inputs: tensors });
}

const PREFERRED: Record<ModelKind, string[]> = {
  binary: ["probability", "probabilities", "predict_proba", "output_probability"],
  multiclass: ["probabilities", "predict_proba", "output_probability", "probability"],
  regression: ["prediction", "predictions", "predict", "variable", "output-0"],
};

/** The scores in an infer answer: the named output, else the kind's usual names, else the first numeric output. */
export function decodeOipResponse(
  body: unknown,
  rows: number,
  shape: ScoreShape,
  output: string | undefined,
  endpoint: string,
): Float64Array {
  const outputs = (body as { outputs?: unknown } | null)?.outputs;
  if (!Array.isArray(outputs)) throw badAnswer(endpoint, "no 'outputs' list");
  const tensors = outputs.filter((t): t is Record<string, unknown> => typeof t === "object" && t !== null);
  const byName = (n: string) => tensors.find((t) => t.name === n);
  const tensor = output
    ? byName(output)
    : (PREFERRED[shape.kind].map(byName).find((t) => t !== undefined) ??
      tensors.find((t) => NUMERIC.has(String(t.datatype))));
  if (!tensor) {
    const names = tensors.map((t) => String(t.name)).join(", ") || "none";
    throw badAnswer(
      endpoint,
      output ? `no output '${output}' (outputs: ${names})` : `no numeric output (outputs: ${names})`,
    );
  }
  const dims = Array.isArray(tensor.shape) ? tensor.shape.map(Number) : [];
  const width = dims.slice(1).reduce((a, b) => a * b, 1);
  if (dims.length === 0 || dims[0] !== rows)
    throw badAnswer(endpoint, `output '${String(tensor.name)}' with shape [${dims.join(", ")}] for ${rows} rows`);
  const flat = (Array.isArray(tensor.data) ? tensor.data : []).flat(Number.POSITIVE_INFINITY) as unknown[];
  const values = new Float64Array(flat.length);
  for (let i = 0; i < flat.length; i++) values[i] = scoreValue(flat[i], endpoint);
  return scoresFrom(values, rows, width, shape, endpoint);
}

function defaultDatatype(input: SignatureInput): string {
  const kind = defaultKind(input);
  return kind === "bool" ? "BOOL" : kind === "text" ? "BYTES" : input.type === "int" ? "INT64" : "FP64";
}

/** The number of columns a tensor's shape gives each row ([-1] and [-1, 1]: one; [-1, -1]: unknown, -1). */
function columnWidth(t: OipTensorMeta): number {
  if (t.shape.length <= 1) return 1;
  return t.shape.slice(1).reduce((a, b) => (a < 0 || b < 0 ? -1 : a * b), 1);
}

function jsonless(endpoint: string, name: string, datatype: string) {
  return invalidParam(
    `The remote model at ${endpoint} takes input '${name}' as ${datatype || "an unnamed datatype"}, which JSON cannot carry.`,
  );
}
