/** Building an ONNX graph node by node, with fresh names for intermediate values. */
import type { OnnxAttribute, OnnxGraph, OnnxNode, OnnxTensor, OnnxValueInfo } from "./onnx-model.js";

/** The `ai.onnx.ml` domain (trees, linear models, encoders). */
export const ML_DOMAIN = "ai.onnx.ml";

/** Accumulates nodes, initializers, inputs and outputs of one graph. */
export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private readonly used = new Set<string>();

  /** Declare a graph input (its name is the value name). */
  input(info: OnnxValueInfo): string {
    this.claim(info.name);
    this.inputs.push(info);
    return info.name;
  }

  /** Declare `value` as a graph output of the given type. */
  output(info: OnnxValueInfo): void {
    this.outputs.push(info);
  }

  /** A constant tensor (an initializer) named after `hint`. */
  constant(hint: string, tensor: Omit<OnnxTensor, "name">): string {
    const name = this.fresh(hint);
    this.initializers.push({ ...tensor, name });
    return name;
  }

  /** Add a node with one output named after `hint` (or exactly `outputs` when given); returns the first. */
  node(
    opType: string,
    inputs: string[],
    attributes: Record<string, OnnxAttribute> = {},
    options: { domain?: string; hint?: string; outputs?: string[] } = {},
  ): string {
    const outputs = options.outputs ?? [this.fresh(options.hint ?? opType.toLowerCase())];
    for (const o of options.outputs ?? []) this.claim(o);
    this.nodes.push({
      opType,
      ...(options.domain ? { domain: options.domain } : {}),
      inputs,
      outputs,
      attributes,
    });
    return outputs[0] as string;
  }

  /** A value name not used yet, based on `hint`. */
  fresh(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_]/g, "_") || "v";
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** The graph. */
  build(name: string): OnnxGraph {
    return { name, nodes: this.nodes, inputs: this.inputs, outputs: this.outputs, initializers: this.initializers };
  }

  private claim(name: string): void {
    if (this.used.has(name)) throw new Error(`value name '${name}' is used twice`);
    this.used.add(name);
  }
}
