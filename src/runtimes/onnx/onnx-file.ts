/**
 * The onnx flavor's model file: found from the flavor's `data` (MLflow writes `model.onnx`), read,
 * decoded and checked before onnxruntime sees it, so a bad file is refused naming the file and the
 * problem. Initializers MLflow saved as external data (next to the model, `save_as_external_data`)
 * must stay inside the folder and exist.
 */
import { readFile, stat } from "node:fs/promises";
import { isAbsolute, join, normalize, sep } from "node:path";
import { invalidParam } from "../../core/errors.js";
import { type DecodedOnnxModel, decodeOnnxModel, type ExternalData } from "../../learn/onnx/onnx-decode.js";
import { ProtoError, ProtoWriter, protoFields } from "../../learn/onnx/proto-wire.js";

/** The model file, read and decoded. */
export interface OnnxFile {
  path: string;
  bytes: Uint8Array;
  model: DecodedOnnxModel;
}

/** The model file the flavor names, inside `dir`; `where` (the MLmodel path) starts flavor errors. */
export function modelPath(dir: string, flavor: Record<string, unknown>, where: string): string {
  const data = flavor.data ?? "model.onnx";
  if (typeof data !== "string" || data === "")
    throw invalidParam(`'${where}': the onnx flavor's data must name a file.`);
  const path = normalize(data);
  if (isAbsolute(path) || path === ".." || path.startsWith(`..${sep}`)) {
    throw invalidParam(`'${where}': the onnx flavor's data '${data}' is outside the model folder.`);
  }
  return join(dir, path);
}

/** Read and decode `path`; refuses a missing, empty, truncated or non-ONNX file, naming it. */
export async function readOnnxFile(path: string): Promise<OnnxFile> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw invalidParam(`'${path}' is missing.`);
    throw e;
  }
  if (bytes.length === 0) throw invalidParam(`'${path}' is empty.`);
  let model: DecodedOnnxModel;
  try {
    model = decodeOnnxModel(bytes);
  } catch (e) {
    if (!(e instanceof ProtoError)) throw e;
    throw invalidParam(
      `'${path}' is truncated or is not an ONNX model: ${e.message} (the file has ${bytes.length} bytes).`,
    );
  }
  if (model.graph.nodes.length === 0 || model.graph.outputs.length === 0)
    throw invalidParam(`'${path}' is truncated or is not an ONNX model: it has no graph.`);
  if (model.opsets.length === 0)
    throw invalidParam(`'${path}' is truncated or is not an ONNX model: it imports no operator sets.`);
  return { path, bytes, model };
}

/** Every external-data file is a file inside `dir` long enough for its tensor. */
export async function checkExternalData(dir: string, file: OnnxFile): Promise<void> {
  for (const ext of file.model.graph.externalData) {
    const what = `external data of tensor '${ext.tensor}' in '${file.path}'`;
    const rel = normalize(ext.location);
    if (ext.location === "" || isAbsolute(rel) || rel === ".." || rel.startsWith(`..${sep}`))
      throw invalidParam(`The ${what} is at '${ext.location}', outside the model folder.`);
    const path = join(dir, rel);
    const size = await stat(path).then(
      (s) => s.size,
      () => -1,
    );
    if (size < 0) throw invalidParam(`'${path}' (the ${what}) is missing.`);
    if (ext.offset + (ext.length ?? 0) > size)
      throw invalidParam(
        `'${path}' (the ${what}) is truncated: ${size} bytes, the tensor ends at ${ext.offset + (ext.length ?? 0)}.`,
      );
  }
}

/**
 * The model's bytes with its graph outputs replaced by `fetch` alone (a tensor inside the graph,
 * e.g. a ZipMap's input; onnxruntime infers its type), and external data read into the file, since
 * the rewritten model is loaded from memory, away from its folder.
 */
export async function exposeOutput(dir: string, file: OnnxFile, fetch: string): Promise<Uint8Array> {
  const external = new Map(file.model.graph.externalData.map((e) => [e.tensor, e]));
  const out = new ProtoWriter();
  for (const f of protoFields(file.bytes)) {
    if (f.field !== 7) {
      out.raw(file.bytes.subarray(f.start, f.end));
      continue;
    }
    const graph = new ProtoWriter();
    for (const g of protoFields(f.bytes)) {
      if (g.field === 12) continue;
      if (g.field === 5 && external.size > 0) graph.bytes(5, await inlineTensor(dir, g.bytes, external));
      else graph.raw(f.bytes.subarray(g.start, g.end));
    }
    graph.message(12, (v) => v.string(1, fetch));
    out.bytes(7, graph.finish());
  }
  return out.finish();
}

/** A TensorProto with its external data (fields 13, 14) replaced by raw_data read from the file. */
async function inlineTensor(dir: string, tensor: Uint8Array, external: Map<string, ExternalData>): Promise<Uint8Array> {
  let name = "";
  for (const f of protoFields(tensor)) if (f.field === 8) name = new TextDecoder().decode(f.bytes);
  const ext = external.get(name);
  if (!ext) return tensor;
  const data = await readFile(join(dir, normalize(ext.location)));
  const w = new ProtoWriter();
  for (const f of protoFields(tensor)) if (f.field !== 13 && f.field !== 14) w.raw(tensor.subarray(f.start, f.end));
  w.bytes(9, data.subarray(ext.offset, ext.length === undefined ? undefined : ext.offset + ext.length));
  return w.finish();
}
