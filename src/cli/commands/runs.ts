/** `modelworks runs ls|show RUN` */
import { parseArgs } from "node:util";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, connect, table, when } from "../cli-context.js";
import { formatReproduce, reproduceRun } from "./reproduce.js";
import { retrievalTarget } from "./training-features.js";

export const RUNS_HELP = `Usage:
  modelworks runs ls [--experiment NAME|--experiment-id ID] [--filter EXPR] [--order-by KEY]... [--max N] [--json]
  modelworks runs show RUN [--json]
  modelworks runs reproduce RUN [--json]    re-fit a 'modelworks train' run and compare bytes and metrics
                                            (exit 1 when anything differs)

Lists and shows tracked runs. --filter takes MLflow's search grammar,
e.g. "metrics.auc > 0.8 and params.algo = 'gbdt'".
Connection: --tracking-uri URL (or MODELWORKS_TRACKING_URI) talks to a server;
otherwise the embedded store in --home / MODELWORKS_HOME (default ./.modelworks).`;

/** Run the `runs` command. */
export async function runsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONNECTION_FLAGS,
      experiment: { type: "string" },
      "experiment-id": { type: "string" },
      filter: { type: "string" },
      "order-by": { type: "string", multiple: true },
      max: { type: "string" },
    },
  });
  const [sub, runId] = positionals;
  if (values.help || !sub) {
    io.out(RUNS_HELP);
    return values.help ? 0 : 2;
  }
  const conn = await connect(values, io);
  try {
    if (sub === "ls") return await listRuns(conn.api, values, io);
    if (sub === "show") {
      if (!runId) throw new CliError("runs show needs a RUN id");
      const { run } = await conn.api.getRun({ run_id: runId });
      if (values.json) io.out(JSON.stringify(run, null, 2));
      else io.out(describeRun(run));
      return 0;
    }
    if (sub === "reproduce") {
      if (!runId) throw new CliError("runs reproduce needs a RUN id");
      const report = await reproduceRun(conn, runId, io.cwd, retrievalTarget(conn, values, io));
      io.out(values.json ? JSON.stringify(report, null, 2) : formatReproduce(report));
      return report.identical ? 0 : 1;
    }
    throw new CliError(`unknown subcommand 'runs ${sub}' (expected ls, show or reproduce)`);
  } finally {
    await conn.close();
  }
}

async function listRuns(
  api: Awaited<ReturnType<typeof connect>>["api"],
  v: {
    experiment?: string;
    "experiment-id"?: string;
    filter?: string;
    "order-by"?: string[];
    max?: string;
    json?: boolean;
  },
  io: CliIo,
): Promise<number> {
  let experimentIds: string[];
  if (v["experiment-id"]) experimentIds = [v["experiment-id"]];
  else if (v.experiment)
    experimentIds = [(await api.getExperimentByName({ experiment_name: v.experiment })).experiment.experiment_id];
  else
    experimentIds = ((await api.searchExperiments({ max_results: 50000 })).experiments ?? []).map(
      (e) => e.experiment_id,
    );
  const max = v.max === undefined ? 100 : Number(v.max);
  if (!Number.isInteger(max) || max < 1) throw new CliError(`--max must be a positive integer, got '${v.max}'`);
  const res = await api.searchRuns({
    experiment_ids: experimentIds,
    filter: v.filter,
    order_by: v["order-by"],
    max_results: max,
  });
  const runs = res.runs ?? [];
  if (v.json) {
    io.out(JSON.stringify({ runs, next_page_token: res.next_page_token ?? null }, null, 2));
    return 0;
  }
  const rows = runs.map((r) => [
    r.info.run_id,
    r.info.run_name,
    r.info.experiment_id,
    r.info.status,
    when(r.info.start_time),
    (r.data.metrics ?? [])
      .slice(0, 4)
      .map((m) => `${m.key}=${typeof m.value === "number" ? +m.value.toPrecision(6) : m.value}`)
      .join(" "),
  ]);
  io.out(table(["RUN ID", "NAME", "EXP", "STATUS", "STARTED", "METRICS"], rows));
  if (res.next_page_token) io.out(`(more runs: raise --max)`);
  return 0;
}

function describeRun(run: Awaited<ReturnType<Awaited<ReturnType<typeof connect>>["api"]["getRun"]>>["run"]): string {
  const i = run.info;
  const lines = [
    `Run ${i.run_id}  (${i.run_name})`,
    `  experiment: ${i.experiment_id}   status: ${i.status}   lifecycle: ${i.lifecycle_stage}`,
    `  started: ${when(i.start_time)}   ended: ${when(i.end_time)}`,
    `  artifacts: ${i.artifact_uri}`,
  ];
  const section = (title: string, items: { key: string; value: unknown }[] | undefined) => {
    if (!items?.length) return;
    lines.push(`${title}:`);
    for (const x of items) lines.push(`  ${x.key} = ${String(x.value)}`);
  };
  section("params", run.data.params);
  section("metrics", run.data.metrics);
  section(
    "tags",
    run.data.tags?.filter((t) => t.key !== "mlflow.log-model.history"),
  );
  for (const d of run.inputs.dataset_inputs ?? [])
    lines.push(`input: ${d.dataset.name} @ ${d.dataset.digest} (${d.dataset.source_type})`);
  return lines.join("\n");
}
