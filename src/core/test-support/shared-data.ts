/**
 * The project's shared data folder sits beside the repository (`../shared`) in a developer's
 * checkout and in CI's clone. A clone elsewhere uses the byte-identical copy committed under
 * `test-fixtures/shared-data/`.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const BESIDE_REPO = fileURLToPath(new URL("../../../../shared/data/", import.meta.url));
const IN_REPO = fileURLToPath(new URL("../../../test-fixtures/shared-data/", import.meta.url));

/** A file of the shared data folder (beside the repository, else the committed copy). */
export function sharedData(name: string): string {
  for (const dir of [BESIDE_REPO, IN_REPO]) if (existsSync(`${dir}${name}`)) return `${dir}${name}`;
  throw new Error(`shared data file not found: ${name} (neither in ${BESIDE_REPO} nor in ${IN_REPO})`);
}

/**
 * A folder of the shared data folder beside the repository (or of MODELWORKS_TEST_DATA_DIR), or undefined. For public data brought in
 * by the team's tools (not committed here: third-party files live only in the shared folder).
 */
export function sharedDataDir(name: string): string | undefined {
  // MODELWORKS_TEST_DATA_DIR: a developer's own copy of such files, for a checkout without them beside it.
  const roots = [BESIDE_REPO, process.env.MODELWORKS_TEST_DATA_DIR].filter((d): d is string => !!d);
  for (const root of roots) {
    const dir = `${root.endsWith("/") ? root : `${root}/`}${name}/`;
    if (existsSync(dir)) return dir;
  }
  return undefined;
}

/** The IBM Telco churn CSV (7,043 rows). */
export const TELCO_CSV = sharedData("telco-churn.csv");
