/**
 * The parts of an ONNX model (onnx.proto's ModelProto) the platform writes and inspects, as plain
 * values: graph nodes with their attributes, typed inputs and outputs, initializers, metadata.
 */

/** TensorProto.DataType numbers of the element types used here. */
export const ELEM = {
  float: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  double: 11,
  uint32: 12,
  uint64: 13,
} as const;

/** An element type's name, e.g. `double`. */
export type ElemName = keyof typeof ELEM;

/** The name of TensorProto.DataType `n` (`type N` for ones not listed in {@link ELEM}). */
export function elemName(n: number): string {
  return (Object.keys(ELEM) as ElemName[]).find((k) => ELEM[k] === n) ?? `type ${n}`;
}

/** A tensor value (an initializer or a tensor attribute). */
export interface OnnxTensor {
  name?: string;
  elem: number;
  dims: number[];
  /** Numbers for numeric types, strings for `string`. */
  values: number[] | string[];
}

/** An attribute value, tagged with its AttributeProto type. */
export type OnnxAttribute =
  | { type: "float"; value: number }
  | { type: "int"; value: number }
  | { type: "string"; value: string }
  | { type: "tensor"; value: OnnxTensor }
  | { type: "floats"; value: number[] }
  | { type: "ints"; value: number[] }
  | { type: "strings"; value: string[] }
  /** Graphs, sparse tensors, type protos: kept opaque. */
  | { type: "other" };

/** A graph node. */
export interface OnnxNode {
  opType: string;
  /** "" (or absent) is the default `ai.onnx` domain. */
  domain?: string;
  name?: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttribute>;
}

/** A value's type: a tensor (element type and dimensions; a string or null is a free dimension), or more. */
export type OnnxType =
  | { kind: "tensor"; elem: number; shape?: (number | string | null)[] }
  | { kind: "sequence"; elem: OnnxType }
  | { kind: "map"; key: number; value: OnnxType }
  | { kind: "other" };

/** A named, typed graph input or output. */
export interface OnnxValueInfo {
  name: string;
  type: OnnxType;
}

/** An operator set the model imports (domain "" is `ai.onnx`). */
export interface OnnxOpset {
  domain: string;
  version: number;
}

/** A graph to write. */
export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: OnnxTensor[];
}

/** A model to write. */
export interface OnnxModel {
  irVersion: number;
  opsets: OnnxOpset[];
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  graph: OnnxGraph;
  /** metadata_props, in key order as given. */
  metadata?: Record<string, string>;
}

/** Attribute constructors, so graph-building code reads like the operator specs. */
export const attr = {
  float: (value: number): OnnxAttribute => ({ type: "float", value }),
  int: (value: number): OnnxAttribute => ({ type: "int", value }),
  string: (value: string): OnnxAttribute => ({ type: "string", value }),
  floats: (value: number[]): OnnxAttribute => ({ type: "floats", value }),
  ints: (value: number[]): OnnxAttribute => ({ type: "ints", value }),
  strings: (value: string[]): OnnxAttribute => ({ type: "strings", value }),
  doubles: (values: ArrayLike<number>): OnnxAttribute => ({
    type: "tensor",
    value: { elem: ELEM.double, dims: [values.length], values: Array.from(values) },
  }),
};

/** A tensor type of `elem` with dims (null: any size). */
export function tensorType(elem: number, shape: (number | string | null)[]): OnnxType {
  return { kind: "tensor", elem, shape };
}
