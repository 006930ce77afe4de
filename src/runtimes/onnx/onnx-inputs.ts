/**
 * The inputs of an ONNX model folder, fed as MLflow's onnx flavor feeds a DataFrame: a graph with
 * one input takes every column as one matrix ([rows, columns], signature order); a graph with
 * several inputs takes each column as the input of the same name ([rows, 1] or [rows]). The columns
 * come from the MLmodel signature when logged, else from the graph's inputs themselves.
 */
import { invalidParam } from "../../core/errors.js";
import type { DecodedOnnxModel } from "../../learn/onnx/onnx-decode.js";
import { ELEM, elemName, type OnnxValueInfo } from "../../learn/onnx/onnx-model.js";
import type { SignatureInput } from "../../learn/package/model-package.js";
import { signatureInputs } from "../mlmodel.js";
import type { MlModelFile } from "../runtime.js";

/** One graph input and the signature columns that fill it. */
export interface InputFeed {
  name: string;
  /** ONNX element type (float, double, integers, bool or string). */
  elem: number;
  /** 2: [rows, columns.length]; 1: [rows] (one column). */
  rank: 1 | 2;
  /** Indices into {@link InputPlan.inputs}, in the order of the tensor's columns. */
  columns: number[];
}

/** The model's inputs and how they feed the graph. */
export interface InputPlan {
  inputs: SignatureInput[];
  feeds: InputFeed[];
}

const FEEDABLE: readonly number[] = [
  ELEM.float,
  ELEM.double,
  ELEM.int64,
  ELEM.int32,
  ELEM.int16,
  ELEM.int8,
  ELEM.uint8,
  ELEM.bool,
  ELEM.string,
];

/** Map signature columns to graph inputs; `mlmodelPath` and `modelPath` start every error. */
export function planInputs(
  mlmodel: MlModelFile,
  model: DecodedOnnxModel,
  mlmodelPath: string,
  modelPath: string,
): InputPlan {
  const initialized = new Set(model.graph.initializers);
  const graphInputs = model.graph.inputs.filter((i) => !initialized.has(i.name));
  if (graphInputs.length === 0) throw invalidParam(`'${modelPath}' has no graph inputs to feed.`);
  for (const g of graphInputs) checkFeedable(g, modelPath);
  const columns = signatureInputs(mlmodel, mlmodelPath);
  if (columns !== undefined) return fromColumns(columns, graphInputs, mlmodelPath);
  if (graphInputs.length === 1) return oneInput(graphInputs[0] as OnnxValueInfo, tensorWidth(mlmodel), modelPath);
  return {
    inputs: graphInputs.map((g) => ({ name: g.name, type: inputType(elemOf(g)) })),
    feeds: graphInputs.map((g, i) => ({ name: g.name, elem: elemOf(g), rank: rankOf(g, modelPath), columns: [i] })),
  };
}

/** Named signature columns: one matrix input, or one graph input per column by name. */
function fromColumns(columns: SignatureInput[], graphInputs: OnnxValueInfo[], where: string): InputPlan {
  const only = graphInputs[0] as OnnxValueInfo;
  if (graphInputs.length === 1 && !(columns.length === 1 && columns[0]?.name === only.name)) {
    const width = widthOf(only);
    if (width !== undefined && width !== columns.length) {
      throw invalidParam(
        `'${where}': the signature has ${columns.length} input columns but the model's input '${only.name}' takes ${width} per row.`,
      );
    }
    checkMatrixTypes(columns, only, where);
    return {
      inputs: columns,
      feeds: [{ name: only.name, elem: elemOf(only), rank: 2, columns: columns.map((_, i) => i) }],
    };
  }
  const index = new Map(columns.map((c, i) => [c.name, i]));
  const missing = graphInputs.filter((g) => !index.has(g.name)).map((g) => g.name);
  if (missing.length > 0) {
    throw invalidParam(
      `'${where}': the signature does not name the model's input(s) ${missing.map((m) => `'${m}'`).join(", ")} (it has ${columns.map((c) => c.name).join(", ")}).`,
    );
  }
  const used = graphInputs.map((g) => index.get(g.name) as number);
  const inputs = used.map((i) => columns[i] as SignatureInput);
  const feeds = graphInputs.map((g, k): InputFeed => {
    checkMatrixTypes([inputs[k] as SignatureInput], g, where);
    return { name: g.name, elem: elemOf(g), rank: rankOf(g, where), columns: [k] };
  });
  return { inputs, feeds };
}

/** No column signature and one graph input: `f0, f1, ...` for a matrix, else the input's name. */
function oneInput(g: OnnxValueInfo, tensorWidth: number | undefined, where: string): InputPlan {
  const type = inputType(elemOf(g));
  const rank = rankOf(g, where);
  const width = widthOf(g) ?? tensorWidth;
  if (rank === 1 || width === 1) {
    return { inputs: [{ name: g.name, type }], feeds: [{ name: g.name, elem: elemOf(g), rank, columns: [0] }] };
  }
  if (width === undefined) {
    throw invalidParam(
      `'${where}': input '${g.name}' has no fixed width and the MLmodel has no signature naming its columns.`,
    );
  }
  const inputs = Array.from({ length: width }, (_, j): SignatureInput => ({ name: `f${j}`, type }));
  return { inputs, feeds: [{ name: g.name, elem: elemOf(g), rank: 2, columns: inputs.map((_, j) => j) }] };
}

function checkFeedable(g: OnnxValueInfo, where: string): void {
  if (g.type.kind !== "tensor" || !FEEDABLE.includes(g.type.elem)) {
    const what = g.type.kind === "tensor" ? `tensor(${elemName(g.type.elem)})` : "not a tensor";
    throw invalidParam(
      `'${where}': input '${g.name}' is ${what}; the onnx runtime feeds numeric, bool and string tensors.`,
    );
  }
}

/** Strings feed string inputs only, numbers and booleans numeric ones. */
function checkMatrixTypes(columns: readonly SignatureInput[], g: OnnxValueInfo, where: string): void {
  const isString = elemOf(g) === ELEM.string;
  const wrong = columns.find((c) => (c.type === "string") !== isString);
  if (wrong) {
    throw invalidParam(
      `'${where}': signature input '${wrong.name}' is ${wrong.type} but the model's input '${g.name}' is tensor(${elemName(elemOf(g))}).`,
    );
  }
}

function elemOf(g: OnnxValueInfo): number {
  return g.type.kind === "tensor" ? g.type.elem : 0;
}

function rankOf(g: OnnxValueInfo, where: string): 1 | 2 {
  const shape = g.type.kind === "tensor" ? g.type.shape : undefined;
  if (shape === undefined || shape.length === 2) return 2;
  if (shape.length === 1) return 1;
  throw invalidParam(`'${where}': input '${g.name}' has ${shape.length} dimensions; tabular inputs have 1 or 2.`);
}

function widthOf(g: OnnxValueInfo): number | undefined {
  const shape = g.type.kind === "tensor" ? g.type.shape : undefined;
  if (shape?.length === 1) return 1;
  const d = shape?.[1];
  return typeof d === "number" && d > 0 ? d : undefined;
}

/** The width of a logged tensor signature `[-1, n]`, if that is what the MLmodel has. */
function tensorWidth(mlmodel: MlModelFile): number | undefined {
  const spec = mlmodel.signature?.inputs?.[0] as { type?: string; "tensor-spec"?: { shape?: unknown } } | undefined;
  const shape = spec?.type === "tensor" ? spec["tensor-spec"]?.shape : undefined;
  const d = Array.isArray(shape) && shape.length === 2 ? shape[1] : undefined;
  return typeof d === "number" && d > 0 ? d : undefined;
}

function inputType(elem: number): SignatureInput["type"] {
  if (elem === ELEM.string) return "string";
  if (elem === ELEM.bool) return "bool";
  return elem === ELEM.float || elem === ELEM.double ? "float" : "int";
}
