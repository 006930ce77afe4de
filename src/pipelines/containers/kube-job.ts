/**
 * The batch/v1 Job a `container` step runs as on Kubernetes: one pod that is never restarted or
 * retried by Kubernetes (`backoffLimit: 0`, `restartPolicy: Never`; the pipeline's own retries
 * apply), killed at the step's timeout (`activeDeadlineSeconds`), non-root with no privilege
 * escalation and no capabilities, resources requested and limited, deleted an hour after it ends.
 */
import type { ContainerJob } from "./container-job.js";

/** Settings of the cluster side that the step does not choose. */
export interface KubeJobSettings {
  namespace: string;
  /** The pod's service account (default: the namespace's `default`). */
  serviceAccount?: string;
  /** The user id the container runs as (default 65532, a common non-root id of distroless images). */
  runAsUser?: number;
  /** How long a finished Job is kept for inspection (default 3600 s). */
  ttlSecondsAfterFinished?: number;
}

/** The container's name inside the pod (log streaming names it). */
export const CONTAINER_NAME = "step";

/** The Job manifest (plain JSON, as the API server takes it). */
export function kubeJobManifest(job: ContainerJob, s: KubeJobSettings): Record<string, unknown> {
  const user = s.runAsUser ?? 65532;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: job.name, namespace: s.namespace, labels: job.labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: Math.max(1, Math.ceil(job.timeoutMs / 1000)),
      ttlSecondsAfterFinished: s.ttlSecondsAfterFinished ?? 3600,
      template: {
        metadata: { labels: job.labels },
        spec: {
          restartPolicy: "Never",
          ...(s.serviceAccount ? { serviceAccountName: s.serviceAccount } : {}),
          // A step talks to the platform through its own token, never the pod's API credentials.
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: user,
            runAsGroup: user,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [container(job)],
        },
      },
    },
  };
}

function container(job: ContainerJob): Record<string, unknown> {
  return {
    name: CONTAINER_NAME,
    image: job.image,
    ...(job.command ? { command: job.command } : {}),
    ...(job.args ? { args: job.args } : {}),
    env: job.env.map((v) =>
      "secretRef" in v
        ? { name: v.name, valueFrom: { secretKeyRef: { name: v.secretRef.name, key: v.secretRef.key } } }
        : { name: v.name, value: v.value },
    ),
    ...(job.resources ? { resources: resources(job.resources) } : {}),
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
    },
  };
}

/** Requests equal limits: the step gets what it asked for and no more (Guaranteed QoS when both are set). */
function resources(r: NonNullable<ContainerJob["resources"]>): Record<string, unknown> {
  const amounts = { ...(r.cpu ? { cpu: r.cpu } : {}), ...(r.memory ? { memory: r.memory } : {}) };
  return { requests: amounts, limits: amounts };
}
