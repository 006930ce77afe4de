import assert from "node:assert/strict";
import { readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { encodeOnnxModel } from "../../learn/onnx/onnx-encode.js";
import { ELEM, tensorType } from "../../learn/onnx/onnx-model.js";
import { onnxRuntime } from "./onnx-runtime.js";
import { fixtureCopy, mlmodelOf } from "./test-support/fixtures.js";

const runtime = onnxRuntime();

/** Load the damaged copy and expect a 400 whose message matches every pattern. */
async function refused(dir: string, patterns: RegExp[], load = runtime.load): Promise<void> {
  await assert.rejects(load(dir, mlmodelOf(dir), {}), (e: Error & { code?: string }) => {
    assert.equal(e.code, "INVALID_PARAMETER_VALUE", e.message);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

test("a truncated model file is refused, naming the file", async () => {
  const { dir, cleanup } = fixtureCopy("tree-binary-zipmap");
  try {
    const path = join(dir, "model.onnx");
    truncateSync(path, Math.floor(readFileSync(path).length / 2));
    await refused(dir, [/tree-binary-zipmap\/model\.onnx'/, /truncated/]);
  } finally {
    cleanup();
  }
});

test("a file that is not ONNX, an empty file and a missing file are refused, naming the file", async () => {
  const { dir, cleanup } = fixtureCopy("tree-regression");
  try {
    const path = join(dir, "model.onnx");
    writeFileSync(path, "this is not a protobuf message at all\n");
    await refused(dir, [/model\.onnx' is truncated or is not an ONNX model/]);
    writeFileSync(path, "");
    await refused(dir, [/model\.onnx' is empty/]);
    rmSync(path);
    await refused(dir, [/model\.onnx' is missing/]);
  } finally {
    cleanup();
  }
});

test("missing external data is refused, naming the data file and the tensor", async () => {
  const { dir, cleanup } = fixtureCopy("plain-logistic");
  try {
    rmSync(join(dir, "model.onnx.data"));
    await refused(dir, [/model\.onnx\.data' \(the external data of tensor 'W'/, /is missing/]);
  } finally {
    cleanup();
  }
});

test("a folder without an onnx flavor is not accepted, and loading it anyway is refused", async () => {
  const { dir, cleanup } = fixtureCopy("tree-regression");
  try {
    const text = readFileSync(join(dir, "MLmodel"), "utf8").replace("  onnx:\n", "  xgboost:\n");
    writeFileSync(join(dir, "MLmodel"), text);
    assert.equal(runtime.accepts(mlmodelOf(dir)), false);
    await refused(dir, [/MLmodel': no onnx flavor \(flavors: xgboost, python_function\)/]);
  } finally {
    cleanup();
  }
});

test("a data file outside the folder and a signature that does not fit the graph are refused", async () => {
  const { dir, cleanup } = fixtureCopy("tree-binary-forest");
  try {
    const mlmodel = join(dir, "MLmodel");
    const text = readFileSync(mlmodel, "utf8");
    writeFileSync(mlmodel, text.replace("data: model.onnx\n    onnx_session", "data: ../model.onnx\n    onnx_session"));
    await refused(dir, [/data '\.\.\/model\.onnx' is outside the model folder/]);
    writeFileSync(mlmodel, text.replace(/, \{"type": "double", "name": "score", "required":\s+true\}/, ""));
    await refused(dir, [/the signature has 3 input columns but the model's input 'float_input' takes 4/]);
  } finally {
    cleanup();
  }
});

test("a graph onnxruntime cannot load is refused with its reason", async () => {
  const { dir, cleanup } = fixtureCopy("plain-logistic");
  try {
    const bytes = encodeOnnxModel({
      irVersion: 8,
      opsets: [{ domain: "", version: 13 }],
      graph: {
        name: "g",
        nodes: [{ opType: "NoSuchOperator", inputs: ["X"], outputs: ["y"], attributes: {} }],
        inputs: [{ name: "X", type: tensorType(ELEM.double, [null, 5]) }],
        outputs: [{ name: "y", type: tensorType(ELEM.double, [null, 1]) }],
        initializers: [],
      },
    });
    writeFileSync(join(dir, "model.onnx"), bytes);
    await refused(dir, [/model\.onnx': onnxruntime cannot load it: .*NoSuchOperator/]);
  } finally {
    cleanup();
  }
});

test("without onnxruntime-node, loading is refused with how to install it", async () => {
  const { dir, cleanup } = fixtureCopy("tree-regression");
  try {
    const missing = onnxRuntime({
      importer: async () => {
        throw Object.assign(new Error("Cannot find package 'onnxruntime-node'"), { code: "ERR_MODULE_NOT_FOUND" });
      },
    });
    await refused(
      dir,
      [/onnxruntime-node, an optional package that is not installed here/, /npm install onnxruntime-node/],
      missing.load,
    );
    const noBinary = onnxRuntime({
      importer: async () => {
        throw new Error("Cannot find module '../bin/napi-v6/linux/x64/onnxruntime_binding.node'\nRequire stack: ...");
      },
    });
    await refused(dir, [/could not be loaded here \(Cannot find module .*onnxruntime_binding\.node'\)/], noBinary.load);
  } finally {
    cleanup();
  }
});
