/** Writing an {@link OnnxModel} as ONNX protobuf bytes (field numbers from onnx.proto). */
import {
  ELEM,
  type OnnxAttribute,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxType,
} from "./onnx-model.js";
import { ProtoWriter } from "./proto-wire.js";

/** AttributeProto.AttributeType numbers. */
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7, strings: 8 } as const;

/** The ModelProto bytes of `model`. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, model.irVersion);
  if (model.producerName !== undefined) w.string(2, model.producerName);
  if (model.producerVersion !== undefined) w.string(3, model.producerVersion);
  if (model.docString !== undefined) w.string(6, model.docString);
  w.message(7, (g) => {
    const graph = model.graph;
    for (const node of graph.nodes) g.message(1, (n) => writeNode(n, node));
    g.string(2, graph.name);
    for (const t of graph.initializers) g.message(5, (m) => writeTensor(m, t));
    for (const v of graph.inputs) g.message(11, (m) => m.string(1, v.name).message(2, (t) => writeType(t, v.type)));
    for (const v of graph.outputs) g.message(12, (m) => m.string(1, v.name).message(2, (t) => writeType(t, v.type)));
  });
  for (const o of model.opsets) w.message(8, (m) => m.string(1, o.domain).int(2, o.version));
  for (const [key, value] of Object.entries(model.metadata ?? {}))
    w.message(14, (m) => m.string(1, key).string(2, value));
  return w.finish();
}

function writeNode(w: ProtoWriter, node: OnnxNode): void {
  for (const name of node.inputs) w.string(1, name);
  for (const name of node.outputs) w.string(2, name);
  if (node.name !== undefined) w.string(3, node.name);
  w.string(4, node.opType);
  for (const [name, a] of Object.entries(node.attributes)) w.message(5, (m) => writeAttribute(m, name, a));
  if (node.domain) w.string(7, node.domain);
}

function writeAttribute(w: ProtoWriter, name: string, a: OnnxAttribute): void {
  w.string(1, name);
  switch (a.type) {
    case "float":
      w.float(2, a.value);
      break;
    case "int":
      w.int(3, a.value);
      break;
    case "string":
      w.string(4, a.value);
      break;
    case "tensor":
      w.message(5, (t) => writeTensor(t, a.value));
      break;
    case "floats":
      w.packedFloats(7, a.value);
      break;
    case "ints":
      w.packedInts(8, a.value);
      break;
    case "strings":
      for (const s of a.value) w.string(9, s);
      break;
    case "other":
      throw new Error(`attribute '${name}': opaque attributes cannot be written`);
  }
  w.int(20, ATTRIBUTE_TYPE[a.type]);
}

/** Numbers go in raw_data (little-endian, as ONNX specifies), strings in string_data. */
function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  w.int(2, t.elem);
  if (t.name !== undefined) w.string(8, t.name);
  if (t.elem === ELEM.string) {
    for (const s of t.values as string[]) w.string(6, s);
    return;
  }
  w.bytes(9, rawData(t.elem, t.values as number[]));
}

function rawData(elem: number, values: readonly number[]): Uint8Array {
  const size = elem === ELEM.double || elem === ELEM.int64 ? 8 : elem === ELEM.bool ? 1 : 4;
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (elem === ELEM.double) view.setFloat64(i * 8, v, true);
    else if (elem === ELEM.float) view.setFloat32(i * 4, v, true);
    else if (elem === ELEM.int64) view.setBigInt64(i * 8, BigInt(v), true);
    else if (elem === ELEM.int32) view.setInt32(i * 4, v, true);
    else if (elem === ELEM.bool) view.setUint8(i, v ? 1 : 0);
    else throw new Error(`tensors of element type ${elem} cannot be written`);
  });
  return out;
}

function writeType(w: ProtoWriter, type: OnnxType): void {
  switch (type.kind) {
    case "tensor":
      w.message(1, (t) => {
        t.int(1, type.elem);
        const shape = type.shape;
        if (shape) t.message(2, (s) => writeShape(s, shape));
      });
      return;
    case "sequence":
      w.message(4, (s) => s.message(1, (e) => writeType(e, type.elem)));
      return;
    case "map":
      w.message(5, (m) => m.int(1, type.key).message(2, (v) => writeType(v, type.value)));
      return;
    case "other":
      throw new Error("opaque types cannot be written");
  }
}

function writeShape(w: ProtoWriter, shape: readonly (number | string | null)[]): void {
  for (const d of shape) {
    w.message(1, (dim) => {
      if (typeof d === "number") dim.int(1, d);
      else if (typeof d === "string") dim.string(2, d);
    });
  }
}
