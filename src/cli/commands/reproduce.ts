/**
 * `modelworks runs reproduce RUN`: re-fit a training run from what it recorded (data reference and
 * digest, algorithm, params, seed) and compare the model package byte for byte, and the metrics.
 * Read-only: it changes nothing in the tracking store.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Run } from "../../core/api/mlflow-entities.js";
import { invalidParam } from "../../core/errors.js";
import { readAllBytes } from "../../core/fs/read-all.js";
import { gitCommitOf } from "../../data/versions/git-commit.js";
import { writeModelPackage } from "../../learn/package/model-package.js";
import { fitModel } from "../../learn/train/fit-model.js";
import type { Algo } from "../../learn/train/train-params.js";
import { resolveParams } from "../../learn/train/train-params.js";
import type { Connection } from "../cli-context.js";
import type { RetrievalTarget } from "./feature-retrieval.js";
import { lockfileDigest } from "./train.js";
import type { TrainingData } from "./training-data.js";
import { loadTrainingData } from "./training-data.js";
import { FEATURE_TAGS, joinServiceFeatures } from "./training-features.js";
import { artifactRoot, summaryMetrics, trainingDriftReference } from "./training-run.js";

const RECORDED = new Set(["algo", "label", "data", "eval_data", "positive_class", "slice", "features", "event_time"]);

/** The outcome of a reproduction. */
export interface ReproduceReport {
  run_id: string;
  identical: boolean;
  files: { file: string; identical: boolean; recorded_sha256?: string; reproduced_sha256: string }[];
  metrics: { key: string; recorded: number | null; reproduced: number | null; identical: boolean }[];
  inputs: { what: string; recorded?: string; now?: string; identical: boolean }[];
}

/**
 * Re-run the training recorded by `runId` and compare. A run trained with a feature service gets
 * the same training set again: the recorded registry version and source dataset versions are read
 * (through `target`: in process, or the server of the connection).
 */
export async function reproduceRun(
  conn: Connection,
  runId: string,
  cwd: string,
  target?: RetrievalTarget,
): Promise<ReproduceReport> {
  const { run } = await conn.api.getRun({ run_id: runId });
  const p = keyValues(run.data.params);
  const tags = keyValues(run.data.tags);
  if (!p.algo || !p.label || !p.data || tags["modelworks.seed"] === undefined) {
    throw invalidParam(
      `Run ${runId} was not made by 'modelworks train' (it lacks the algo, label, data params or seed tag).`,
    );
  }
  const algo = p.algo as Algo;
  const params = resolveParams(
    algo,
    Object.entries(p)
      .filter(([k]) => !RECORDED.has(k))
      .map(([k, v]) => `${k}=${v}`),
  );
  let data = await loadTrainingData(p.data, cwd, conn.platform, "training");
  let evalData = p.eval_data ? await loadTrainingData(p.eval_data, cwd, conn.platform, "evaluation") : undefined;
  const features = p.features ? await rejoinFeatures(target, cwd, p, tags, data, evalData) : undefined;
  if (features) ({ data, evalData } = features.joined);
  const fit = await fitModel(data.table, {
    label: p.label,
    algo,
    params,
    seed: Number(tags["modelworks.seed"]),
    ...(evalData ? { evalTable: evalData.table } : {}),
    ...(p.positive_class ? { positiveClass: p.positive_class } : {}),
    ...(p.slice ? { sliceColumn: p.slice } : {}),
    ...(data.profile ? { referenceProfile: data.profile } : {}),
  });
  fit.package.runId = runId;
  fit.package.driftReference = trainingDriftReference(data.table);
  const files = await compareFiles(conn, run, fit.package);
  const metrics = compareMetrics(run, summaryMetrics(fit.evaluation));
  const inputs = [
    same("data digest", tags["modelworks.data_digest"], data.digest),
    ...(features?.inputs ?? []),
    same("lockfile digest", tags["modelworks.lockfile_digest"], await lockfileDigest()),
    same("git commit", tags["mlflow.source.git.commit"], await gitCommitOf(cwd)),
  ];
  const identical = files.every((f) => f.identical) && metrics.every((m) => m.identical);
  return { run_id: runId, identical, files, metrics, inputs };
}

async function compareFiles(conn: Connection, run: Run, pkg: Parameters<typeof writeModelPackage>[1]) {
  const dir = await mkdtemp(join(tmpdir(), "mw-reproduce-"));
  try {
    const root = `${artifactRoot(run.info.artifact_uri)}/model`;
    const out: ReproduceReport["files"] = [];
    for (const file of await writeModelPackage(dir, pkg)) {
      const reproduced = sha256(await readFile(join(dir, file)));
      const recorded = await conn.artifacts
        .get(`${root}/${file}`)
        .then(async ({ stream }) => sha256(await readAllBytes(stream)))
        .catch(() => undefined);
      out.push({
        file,
        identical: recorded === reproduced,
        ...(recorded ? { recorded_sha256: recorded } : {}),
        reproduced_sha256: reproduced,
      });
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function compareMetrics(run: Run, now: Record<string, number | null>): ReproduceReport["metrics"] {
  const recorded = new Map((run.data.metrics ?? []).map((m) => [m.key, typeof m.value === "number" ? m.value : null]));
  return Object.entries(now).map(([key, value]) => {
    const was = recorded.get(key) ?? null;
    return { key, recorded: was, reproduced: value, identical: was === value };
  });
}

function same(what: string, recorded: string | undefined, now: string | undefined) {
  return { what, ...(recorded ? { recorded } : {}), ...(now ? { now } : {}), identical: recorded === now };
}

/** The recorded feature join, again: same service, registry version and dataset versions; digests compared. */
async function rejoinFeatures(
  target: RetrievalTarget | undefined,
  cwd: string,
  p: Record<string, string>,
  tags: Record<string, string>,
  data: TrainingData,
  evalData: TrainingData | undefined,
) {
  const version = Number(tags[FEATURE_TAGS.registryVersion]);
  if (!target || !Number.isSafeInteger(version))
    throw invalidParam("This run joined a feature service, but its registry version or a feature store is missing.");
  const joined = await joinServiceFeatures(target, cwd, data, evalData, {
    service: p.features as string,
    eventTime: p.event_time,
    registryVersion: version,
    datasetVersions: tags[FEATURE_TAGS.sources],
  });
  const inputs = joined.sources.map((s) =>
    same(`feature source ${s.dataset}@${s.version} digest`, tags[`${FEATURE_TAGS.digestPrefix}${s.dataset}`], s.digest),
  );
  return { joined, inputs };
}

function keyValues(list: { key: string; value: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, kv.value]));
}

function sha256(b: Uint8Array): string {
  return createHash("sha256").update(b).digest("hex");
}

/** A human summary: identical, or what differs. */
export function formatReproduce(r: ReproduceReport): string {
  const lines = [
    r.identical
      ? `Run ${r.run_id} reproduced: identical model package and metrics.`
      : `Run ${r.run_id} did NOT reproduce identically:`,
  ];
  for (const f of r.files)
    if (!f.identical)
      lines.push(
        `  file ${f.file} differs (${f.recorded_sha256?.slice(0, 12) ?? "missing"} → ${f.reproduced_sha256.slice(0, 12)})`,
      );
  for (const m of r.metrics)
    if (!m.identical) lines.push(`  metric ${m.key}: recorded ${m.recorded}, reproduced ${m.reproduced}`);
  for (const i of r.inputs)
    if (!i.identical) lines.push(`  note: ${i.what} was ${i.recorded ?? "unrecorded"}, is ${i.now ?? "unknown"} now`);
  return lines.join("\n");
}
