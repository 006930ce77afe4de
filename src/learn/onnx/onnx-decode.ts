/**
 * Reading an ONNX model's structure from its protobuf bytes: opsets, metadata, the main graph's
 * nodes (with attributes), inputs, outputs, and its initializers' names and external-data
 * locations (not their data). Enough to see what a model computes before running it.
 */
import {
  ELEM,
  type OnnxAttribute,
  type OnnxNode,
  type OnnxOpset,
  type OnnxTensor,
  type OnnxType,
  type OnnxValueInfo,
} from "./onnx-model.js";
import { fixedList, type ProtoField, protoFields, text, varintList } from "./proto-wire.js";

/** Where an initializer's data lives when it is stored outside the model file. */
export interface ExternalData {
  tensor: string;
  location: string;
  offset: number;
  /** Absent: to the end of the file. */
  length?: number;
}

/** A decoded model. */
export interface DecodedOnnxModel {
  irVersion: number;
  opsets: OnnxOpset[];
  producerName: string;
  metadata: Record<string, string>;
  graph: {
    nodes: OnnxNode[];
    inputs: OnnxValueInfo[];
    outputs: OnnxValueInfo[];
    /** Initializer names (graph inputs that are also initializers are not fed). */
    initializers: string[];
    externalData: ExternalData[];
  };
}

/** Decode `bytes`; throws ProtoError for bytes that are not a well-formed message. */
export function decodeOnnxModel(bytes: Uint8Array): DecodedOnnxModel {
  const model: DecodedOnnxModel = {
    irVersion: 0,
    opsets: [],
    producerName: "",
    metadata: {},
    graph: { nodes: [], inputs: [], outputs: [], initializers: [], externalData: [] },
  };
  for (const f of protoFields(bytes)) {
    if (f.field === 1) model.irVersion = f.value;
    else if (f.field === 2) model.producerName = text(f);
    else if (f.field === 7) decodeGraph(f.bytes, model.graph);
    else if (f.field === 8) model.opsets.push(decodeOpset(f.bytes));
    else if (f.field === 14) {
      const [key, value] = stringPair(f.bytes);
      model.metadata[key] = value;
    }
  }
  return model;
}

function decodeGraph(bytes: Uint8Array, graph: DecodedOnnxModel["graph"]): void {
  for (const f of protoFields(bytes)) {
    if (f.field === 1) graph.nodes.push(decodeNode(f.bytes));
    else if (f.field === 5) {
      const t = decodeTensorHead(f.bytes);
      graph.initializers.push(t.name);
      if (t.external) graph.externalData.push(t.external);
    } else if (f.field === 11) graph.inputs.push(decodeValueInfo(f.bytes));
    else if (f.field === 12) graph.outputs.push(decodeValueInfo(f.bytes));
  }
}

function decodeOpset(bytes: Uint8Array): OnnxOpset {
  const o: OnnxOpset = { domain: "", version: 0 };
  for (const f of protoFields(bytes)) {
    if (f.field === 1) o.domain = text(f);
    else if (f.field === 2) o.version = f.value;
  }
  return o;
}

function stringPair(bytes: Uint8Array): [string, string] {
  let key = "";
  let value = "";
  for (const f of protoFields(bytes)) {
    if (f.field === 1) key = text(f);
    else if (f.field === 2) value = text(f);
  }
  return [key, value];
}

function decodeNode(bytes: Uint8Array): OnnxNode {
  const node: OnnxNode = { opType: "", domain: "", inputs: [], outputs: [], attributes: {} };
  for (const f of protoFields(bytes)) {
    if (f.field === 1) node.inputs.push(text(f));
    else if (f.field === 2) node.outputs.push(text(f));
    else if (f.field === 3) node.name = text(f);
    else if (f.field === 4) node.opType = text(f);
    else if (f.field === 7) node.domain = text(f);
    else if (f.field === 5) {
      const [name, value] = decodeAttribute(f.bytes);
      node.attributes[name] = value;
    }
  }
  return node;
}

/** AttributeProto: the `type` field says which value field holds the value. */
function decodeAttribute(bytes: Uint8Array): [string, OnnxAttribute] {
  let name = "";
  let type = 0;
  const byField = new Map<number, ProtoField[]>();
  for (const f of protoFields(bytes)) {
    if (f.field === 1) name = text(f);
    else if (f.field === 20) type = f.value;
    else byField.set(f.field, [...(byField.get(f.field) ?? []), f]);
  }
  const all = (field: number) => byField.get(field) ?? [];
  const one = (field: number) => all(field).at(-1);
  const value = (): OnnxAttribute => {
    switch (type) {
      case 1:
        return { type: "float", value: one(2)?.value ?? 0 };
      case 2:
        return { type: "int", value: one(3)?.value ?? 0 };
      case 3:
        return { type: "string", value: one(4) ? text(one(4) as ProtoField) : "" };
      case 4:
        return { type: "tensor", value: decodeTensor((one(5) as ProtoField | undefined)?.bytes ?? new Uint8Array()) };
      case 6:
        return { type: "floats", value: all(7).flatMap((f) => fixedList(f, 4)) };
      case 7:
        return { type: "ints", value: all(8).flatMap(varintList) };
      case 8:
        return { type: "strings", value: all(9).map(text) };
      default:
        return { type: "other" };
    }
  };
  return [name, value()];
}

interface TensorHead {
  name: string;
  elem: number;
  dims: number[];
  external?: ExternalData;
}

/** A tensor's name, type, dims and external-data location, without its data. */
function decodeTensorHead(bytes: Uint8Array): TensorHead {
  const head: TensorHead = { name: "", elem: 0, dims: [] };
  const entries: [string, string][] = [];
  let location = 0;
  for (const f of protoFields(bytes)) {
    if (f.field === 1) head.dims.push(...varintList(f));
    else if (f.field === 2) head.elem = f.value;
    else if (f.field === 8) head.name = text(f);
    else if (f.field === 13) entries.push(stringPair(f.bytes));
    else if (f.field === 14) location = f.value;
  }
  if (location === 1 || entries.length > 0) {
    const get = (k: string) => entries.find(([key]) => key === k)?.[1];
    const length = get("length");
    head.external = {
      tensor: head.name,
      location: get("location") ?? "",
      offset: Number(get("offset") ?? 0),
      ...(length !== undefined ? { length: Number(length) } : {}),
    };
  }
  return head;
}

/** A tensor attribute with its values (numbers, or strings for string tensors). */
function decodeTensor(bytes: Uint8Array): OnnxTensor {
  const head = decodeTensorHead(bytes);
  const numbers: number[] = [];
  const strings: string[] = [];
  for (const f of protoFields(bytes)) {
    if (f.field === 4) numbers.push(...fixedList(f, 4));
    else if (f.field === 5 || f.field === 7 || f.field === 11) numbers.push(...varintList(f));
    else if (f.field === 10) numbers.push(...fixedList(f, 8));
    else if (f.field === 6) strings.push(text(f));
    else if (f.field === 9) numbers.push(...fromRaw(head.elem, f.bytes));
  }
  const values = head.elem === ELEM.string ? strings : numbers;
  return { name: head.name, elem: head.elem, dims: head.dims, values };
}

function fromRaw(elem: number, raw: Uint8Array): number[] {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const size =
    elem === ELEM.double || elem === ELEM.int64 || elem === ELEM.uint64
      ? 8
      : elem === ELEM.float || elem === ELEM.int32
        ? 4
        : 1;
  const out: number[] = [];
  for (let at = 0; at + size <= raw.length; at += size) {
    if (elem === ELEM.double) out.push(view.getFloat64(at, true));
    else if (elem === ELEM.float) out.push(view.getFloat32(at, true));
    else if (elem === ELEM.int64) out.push(Number(view.getBigInt64(at, true)));
    else if (elem === ELEM.uint64) out.push(Number(view.getBigUint64(at, true)));
    else if (elem === ELEM.int32) out.push(view.getInt32(at, true));
    else out.push(view.getUint8(at));
  }
  return out;
}

function decodeValueInfo(bytes: Uint8Array): OnnxValueInfo {
  const v: OnnxValueInfo = { name: "", type: { kind: "other" } };
  for (const f of protoFields(bytes)) {
    if (f.field === 1) v.name = text(f);
    else if (f.field === 2) v.type = decodeType(f.bytes);
  }
  return v;
}

function decodeType(bytes: Uint8Array): OnnxType {
  let type: OnnxType = { kind: "other" };
  for (const f of protoFields(bytes)) {
    if (f.field === 1) type = decodeTensorType(f.bytes);
    else if (f.field === 4) {
      let elem: OnnxType = { kind: "other" };
      for (const g of protoFields(f.bytes)) if (g.field === 1) elem = decodeType(g.bytes);
      type = { kind: "sequence", elem };
    } else if (f.field === 5) {
      let key = 0;
      let value: OnnxType = { kind: "other" };
      for (const g of protoFields(f.bytes)) {
        if (g.field === 1) key = g.value;
        else if (g.field === 2) value = decodeType(g.bytes);
      }
      type = { kind: "map", key, value };
    }
  }
  return type;
}

function decodeTensorType(bytes: Uint8Array): OnnxType {
  let elem = 0;
  let shape: (number | string | null)[] | undefined;
  for (const f of protoFields(bytes)) {
    if (f.field === 1) elem = f.value;
    else if (f.field === 2) {
      shape = [];
      for (const d of protoFields(f.bytes)) if (d.field === 1) shape.push(decodeDim(d.bytes));
    }
  }
  return shape ? { kind: "tensor", elem, shape } : { kind: "tensor", elem };
}

function decodeDim(bytes: Uint8Array): number | string | null {
  let dim: number | string | null = null;
  for (const f of protoFields(bytes)) {
    if (f.field === 1) dim = f.value;
    else if (f.field === 2) dim = text(f);
  }
  return dim;
}
