import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseRemoteFlavor, remoteFlavorDocument, remoteUrlProblem, tokenEnvProblem } from "./remote-flavor.js";

const refused = (raw: Record<string, unknown>, pattern: RegExp) =>
  assert.throws(
    () => parseRemoteFlavor(raw, "m/MLmodel"),
    (e: Error) => {
      assert.match(e.message, /'m\/MLmodel': remote flavor/);
      assert.match(e.message, pattern);
      return true;
    },
  );

describe("the remote flavor", () => {
  test("a complete flavor is read with its defaults, and written back without them", () => {
    const f = parseRemoteFlavor(
      {
        protocol: "v2",
        url: "http://kserve.local:8080/v2/models/churn/versions/3/",
        token_env: "MODELWORKS_REMOTE_TOKEN_KSERVE",
        task: "binary",
        classes: ["No", "Yes"],
        threshold: 0.4,
        output: "predict_proba",
      },
      "MLmodel",
    );
    assert.equal(f.url, "http://kserve.local:8080/v2/models/churn/versions/3");
    assert.equal(f.timeoutMs, 10_000);
    assert.equal(f.batchRows, 1000);
    assert.deepEqual(remoteFlavorDocument(f), {
      protocol: "v2",
      url: "http://kserve.local:8080/v2/models/churn/versions/3",
      token_env: "MODELWORKS_REMOTE_TOKEN_KSERVE",
      output: "predict_proba",
      task: "binary",
      classes: ["No", "Yes"],
      threshold: 0.4,
    });
    const m = parseRemoteFlavor(
      { protocol: "mlflow", url: "https://scoring.example.com/invocations", timeout_ms: 2000 },
      "x",
    );
    assert.deepEqual(remoteFlavorDocument(m), {
      protocol: "mlflow",
      url: "https://scoring.example.com/invocations",
      timeout_ms: 2000,
    });
  });

  test("credentials, queries, other schemes and wrong paths are refused by name", () => {
    refused({ protocol: "v2", url: "http://u:secret@h/v2/models/m" }, /user or password/);
    refused({ protocol: "v2", url: "http://h/v2/models/m?key=1" }, /query or fragment/);
    refused({ protocol: "v2", url: "file:///etc/passwd" }, /http or https/);
    refused({ protocol: "v2", url: "http://h/invocations" }, /\/v2\/models\/NAME/);
    refused({ protocol: "mlflow", url: "http://h/v2/models/m" }, /\/invocations/);
    refused({ protocol: "grpc", url: "http://h/v2/models/m" }, /'protocol' must be v2 or mlflow/);
    assert.equal(remoteUrlProblem("v2", "http://h:1/v2/models/m/versions/2"), undefined);
    assert.match(remoteUrlProblem("v2", "not a url") ?? "", /not a valid URL/);
  });

  test("a token is named by a MODELWORKS_REMOTE_TOKEN_ variable, never given", () => {
    refused({ protocol: "v2", url: "http://h/v2/models/m", token: "abc" }, /unknown setting 'token'/);
    refused(
      { protocol: "v2", url: "http://h/v2/models/m", token_env: "AWS_SECRET_ACCESS_KEY" },
      /MODELWORKS_REMOTE_TOKEN_/,
    );
    assert.match(tokenEnvProblem("MODELWORKS_REMOTE_TOKEN_") ?? "", /needs a name/);
    assert.equal(tokenEnvProblem("MODELWORKS_REMOTE_TOKEN_A1"), undefined);
  });

  test("task, classes, threshold and numbers are checked", () => {
    refused({ protocol: "v2", url: "http://h/v2/models/m", task: "ranking" }, /'task'/);
    refused(
      { protocol: "v2", url: "http://h/v2/models/m", task: "binary", classes: ["a", "b", "c"] },
      /negative, positive/,
    );
    refused({ protocol: "v2", url: "http://h/v2/models/m", task: "regression", classes: ["a", "b"] }, /regression/);
    refused({ protocol: "v2", url: "http://h/v2/models/m", classes: ["a", "a"] }, /twice/);
    refused({ protocol: "v2", url: "http://h/v2/models/m", threshold: 2 }, /'threshold'/);
    refused({ protocol: "v2", url: "http://h/v2/models/m", timeout_ms: 0 }, /'timeout_ms' must be an integer from 1/);
    refused({ protocol: "v2", url: "http://h/v2/models/m", batch_rows: 1.5 }, /'batch_rows'/);
  });
});
