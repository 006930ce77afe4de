/**
 * The project's shared data folder sits beside the repository (`../shared`), in a developer's
 * checkout and in CI's clone alike.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const BESIDE_REPO = fileURLToPath(new URL("../../../../shared/data/", import.meta.url));

/** A file of the shared data folder. */
export function sharedData(name: string): string {
  const path = `${BESIDE_REPO}${name}`;
  if (!existsSync(path)) throw new Error(`shared data file not found: ${path} (is ../shared beside the repository?)`);
  return path;
}

/** The IBM Telco churn CSV (7,043 rows). */
export const TELCO_CSV = sharedData("telco-churn.csv");
