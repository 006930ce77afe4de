/** The pipeline service wired to an embedded platform, as `pipeline`, `up` and `demo` use it. */
import { join } from "node:path";
import { systemClock } from "../../core/clock.js";
import { gitCommitOf } from "../../data/versions/git-commit.js";
import type { Algo } from "../../learn/train/train-params.js";
import { paramsAsStrings, resolveTaskParams } from "../../learn/train/train-params.js";
import type { ContainerRemover } from "../../pipelines/containers/container-job.js";
import { stepExecutors } from "../../pipelines/executors.js";
import { pipelineNotifier } from "../../pipelines/notify.js";
import { PipelineRunner } from "../../pipelines/pipeline-runner.js";
import { PipelineService } from "../../pipelines/pipeline-service.js";
import { RunLeases } from "../../pipelines/run-lease.js";
import type { StepExecutor } from "../../pipelines/step-executor.js";
import { deployExecutor } from "../../pipelines/steps/deploy.js";
import { evaluateExecutor } from "../../pipelines/steps/evaluate.js";
import type { GateExecutorDeps } from "../../pipelines/steps/gate-executor.js";
import { gateExecutor } from "../../pipelines/steps/gate-executor.js";
import { registerExecutor } from "../../pipelines/steps/register.js";
import type { Trainer } from "../../pipelines/steps/train-step.js";
import { loadVersion } from "../../serving/model-resolver.js";
import type { Connection } from "../cli-context.js";
import { CliError } from "../cli-context.js";
import { lockfileDigest } from "./train.js";
import { loadTrainingData } from "./training-data.js";
import { runTraining } from "./training-run.js";

/**
 * The pipeline service on an embedded platform with every built-in step type: `command`, `ingest`,
 * `validate`, `train` (as `modelworks train` does), `evaluate` and `gate` (models loaded as `predict` does,
 * eval data as `train --eval`), `register` and `deploy`. `notify` receives one line per rejected
 * challenger, the `log` notify target's lines and notification warnings.
 */
export function pipelineService(
  conn: Connection,
  home: string,
  env: NodeJS.ProcessEnv,
  notify: (line: string) => void,
  /** The tracking server `command` steps log to (MLFLOW_TRACKING_URI), once it listens. */
  trackingUri?: () => string | undefined,
  /** A token for that server (MLFLOW_TRACKING_TOKEN), when it checks callers. */
  trackingToken?: () => string | undefined,
  /**
   * The `container` step executor (see `container-flags.ts`) and what deletes the Jobs or containers
   * a crashed process's steps left; without it container steps fail.
   */
  container?: StepExecutor & { remove?: ContainerRemover },
): PipelineService {
  const platform = conn.platform;
  if (!platform) throw new CliError("pipelines need the embedded store");
  const store = platform.pipelineRuns;
  const cacheDir = join(home, "serving-cache");
  const loaders: Pick<GateExecutorDeps, "loadModel" | "loadEval"> = {
    loadModel: (name, version) => loadVersion(name, version, { ...platform, cacheDir }),
    loadEval: async (ref, workDir) => {
      const data = await loadTrainingData(ref, workDir, platform, "evaluation");
      return { table: data.table, ref: data.ref, digest: data.digest };
    },
  };
  const gate = gateExecutor({
    registry: platform.registry,
    ...loaders,
    notify: (n) =>
      notify(
        `pipeline run ${n.pipelineRunId} step ${n.step}: ${n.model}/${n.candidate} not promoted over ${n.champion === null ? "no champion" : `champion ${n.model}/${n.champion}`}: ${n.reason}`,
      ),
  });
  const deploy = deployExecutor({
    rollouts: platform.rollouts,
    deployments: platform.deployments,
    registry: platform.registry,
  });
  const runner = new PipelineRunner({
    store,
    executors: stepExecutors({ env, datasets: platform.datasets, train: cliTrainer(conn) }, [
      ["gate", gate],
      ["deploy", deploy],
      ["evaluate", evaluateExecutor({ registry: platform.registry, tracking: platform.tracking, ...loaders })],
      ["register", registerExecutor({ registry: platform.registry, tracking: platform.tracking })],
      ...(container ? [["container", container] as const] : []),
    ]),
    workRoot: join(home, "pipelines"),
    tracking: platform.tracking,
    ...(trackingUri ? { trackingUri } : {}),
    ...(trackingToken ? { trackingToken } : {}),
  });
  const leaseMs = Number(env.MODELWORKS_PIPELINE_LEASE_MS ?? "");
  const containers = container?.remove ? { remove: container.remove, warn: notify } : undefined;
  const leases = new RunLeases({
    leases: platform.leases,
    ...(containers ? { containers } : {}),
    store,
    clock: systemClock,
    ...(Number.isFinite(leaseMs) && leaseMs >= 100 ? { ttlMs: leaseMs, pollMs: Math.min(1000, leaseMs / 4) } : {}),
  });
  const notifier = pipelineNotifier({ log: notify, warn: notify, env, outbound: platform.outbound });
  return new PipelineService({
    runner,
    store,
    leases,
    notify: notifier,
    outbound: platform.outbound,
    ...(containers ? { containers } : {}),
  });
}

/** `train` steps do what `modelworks train` does, in the same process. */
function cliTrainer(conn: Connection): Trainer {
  return async (req) => {
    const params = resolveTaskParams(req.task ?? "binary", req.algo as Algo, req.params);
    const data = await loadTrainingData(req.data, req.cwd, conn.platform, "training");
    const evalData = req.eval ? await loadTrainingData(req.eval, req.cwd, conn.platform, "evaluation") : undefined;
    const commit = await gitCommitOf(req.cwd);
    const lock = await lockfileDigest();
    return runTraining(conn, {
      data,
      evalData,
      label: req.label,
      algo: req.algo,
      params,
      seed: req.seed,
      experiment: req.experiment,
      register: req.register,
      positive: req.positive,
      slice: req.slice,
      tags: [
        { key: "mlflow.source.name", value: "modelworks pipeline" },
        { key: "mlflow.source.type", value: "LOCAL" },
        ...(commit ? [{ key: "mlflow.source.git.commit", value: commit }] : []),
        { key: "modelworks.data_digest", value: data.digest },
        { key: "modelworks.seed", value: String(req.seed) },
        ...(lock ? [{ key: "modelworks.lockfile_digest", value: lock }] : []),
        ...req.tags,
      ],
      paramList: [
        { key: "algo", value: req.algo },
        { key: "label", value: req.label },
        { key: "data", value: data.ref },
        ...(evalData ? [{ key: "eval_data", value: evalData.ref }] : []),
        ...paramsAsStrings(params),
      ],
      progress: req.log,
    });
  };
}
