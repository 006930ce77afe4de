/**
 * The few Kubernetes API calls a `container` step needs, as an interface so the backend is tested
 * against a recorded-response fake; `kube-client.ts` implements it with @kubernetes/client-node.
 */
import type { Writable } from "node:stream";

/** The parts of a Job's status the backend reads. */
export interface JobStatus {
  active?: number;
  succeeded?: number;
  failed?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

/** The parts of a pod the backend reads. */
export interface PodView {
  name: string;
  phase?: string;
  containers: {
    name: string;
    waiting?: { reason?: string; message?: string };
    terminated?: { exitCode: number; reason?: string; message?: string };
  }[];
}

/** Create, watch, read the logs of and delete Jobs in one namespace. */
export interface KubeApi {
  createJob(namespace: string, manifest: Record<string, unknown>): Promise<void>;
  readJobStatus(namespace: string, name: string): Promise<JobStatus>;
  listPods(namespace: string, labelSelector: string): Promise<PodView[]>;
  /**
   * Follow a container's log into `out` until the API server ends it (the container exited or the pod
   * is gone); resolves once the stream has started. Destroying `out` stops reading it.
   */
  followLog(namespace: string, pod: string, container: string, out: Writable): Promise<void>;
  /** Delete a Job and, in the background, its pods (a Job already gone counts as deleted). */
  deleteJob(namespace: string, name: string): Promise<void>;
}
