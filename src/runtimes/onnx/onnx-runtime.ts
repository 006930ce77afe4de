/**
 * The onnx runtime: MLflow model folders with an `onnx` flavor (`model.onnx`), scored with
 * onnxruntime-node on the CPU. The package is optional and imported on first use (ort-module.ts).
 * Batches only: onnxruntime-node has no synchronous call, so there is no one-row fast path.
 */
import { join } from "node:path";
import { invalidParam, MwError } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import type { ModelSignature } from "../../learn/package/model-package.js";
import type { LoadedModel, MlModelFile, ModelOutput, ModelRuntime, RuntimeContext } from "../runtime.js";
import { buildFeeds } from "./onnx-feeds.js";
import { checkExternalData, exposeOutput, modelPath, readOnnxFile } from "./onnx-file.js";
import { type InputPlan, planInputs } from "./onnx-inputs.js";
import { type OutputPlan, planOutputs } from "./onnx-outputs.js";
import { sessionOptions } from "./onnx-session-options.js";
import { loadOrt, type ModuleImporter, type OrtModule, type OrtSession, type OrtTensor } from "./ort-module.js";

/** Test hooks of the onnx runtime. */
export interface OnnxRuntimeOptions {
  /** How onnxruntime-node is imported (tests play a missing package). */
  importer?: ModuleImporter;
}

/** The runtime for folders with an `onnx` flavor. */
export function onnxRuntime(options: OnnxRuntimeOptions = {}): ModelRuntime {
  return {
    name: "onnx",
    accepts: (mlmodel) => isRecord(mlmodel.flavors.onnx),
    load: (dir, mlmodel, context) => loadOnnxFolder(dir, mlmodel, context, options),
  };
}

/** The runtime with the real onnxruntime-node. */
export const onnxRuntimeDefault: ModelRuntime = onnxRuntime();

/** Load the model the `onnx` flavor of `mlmodel` (read from `dir`/MLmodel) names. */
export async function loadOnnxFolder(
  dir: string,
  mlmodel: MlModelFile,
  context: RuntimeContext = {},
  options: OnnxRuntimeOptions = {},
): Promise<LoadedModel> {
  const where = join(dir, "MLmodel");
  const flavor = mlmodel.flavors.onnx;
  if (!isRecord(flavor)) {
    const names = Object.keys(mlmodel.flavors).join(", ") || "none";
    throw invalidParam(`'${where}': no onnx flavor (flavors: ${names}).`);
  }
  const file = await readOnnxFile(modelPath(dir, flavor, where));
  await checkExternalData(dir, file);
  const inputs = planInputs(mlmodel, file.model, where, file.path);
  const outputs = planOutputs(file.model, file.path);
  const settings = sessionOptions(flavor, where);
  const ort = await loadOrt(options.importer);
  const source = outputs.rewrite ? await exposeOutput(dir, file, outputs.fetch) : file.path;
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(source, settings);
  } catch (e) {
    throw invalidParam(`'${file.path}': onnxruntime cannot load it: ${firstLine(e)}`);
  }
  const missing = inputs.feeds.map((f) => f.name).filter((n) => !session.inputNames.includes(n));
  if (!session.outputNames.includes(outputs.fetch) || missing.length > 0) {
    await session.release();
    throw invalidParam(`'${file.path}': onnxruntime does not see the graph's inputs and outputs as decoded.`);
  }
  for (const note of outputs.notes) context.warn?.(note);
  return new OnnxModel(ort, session, inputs, outputs);
}

/** A model answered by an onnxruntime session. */
export class OnnxModel implements LoadedModel {
  readonly runtime = "onnx" as const;
  readonly signature: ModelSignature;

  constructor(
    private readonly ort: OrtModule,
    private readonly session: OrtSession,
    private readonly inputs: InputPlan,
    private readonly outputs: OutputPlan,
  ) {
    this.signature = signatureOf(inputs, outputs);
  }

  get kind() {
    return this.outputs.kind;
  }

  get classes(): readonly string[] | undefined {
    return this.outputs.classes;
  }

  /** Score a batch; 400 for bad input, 500 when onnxruntime fails on it. */
  async predict(table: Table): Promise<ModelOutput> {
    const rows = table.numRows;
    const width = this.kind === "multiclass" ? this.outputs.width : 1;
    if (rows === 0) return { rows: 0, scores: new Float64Array(0) };
    const feeds = buildFeeds(this.ort, this.inputs, table);
    let result: Record<string, OrtTensor>;
    try {
      result = await this.session.run(feeds, [this.outputs.fetch]);
    } catch (e) {
      throw new MwError("INTERNAL_ERROR", `onnxruntime failed on the batch: ${firstLine(e)}`);
    }
    return { rows, scores: readScores(result[this.outputs.fetch], this.outputs, rows, width) };
  }

  /** Release the session. */
  close(): Promise<void> {
    return this.session.release();
  }
}

/** The fetched tensor as one score per row (binary, regression) or rows × classes (multiclass). */
function readScores(t: OrtTensor | undefined, plan: OutputPlan, rows: number, width: number): Float64Array {
  const data = t?.data as ArrayLike<number> | undefined;
  if (!data || typeof data[0] !== "number" || data.length !== rows * plan.width) {
    throw new MwError(
      "INTERNAL_ERROR",
      `onnxruntime answered ${data?.length ?? 0} values in '${plan.fetch}' for ${rows} rows × ${plan.width}.`,
    );
  }
  if (width === plan.width && !plan.logistic) return Float64Array.from(data);
  const scores = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const v = data[r * plan.width + plan.column] as number;
    scores[r] = plan.logistic ? 1 / (1 + Math.exp(-v)) : v;
  }
  return scores;
}

function signatureOf(inputs: InputPlan, outputs: OutputPlan): ModelSignature {
  const classes = outputs.classes;
  if (outputs.kind === "binary" && classes) {
    const [negative, positive] = classes as [string, string];
    return {
      task: "binary",
      inputs: inputs.inputs,
      negative_class: negative,
      positive_class: positive,
      threshold: 0.5,
    };
  }
  if (outputs.kind === "multiclass")
    return { task: "multiclass", inputs: inputs.inputs, ...(classes ? { classes: [...classes] } : {}) };
  return { task: outputs.kind, inputs: inputs.inputs };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split("\n")[0] as string;
}
