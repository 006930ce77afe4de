/**
 * The local backend of `container` steps: `docker run --rm` (or `podman run --rm`) started without
 * a shell, its output in the step log. Literal variables go on the command line (`-e NAME=value`);
 * secret values only by name (`-e NAME`), the CLI reading them from its own environment, so they
 * never appear in an argument list. A timeout or a cancelled run kills the container by name, then
 * the CLI process if it is still there.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { PermanentStepError } from "../step-executor.js";
import { PASSED_THROUGH } from "../steps/command-env.js";
import type { ContainerBackend, ContainerIo, ContainerJob } from "./container-job.js";
import { recordStarted } from "./container-job.js";

export interface CliBackendOptions {
  /** `docker` or `podman` (any CLI taking `run --rm ...` and `kill NAME`); found on PATH. */
  cli: string;
  /** The platform process's environment: the CLI gets PATH and the like plus its own settings from it. */
  env: NodeJS.ProcessEnv;
  /** `--user` for the container (default: the image's own user). */
  user?: string;
  /** How long the CLI gets to exit after the container was killed before it is killed itself (default 10 s). */
  killGraceMs?: number;
}

/** Variables the Docker and Podman CLIs read to find their daemon or socket and their settings. */
const CLI_SETTINGS = [
  "DOCKER_HOST",
  "DOCKER_CONFIG",
  "DOCKER_CONTEXT",
  "DOCKER_TLS_VERIFY",
  "DOCKER_CERT_PATH",
  "CONTAINER_HOST",
  "CONTAINERS_CONF",
  "XDG_RUNTIME_DIR",
  "XDG_CONFIG_HOME",
  "USER",
];

/** The CLI container backend. */
export function cliBackend(o: CliBackendOptions): ContainerBackend {
  return { kind: o.cli.split("/").pop() ?? o.cli, run: (job, io) => runContainer(o, job, io) };
}

/** The CLI's own environment: PATH and the like, and its settings (daemon, socket, config). */
function cliEnv(platformEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of [...PASSED_THROUGH, ...CLI_SETTINGS])
    if (platformEnv[name] !== undefined) env[name] = platformEnv[name];
  return env;
}

/**
 * `CLI rm -f NAME`: remove a container a crashed process left (a container already gone counts as
 * removed); rejects when the CLI cannot be run or cannot reach its daemon.
 */
export async function removeLeftContainer(cli: string, name: string, platformEnv: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(cli, ["rm", "-f", name], { env: cliEnv(platformEnv), stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString("utf8");
  });
  const code = await new Promise<number | string>((done, fail) => {
    child.on("error", (e: NodeJS.ErrnoException) =>
      fail(new Error(e.code === "ENOENT" ? `container CLI not found: '${cli}'` : e.message)),
    );
    child.on("close", (c, sig) => done(c ?? sig ?? "unknown"));
  });
  // Docker answers "No such container" with exit 1 before 23.0 and 0 since; either way it is gone.
  if (code === 0 || /no such container/i.test(err)) return;
  throw new Error(`${cli} rm -f ${name} failed (${code}): ${err.trim().split("\n").pop() ?? ""}`);
}

/** The arguments after the CLI's name, and the environment holding the secret values. */
export function cliInvocation(
  job: ContainerJob,
  o: Pick<CliBackendOptions, "env" | "user">,
): { args: string[]; env: NodeJS.ProcessEnv } {
  const env = cliEnv(o.env);
  const args = ["run", "--rm", "--name", job.name, "--pull", "missing", "--security-opt", "no-new-privileges"];
  for (const [k, v] of Object.entries(job.labels)) args.push("--label", `${k}=${v}`);
  if (o.user) args.push("--user", o.user);
  if (job.resources?.cpu) args.push("--cpus", cpus(job.resources.cpu));
  if (job.resources?.memory) args.push("--memory", bytes(job.resources.memory));
  for (const v of job.env) {
    if ("secretRef" in v) {
      throw new PermanentStepError(
        `env.${v.name}: a Kubernetes Secret reference needs the kubernetes container backend`,
      );
    }
    if (v.secret) {
      args.push("-e", v.name);
      env[v.name] = v.value;
    } else args.push("-e", `${v.name}=${v.value}`);
  }
  const [entrypoint, ...rest] = job.command ?? [];
  if (entrypoint !== undefined) args.push("--entrypoint", entrypoint);
  args.push(job.image, ...rest, ...(job.args ?? []));
  return { args, env };
}

/** `500m` → `0.5`, `2` → `2`. */
function cpus(q: string): string {
  return q.endsWith("m") ? String(Number(q.slice(0, -1)) / 1000) : q;
}

const FACTORS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A Kubernetes memory quantity in bytes, as `--memory` takes it. */
function bytes(q: string): string {
  const m = /^(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) throw new PermanentStepError(`resources.memory: '${q}' is not a memory quantity`);
  return String(Number(m[1]) * (FACTORS[m[2] ?? ""] ?? 1));
}

async function runContainer(o: CliBackendOptions, job: ContainerJob, io: ContainerIo): Promise<void> {
  const { args, env } = cliInvocation(job, o);
  io.log(`$ ${o.cli} ${args.join(" ")}`);
  const started = { backend: "cli", cli: o.cli, name: job.name } as const;
  await recordStarted(io, started);
  const child = spawn(o.cli, args, { env, stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
  if (child.stdout) createInterface({ input: child.stdout }).on("line", io.log);
  if (child.stderr) createInterface({ input: child.stderr }).on("line", io.log);
  let forced = false;
  const onAbort = () => {
    io.log(`${o.cli}: stopping container ${job.name}`);
    const kill = spawn(o.cli, ["kill", job.name], { env, stdio: "ignore" });
    kill.on("error", () => child.kill("SIGTERM"));
    // A CLI that does not exit once its container is gone (or a kill that failed) is ended itself.
    setTimeout(() => {
      forced = child.exitCode === null && child.signalCode === null;
      child.kill("SIGKILL");
    }, o.killGraceMs ?? 10_000).unref();
  };
  io.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const code = await new Promise<number | string>((done, fail) => {
      child.on("error", (e: NodeJS.ErrnoException) =>
        fail(e.code === "ENOENT" ? new PermanentStepError(`container CLI not found: '${o.cli}'`) : e),
      );
      child.on("close", (exitCode, sig) => done(exitCode ?? sig ?? "unknown"));
    });
    if (io.signal.aborted) throw io.signal.reason ?? new Error("aborted");
    if (code === 0) return;
    // 125: the CLI itself failed (bad flag, no daemon); 126/127: the command cannot be run or found.
    const why =
      code === 125
        ? ` (${o.cli} could not run the container)`
        : code === 127
          ? " (command not found in the image)"
          : "";
    throw new Error(typeof code === "number" ? `exited with code ${code}${why}` : `killed by ${code}`);
  } finally {
    io.signal.removeEventListener("abort", onAbort);
    // `run --rm` ended (or never started): its container went with it, unless the CLI had to be killed.
    if (!forced) await recordStarted(io, started, true);
  }
}
