/**
 * `POST /v2/models/{name}[/versions/{v}]/infer`: the request body → a columnar {@link Table} in
 * the signature's column order.
 *
 * Two input forms are accepted:
 * - **One tensor per column** (what the metadata advertises): each signature column is read from
 *   the input tensor of the same name, shape `[n]` or `[n, 1]`, the same `n` for all. Extra tensors
 *   are ignored; when a name repeats, the first wins.
 * - **One `[n, k]` tensor** (any name, e.g. "input"), used when some column has no tensor of its
 *   name and the request holds exactly one tensor whose second dimension is the number of
 *   signature columns `k`. Its `k` columns follow the signature's order. A numeric datatype (FP64,
 *   INT64, ...) carries numbers (bool columns 0/1, timestamp columns epoch ms; string columns need
 *   BYTES); a BYTES tensor carries any JSON scalar, strings being parsed per column type.
 *
 * Datatypes per column type: int/float ← FP*, INT*, UINT*, or BYTES holding numbers (numeric
 * strings); bool ← BOOL (true/false or 0/1) or BYTES ("true"/"false"/"1"/"0"); string ← BYTES;
 * timestamp ← BYTES (ISO-8601 / anything `Date.parse` reads) or a numeric datatype (epoch ms).
 * `data` may be flat or nested row-major; its element count must equal the shape's product. JSON
 * `null` (and "" in BYTES) is a missing value. Request `parameters` are ignored. `outputs` names
 * the wanted outputs (an empty list means all). Every error is BAD_REQUEST and names the tensor.
 */
import type { Column } from "../../../data/table.js";
import { Table } from "../../../data/table.js";
import type { SignatureInput } from "../../../learn/package/model-package.js";
import { datatypeKind, type V2Signature, v2BadRequest, v2OutputNames } from "./datatypes.js";
import { accepts, buildColumn, flatData, unknownDatatype, wrongDatatype } from "./tensor-columns.js";

/** The parsed request. */
export interface V2InferInput {
  /** The request id, echoed in the response. */
  id?: string;
  /** One column per signature input, in signature order. */
  table: Table;
  /** The outputs the client asked for; undefined means all. */
  requestedOutputs?: string[];
}

export interface V2ParseOptions {
  /** Reject requests with more rows than this. */
  maxRows?: number;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parse and validate a V2 inference request against a model signature. */
export function parseV2InferRequest(body: unknown, signature: V2Signature, options: V2ParseOptions = {}): V2InferInput {
  if (!isObj(body)) throw v2BadRequest("The request body must be a JSON object with an 'inputs' array.");
  const inputs = body.inputs;
  if (!Array.isArray(inputs)) throw v2BadRequest("The request body has no 'inputs' array.");
  const cols = signature.inputs;
  if (inputs.length === 0)
    throw v2BadRequest(`'inputs' is empty; send one tensor per model input (${expected(cols)}).`);
  for (let i = 0; i < inputs.length; i++) {
    if (!isObj(inputs[i])) throw v2BadRequest(`inputs[${i}] is not a tensor object.`);
  }
  const id = body.id;
  if (id !== undefined && typeof id !== "string") throw v2BadRequest("'id' must be a string.");
  const requestedOutputs = parseOutputs(body.outputs, signature);
  const table = readTable(inputs as Obj[], cols, options.maxRows);
  const out: V2InferInput = { table };
  if (id !== undefined) out.id = id;
  if (requestedOutputs !== undefined) out.requestedOutputs = requestedOutputs;
  return out;
}

function expected(cols: readonly SignatureInput[]): string {
  return cols.map((c) => c.name).join(", ");
}

function parseOutputs(outputs: unknown, signature: V2Signature): string[] | undefined {
  if (outputs === undefined || outputs === null) return undefined;
  if (!Array.isArray(outputs)) throw v2BadRequest("'outputs' must be an array of {name} objects.");
  if (outputs.length === 0) return undefined;
  const known = v2OutputNames(signature.task);
  const names: string[] = new Array(outputs.length);
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i];
    const name = isObj(o) ? o.name : undefined;
    if (typeof name !== "string") throw v2BadRequest(`outputs[${i}] has no string 'name'.`);
    if (!known.includes(name))
      throw v2BadRequest(`Unknown output '${name}'; this model's outputs are ${known.join(", ")}.`);
    names[i] = name;
  }
  return names;
}

function findTensor(inputs: readonly Obj[], name: string, hint: number): Obj | undefined {
  // Clients usually send tensors in the metadata's order: try that slot first.
  const h = inputs[hint];
  if (h !== undefined && h.name === name) return h;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i] as Obj;
    if (t.name === name) return t;
  }
  return undefined;
}

function readTable(inputs: readonly Obj[], cols: readonly SignatureInput[], maxRows: number | undefined): Table {
  const k = cols.length;
  const tensors: Obj[] = new Array(k);
  for (let c = 0; c < k; c++) {
    const col = cols[c] as SignatureInput;
    const t = findTensor(inputs, col.name, c);
    if (t === undefined) {
      const only = inputs.length === 1 ? (inputs[0] as Obj) : undefined;
      if (only !== undefined && isSingleTensor(only, k)) return readSingleTensor(only, cols, maxRows);
      throw v2BadRequest(
        `Missing input tensor '${col.name}'; the model expects inputs ${expected(cols)} (one [n] tensor each, or a single [n, ${k}] tensor in that order).`,
      );
    }
    tensors[c] = t;
  }
  const columns: Column[] = new Array(k);
  let n = -1;
  let first = "";
  for (let c = 0; c < k; c++) {
    const col = cols[c] as SignatureInput;
    const t = tensors[c] as Obj;
    const name = col.name;
    const rows = columnShape(t.shape, name);
    if (n < 0) {
      n = rows;
      first = name;
      checkMaxRows(n, maxRows);
    } else if (rows !== n) {
      throw v2BadRequest(
        `Input tensor '${name}' has ${rows} rows (shape ${shapeText(t.shape)}) but '${first}' has ${n}; all inputs need the same number of rows.`,
      );
    }
    const kind = datatypeKind(t.datatype);
    if (kind === undefined) throw unknownDatatype(name, t.datatype);
    if (!accepts(col.type, kind, false)) throw wrongDatatype(name, t.datatype, col);
    const data = flatData(t.data, name);
    if (data.length !== n)
      throw v2BadRequest(`Input tensor '${name}' has ${data.length} elements; shape ${shapeText(t.shape)} needs ${n}.`);
    columns[c] = buildColumn(col, data, 0, 1, n, kind, name);
  }
  return new Table(columns);
}

function isSingleTensor(t: Obj, k: number): boolean {
  const s = t.shape;
  return Array.isArray(s) && s.length === 2 && s[1] === k;
}

function readSingleTensor(t: Obj, cols: readonly SignatureInput[], maxRows: number | undefined): Table {
  const name = typeof t.name === "string" ? t.name : "";
  const shape = t.shape as unknown[];
  const n = shape[0];
  const k = cols.length;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0)
    throw v2BadRequest(`Input tensor '${name}' has an invalid shape ${shapeText(shape)}.`);
  checkMaxRows(n, maxRows);
  const kind = datatypeKind(t.datatype);
  if (kind === undefined) throw unknownDatatype(name, t.datatype);
  if (kind === "bool")
    throw v2BadRequest(
      `Input tensor '${name}' has datatype BOOL; a single [n, ${k}] tensor must be FP64 (or another numeric datatype) or BYTES.`,
    );
  const data = flatData(t.data, name);
  if (data.length !== n * k)
    throw v2BadRequest(`Input tensor '${name}' has ${data.length} elements; shape ${shapeText(shape)} needs ${n * k}.`);
  const columns: Column[] = new Array(k);
  for (let c = 0; c < k; c++) {
    const col = cols[c] as SignatureInput;
    if (!accepts(col.type, kind, true))
      throw v2BadRequest(
        `Input tensor '${name}' has datatype ${String(t.datatype)} but column ${c} '${col.name}' is ${col.type}; send a BYTES tensor or one tensor per input.`,
      );
    columns[c] = buildColumn(col, data, c, k, n, kind, name);
  }
  return new Table(columns);
}

/** The row count of a per-column tensor: shape [n] or [n, 1]. */
function columnShape(shape: unknown, name: string): number {
  if (Array.isArray(shape) && (shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
    const n = shape[0];
    if (typeof n === "number" && Number.isInteger(n) && n >= 0) return n;
  }
  throw v2BadRequest(`Input tensor '${name}' has shape ${shapeText(shape)}; expected [n] or [n, 1].`);
}

function shapeText(shape: unknown): string {
  return Array.isArray(shape) ? `[${shape.join(", ")}]` : (JSON.stringify(shape) ?? "undefined");
}

function checkMaxRows(n: number, maxRows: number | undefined): void {
  if (maxRows !== undefined && n > maxRows)
    throw v2BadRequest(`The request has ${n} rows; at most ${maxRows} are allowed per request.`);
}
