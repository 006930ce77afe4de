/**
 * The Kubernetes backend of `container` steps: create the step's Job, follow its pod's log into the
 * step log, and poll the Job's status until it completes or fails. The step's timeout is the Job's
 * activeDeadlineSeconds (Kubernetes kills the pod) and also aborts the attempt here; a timeout or a
 * cancelled run deletes the Job (propagationPolicy Background: its pod goes with it).
 */

import { createInterface } from "node:readline";
import { PassThrough } from "node:stream";
import { PermanentStepError } from "../step-executor.js";
import type { ContainerBackend, ContainerIo, ContainerJob } from "./container-job.js";
import { recordStarted } from "./container-job.js";
import type { JobStatus, KubeApi, PodView } from "./kube-api.js";
import type { KubeJobSettings } from "./kube-job.js";
import { CONTAINER_NAME, kubeJobManifest } from "./kube-job.js";

export interface KubeBackendOptions extends KubeJobSettings {
  api: KubeApi;
  /** How often the Job's status is read (default 2000 ms). */
  pollMs?: number;
  /** How long the end of a finished pod's log is awaited (default 5000 ms). */
  logDrainMs?: number;
}

/** Failed reads of the Job or its pods in a row that are retried (an API server restarting, a network blip). */
const READ_RETRIES = 3;

/** Pod waiting reasons that no wait can fix: the attempt fails at once. */
const HOPELESS = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError"]);

/** The `kubernetes` container backend over `api`. */
export function kubeBackend(o: KubeBackendOptions): ContainerBackend {
  return { kind: "kubernetes", run: (job, io) => runJob(o, job, io) };
}

/** Delete a Job a crashed process left (propagationPolicy Background: its pods go with it). */
export async function deleteLeftJob(api: KubeApi, started: { namespace: string; name: string }): Promise<void> {
  await api.deleteJob(started.namespace, started.name);
}

async function runJob(o: KubeBackendOptions, job: ContainerJob, io: ContainerIo): Promise<void> {
  const hidden = job.env.find((v) => "value" in v && v.secret);
  if (hidden) {
    throw new PermanentStepError(
      `env.${hidden.name}: on Kubernetes a secret is passed as secret_ref (a Kubernetes Secret), so its value is never written into the Job`,
    );
  }
  const ns = o.namespace;
  await o.api.createJob(ns, kubeJobManifest(job, o));
  io.log(`kubernetes: created job ${ns}/${job.name} (image ${job.image})`);
  const started = { backend: "kubernetes", namespace: ns, name: job.name } as const;
  await recordStarted(io, started);
  const watch = new JobWatch(o, job, io);
  try {
    await watch.untilDone();
    await recordStarted(io, started, true);
  } catch (e) {
    // Aborted, or given up on (an API failing, a pod that cannot start): the Job must not run on.
    if (!watch.ended) {
      await o.api.deleteJob(ns, job.name).then(
        async () => {
          io.log(`kubernetes: deleted job ${ns}/${job.name}`);
          await recordStarted(io, started, true);
        },
        // The record stays: whoever takes the run over next deletes the Job.
        (d: unknown) => io.log(`warning: could not delete job ${ns}/${job.name}: ${(d as Error).message}`),
      );
    } else await recordStarted(io, started, true);
    throw e;
  } finally {
    watch.stopLog();
  }
}

/** Follows one Job until it ends. */
class JobWatch {
  private log?: { out: PassThrough; ended: Promise<void> };
  /** The Job reached Complete or Failed (nothing left to stop). */
  ended = false;
  private readErrors = 0;
  private readonly seen = new Set<string>();

  constructor(
    private readonly o: KubeBackendOptions,
    private readonly job: ContainerJob,
    private readonly io: ContainerIo,
  ) {}

  async untilDone(): Promise<void> {
    const ns = this.o.namespace;
    for (;;) {
      this.throwIfAborted();
      const seen = await this.read(ns);
      if (!seen) continue;
      const { status, pod } = seen;
      if (pod) await this.follow(pod);
      const end = ended(status);
      if (end) this.ended = true;
      if (end === "complete") {
        await this.drain();
        this.io.log(`kubernetes: job ${this.job.name} completed`);
        return;
      }
      if (end) {
        await this.drain();
        throw new Error(failure(end, pod, this.job));
      }
      await this.sleep(this.o.pollMs ?? 2000);
    }
  }

  /** The Job's status and pod; undefined after a failed read that is retried (up to {@link READ_RETRIES} in a row). */
  private async read(ns: string): Promise<{ status: JobStatus; pod: PodView | undefined } | undefined> {
    try {
      const status = await this.o.api.readJobStatus(ns, this.job.name);
      const pod = await this.pod();
      this.readErrors = 0;
      return { status, pod };
    } catch (e) {
      if (e instanceof PermanentStepError || ++this.readErrors > READ_RETRIES) throw e;
      this.io.log(`warning: reading job ${this.job.name} failed (${(e as Error).message}); trying again`);
      await this.sleep(this.o.pollMs ?? 2000);
      return undefined;
    }
  }

  /** Stop following the log (the step ended or was aborted). */
  stopLog(): void {
    this.log?.out.destroy();
  }

  private throwIfAborted(): void {
    if (this.io.signal.aborted) throw this.io.signal.reason ?? new Error("aborted");
  }

  private async pod(): Promise<PodView | undefined> {
    const pods = await this.o.api.listPods(this.o.namespace, `job-name=${this.job.name}`);
    const pod = pods[0];
    for (const c of pod?.containers ?? []) {
      const reason = c.waiting?.reason;
      if (!reason || this.seen.has(reason)) continue;
      this.seen.add(reason);
      this.io.log(
        `kubernetes: pod ${pod?.name} waiting: ${reason}${c.waiting?.message ? ` (${c.waiting.message})` : ""}`,
      );
      if (HOPELESS.has(reason)) throw new PermanentStepError(`the pod cannot start: ${reason}`);
    }
    return pod;
  }

  /** Start following the pod's log once its container runs (or has run). */
  private async follow(pod: PodView): Promise<void> {
    if (this.log || !["Running", "Succeeded", "Failed"].includes(pod.phase ?? "")) return;
    const out = new PassThrough();
    const ended = new Promise<void>((done) => {
      createInterface({ input: out })
        .on("line", (l) => this.io.log(l))
        .on("close", done);
    });
    this.log = { out, ended };
    try {
      await this.o.api.followLog(this.o.namespace, pod.name, CONTAINER_NAME, out);
    } catch (e) {
      this.io.log(`warning: could not follow the log of pod ${pod.name}: ${(e as Error).message}`);
      out.end();
    }
  }

  /** Wait for the end of the log (the API server ends it when the container exits), within a bound. */
  private async drain(): Promise<void> {
    if (!this.log) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((done) => {
      timer = setTimeout(done, this.o.logDrainMs ?? 5000);
    });
    await Promise.race([this.log.ended, bound]);
    clearTimeout(timer);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        signal.removeEventListener("abort", finish);
        clearTimeout(timer);
        done();
      }
      const signal = this.io.signal;
      signal.addEventListener("abort", finish, { once: true });
    });
  }
}

/** `complete`, the failed condition, or undefined while the Job runs. */
function ended(s: JobStatus): "complete" | { reason?: string; message?: string } | undefined {
  const on = (type: string) => s.conditions?.find((c) => c.type === type && c.status === "True");
  if (on("Complete") || (s.succeeded ?? 0) > 0) return "complete";
  const failed = on("Failed");
  if (failed)
    return {
      ...(failed.reason ? { reason: failed.reason } : {}),
      ...(failed.message ? { message: failed.message } : {}),
    };
  if ((s.failed ?? 0) > 0) return {};
  return undefined;
}

/** Why the Job failed, with the container's exit code when the pod tells it. */
function failure(end: { reason?: string; message?: string }, pod: PodView | undefined, job: ContainerJob): string {
  if (end.reason === "DeadlineExceeded") {
    return `timed out: the job ran past its activeDeadlineSeconds (${Math.ceil(job.timeoutMs / 1000)}s)`;
  }
  const exit = pod?.containers.find((c) => c.name === CONTAINER_NAME)?.terminated;
  if (exit)
    return `exited with code ${exit.exitCode}${exit.reason && exit.reason !== "Error" ? ` (${exit.reason})` : ""}`;
  return `the job failed${end.reason ? `: ${end.reason}` : ""}${end.message ? ` (${end.message})` : ""}`;
}
