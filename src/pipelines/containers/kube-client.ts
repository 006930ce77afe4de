/**
 * {@link KubeApi} through @kubernetes/client-node (loaded only when a platform runs container steps
 * on Kubernetes). The cluster and credentials come from a kubeconfig file, a kubeconfig's text, or
 * the library's defaults (in-cluster service account, then `~/.kube/config`).
 */
import type { Writable } from "node:stream";
import type { JobStatus, KubeApi, PodView } from "./kube-api.js";

/** Where the client finds its cluster: a kubeconfig path, its text, or (neither) the library's defaults. */
export interface KubeConnection {
  kubeconfig?: string;
  kubeconfigText?: string;
  /** A context of the kubeconfig other than its current one. */
  context?: string;
}

/** A {@link KubeApi} on the cluster `c` names. */
export async function kubeClient(c: KubeConnection): Promise<KubeApi> {
  const k8s = await import("@kubernetes/client-node");
  const kc = new k8s.KubeConfig();
  if (c.kubeconfigText !== undefined) kc.loadFromString(c.kubeconfigText);
  else if (c.kubeconfig !== undefined) kc.loadFromFile(c.kubeconfig);
  else kc.loadFromDefault();
  if (c.context) kc.setCurrentContext(c.context);
  const batch = kc.makeApiClient(k8s.BatchV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const logs = new k8s.Log(kc);
  return {
    async createJob(namespace, manifest) {
      await batch.createNamespacedJob({
        namespace,
        body: manifest as unknown as import("@kubernetes/client-node").V1Job,
      });
    },
    async readJobStatus(namespace, name): Promise<JobStatus> {
      const job = await batch.readNamespacedJobStatus({ name, namespace });
      const s = job.status ?? {};
      return {
        ...(s.active !== undefined ? { active: s.active } : {}),
        ...(s.succeeded !== undefined ? { succeeded: s.succeeded } : {}),
        ...(s.failed !== undefined ? { failed: s.failed } : {}),
        conditions: (s.conditions ?? []).map((c) => ({
          type: c.type,
          status: c.status,
          ...(c.reason ? { reason: c.reason } : {}),
          ...(c.message ? { message: c.message } : {}),
        })),
      };
    },
    async listPods(namespace, labelSelector): Promise<PodView[]> {
      const list = await core.listNamespacedPod({ namespace, labelSelector });
      return list.items.map((p) => ({
        name: p.metadata?.name ?? "",
        ...(p.status?.phase ? { phase: p.status.phase } : {}),
        containers: (p.status?.containerStatuses ?? []).map((c) => ({
          name: c.name,
          ...(c.state?.waiting
            ? { waiting: { reason: c.state.waiting.reason, message: c.state.waiting.message } }
            : {}),
          ...(c.state?.terminated
            ? {
                terminated: {
                  exitCode: c.state.terminated.exitCode,
                  reason: c.state.terminated.reason,
                  message: c.state.terminated.message,
                },
              }
            : {}),
        })),
      }));
    },
    async followLog(namespace, pod, container, out: Writable) {
      // Its AbortController is left alone: aborting makes the response body emit an error nothing
      // listens to. The server ends the stream when the container exits or the Job is deleted.
      await logs.log(namespace, pod, container, out, { follow: true });
    },
    async deleteJob(namespace, name) {
      await batch.deleteNamespacedJob({ name, namespace, propagationPolicy: "Background" }).catch((e: unknown) => {
        if ((e as { code?: number }).code !== 404) throw e;
      });
    },
  };
}
