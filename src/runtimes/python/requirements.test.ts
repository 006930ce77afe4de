import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { environmentWarnings, parseRequirement, readRecordedEnvironment, satisfies } from "./requirements.js";

test("requirement lines: names, extras, specifiers; comments, options, URLs and markers skipped", () => {
  assert.deepEqual(parseRequirement("scikit-learn==1.2.1", "r"), {
    name: "scikit-learn",
    specifiers: "==1.2.1",
    source: "r",
  });
  assert.deepEqual(parseRequirement("pandas[performance] >= 1.5, <3 ; python_version > '3.8'  # pinned", "r"), {
    name: "pandas",
    specifiers: ">=1.5,<3",
    source: "r",
  });
  assert.deepEqual(parseRequirement("psutil", "r"), { name: "psutil", specifiers: "", source: "r" });
  for (const line of ["", "# comment", "-r requirements.txt", "--index-url https://x", "pkg @ https://x/p.whl"]) {
    assert.equal(parseRequirement(line, "r"), undefined, line);
  }
});

test("version specifiers", () => {
  assert.ok(satisfies("1.2.1", "==1.2.1"));
  assert.ok(satisfies("1.2", "==1.2.0"));
  assert.ok(!satisfies("1.2.1", "==1.3.0"));
  assert.ok(satisfies("1.2.1", ">=1.0,<2"));
  assert.ok(!satisfies("2.0.0", ">=1.0,<2"));
  assert.ok(satisfies("1.2.7", "==1.2.*"));
  assert.ok(!satisfies("1.3.0", "==1.2.*"));
  assert.ok(satisfies("1.4.5", "~=1.4.2"));
  assert.ok(!satisfies("1.5.0", "~=1.4.2"));
  assert.ok(!satisfies("1.2.1", "!=1.2.1"));
  assert.ok(satisfies("anything", ""));
});

test("warnings name the requirement, its file and the installed version; MLflow itself may be absent", async () => {
  const dir = await mkdtemp(join(tmpdir(), "mw-req-"));
  await writeFile(
    join(dir, "requirements.txt"),
    "mlflow==2.12.2\nscikit-learn==1.3.0\nnumpy==1.24.2\nxgboost==1.7.4\n",
  );
  await writeFile(join(dir, "python_env.yaml"), "python: 3.10.12\ndependencies:\n- -r requirements.txt\n- scipy>=2\n");
  const recorded = await readRecordedEnvironment(dir);
  assert.equal(recorded.python, "3.10.12");
  const warnings = environmentWarnings(recorded, {
    label: "/usr/bin/python3",
    python: "3.11.2",
    installed: { mlflow: null, "scikit-learn": "1.2.1", numpy: "1.24.2", xgboost: null, scipy: "1.10.1" },
  });
  assert.deepEqual(warnings, [
    "the model was logged with Python 3.10.12 (python_env.yaml); /usr/bin/python3 is Python 3.11.2",
    "the model requires scikit-learn==1.3.0 (requirements.txt); /usr/bin/python3 has scikit-learn 1.2.1",
    "the model requires xgboost==1.7.4 (requirements.txt); /usr/bin/python3 does not have xgboost",
    "the model requires scipy>=2 (python_env.yaml); /usr/bin/python3 has scipy 1.10.1",
  ]);
  assert.deepEqual(
    environmentWarnings({ requirements: [], python: "3.11.9" }, { label: "p", python: "3.11.2", installed: {} }),
    [],
  );
});
