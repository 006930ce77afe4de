/**
 * One registered model per runtime in a temporary MODELWORKS_HOME, each served by its own
 * `modelworks serve MODEL@champion` (compiled CLI): native GBDT trained on Telco (200 trees), the
 * XGBoost challenger fixture (MLflow 2.x legacy model.xgb), the native model exported to ONNX and
 * imported back (when onnxruntime-node loads), and the scikit-learn churn pipeline (Python workers).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildServer } from "../../serving/lib/child-server.js";
import { buildCli, runCli, startServe } from "../../serving/lib/cli.js";
import { REPO_ROOT, TELCO_CSV } from "../../serving/lib/paths.js";

export const SKLEARN_DIR = join(REPO_ROOT, "test-fixtures/runtimes/sklearn/binary");
const XGBOOST_DIR = join(REPO_ROOT, "test-fixtures/runtimes/champion-challenger/challenger-xgboost");

export interface RuntimeServer {
  /** native, xgboost, onnx or python. */
  name: string;
  server: ChildServer;
}

export interface PreparedRuntimes {
  home: string;
  servers: RuntimeServer[];
  /** What was skipped and why, and what each model is. */
  notes: string[];
  /** Remove the home (unless kept). */
  finish(): void;
}

/** Register the models and start one server per runtime. */
export async function prepareRuntimes(log: (line: string) => void, keep: boolean): Promise<PreparedRuntimes> {
  log("building dist/ (npm run build), so the CLI measured is the compiled one users run");
  await buildCli();
  const home = mkdtempSync(join(tmpdir(), "mw-bench-runtimes-"));
  const finish = () => {
    if (keep) log(`kept ${home}`);
    else rmSync(home, { recursive: true, force: true });
  };
  const notes: string[] = [];
  const servers: RuntimeServer[] = [];
  try {
    log("training the native GBDT on Telco (200 trees)");
    await runCli(home, ["train", "--data", TELCO_CSV, "--label", "Churn", "--register", "native", "--json"]);
    await runCli(home, ["models", "alias", "native", "champion", "1"]);
    await runCli(home, ["models", "log", XGBOOST_DIR, "--name", "xgboost", "--alias", "champion"]);
    await runCli(home, ["models", "log", SKLEARN_DIR, "--name", "python", "--alias", "champion"]);
    notes.push(
      "native: GBDT trained by `modelworks train` on Telco (200 trees); xgboost: XGBClassifier, 80 trees of depth 3, legacy model.xgb " +
        "(test-fixtures/runtimes/champion-challenger); python: the scikit-learn churn pipeline (test-fixtures/runtimes/sklearn/binary), 2 workers.",
    );
    let onnx = false;
    try {
      const file = join(home, "native.onnx");
      await runCli(home, ["models", "export", "native/1", "--format", "onnx", "--out", file]);
      await runCli(home, ["models", "import", file, "--flavor", "onnx", "--name", "onnx", "--alias", "champion"]);
      onnx = true;
      notes.push(
        "onnx: the native GBDT exported with `models export --format onnx`, imported with `models import --flavor onnx`.",
      );
    } catch (e) {
      notes.push(`onnx skipped: ${(e as Error).message.split("\n")[0]}`);
    }
    for (const name of ["native", "xgboost", ...(onnx ? ["onnx"] : []), "python"]) {
      log(`starting serve ${name}@champion`);
      servers.push({ name, server: await startServe(`serve ${name}@champion`, home, [`${name}@champion`]) });
    }
    return { home, servers, notes, finish };
  } catch (e) {
    await Promise.all(servers.map((s) => s.server.stop()));
    finish();
    throw e;
  }
}
