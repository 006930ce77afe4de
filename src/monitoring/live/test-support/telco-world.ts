/**
 * A platform on a temporary home with a real churn model (GBDT on the Telco table) registered and
 * deployed, and helpers that log its predictions and their outcomes as serving would.
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OutboundPolicy } from "../../../auth/outbound-policy.js";
import { resolveConfig } from "../../../core/config.js";
import { TELCO_CSV } from "../../../core/test-support/shared-data.js";
import { readTable } from "../../../data/read-table.js";
import type { Column, Table } from "../../../data/table.js";
import { valueAt } from "../../../data/table.js";
import type { Predictor } from "../../../learn/package/load-model.js";
import { predictorFor } from "../../../learn/package/load-model.js";
import type { ModelPackage } from "../../../learn/package/model-package.js";
import { writeModelPackage } from "../../../learn/package/model-package.js";
import { fitTelcoPackage, telcoRecord } from "../../../learn/test-support/telco-models.js";
import type { Platform } from "../../../server/open-platform.js";
import { openPlatform } from "../../../server/open-platform.js";
import type { PredictionLogStore } from "../../../serving/prediction-log/prediction-log-store.js";
import { parseScoringJson } from "../../../serving/protocols/mlflow/parse-json.js";
import { prepareReference, referenceToJson } from "../../drift/drift-reference.js";
import { outcomeClass, realizedPerformance } from "../realized-performance.js";
import { aggregatedLog } from "../windows/test-support/aggregated-log.js";

export interface TelcoWorld {
  home: string;
  platform: Platform;
  telco: Table;
  pkg: ModelPackage;
  predictor: Predictor;
  /** The platform's prediction log, keeping the window aggregates as serving does. */
  log: PredictionLogStore;
  /** The model's in-sample AUC and log loss (logged on the registered versions' runs as roc_auc and log_loss). */
  trainingAuc: number;
  trainingLogLoss: number;
  close(): Promise<void>;
}

/** Options of {@link registerTelco}. */
export interface RegisterOptions {
  /** Store the package's drift-reference.json (default true). */
  packagedReference?: boolean;
  /** Log this file as the run's training dataset input. */
  trainingFile?: string;
}

/** Fit the model once and open a platform on a fresh home (`dataRoots`: the server's `--data-root` folders). */
export async function telcoWorld(dataRoots: string[] = []): Promise<TelcoWorld> {
  const home = mkdtempSync(join(tmpdir(), "mw-monitor-"));
  // Notifications in these tests go to loopback (capture servers, closed ports), refused unless listed.
  const outbound = OutboundPolicy.parse(["127.0.0.1"]);
  const platform = await openPlatform(resolveConfig({ home, "data-root": dataRoots }, {}, home), { outbound });
  const telco = await readTable(TELCO_CSV);
  const pkg = await fitTelcoPackage(telco, 20);
  const predictor = predictorFor(pkg);
  const scores = predictor.predict(telco);
  const churn = telco.column("Churn");
  const labelled = Array.from(scores, (score, i) => ({ score, outcome: churn ? cell(churn, i) : "" }));
  const perf = realizedPerformance(labelled, {
    positiveClass: "Yes",
    minLabels: 1,
    aucMargin: 0,
    logLossMargin: 0,
    trainingAuc: null,
    trainingLogLoss: null,
  });
  return {
    home,
    platform,
    telco,
    pkg,
    predictor,
    log: aggregatedLog(platform.db, (name, version) => platform.monitoring.aggregateSpec(name, version)),
    trainingAuc: perf.auc as number,
    trainingLogLoss: perf.logLoss as number,
    close: async () => {
      await platform.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Register the package as the next version of `name` with training metrics on its run; returns the version. */
export async function registerTelco(w: TelcoWorld, name: string, o: RegisterOptions = {}): Promise<string> {
  const p = w.platform;
  await p.registry.createRegisteredModel({ name }).catch(() => {});
  const run = await p.tracking.createRun({ experimentId: "0" });
  const runId = run.info.run_id;
  const now = Date.now();
  await p.tracking.logBatch(runId, {
    metrics: [
      { key: "roc_auc", value: w.trainingAuc, timestamp: now, step: 0 },
      { key: "log_loss", value: w.trainingLogLoss, timestamp: now, step: 0 },
    ],
  });
  if (o.trainingFile) {
    await p.tracking.logInputs(runId, [
      {
        tags: [{ key: "mlflow.data.context", value: "training" }],
        // Datasets are kept once per name and digest: another file is another digest.
        dataset: {
          name: "telco",
          digest: createHash("sha256").update(o.trainingFile).digest("hex").slice(0, 8),
          source_type: "local",
          source: o.trainingFile,
        },
      },
    ]);
  }
  const pkg: ModelPackage = { ...w.pkg, runId };
  if (o.packagedReference !== false)
    pkg.driftReference = referenceToJson(prepareReference(w.telco, { maxSample: 5000 }));
  const dir = mkdtempSync(join(w.home, "pkg-"));
  const root = `0/${runId}/artifacts/model`;
  for (const f of await writeModelPackage(dir, pkg)) {
    await p.artifacts.put(`${root}/${f}`, createReadStream(join(dir, f)));
  }
  const mv = await p.registry.createModelVersion({ name, source: `mlflow-artifacts:/${root}`, runId });
  return mv.version;
}

/** Telco rows as request records, optionally changed (e.g. a shifted column). */
export function records(
  w: TelcoWorld,
  rows: readonly number[],
  change?: (r: Record<string, unknown>) => void,
): Record<string, unknown>[] {
  return rows.map((i) => {
    const r = telcoRecord(w.telco, i);
    change?.(r);
    return r;
  });
}

/** Log scored records as one request of the primary at `time`; returns the request id. */
export async function logRequest(
  w: TelcoWorld,
  deployment: string,
  model: { name: string; version: string },
  recs: Record<string, unknown>[],
  time: number,
): Promise<string> {
  const requestId = randomUUID();
  const scores = w.predictor.predict(parseScoringJson({ dataframe_records: recs }, w.pkg.signature));
  await w.log.appendPredictions(
    recs.map((rec, row) => ({
      deployment,
      requestId,
      row,
      variant: "primary" as const,
      shadow: false,
      modelName: model.name,
      modelVersion: model.version,
      inputs: JSON.stringify(rec),
      score: scores[row] as number,
      label: (scores[row] as number) >= 0.5 ? "Yes" : "No",
      time,
      latencyMs: 1,
    })),
  );
  return requestId;
}

/** Send the true outcomes of a logged request's rows (telco row `rows[k]` for request row k), optionally flipped. */
export async function sendOutcomes(
  w: TelcoWorld,
  deployment: string,
  requestId: string,
  rows: readonly number[],
  time: number,
  flip = false,
): Promise<void> {
  const churn = w.telco.column("Churn");
  if (!churn) throw new Error("no Churn column");
  await w.log.appendFeedback(
    rows.map((i, row) => {
      const yes = outcomeClass(cell(churn, i), "Yes") === 1;
      return { id: randomUUID(), deployment, requestId, row, outcome: yes !== flip ? "Yes" : "No", time };
    }),
  );
}

function cell(c: Column, i: number): string {
  return String(valueAt(c, i));
}
