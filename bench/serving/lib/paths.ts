/** Where the repository, the CLI entry point and the Telco CSV are. */
import { fileURLToPath } from "node:url";

export { TELCO_CSV } from "../../../src/core/test-support/shared-data.js";

/** The repository root (bench/serving/lib/ is three levels down). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * The CLI as users run it: compiled, through `bin/modelworks.js`. The scripts rebuild `dist/` first
 * ({@link buildCli}), so it never lags behind `src/`. (Through tsx the server runs measurably slower:
 * the loader turns on source maps, which makes every captured stack trace costly.)
 */
export const CLI_ENTRY = ["bin/modelworks.js"] as const;

/** A script of this folder, for `node --import tsx PATH` child processes. */
export function libScript(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}
