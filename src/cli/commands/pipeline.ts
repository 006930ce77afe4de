/** `modelworks pipeline run|ls|show|resume|cancel`: run pipeline YAML files on the embedded store. */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../../core/config.js";
import { formatDuration } from "../../core/duration.js";
import type { PipelineService } from "../../pipelines/pipeline-service.js";
import type { StepEvent } from "../../pipelines/run-execution.js";
import type { PipelineRun, StepRun } from "../../pipelines/run-store.js";
import type { StepExecutor } from "../../pipelines/step-executor.js";
import { buildApp } from "../../server/app.js";
import { VERSION } from "../../version.js";
import type { CliIo, Connection } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, connect, table, when } from "../cli-context.js";
import { OUTBOUND_FLAGS, OUTBOUND_HELP, outboundPolicyOf } from "../outbound-flags.js";
import { pipelineStepToken, serverAuthPolicy } from "../server-auth.js";
import { CONTAINER_FLAGS, CONTAINER_HELP, containerExecutorOf } from "./container-flags.js";
import { pipelineService } from "./pipeline-wiring.js";

export const PIPELINE_HELP = `Usage:
  modelworks pipeline run FILE [--param k=v]... [--json]   run a pipeline file (exit 1 when it fails)
  modelworks pipeline ls [--pipeline NAME] [--json]          recent runs
  modelworks pipeline show RUN [--json]                      steps: status, attempts, duration, outputs, log tail
  modelworks pipeline resume RUN [--json]                    rerun what did not succeed in a failed, cancelled or crashed run
  modelworks pipeline cancel RUN                             stop a queued or running run (in any process)

Steps run in dependency order (two at a time), with retries, timeouts and, for steps with
'cache: true', reuse of an earlier result whose cache key (step definition, input bytes, params,
git commit) is the same. One run per pipeline at a time across processes ('concurrency: queue'
waits, 'skip' refuses); a run whose process stopped is marked interrupted when the next one
starts. Runs use the embedded store in --home / MODELWORKS_HOME. Webhook and Slack 'notify' targets
(and a deploy step's rollout 'notify') must be allowed (run and resume):
${OUTBOUND_HELP}
${CONTAINER_HELP}`;

/** Run the `pipeline` command. */
export async function pipelineCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONNECTION_FLAGS,
      ...OUTBOUND_FLAGS,
      ...CONTAINER_FLAGS,
      param: { type: "string", multiple: true },
      pipeline: { type: "string" },
    },
  });
  const [sub, arg] = positionals;
  if (values.help || !sub) {
    io.out(PIPELINE_HELP);
    return values.help ? 0 : 2;
  }
  if (!["run", "ls", "show", "resume", "cancel"].includes(sub)) {
    throw new CliError(`unknown subcommand 'pipeline ${sub}' (expected run, ls, show, resume or cancel)`);
  }
  if (sub !== "ls" && !arg) throw new CliError(`pipeline ${sub} needs ${sub === "run" ? "a FILE" : "a RUN id"}`);
  const conn = await connect(values, io, { outbound: outboundPolicyOf(values, io) });
  let server: FastifyInstance | undefined;
  let stepToken: Awaited<ReturnType<typeof pipelineStepToken>> | undefined;
  try {
    let trackingUri: string | undefined;
    if ((sub === "run" || sub === "resume") && conn.platform) {
      // `command` steps log to MLflow over HTTP: serve the embedded store on loopback while the run
      // lasts, checking callers like any server; the steps get a token of their own.
      const home = resolveConfig(values, io.env, io.cwd).home;
      const auth = await serverAuthPolicy({}, "127.0.0.1", conn.platform, home, io);
      stepToken = await pipelineStepToken(auth, conn.platform);
      server = await buildApp({ ...conn.platform, auth, auditLog: conn.platform.auditLog, version: VERSION });
      trackingUri = await server.listen({ host: "127.0.0.1", port: 0 });
    }
    const service = openService(
      conn,
      resolveConfig(values, io.env, io.cwd).home,
      io,
      () => trackingUri,
      () => stepToken?.token,
      containerExecutorOf(values, { ...process.env, ...io.env }),
    );
    const progress = values.json ? undefined : (e: StepEvent) => io.out(formatEvent(e));
    if (sub === "ls") {
      const runs = await service.list(values.pipeline ? { pipeline: values.pipeline } : {});
      io.out(values.json ? JSON.stringify(runs.map(runJson), null, 2) : formatRuns(runs));
      return 0;
    }
    if (sub === "show") return await show(service, arg as string, values.json === true, io);
    if (sub === "cancel") {
      const cancelled = await service.cancel(arg as string);
      const note = cancelled.status === "cancelled" ? "cancelled" : "cancel requested; the process running it stops it";
      io.out(values.json ? JSON.stringify(runJson(cancelled), null, 2) : `Pipeline run ${cancelled.id}: ${note}`);
      return 0;
    }
    // Ctrl-C or SIGTERM: the run's commands (in process groups of their own) are stopped, the run ends cancelled.
    const onSignal = () => void service.shutdown();
    process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
    let run: PipelineRun;
    try {
      if (sub === "run") {
        const params = Object.fromEntries((values.param ?? []).map(splitParam));
        run = await service.runFile(resolve(io.cwd, arg as string), {
          params,
          ...(progress ? { onEvent: progress } : {}),
        });
      } else {
        run = await service.resume(arg as string, progress);
      }
    } finally {
      process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    }
    if (values.json) await show(service, run.id, true, io);
    else io.out(`Pipeline ${run.pipeline} run ${run.id}: ${run.status}${run.error ? ` (${run.error})` : ""}`);
    return run.status === "succeeded" ? 0 : 1;
  } finally {
    await server?.close();
    await stepToken?.revoke();
    await conn.close();
  }
}

function openService(
  conn: Connection,
  home: string,
  io: CliIo,
  trackingUri: () => string | undefined,
  trackingToken: () => string | undefined,
  container: StepExecutor,
): PipelineService {
  if (!conn.platform) throw new CliError("pipelines run on the embedded store for now; drop --tracking-uri");
  const env = { ...process.env, ...io.env };
  return pipelineService(conn, home, env, (line) => io.err(line), trackingUri, trackingToken, container);
}

function splitParam(text: string): [string, string] {
  const i = text.indexOf("=");
  if (i <= 0) throw new CliError(`--param must be k=v, got '${text}'`);
  return [text.slice(0, i), text.slice(i + 1)];
}

function formatEvent(e: StepEvent): string {
  const time = new Date().toISOString().slice(11, 19);
  const attempt = e.status === "running" && (e.attempt ?? 1) > 1 ? ` (attempt ${e.attempt})` : "";
  const took = e.durationMs !== undefined ? ` in ${formatDuration(e.durationMs)}` : "";
  const wait = e.status === "retrying" ? ` in ${formatDuration(e.waitMs ?? 0)} after: ${e.error}` : "";
  const why = e.error && e.status !== "retrying" ? `: ${e.error}` : "";
  return `[${time}] ${e.step}: ${e.status}${attempt}${took}${wait}${why}`;
}

async function show(service: PipelineService, runId: string, json: boolean, io: CliIo): Promise<number> {
  const { run, steps } = await service.show(runId);
  if (json) {
    io.out(JSON.stringify({ ...runJson(run), steps: steps.map(stepJson) }, null, 2));
    return 0;
  }
  io.out(`Pipeline ${run.pipeline} run ${run.id}: ${run.status}${run.error ? ` (${run.error})` : ""}`);
  io.out(
    `trigger ${run.trigger}, started ${when(run.startTime)}, ended ${when(run.endTime)}, tracking run ${run.trackingRunId ?? "-"}`,
  );
  io.out("");
  io.out(
    table(
      ["STEP", "STATUS", "ATTEMPTS", "CACHED", "DURATION", "OUTPUTS"],
      steps.map((s) => [
        s.step,
        s.status,
        String(s.attempts),
        s.status === "cached" ? "yes" : "no",
        duration(s) ?? "-",
        s.outputs ? clip(JSON.stringify(s.outputs), 80) : "-",
      ]),
    ),
  );
  for (const s of steps) {
    const tail = s.log.trimEnd().split("\n").slice(-10).join("\n    ");
    if (s.error || tail) io.out(`\n${s.step}${s.error ? ` — ${s.error}` : ""}${tail ? `\n    ${tail}` : ""}`);
  }
  return 0;
}

function duration(s: StepRun): string | undefined {
  return s.startTime !== undefined && s.endTime !== undefined ? formatDuration(s.endTime - s.startTime) : undefined;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function formatRuns(runs: PipelineRun[]): string {
  if (runs.length === 0) return "No pipeline runs.";
  return table(
    ["RUN", "PIPELINE", "STATUS", "TRIGGER", "STARTED", "ENDED"],
    runs.map((r) => [r.id, r.pipeline, r.status, r.trigger, when(r.startTime), when(r.endTime)]),
  );
}

function runJson(r: PipelineRun) {
  return {
    run_id: r.id,
    pipeline: r.pipeline,
    status: r.status,
    trigger: r.trigger,
    params: r.params,
    spec_path: r.specPath ?? null,
    tracking_run_id: r.trackingRunId ?? null,
    created_time: r.createdTime,
    start_time: r.startTime ?? null,
    end_time: r.endTime ?? null,
    error: r.error ?? null,
  };
}

function stepJson(s: StepRun) {
  return {
    step: s.step,
    status: s.status,
    attempts: s.attempts,
    cached: s.status === "cached",
    cache_key: s.cacheKey ?? null,
    outputs: s.outputs ?? null,
    tracking_run_id: s.trackingRunId ?? null,
    start_time: s.startTime ?? null,
    end_time: s.endTime ?? null,
    duration_ms: s.startTime !== undefined && s.endTime !== undefined ? s.endTime - s.startTime : null,
    error: s.error ?? null,
    // The command's process group while it may run (a crashed process's is stopped by the next one).
    process: s.process ? { pid: s.process.pid, process_group: s.process.pgid, host: s.process.host } : null,
    log_tail: s.log.split("\n").slice(-20).join("\n"),
  };
}
