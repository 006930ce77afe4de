/**
 * Writes the synthetic LightGBM fixtures (src/runtimes/lightgbm/test-support/synthetic-fixtures.ts)
 * as MLflow model folders under OUT_DIR, for make-sklearn-fixtures.py to wrap.
 *
 *   node --import tsx test-fixtures/runtimes/lightgbm/write-synthetic.ts OUT_DIR
 */
import { join } from "node:path";
import {
  SYNTHETIC,
  type SyntheticName,
  writeSyntheticFolder,
} from "../../../src/runtimes/lightgbm/test-support/synthetic-fixtures.js";

const out = process.argv[2];
if (!out) {
  console.error("usage: write-synthetic.ts OUT_DIR");
  process.exit(2);
}
for (const name of Object.keys(SYNTHETIC) as SyntheticName[]) {
  writeSyntheticFolder(join(out, name), name);
  console.log(join(out, name));
}
