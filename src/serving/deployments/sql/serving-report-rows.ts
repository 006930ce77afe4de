/** SQL for serving reports (table `serving_reports`, serving migration 2), shared by the deployment store. */
import type { Queryable, SqlValue } from "../../../core/db/database.js";
import type { ServedModel, ServingReport } from "../serving-report.js";

const COLUMNS =
  "instance, deployment, kind, host, pid, url, served_json, candidate_weight, shadow, generation, last_error, started_time, seen_time";

interface ReportRow {
  instance: string;
  deployment: string;
  kind: string;
  host: string;
  pid: number | string;
  url: string | null;
  served_json: string;
  candidate_weight: number | string;
  shadow: number | string;
  generation: number | string;
  last_error: string | null;
  started_time: number | string;
  seen_time: number | string;
}

/** Insert or refresh each report (one statement per report; the caller holds the transaction). */
export async function upsertReports(tx: Queryable, reports: readonly ServingReport[]): Promise<void> {
  for (const r of reports) {
    const values: SqlValue[] = [
      r.instance,
      r.deployment,
      r.kind,
      r.host,
      r.pid,
      r.url ?? null,
      JSON.stringify(r.served),
      r.candidateWeight,
      r.shadow ? 1 : 0,
      r.generation,
      r.lastError ?? null,
      r.startedTime,
      r.seenTime,
    ];
    await tx.run(
      `INSERT INTO serving_reports (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (instance, deployment) DO UPDATE SET url = excluded.url, served_json = excluded.served_json,
         candidate_weight = excluded.candidate_weight, shadow = excluded.shadow, generation = excluded.generation,
         last_error = excluded.last_error, seen_time = excluded.seen_time`,
      values,
    );
  }
}

/** A deployment's reports, newest process first. */
export async function selectReports(db: Queryable, deployment: string): Promise<ServingReport[]> {
  const rows = await db.all<ReportRow>(
    `SELECT ${COLUMNS} FROM serving_reports WHERE deployment = ? ORDER BY started_time DESC, instance`,
    [deployment],
  );
  return rows.map(toReport);
}

function toReport(r: ReportRow): ServingReport {
  return {
    instance: r.instance,
    deployment: r.deployment,
    kind: r.kind === "serve" ? "serve" : "up",
    host: r.host,
    pid: Number(r.pid),
    ...(r.url !== null ? { url: r.url } : {}),
    served: JSON.parse(r.served_json) as ServedModel[],
    candidateWeight: Number(r.candidate_weight),
    shadow: Number(r.shadow) === 1,
    generation: Number(r.generation),
    ...(r.last_error !== null ? { lastError: r.last_error } : {}),
    startedTime: Number(r.started_time),
    seenTime: Number(r.seen_time),
  };
}
