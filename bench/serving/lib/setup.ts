/**
 * Shared set-up: a temporary MODELWORKS_HOME with the churn model trained on Telco (GBDT, 200 trees)
 * and registered, `champion` on version 1, optionally a second version, a deployment, and the server.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildServer } from "./child-server.js";
import { buildCli, CliFailure, runCli, startServe } from "./cli.js";
import { TELCO_CSV } from "./paths.js";

export const MODEL = "churn";
export const DEPLOYMENT = "churn-bench";
/** One seed per registered version: a different split gives a genuinely different model. */
const SEEDS = [42, 7];

/** `deployment`: `serve --deployment` (prediction logging at sampling 1); `model`: `serve churn@champion`. */
export type ServeMode = "deployment" | "model";

export interface BenchHome {
  home: string;
  /** Registered versions of `churn`, oldest first. */
  versions: string[];
  remove(): void;
}

/**
 * Train and register `versions` churn models and point `champion` at the first. Unless `keep`, the
 * home is also removed when the process exits early (Ctrl-C, an uncaught error).
 */
export async function prepareHome(versions: 1 | 2, log: (line: string) => void, keep = false): Promise<BenchHome> {
  log("building dist/ (npm run build), so the CLI measured is the compiled one users run");
  await buildCli();
  const home = mkdtempSync(join(tmpdir(), "mw-bench-serving-"));
  const remove = () => rmSync(home, { recursive: true, force: true });
  if (!keep) process.once("exit", remove);
  const registered: string[] = [];
  try {
    for (const seed of SEEDS.slice(0, versions)) {
      log(`training ${MODEL} (GBDT, default 200 trees, seed ${seed})`);
      const out = await runCli(home, [
        "train",
        "--data",
        TELCO_CSV,
        "--label",
        "Churn",
        "--register",
        MODEL,
        "--seed",
        String(seed),
        "--json",
      ]);
      const version = (JSON.parse(out) as { model: { version: string } | null }).model?.version;
      if (!version) throw new Error(`train registered no model version: ${out}`);
      registered.push(version);
    }
    await runCli(home, ["models", "alias", MODEL, "champion", registered[0] as string]);
  } catch (e) {
    remove();
    throw e;
  }
  return { home, versions: registered, remove };
}

/**
 * `modelworks deployments create NAME --model churn@champion --sampling S`. Sampling 1 (the
 * default) sends every request to the prediction log, the most demanding case; 0 turns it off.
 */
export async function createDeployment(home: string, name = DEPLOYMENT, sampling = 1): Promise<void> {
  try {
    await runCli(home, ["deployments", "create", name, "--model", `${MODEL}@champion`, "--sampling", String(sampling)]);
  } catch (e) {
    if (e instanceof CliFailure && /unknown command/.test(e.stderr))
      throw new Error("this build has no `modelworks deployments` yet: rerun with --no-deployment");
    throw e;
  }
}

/**
 * Start the model server for a mode (in `deployment` mode the deployment must exist). Clients send
 * the admin token (`server.authorization`); `auth: "off"` serves with `--no-auth` instead.
 */
export function startModelServer(
  home: string,
  mode: ServeMode,
  deployment = DEPLOYMENT,
  auth: "token" | "off" = "token",
): Promise<ChildServer> {
  const off = auth === "off" ? ["--no-auth"] : [];
  const suffix = auth === "off" ? " --no-auth" : "";
  return mode === "deployment"
    ? startServe(`serve --deployment ${deployment}${suffix}`, home, ["--deployment", deployment, ...off])
    : startServe(`serve ${MODEL}@champion${suffix}`, home, [`${MODEL}@champion`, ...off]);
}

/**
 * Make version `version` the one served: `deployments update --primary` for a deployment; in
 * `model` mode the champion alias moves instead (a plain `serve MODEL@ALIAS` may not follow it).
 */
export async function switchPrimary(home: string, mode: ServeMode, version: string): Promise<void> {
  if (mode === "deployment")
    await runCli(home, ["deployments", "update", DEPLOYMENT, "--primary", `${MODEL}/${version}`]);
  else await runCli(home, ["models", "alias", MODEL, "champion", version]);
}

/** End a benchmark: stop its servers, then remove its home (or say where it was kept). */
export async function finishBench(
  servers: readonly ChildServer[],
  bench: BenchHome,
  keep: boolean,
  log: (line: string) => void,
): Promise<void> {
  await Promise.all(servers.map((s) => s.stop()));
  if (keep) log(`kept ${bench.home}`);
  else bench.remove();
}
