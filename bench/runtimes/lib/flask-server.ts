/**
 * The MLflow scoring server's architecture as an anchor: bench/runtimes/flask_scoring.py (Flask, one
 * DataFrame and one predict_proba per request) under Debian's gunicorn with 2 sync workers.
 */
import { execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { stopChild } from "../../lib/child-process.js";
import { killOnExit } from "../../serving/lib/child-server.js";
import { REPO_ROOT } from "../../serving/lib/paths.js";

export interface FlaskServer {
  label: string;
  url: string;
  stop(): Promise<void>;
}

/** Why the anchor cannot run here (undefined when gunicorn and Flask are installed). */
export function flaskSkipReason(python: string): string | undefined {
  try {
    execFileSync("gunicorn", ["--version"], { stdio: "ignore" });
    execFileSync(python, ["-c", "import flask, pandas, cloudpickle, sklearn"], { stdio: "ignore" });
    return undefined;
  } catch {
    return "gunicorn or Flask is missing (apt-get install -y python3-flask gunicorn): the MLflow-architecture anchor is skipped";
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Start gunicorn with `workers` sync workers on the sklearn folder `modelDir`; resolves once /ping answers. */
export async function startFlask(modelDir: string, workers: number): Promise<FlaskServer> {
  const port = await freePort();
  const args = ["-w", String(workers), "-b", `127.0.0.1:${port}`, "--chdir", "bench/runtimes", "flask_scoring:app"];
  const child = spawn("gunicorn", args, {
    cwd: REPO_ROOT,
    env: { ...process.env, MODEL_DIR: modelDir, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  killOnExit(child);
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gunicorn exited (${child.exitCode}): ${stderr}`);
    const ok = await fetch(`${url}/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`gunicorn did not answer /ping within 120 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { label: `Flask + gunicorn -w ${workers}`, url, stop: () => stopChild(child) };
}
