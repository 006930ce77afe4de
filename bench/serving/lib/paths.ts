/** Where the repository, the CLI entry point and the Telco CSV are. */
import { fileURLToPath } from "node:url";

export { TELCO_CSV } from "../../../src/core/test-support/shared-data.js";

/** The repository root (bench/serving/lib/ is three levels down). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The CLI from source through tsx, as the other benches run it (dist/ may lag behind src/). */
export const CLI_ENTRY = ["--import", "tsx", "src/cli/entry.ts"] as const;

/** A script of this folder, for `node --import tsx PATH` child processes. */
export function libScript(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}
