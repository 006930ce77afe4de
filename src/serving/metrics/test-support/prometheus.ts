import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Debian's prometheus package installs the server here. */
export const PROMETHEUS_BIN = "/usr/bin/prometheus";

/** Whether tests that need a Prometheus server can run here. */
export function prometheusAvailable(): boolean {
  return existsSync(PROMETHEUS_BIN);
}

export interface PrometheusOptions {
  /** host:port of each endpoint to scrape. */
  targets: string[];
  scrapeIntervalSeconds?: number;
  metricsPath?: string;
}

export interface PrometheusServer {
  url: string;
  /** Runs an instant query and returns `data.result`. */
  query(promql: string): Promise<unknown>;
  /** Resolves once every target has been scraped successfully. */
  waitForTarget(timeoutMs?: number): Promise<void>;
  /** Stops the server, waits for it to exit and removes its data folder. */
  stop(): Promise<void>;
}

/** Starts a throwaway Prometheus on loopback that scrapes the given targets. */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), "mw-prometheus-"));
  const configFile = join(dir, "prometheus.yml");
  await writeFile(configFile, renderConfig(options));
  let lastError: unknown;
  // A free port can be taken between probing and binding; retry on a fresh one.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc = launch(configFile, join(dir, "data"), port);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitReady(url, proc);
      return handle(url, proc, dir);
    } catch (e) {
      lastError = e;
      await terminate(proc.child);
      proc.dispose();
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

/** JSON is valid YAML, and it needs no YAML writer. */
function renderConfig(options: PrometheusOptions): string {
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: [
      {
        job_name: "modelworks",
        metrics_path: options.metricsPath ?? "/metrics",
        static_configs: [{ targets: options.targets }],
      },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

interface Launched {
  child: ChildProcess;
  stderrTail(): string;
  dispose(): void;
}

function launch(configFile: string, dataDir: string, port: number): Launched {
  // The binary itself, not a shell: the child's PID is Prometheus', so killing it stops the server.
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let tail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  });
  // If the test process dies without stop(), don't leave a server running.
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);
  return { child, stderrTail: () => tail, dispose: () => process.off("exit", killOnExit) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, proc: Launched, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`prometheus exited (${proc.child.exitCode ?? proc.child.signalCode}): ${proc.stderrTail()}`);
    }
    const res = await fetch(`${url}/-/ready`).catch(() => undefined);
    if (res?.ok) return;
    await sleep(100);
  }
  throw new Error(`prometheus not ready after ${timeoutMs} ms: ${proc.stderrTail()}`);
}

function handle(url: string, proc: Launched, dir: string): PrometheusServer {
  let stopped: Promise<void> | undefined;
  return {
    url,
    query: (promql) => query(url, promql),
    waitForTarget: (timeoutMs) => waitForTargets(url, timeoutMs),
    stop() {
      stopped ??= (async () => {
        await terminate(proc.child);
        proc.dispose();
        await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

interface ApiResponse {
  status: string;
  error?: string;
  data?: { result?: unknown; activeTargets?: { health: string; lastError: string; scrapeUrl: string }[] };
}

async function api(url: string, path: string): Promise<ApiResponse> {
  const res = await fetch(`${url}${path}`);
  const body = (await res.json()) as ApiResponse;
  if (body.status !== "success") throw new Error(`prometheus ${path}: ${body.error ?? res.status}`);
  return body;
}

async function query(url: string, promql: string): Promise<unknown> {
  const body = await api(url, `/api/v1/query?query=${encodeURIComponent(promql)}`);
  return body.data?.result;
}

async function waitForTargets(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no targets yet";
  while (Date.now() < deadline) {
    const targets = (await api(url, "/api/v1/targets?state=active")).data?.activeTargets ?? [];
    if (targets.length > 0 && targets.every((t) => t.health === "up")) return;
    last = targets.map((t) => `${t.scrapeUrl}: ${t.health} ${t.lastError}`).join("; ") || last;
    await sleep(200);
  }
  throw new Error(`targets not up after ${timeoutMs} ms: ${last}`);
}

/** SIGTERM, then SIGKILL if Prometheus has not exited within 10 s (it flushes its TSDB head). */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
