/**
 * Kubernetes' published v1.32.0 OpenAPI document (test-fixtures/kubernetes/README.md): a third-party
 * file brought in with the team's tools, so never committed. Looked for in the shared data folder
 * beside the repository (`kubernetes/` there or of MODELWORKS_TEST_DATA_DIR, or its top level), then
 * in an ignored copy under test-fixtures/kubernetes/.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { sharedDataDir } from "../../../src/core/test-support/shared-data.js";
import { ROOT } from "./kustomize.js";

export const OPENAPI_FIXTURE_NAME = "kubernetes-v1.32.0-swagger.json.gz";
/** sha256 of the uncompressed document (test-fixtures/kubernetes/README.md). */
export const OPENAPI_FIXTURE_SHA256 = "0ba99bb42a1cf0bd35959fe82965f4eec50d404221ca299e9ef79b900e15dc00";

const shared = sharedDataDir("kubernetes");
/** The gzipped document's path, or undefined where no copy is found. */
export const OPENAPI_FIXTURE = [
  ...(shared ? [join(shared, OPENAPI_FIXTURE_NAME)] : []),
  join(ROOT, "../shared/data", OPENAPI_FIXTURE_NAME),
  join(ROOT, "test-fixtures/kubernetes", OPENAPI_FIXTURE_NAME),
].find((p) => existsSync(p));

/** Why the tests that need the document skip, or false. */
export const NO_OPENAPI_FIXTURE = OPENAPI_FIXTURE
  ? false
  : `${OPENAPI_FIXTURE_NAME} is in none of ../shared/data/kubernetes/, MODELWORKS_TEST_DATA_DIR/kubernetes/, test-fixtures/kubernetes/ (the derived-schema check, kubernetes-model-schema.test.ts, runs instead)`;
