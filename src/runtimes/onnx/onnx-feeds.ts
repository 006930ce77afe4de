/**
 * A Table batch as onnxruntime input tensors, per the {@link InputPlan}: row-major, one column of
 * the tensor per signature input. Missing numbers are NaN in float inputs (integer and bool inputs
 * cannot hold them: such a row is refused); a missing string is "" (an empty category).
 */
import { invalidParam } from "../../core/errors.js";
import type { Column, Table } from "../../data/table.js";
import { ELEM, elemName } from "../../learn/onnx/onnx-model.js";
import type { SignatureInput } from "../../learn/package/model-package.js";
import type { InputFeed, InputPlan } from "./onnx-inputs.js";
import type { OrtModule, OrtTensor } from "./ort-module.js";

/** Where each cell of a feed goes. */
type Sink = {
  put(at: number, v: number, input: SignatureInput): void;
  missing(at: number, input: SignatureInput, feed: InputFeed): void;
};

/** The feeds for `table`; INVALID_PARAMETER_VALUE naming the column for missing or mistyped inputs. */
export function buildFeeds(ort: OrtModule, plan: InputPlan, table: Table): Record<string, OrtTensor> {
  const feeds: Record<string, OrtTensor> = {};
  for (const feed of plan.feeds) feeds[feed.name] = feedTensor(ort, plan, feed, table);
  return feeds;
}

function feedTensor(ort: OrtModule, plan: InputPlan, feed: InputFeed, table: Table): OrtTensor {
  const rows = table.numRows;
  const width = feed.columns.length;
  const dims = feed.rank === 2 ? [rows, width] : [rows];
  const size = rows * width;
  if (feed.elem === ELEM.string) {
    const data = new Array<string>(size).fill("");
    feed.columns.forEach((i, j) => {
      const input = plan.inputs[i] as SignatureInput;
      const c = column(table, input);
      if (c === undefined) return;
      if (c.type !== "string") throw mistyped(input, c, feed);
      for (let r = 0; r < rows; r++) {
        const code = c.codes[r] as number;
        if (code >= 0) data[r * width + j] = c.dictionary[code] as string;
      }
    });
    return new ort.Tensor("string", data, dims);
  }
  const { type, data, sink } = numericBuffer(feed.elem, size);
  feed.columns.forEach((i, j) => {
    const input = plan.inputs[i] as SignatureInput;
    const c = column(table, input);
    if (c === undefined) {
      for (let r = 0; r < rows; r++) sink.missing(r * width + j, input, feed);
      return;
    }
    if (c.type === "string") throw mistyped(input, c, feed);
    const { values, nulls } = c;
    for (let r = 0; r < rows; r++) {
      if (nulls?.[r] === 1) sink.missing(r * width + j, input, feed);
      else sink.put(r * width + j, values[r] as number, input);
    }
  });
  return new ort.Tensor(type, data, dims);
}

/** The table's column for an input; undefined (all missing) for an absent optional input. */
function column(table: Table, input: SignatureInput): Column | undefined {
  const c = table.column(input.name);
  if (c === undefined && !input.optional) throw invalidParam(`Input column '${input.name}' is missing.`);
  return c;
}

function numericBuffer(elem: number, size: number): { type: string; data: unknown; sink: Sink } {
  if (elem === ELEM.float || elem === ELEM.double) {
    const data = elem === ELEM.float ? new Float32Array(size) : new Float64Array(size);
    const sink: Sink = {
      put: (at, v) => {
        data[at] = v;
      },
      missing: (at) => {
        data[at] = Number.NaN;
      },
    };
    return { type: elem === ELEM.float ? "float32" : "float64", data, sink };
  }
  const noMissing = (_at: number, input: SignatureInput, feed: InputFeed) => {
    throw invalidParam(
      `Input column '${input.name}' has a missing value, which the model's tensor(${elemName(feed.elem)}) input '${feed.name}' cannot hold.`,
    );
  };
  if (elem === ELEM.int64) {
    const data = new BigInt64Array(size);
    return {
      type: "int64",
      data,
      sink: { put: (at, v, input) => (data[at] = BigInt(whole(v, input))), missing: noMissing },
    };
  }
  const [type, data] = smallInts(elem, size);
  return { type, data, sink: { put: (at, v, input) => (data[at] = whole(v, input)), missing: noMissing } };
}

function smallInts(elem: number, size: number): [string, Int32Array | Int16Array | Int8Array | Uint8Array] {
  if (elem === ELEM.int32) return ["int32", new Int32Array(size)];
  if (elem === ELEM.int16) return ["int16", new Int16Array(size)];
  if (elem === ELEM.int8) return ["int8", new Int8Array(size)];
  return [elem === ELEM.bool ? "bool" : "uint8", new Uint8Array(size)];
}

function whole(v: number, input: SignatureInput): number {
  if (!Number.isInteger(v)) throw invalidParam(`Input column '${input.name}' must hold whole numbers, got ${v}.`);
  return v;
}

function mistyped(input: SignatureInput, c: Column, feed: InputFeed) {
  return invalidParam(
    `Input column '${input.name}' is ${c.type}, but the model's input '${feed.name}' is tensor(${elemName(feed.elem)}).`,
  );
}
