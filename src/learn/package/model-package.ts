/**
 * A model package: the folder a model version's artifacts hold. `MLmodel` (MLflow's YAML manifest
 * with a `modelworks` flavor) names the files: the weights, the fitted preprocessing, the input
 * signature, the training data's reference profile and, for test models, injected faults. Same
 * inputs → same bytes (no timestamps, fixed key order), so `runs reproduce` can compare packages
 * byte for byte.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { invalidParam } from "../../core/errors.js";
import type { ModelFaults } from "./model-faults.js";
import { checkModelFaults } from "./model-faults.js";

export const MODEL_ALGOS = ["gbdt", "linear", "xgboost"] as const;
export type ModelAlgo = (typeof MODEL_ALGOS)[number];

/** One input column the model expects. */
export interface SignatureInput {
  name: string;
  type: "int" | "float" | "bool" | "string" | "timestamp";
  categories?: string[];
  /** Absent from a request → all null instead of an error (serving-only: e.g. a routing key column). */
  optional?: boolean;
}

/** What goes in and what comes out. */
export interface ModelSignature {
  task: "binary" | "regression" | "multiclass";
  inputs: SignatureInput[];
  /** The label column at training time. */
  label?: string;
  /** For binary models: the class names and the decision threshold for labels. */
  positive_class?: string;
  negative_class?: string;
  threshold?: number;
  /** For multiclass models: the class labels, in the order of their probability columns. */
  classes?: string[];
}

/** Everything a package holds, as plain JSON-able values. */
export interface ModelPackage {
  algo: ModelAlgo;
  model: unknown;
  preprocessor?: unknown;
  signature: ModelSignature;
  referenceProfile?: unknown;
  /** The training data prepared for drift reports (monitoring/drift `referenceToJson`), when stored. */
  driftReference?: unknown;
  /** The tracking run that produced it, when known. */
  runId?: string;
  /** Injected faults (test models only; see model-faults.ts). */
  faults?: ModelFaults;
}

const FILES = {
  manifest: "MLmodel",
  model: "model.json",
  preprocessor: "preprocessor.json",
  signature: "signature.json",
  profile: "reference-profile.json",
  driftReference: "drift-reference.json",
  faults: "faults.json",
} as const;

/** Write a package into `dir` (created); each file is written to a temp name and renamed. */
export async function writeModelPackage(dir: string, pkg: ModelPackage): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    [FILES.manifest, manifestYaml(pkg)],
    [FILES.model, canonicalJson(pkg.model)],
    [FILES.signature, canonicalJson(pkg.signature)],
  ];
  if (pkg.preprocessor !== undefined) files.push([FILES.preprocessor, canonicalJson(pkg.preprocessor)]);
  if (pkg.referenceProfile !== undefined) files.push([FILES.profile, canonicalJson(pkg.referenceProfile)]);
  if (pkg.driftReference !== undefined) files.push([FILES.driftReference, canonicalJson(pkg.driftReference)]);
  if (pkg.faults !== undefined) files.push([FILES.faults, canonicalJson(checkModelFaults(pkg.faults))]);
  for (const [name, text] of files) {
    const tmp = join(dir, `.${name}.tmp`);
    await writeFile(tmp, text);
    await rename(tmp, join(dir, name));
  }
  return files.map(([name]) => name).sort();
}

/** Read a package written by {@link writeModelPackage}; clear errors for a folder that is not one. */
export async function readModelPackage(dir: string): Promise<ModelPackage> {
  const manifest = await readText(dir, FILES.manifest);
  const doc = parseYaml(manifest) as {
    run_id?: string;
    flavors?: { modelworks?: { algo?: string; faults_file?: unknown } };
  };
  const algo = doc?.flavors?.modelworks?.algo;
  if (!(MODEL_ALGOS as readonly string[]).includes(algo ?? "")) {
    throw invalidParam(
      `'${join(dir, FILES.manifest)}' has no modelworks flavor with a known algo (${MODEL_ALGOS.join(", ")}).`,
    );
  }
  const json = async (name: string) => JSON.parse(await readText(dir, name)) as unknown;
  const optional = async (name: string) => {
    const text = await readFile(join(dir, name), "utf8").catch((e: unknown) => {
      if (isMissingFile(e)) return undefined;
      throw e;
    });
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  };
  const pkg: ModelPackage = {
    algo: algo as ModelAlgo,
    model: await json(FILES.model),
    signature: (await json(FILES.signature)) as ModelSignature,
  };
  const preprocessor = await optional(FILES.preprocessor);
  if (preprocessor !== undefined) pkg.preprocessor = preprocessor;
  const profile = await optional(FILES.profile);
  if (profile !== undefined) pkg.referenceProfile = profile;
  const driftReference = await optional(FILES.driftReference);
  if (driftReference !== undefined) pkg.driftReference = driftReference;
  if (doc.run_id) pkg.runId = doc.run_id;
  const faultsFile = doc.flavors?.modelworks?.faults_file;
  if (faultsFile !== undefined) {
    if (faultsFile !== FILES.faults)
      throw invalidParam(`'${join(dir, FILES.manifest)}': faults_file must be '${FILES.faults}'.`);
    const where = join(dir, FILES.faults);
    const text = await readText(dir, FILES.faults);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw invalidParam(`${where} is not valid JSON: ${(e as Error).message}`);
    }
    pkg.faults = checkModelFaults(value, where);
  }
  return pkg;
}

/** MLflow's MLmodel manifest for the package (also what `runs/log-model` receives, as JSON). */
export function manifestDocument(pkg: ModelPackage, artifactPath = "model"): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    artifact_path: artifactPath,
    flavors: {
      modelworks: {
        algo: pkg.algo,
        format_version: 1,
        model_file: FILES.model,
        ...(pkg.preprocessor !== undefined ? { preprocessor_file: FILES.preprocessor } : {}),
        signature_file: FILES.signature,
        ...(pkg.referenceProfile !== undefined ? { reference_profile_file: FILES.profile } : {}),
        // Only when present: packages written before drift references keep their bytes.
        ...(pkg.driftReference !== undefined ? { drift_reference_file: FILES.driftReference } : {}),
        // Only when present: packages without faults keep their bytes.
        ...(pkg.faults !== undefined ? { faults_file: FILES.faults } : {}),
        task: pkg.signature.task,
      },
    },
    signature: {
      inputs: JSON.stringify(pkg.signature.inputs.map((i) => ({ name: i.name, type: mlflowType(i.type) }))),
      outputs: JSON.stringify([{ type: "double" }]),
    },
  };
  if (pkg.runId) doc.run_id = pkg.runId;
  return doc;
}

function manifestYaml(pkg: ModelPackage): string {
  return stringifyYaml(manifestDocument(pkg), { sortMapEntries: false, lineWidth: 0 });
}

function mlflowType(t: SignatureInput["type"]): string {
  return { int: "long", float: "double", bool: "boolean", string: "string", timestamp: "datetime" }[t];
}

/** JSON with object keys sorted, so equal values always give equal bytes. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value))}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object" && !ArrayBuffer.isView(v)) {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, sortKeys(o[k])]),
    );
  }
  return v;
}

async function readText(dir: string, name: string): Promise<string> {
  try {
    return await readFile(join(dir, name), "utf8");
  } catch (e) {
    if (isMissingFile(e)) throw invalidParam(`Not a model package: '${join(dir, name)}' is missing.`);
    throw e;
  }
}

function isMissingFile(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === "ENOENT";
}
