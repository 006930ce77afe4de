/** The flags choosing where pipelines' `container` steps run (`pipeline run|resume`, `up`). */
import { cliBackend, removeLeftContainer } from "../../pipelines/containers/cli-backend.js";
import type { ContainerBackend, ContainerRemover } from "../../pipelines/containers/container-job.js";
import type { KubeApi } from "../../pipelines/containers/kube-api.js";
import { deleteLeftJob, kubeBackend } from "../../pipelines/containers/kube-backend.js";
import { kubeClient } from "../../pipelines/containers/kube-client.js";
import type { StepExecutor } from "../../pipelines/step-executor.js";
import { containerExecutor } from "../../pipelines/steps/container-step.js";
import { CliError } from "../cli-context.js";

export const CONTAINER_FLAGS = {
  "container-backend": { type: "string" },
  "kube-namespace": { type: "string" },
  kubeconfig: { type: "string" },
  "kube-context": { type: "string" },
  "container-tracking-uri": { type: "string" },
} as const;

export const CONTAINER_HELP = `Container steps ('type: container'):
  --container-backend docker|podman|kubernetes  where they run (default docker, or
                 MODELWORKS_CONTAINER_BACKEND): 'docker run --rm' / 'podman run --rm' on this machine,
                 or a Kubernetes Job per attempt (logs streamed, deleted on cancel or timeout);
                 what a crashed process's step left is deleted when its run is taken over
  --kube-namespace NS   the Jobs' namespace (default default)
  --kubeconfig FILE     the cluster (default: KUBECONFIG, in-cluster service account, ~/.kube/config)
  --kube-context NAME   a context of the kubeconfig other than its current one
  --container-tracking-uri URL  MLFLOW_TRACKING_URI inside containers (the platform's address as
                 they reach it; default none)`;

type Values = { [K in keyof typeof CONTAINER_FLAGS]?: string | undefined };

/**
 * The `container` executor the flags describe (the Kubernetes client is made on the first step),
 * with `remove`, which deletes what a crashed process's container step left: a Job on the cluster
 * the flags name, or a container through the CLI that started it.
 */
export function containerExecutorOf(
  values: Values,
  env: NodeJS.ProcessEnv,
): StepExecutor & { remove: ContainerRemover } {
  const kind = values["container-backend"] ?? env.MODELWORKS_CONTAINER_BACKEND ?? "docker";
  if (!["docker", "podman", "kubernetes"].includes(kind)) {
    throw new CliError(`--container-backend must be docker, podman or kubernetes, got '${kind}'`);
  }
  const trackingUri = values["container-tracking-uri"];
  let backend: Promise<ContainerBackend> | undefined;
  let client: Promise<KubeApi> | undefined;
  const kube = (): Promise<KubeApi> => {
    const kubeconfig = values.kubeconfig ?? env.KUBECONFIG;
    client ??= kubeClient({
      ...(kubeconfig ? { kubeconfig } : {}),
      ...(values["kube-context"] ? { context: values["kube-context"] } : {}),
    }).catch((e: unknown) => {
      client = undefined;
      throw e;
    });
    return client;
  };
  const open = async (): Promise<ContainerBackend> => {
    if (kind !== "kubernetes") return cliBackend({ cli: kind, env });
    return kubeBackend({ api: await kube(), namespace: values["kube-namespace"] ?? "default" });
  };
  return {
    remove: async (started) => {
      if (started.backend === "kubernetes") return deleteLeftJob(await kube(), started);
      // The record names the CLI to run: only the two this command can start containers with.
      if (started.cli !== "docker" && started.cli !== "podman")
        throw new Error(`the step's record names container CLI '${started.cli}'; only docker and podman are run`);
      return removeLeftContainer(started.cli, started.name, env);
    },
    async run(ctx) {
      backend ??= open();
      const b = await backend.catch((e: unknown) => {
        backend = undefined;
        throw new Error(`the ${kind} container backend cannot start: ${(e as Error).message}`);
      });
      return containerExecutor({ backend: b, env, ...(trackingUri ? { trackingUri } : {}) }).run(ctx);
    },
  };
}
