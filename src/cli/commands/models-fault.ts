/**
 * `modelworks models fault MODEL/VERSION --delay-ms N ...`: register a faulty copy of a model
 * version (a "bad candidate" for canary-rollout tests). The copy is logged on a new run in the
 * source version's experiment, like `train` logs a package, and registered as the model's next version.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { ModelVersion } from "../../core/api/mlflow-entities.js";
import { readAllBytes } from "../../core/fs/read-all.js";
import type { ModelFaults, NumericFault } from "../../learn/package/model-faults.js";
import { checkModelFaults, numericFaultProblem } from "../../learn/package/model-faults.js";
import type { ModelPackage } from "../../learn/package/model-package.js";
import { canonicalJson, manifestDocument, readModelPackage } from "../../learn/package/model-package.js";
import { parseModelRef } from "../../serving/model-resolver.js";
import type { ArtifactStore } from "../../tracking/artifacts/artifact-store.js";
import type { Connection } from "../cli-context.js";
import { CliError } from "../cli-context.js";
import { artifactRoot, uploadPackage } from "./training-run.js";

/** The `models fault` flags (declared with the other `models` flags). */
export const FAULT_FLAGS = {
  "delay-ms": { type: "string" },
  "fail-when": { type: "string" },
  "fail-rate": { type: "string" },
  "score-shift": { type: "string" },
  description: { type: "string" },
} as const;

type FaultFlags = { [K in keyof typeof FAULT_FLAGS]?: string };

/** The tag on the new version (and its run) holding the faults as JSON. */
export const FAULTS_TAG = "modelworks.faults";

/** The `models fault --json` answer. */
export interface FaultResult {
  model: { name: string; version: string };
  faults: ModelFaults;
}

/** The faults the flags ask for; a CliError naming the flag for a bad value, or when none is given. */
export function faultsFromFlags(flags: FaultFlags): ModelFaults {
  const faults: ModelFaults = {};
  const numeric: [keyof FaultFlags, NumericFault][] = [
    ["delay-ms", "delay_ms"],
    ["fail-rate", "fail_rate"],
    ["score-shift", "score_shift"],
  ];
  for (const [flag, field] of numeric) {
    const text = flags[flag];
    if (text === undefined) continue;
    const n = text.trim() === "" ? Number.NaN : Number(text);
    const problem = numericFaultProblem(field, n);
    if (problem) throw new CliError(`--${flag} ${problem}, got '${text}'`);
    faults[field] = n;
  }
  const when = flags["fail-when"];
  if (when !== undefined) {
    const eq = when.indexOf("=");
    const column = when.slice(0, Math.max(eq, 0)).trim();
    const values = when
      .slice(eq + 1)
      .split(",")
      .map((v) => v.trim());
    if (eq < 0 || column === "" || values.some((v) => v === ""))
      throw new CliError(`--fail-when must be COLUMN=VALUE[,VALUE...], got '${when}'`);
    faults.fail_when = { column, values };
  }
  if (Object.keys(faults).length === 0)
    throw new CliError("models fault needs at least one of --delay-ms, --fail-when, --fail-rate, --score-shift");
  return checkModelFaults(faults, "faults");
}

/** Register a copy of `ref`'s package with `faults` as the model's next version. */
export async function faultModel(
  conn: Connection,
  ref: string,
  faults: ModelFaults,
  options: { description?: string } = {},
): Promise<FaultResult> {
  const api = conn.api;
  const source = await sourceVersion(conn, ref);
  const { name, version } = source;
  const { artifact_uri } = await api.getModelVersionDownloadUri({ name, version });
  const pkg: ModelPackage = { ...(await fetchPackage(conn.artifacts, artifactRoot(artifact_uri))), faults };
  const faultsJson = canonicalJson(faults).trimEnd();
  const experimentId = source.run_id
    ? await api
        .getRun({ run_id: source.run_id })
        .then((r) => r.run.info.experiment_id)
        .catch(() => "0")
    : "0";
  const { run } = await api.createRun({
    experiment_id: experimentId,
    run_name: `fault-${name}-v${version}`,
    start_time: Date.now(),
    tags: [
      { key: "mlflow.source.name", value: "modelworks models fault" },
      { key: "modelworks.fault_source", value: `${name}/${version}` },
      { key: FAULTS_TAG, value: faultsJson },
    ],
  });
  const runId = run.info.run_id;
  try {
    pkg.runId = runId;
    await uploadPackage(conn, artifactRoot(run.info.artifact_uri), pkg);
    const manifest = { ...manifestDocument(pkg), run_id: runId, utc_time_created: new Date().toISOString() };
    await api.logModel({ run_id: runId, model_json: JSON.stringify(manifest) });
    const { model_version } = await api.createModelVersion({
      name,
      source: `${run.info.artifact_uri}/model`,
      run_id: runId,
      tags: [{ key: FAULTS_TAG, value: faultsJson }],
      ...(options.description !== undefined ? { description: options.description } : {}),
    });
    await api.updateRun({ run_id: runId, status: "FINISHED", end_time: Date.now() });
    return { model: { name, version: model_version.version }, faults };
  } catch (e) {
    await api.updateRun({ run_id: runId, status: "FAILED", end_time: Date.now() }).catch(() => {});
    throw e;
  }
}

/** The version a `NAME/VERSION` (or `NAME@ALIAS`) reference names. */
export async function sourceVersion(conn: Connection, text: string): Promise<ModelVersion> {
  const ref = parseModelRef(text);
  const res = ref.alias
    ? await conn.api.getModelVersionByAlias({ name: ref.name, alias: ref.alias })
    : await conn.api.getModelVersion({ name: ref.name, version: ref.version as string });
  return res.model_version;
}

/** Read the package under `path` in the artifact store (copied to a temp folder first). */
export async function fetchPackage(artifacts: ArtifactStore, path: string): Promise<ModelPackage> {
  const dir = await mkdtemp(join(tmpdir(), "mw-fault-"));
  try {
    for (const f of await artifacts.list(path)) {
      if (f.is_dir) continue;
      const name = basename(f.path);
      const { stream } = await artifacts.get(`${path}/${name}`);
      await writeFile(join(dir, name), await readAllBytes(stream));
    }
    return await readModelPackage(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
