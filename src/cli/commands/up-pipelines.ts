/** The pipelines `modelworks up --pipeline FILE` runs from their triggers (cron, folder, git, alert, registry). */
import { dirname, resolve } from "node:path";
import { systemClock } from "../../core/clock.js";
import type { LeaseKeeper } from "../../core/leases/lease-keeper.js";
import type { Alert } from "../../monitoring/live/monitor.js";
import type { PipelineService, PipelineStarter } from "../../pipelines/pipeline-service.js";
import type { PipelineSpec } from "../../pipelines/pipeline-spec.js";
import { GitDeliveries } from "../../pipelines/triggers/git-deliveries.js";
import type { RegistryReader } from "../../pipelines/triggers/registry-watch.js";
import type { FiredTrigger } from "../../pipelines/triggers/trigger-scheduler.js";
import { alertTriggerFor, TriggerScheduler } from "../../pipelines/triggers/trigger-scheduler.js";
import type { HooksRoutesOptions } from "../../server/hooks-routes.js";
import type { CliIo } from "../cli-context.js";
import { CliError } from "../cli-context.js";

/** Loaded pipeline files, their scheduler and the hooks `up` wires into the server and monitoring. */
export interface UpPipelines {
  specs: readonly PipelineSpec[];
  scheduler: TriggerScheduler;
  hooks: HooksRoutesOptions;
  /** Start the pipelines whose alert trigger matches an alert (a rule naming another one is a warning). */
  onAlertFired(alert: Alert): Promise<string[]>;
  /** Why a monitor rule may not name a pipeline: it is not loaded, or has no alert trigger accepting the rule. */
  pipelineProblem(pipeline: string, deployment: string, rule: string): string | undefined;
  /** Starts a loaded pipeline by name (the platform API's start route). */
  starter: PipelineStarter;
  /** Stop the triggers and the runs executing here (their commands' process groups included). */
  shutdown(): Promise<void>;
}

/**
 * Parse every file (a bad one fails `up`), resolve folder triggers against the file's folder, and
 * build a scheduler whose runs go through `service` (its queue/skip policy applies).
 */
export async function loadUpPipelines(
  files: readonly string[],
  service: PipelineService,
  io: CliIo,
  registry?: RegistryReader,
  leases?: LeaseKeeper,
): Promise<UpPipelines> {
  const specs: PipelineSpec[] = [];
  const paths = new Map<string, string>();
  for (const file of files) {
    const abs = resolve(io.cwd, file);
    const spec = await service.load(abs);
    if (paths.has(spec.name)) throw new CliError(`two --pipeline files name the pipeline '${spec.name}'`);
    paths.set(spec.name, abs);
    specs.push({
      ...spec,
      triggers: spec.triggers.map((t) => (t.type === "folder" ? { ...t, path: resolve(dirname(abs), t.path) } : t)),
    });
  }
  const byName = new Map(specs.map((s) => [s.name, s]));
  /** Why a monitor rule of `deployment` may not name `pipeline` (the pipeline file decides what starts it). */
  const pipelineProblem = (pipeline: string, deployment: string, rule: string): string | undefined => {
    const spec = byName.get(pipeline);
    if (!spec) return "no --pipeline file of this server defines it";
    if (alertTriggerFor(spec, deployment, rule)) return undefined;
    return `it has no alert trigger for ${rule} on ${deployment} (add '- alert: {deployment: ${deployment}, rule: ${rule}}' to its triggers)`;
  };
  // A previous `up` killed mid-run: its runs are interrupted now, and what their commands left running is stopped.
  for (const id of await service.recover([...byName.keys()])) {
    io.err(
      `pipeline run ${id} was interrupted (the process running it stopped); resume it with 'modelworks pipeline resume ${id}'`,
    );
  }
  const env = { ...process.env, ...io.env };

  const start = async (name: string, fired: FiredTrigger): Promise<void> => {
    const spec = byName.get(name);
    if (!spec) throw new Error(`no --pipeline file defines '${name}'`);
    // Trigger details a pipeline declares as params (e.g. `file` of a folder trigger) are passed in.
    const params = Object.fromEntries(Object.entries(fired.data).filter(([k]) => k in spec.params));
    // A refusal (concurrency 'skip', bad params) rejects here, before the run exists; the run goes on.
    const { run, done } = await service.start(spec, {
      specPath: paths.get(name) as string,
      params,
      trigger: fired.trigger.type,
      triggerData: fired.data,
      ...(fired.delivery ? { delivery: fired.delivery } : {}),
    });
    io.err(`pipeline ${name}: started run ${run.id} (${fired.reason})`);
    done.then(
      (r) => io.err(`pipeline ${name} run ${r.id}: ${r.status}${r.error ? ` (${r.error})` : ""}`),
      (e: unknown) => io.err(`warning: pipeline ${name}: ${(e as Error).message}`),
    );
  };

  const scheduler = new TriggerScheduler(specs, {
    clock: systemClock,
    start,
    secret: (n) => env[n],
    ...(registry ? { registry } : {}),
    deliveries: new GitDeliveries({ stored: (keys) => service.deliverySeen(keys) }),
    ...(leases ? { leases } : {}),
    warn: (m) => io.err(`warning: ${m}`),
  });
  const starter: PipelineStarter = {
    has: (name) => byName.has(name),
    async start(name, params) {
      const spec = byName.get(name);
      if (!spec) throw new Error(`no --pipeline file defines '${name}'`);
      const { run, done } = await service.start(spec, { specPath: paths.get(name) as string, params, trigger: "api" });
      io.err(`pipeline ${name}: started run ${run.id} (platform API)`);
      done.then(
        (r) => io.err(`pipeline ${name} run ${r.id}: ${r.status}${r.error ? ` (${r.error})` : ""}`),
        (e: unknown) => io.err(`warning: pipeline ${name}: ${(e as Error).message}`),
      );
      return run;
    },
  };
  return {
    specs,
    scheduler,
    starter,
    async shutdown() {
      scheduler.stop();
      await service.shutdown();
    },
    hooks: {
      pipelines: () => specs,
      secret: (n) => env[n],
      onGitPush: (payload, auth) => scheduler.onGitPush(payload, auth),
    },
    pipelineProblem,
    async onAlertFired(alert) {
      const started = await scheduler.onAlert({
        deployment: alert.deployment,
        rule: alert.rule,
        message: alert.message,
        id: alert.id,
      });
      // A rule naming a pipeline starts it only through the pipeline's own alert trigger (above).
      if (alert.pipeline !== undefined && !started.includes(alert.pipeline)) {
        const why = pipelineProblem(alert.pipeline, alert.deployment, alert.rule) ?? "its start was refused";
        io.err(
          `warning: alert ${alert.rule} on ${alert.deployment} names pipeline '${alert.pipeline}', not started: ${why}`,
        );
      }
      return started;
    },
  };
}
