import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeOnnxModel } from "./onnx-decode.js";
import { encodeOnnxModel } from "./onnx-encode.js";
import { attr, ELEM, type OnnxModel, tensorType } from "./onnx-model.js";
import { fixedList, ProtoError, ProtoWriter, protoFields, readVarint, varintList } from "./proto-wire.js";

test("varints round-trip, negative int64s included, and packed lists read back", () => {
  const values = [0, 1, 127, 128, 300, 2 ** 31, 2 ** 53 - 1, -1, -2, -(2 ** 40)];
  const w = new ProtoWriter();
  for (const v of values) w.int(3, v);
  w.packedInts(4, [5, -1, 1000]).packedFloats(5, [0.5, -2]).packedDoubles(6, [0.1, Math.PI]);
  const fields = [...protoFields(w.finish())];
  assert.deepEqual(
    fields.filter((f) => f.field === 3).map((f) => f.value),
    values,
  );
  assert.deepEqual(varintList(fields.find((f) => f.field === 4)!), [5, -1, 1000]);
  assert.deepEqual(fixedList(fields.find((f) => f.field === 5)!, 4), [0.5, -2]);
  assert.deepEqual(fixedList(fields.find((f) => f.field === 6)!, 8), [0.1, Math.PI]);
  assert.equal(new ProtoWriter().int(1, -1).length, 11);
});

test("truncated and malformed messages throw ProtoError", () => {
  const bytes = new ProtoWriter().string(1, "hello world").finish();
  assert.throws(() => [...protoFields(bytes.subarray(0, 5))], ProtoError);
  assert.throws(() => readVarint(new Uint8Array([0x80, 0x80]), 0), /runs past the end/);
  assert.throws(() => [...protoFields(new Uint8Array([0x0b]))], /wire type 3/);
});

test("a model encodes and decodes to the same graph", () => {
  const model: OnnxModel = {
    irVersion: 8,
    opsets: [
      { domain: "", version: 17 },
      { domain: "ai.onnx.ml", version: 3 },
    ],
    producerName: "modelworks",
    metadata: { source: "churn/3" },
    graph: {
      name: "g",
      nodes: [
        {
          opType: "LabelEncoder",
          domain: "ai.onnx.ml",
          inputs: ["plan"],
          outputs: ["code"],
          attributes: {
            keys_strings: attr.strings(["a", "b"]),
            values_floats: attr.floats([0, 1]),
            default_float: attr.float(-1),
          },
        },
        {
          opType: "Mul",
          inputs: ["code", "w"],
          outputs: ["y"],
          attributes: { weights: attr.doubles([0.1, -2]), n: attr.int(-3), s: attr.string("x"), k: attr.ints([1, 2]) },
        },
      ],
      inputs: [{ name: "plan", type: tensorType(ELEM.string, ["N", 1]) }],
      outputs: [
        { name: "y", type: tensorType(ELEM.double, [null, 1]) },
        {
          name: "m",
          type: { kind: "sequence", elem: { kind: "map", key: ELEM.int64, value: tensorType(ELEM.float, []) } },
        },
      ],
      initializers: [{ name: "w", elem: ELEM.double, dims: [1], values: [2.5] }],
    },
  };
  const back = decodeOnnxModel(encodeOnnxModel(model));
  assert.equal(back.irVersion, 8);
  assert.deepEqual(back.opsets, model.opsets);
  assert.equal(back.producerName, "modelworks");
  assert.deepEqual(back.metadata, { source: "churn/3" });
  assert.deepEqual(back.graph.inputs, model.graph.inputs);
  assert.deepEqual(back.graph.outputs, model.graph.outputs);
  assert.deepEqual(back.graph.initializers, ["w"]);
  assert.deepEqual(back.graph.externalData, []);
  assert.deepEqual(back.graph.nodes[0]?.attributes, model.graph.nodes[0]?.attributes);
  assert.deepEqual(back.graph.nodes[1]?.attributes, {
    weights: { type: "tensor", value: { name: "", elem: ELEM.double, dims: [2], values: [0.1, -2] } },
    n: { type: "int", value: -3 },
    s: { type: "string", value: "x" },
    k: { type: "ints", value: [1, 2] },
  });
});
