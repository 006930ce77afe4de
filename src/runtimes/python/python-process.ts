/** One Python worker process (worker.py): spawned once, one call at a time over stdin/stdout frames. */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { TOKEN_ENV_PREFIX } from "../remote/remote-flavor.js";
import type { Frame } from "./frames.js";
import { FrameReader } from "./frames.js";

/** How to start a worker. */
export interface ProcessOptions {
  python: string;
  script: string;
  env?: Record<string, string | undefined>;
}

const STDERR_TAIL = 4096;
// Each worker is one of several processes scoring in parallel: numeric libraries' own thread pools
// would oversubscribe the cores, so they get one thread each unless the operator set otherwise.
const ONE_THREAD = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"];

/** A running worker. `call` rejects with {@link ProcessGone} when the process dies or cannot start. */
export class PythonProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly reader = new FrameReader();
  private pending?: { resolve: (f: Frame) => void; reject: (e: Error) => void };
  private stderr = "";
  private gone?: ProcessGone;
  private readonly exitListeners: Array<(reason: ProcessGone) => void> = [];

  constructor(options: ProcessOptions) {
    const env: Record<string, string | undefined> = { ...process.env, ...options.env, PYTHONUNBUFFERED: "1" };
    for (const name of ONE_THREAD) env[name] ??= "1";
    // A pickled model runs code in the worker: remote endpoints' tokens stay in this process.
    for (const name of Object.keys(env)) if (name.startsWith(TOKEN_ENV_PREFIX)) delete env[name];
    this.child = spawn(options.python, [options.script], { stdio: ["pipe", "pipe", "pipe"], env });
    this.child.stdout.on("data", (chunk: Buffer) => this.onData(chunk));
    this.child.stderr.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    // Writes to a dead worker fail with EPIPE; the exit handler reports the death.
    this.child.stdin.on("error", () => {});
    this.child.on("error", (e) => this.finish(new ProcessGone(`could not start ('${options.python}': ${e.message})`)));
    // Gone once it exited and its replies were all read. Not "close": that also waits for stderr, which
    // a subprocess the model started may hold open after the worker died.
    let exit: string | undefined;
    let drained = false;
    const settle = () => {
      if (exit !== undefined && drained) this.finish(new ProcessGone(exit));
    };
    this.child.stdout.on("close", () => {
      drained = true;
      settle();
    });
    this.child.on("exit", (code, signal) => {
      exit = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      settle();
    });
  }

  /** The process id (undefined when it never started). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True once the process has exited or failed to start. */
  get exited(): boolean {
    return this.gone !== undefined;
  }

  /** The last lines the worker wrote to stderr. */
  stderrTail(): string {
    return this.stderr.trim();
  }

  /** Send one frame and wait for the reply (one call at a time). */
  call(frame: Buffer): Promise<Frame> {
    if (this.gone) return Promise.reject(this.gone);
    if (this.pending) return Promise.reject(new Error("python worker: a call is already in flight"));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.stdin.write(frame);
    });
  }

  /** Called once when the process is gone (exited, killed or never started). */
  onExit(listener: (reason: ProcessGone) => void): void {
    if (this.gone) listener(this.gone);
    else this.exitListeners.push(listener);
  }

  /** Stop now (SIGKILL). */
  kill(): void {
    if (!this.gone) this.child.kill("SIGKILL");
  }

  /** Close stdin so the worker exits after its current call; SIGKILL after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (this.gone) return;
    const done = new Promise<void>((resolve) => this.onExit(() => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.kill(), graceMs);
    await done;
    clearTimeout(timer);
  }

  private onData(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.reader.push(chunk);
    } catch (e) {
      this.finish(new ProcessGone(`sent a malformed frame (${(e as Error).message})`));
      this.kill();
      return;
    }
    for (const frame of frames) {
      const pending = this.pending;
      this.pending = undefined;
      pending?.resolve(frame);
    }
  }

  private finish(reason: ProcessGone): void {
    if (this.gone) return;
    this.gone = reason;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(reason);
    for (const listener of this.exitListeners.splice(0)) listener(reason);
  }
}

/** The worker is gone: why, in words ("was killed by SIGKILL"). */
export class ProcessGone extends Error {
  override readonly name = "ProcessGone";
}
