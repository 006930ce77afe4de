/**
 * The `container` step: run an image on the platform's container backend (a Kubernetes Job, or a
 * local `docker`/`podman run`), its output in the step log with secret values masked. Its outputs
 * name the backend and the Job or container; a non-zero exit fails the attempt (retries apply).
 */
import type { ContainerBackend } from "../containers/container-job.js";
import { containerJob } from "../containers/container-job.js";
import type { StepContainer } from "../run-store.js";
import type { StepExecutor } from "../step-executor.js";
import { maskSecrets } from "./command-env.js";

export interface ContainerExecutorOptions {
  backend: ContainerBackend;
  /** The platform process's environment, where `secret_env` values are read. */
  env: NodeJS.ProcessEnv;
  /** The tracking server's address as containers reach it (MLFLOW_TRACKING_URI inside them), if any. */
  trackingUri?: string;
}

/** The `container` executor over one backend. */
export function containerExecutor(o: ContainerExecutorOptions): StepExecutor {
  return {
    async run(ctx) {
      const job = containerJob(ctx, o.env, o.trackingUri);
      const log = (line: string) => ctx.log(maskSecrets(line, job.secrets));
      const record = (started: StepContainer, gone?: boolean) => ctx.onContainer?.(started, gone) ?? Promise.resolve();
      await o.backend.run(job, { log, signal: ctx.signal, record });
      return { backend: o.backend.kind, name: job.name, image: job.image };
    },
  };
}
