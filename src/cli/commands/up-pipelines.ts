/** The pipelines `modelworks up --pipeline FILE` runs from their triggers (cron, folder, git, alert). */
import { dirname, resolve } from "node:path";
import { systemClock } from "../../core/clock.js";
import type { Alert } from "../../monitoring/live/monitor.js";
import type { PipelineService } from "../../pipelines/pipeline-service.js";
import type { PipelineSpec } from "../../pipelines/pipeline-spec.js";
import type { FiredTrigger } from "../../pipelines/triggers/trigger-scheduler.js";
import { TriggerScheduler } from "../../pipelines/triggers/trigger-scheduler.js";
import type { HooksRoutesOptions } from "../../server/hooks-routes.js";
import type { CliIo } from "../cli-context.js";
import { CliError } from "../cli-context.js";

/** Loaded pipeline files, their scheduler and the hooks `up` wires into the server and monitoring. */
export interface UpPipelines {
  specs: readonly PipelineSpec[];
  scheduler: TriggerScheduler;
  hooks: HooksRoutesOptions;
  /** Start the pipelines an alert names (its rule's `pipeline`) or whose alert trigger matches it. */
  onAlertFired(alert: Alert): Promise<string[]>;
}

/**
 * Parse every file (a bad one fails `up`), resolve folder triggers against the file's folder, and
 * build a scheduler whose runs go through `service` (its queue/skip policy applies).
 */
export async function loadUpPipelines(
  files: readonly string[],
  service: PipelineService,
  io: CliIo,
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
    warn: (m) => io.err(`warning: ${m}`),
  });
  return {
    specs,
    scheduler,
    hooks: {
      pipelines: () => specs,
      secret: (n) => env[n],
      onGitPush: (payload, auth) => scheduler.onGitPush(payload, auth),
    },
    async onAlertFired(alert) {
      const started = await scheduler.onAlert({
        deployment: alert.deployment,
        rule: alert.rule,
        message: alert.message,
      });
      if (alert.pipeline !== undefined && !started.includes(alert.pipeline)) {
        if (!byName.has(alert.pipeline)) {
          io.err(`warning: alert ${alert.rule} on ${alert.deployment} names pipeline '${alert.pipeline}', not loaded`);
        } else {
          await start(alert.pipeline, {
            trigger: { type: "alert", deployment: alert.deployment, rule: alert.rule },
            reason: `alert ${alert.rule} on ${alert.deployment}: ${alert.message}`,
            data: { deployment: alert.deployment, rule: alert.rule, message: alert.message, alert_id: alert.id },
          });
          started.push(alert.pipeline);
        }
      }
      return started;
    },
  };
}
