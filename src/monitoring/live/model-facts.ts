/**
 * What the monitor needs to know about a model version: its input signature (the package's
 * `signature.json`, or the MLmodel signature of a model logged in MLflow's format), the training
 * run's baseline metrics, and the drift reference — the dataset version the monitor names, else
 * the package's `drift-reference.json`, else one built once from the training dataset the run
 * logged, else none (and why).
 */
import { FileRoots } from "../../auth/file-roots.js";
import { isMwError } from "../../core/errors.js";
import { readAllBytes } from "../../core/fs/read-all.js";
import { readTable } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";
import type { ModelSignature } from "../../learn/package/model-package.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import { parseMlModel, signatureInputs } from "../../runtimes/mlmodel.js";
import type { ArtifactStore } from "../../tracking/artifacts/artifact-store.js";
import { proxiedPath } from "../../tracking/artifacts/proxied-uri.js";
import type { TrackingStore } from "../../tracking/tracking-store.js";
import type { DriftReference } from "../drift/drift-reference.js";
import { prepareReference, referenceFromJson } from "../drift/drift-reference.js";

export interface ModelFacts {
  signature: ModelSignature;
  trainingAuc: number | null;
  trainingLogLoss: number | null;
  /** The run's `rmse` (regression baseline) and `accuracy` (multiclass baseline), when logged. */
  trainingRmse: number | null;
  trainingAccuracy: number | null;
  reference?: DriftReference;
  /** Where the reference came from: `package`, `dataset NAME@VERSION` or `file PATH`. */
  referenceSource?: string;
  /** Why there is no reference. */
  referenceProblem?: string;
}

export interface ModelFactsDeps {
  registry: RegistryStore;
  artifacts: ArtifactStore;
  tracking: TrackingStore;
  /** A dataset version as a table (the platform's dataset store), when there is one. */
  loadDataset?: (name: string, version: number) => Promise<Table>;
  /** Rows a reference built from a training dataset keeps (a seeded sample). */
  referenceSample?: number;
  /**
   * Which server-side files a run's logged training data may be read from (`--data-root`; none by
   * default): any client can log a dataset input naming any path, so only these are ever opened.
   */
  fileRoots?: FileRoots;
}

/** A dataset version a monitor names as the drift reference of every model version it sees. */
export interface ReferenceDataset {
  name: string;
  version: number;
}

const SIGNATURE_FILE = "signature.json";
const REFERENCE_FILE = "drift-reference.json";
const DATASET_SCHEME = "modelworks-dataset:/";
const DEFAULT_SAMPLE = 20_000;

/** Facts per model version, looked up once (versions are immutable); failures are retried next time. */
export class ModelFactsCache {
  private readonly cache = new Map<string, Promise<ModelFacts>>();

  constructor(private readonly deps: ModelFactsDeps) {}

  /** The facts of a version; with `reference`, its drift reference is built from that dataset version. */
  get(name: string, version: string, reference?: ReferenceDataset): Promise<ModelFacts> {
    const key = `${name}\u0000${version}\u0000${reference ? `${reference.name}@${reference.version}` : ""}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = modelFacts(name, version, this.deps, reference);
      this.cache.set(key, hit);
      hit.catch(() => this.cache.delete(key));
    }
    return hit;
  }
}

async function modelFacts(
  name: string,
  version: string,
  deps: ModelFactsDeps,
  override?: ReferenceDataset,
): Promise<ModelFacts> {
  const mv = await deps.registry.getModelVersion({ name, version });
  const root = proxiedPath(await deps.registry.getModelVersionDownloadUri({ name, version }));
  if (root === undefined) throw new Error(`model ${name}/${version} is not in this platform's artifact store`);
  const signature = await readSignature(deps.artifacts, root, `${name}/${version}`);
  const run = mv.run_id ? await deps.tracking.getRun(mv.run_id).catch(() => undefined) : undefined;
  const metric = (key: string) => {
    const m = run?.data.metrics?.find((x) => x.key === key);
    return m !== undefined && Number.isFinite(Number(m.value)) ? Number(m.value) : null;
  };
  const facts: ModelFacts = {
    signature,
    trainingAuc: metric("roc_auc"),
    trainingLogLoss: metric("log_loss"),
    trainingRmse: metric("rmse"),
    trainingAccuracy: metric("accuracy"),
  };
  if (override) {
    const source = `${DATASET_SCHEME}${encodeURIComponent(override.name)}/${override.version}`;
    return { ...facts, ...(await referenceFromDataset(source, signature, deps)) };
  }
  const packaged = await readArtifact(deps.artifacts, `${root}/${REFERENCE_FILE}`);
  if (packaged !== undefined) {
    return { ...facts, reference: referenceFromJson(JSON.parse(packaged)), referenceSource: "package" };
  }
  const inputs = run?.inputs.dataset_inputs ?? [];
  const training =
    inputs.find((i) => i.tags?.some((t) => t.key === "mlflow.data.context" && t.value === "training")) ?? inputs[0];
  if (!training) {
    return { ...facts, referenceProblem: `no ${REFERENCE_FILE} in the package and no training dataset on its run` };
  }
  const built = await referenceFromDataset(training.dataset.source, facts.signature, deps);
  return { ...facts, ...built };
}

/** A reference from the training data's signature columns, or why there is none. */
async function referenceFromDataset(
  source: string,
  signature: ModelSignature,
  deps: ModelFactsDeps,
): Promise<Pick<ModelFacts, "reference" | "referenceSource" | "referenceProblem">> {
  let table: Table;
  let label: string;
  if (source.startsWith(DATASET_SCHEME)) {
    const [encoded, v] = source.slice(DATASET_SCHEME.length).split("/");
    const dataset = decodeURIComponent(encoded ?? "");
    label = `dataset ${dataset}@${v}`;
    if (!deps.loadDataset) return { referenceProblem: `${label} cannot be read here` };
    try {
      table = await deps.loadDataset(dataset, Number(v));
    } catch (e) {
      return { referenceProblem: `${label} cannot be read: ${(e as Error).message}` };
    }
  } else {
    label = `file ${source}`;
    let path: string;
    try {
      path = await (deps.fileRoots ?? FileRoots.none()).resolve(source);
    } catch {
      return {
        referenceProblem: `the training data ${source} is not a readable file under the server's --data-root folders (register it with 'data add', or name a dataset with 'monitor set --reference')`,
      };
    }
    table = await readTable(path);
  }
  const columns = signature.inputs.map((i) => i.name).filter((n) => table.column(n) !== undefined);
  if (columns.length === 0) return { referenceProblem: `${label} has none of the model's input columns` };
  const reference = prepareReference(table.select(columns), { maxSample: deps.referenceSample ?? DEFAULT_SAMPLE });
  return { reference, referenceSource: label };
}

/**
 * The platform's `signature.json`, else the inputs of the MLmodel signature (models logged by MLflow
 * clients, `models log`, `models import`). The task is not known without loading such a model; the
 * monitor reads only the inputs (and the positive class, absent here: outcomes must be 1/0 or true/false).
 */
async function readSignature(artifacts: ArtifactStore, root: string, model: string): Promise<ModelSignature> {
  const own = await readArtifact(artifacts, `${root}/${SIGNATURE_FILE}`);
  if (own !== undefined) return JSON.parse(own) as ModelSignature;
  const text = await readArtifact(artifacts, `${root}/MLmodel`);
  const inputs = text === undefined ? undefined : signatureInputs(parseMlModel(text, `${model}/MLmodel`), model);
  if (!inputs) throw new Error(`model ${model} has no ${SIGNATURE_FILE} and no input signature in its MLmodel`);
  return { task: "binary", inputs };
}

async function readArtifact(artifacts: ArtifactStore, path: string): Promise<string | undefined> {
  try {
    const { stream } = await artifacts.get(path);
    return (await readAllBytes(stream)).toString("utf8");
  } catch (e) {
    if (isMwError(e) && e.code === "RESOURCE_DOES_NOT_EXIST") return undefined;
    throw e;
  }
}
