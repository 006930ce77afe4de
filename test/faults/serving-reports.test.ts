/**
 * `deployments show` reports what each serving process actually serves, not only what is stored:
 * a real `up` and a real `serve --deployment` on one embedded store, a change applied within a
 * second, a version that cannot load shown as `failing` with the process still on the old
 * generation, and a stopped process withdrawing its report.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/test-support/capture-io.js";
import { registerModels } from "../../src/cli/test-support/register-model.js";
import type { SpawnedCli } from "../../src/cli/test-support/spawn-cli.js";
import { spawnCli } from "../../src/cli/test-support/spawn-cli.js";
import type { ServingInstanceInfo } from "../../src/core/api/platform-routes.js";
import { resolveConfig } from "../../src/core/config.js";
import { TELCO_CSV } from "../../src/core/test-support/shared-data.js";
import { readTable } from "../../src/data/read-table.js";
import { fitTelcoPackage } from "../../src/learn/test-support/telco-models.js";
import { openPlatform } from "../../src/server/open-platform.js";

describe("serving reports in deployments show", () => {
  let home: string;
  let up: SpawnedCli;
  let serve: SpawnedCli | undefined;

  const cli = async (...argv: string[]) => {
    const io = captureIo(home);
    const code = await main(["deployments", ...argv, "--home", home], io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const serving = async (): Promise<ServingInstanceInfo[]> => {
    const r = await cli("show", "churn", "--json");
    assert.equal(r.code, 0, r.err);
    return (JSON.parse(r.out) as { serving: ServingInstanceInfo[] }).serving;
  };
  const until = async (what: string, ok: (s: ServingInstanceInfo[]) => boolean): Promise<ServingInstanceInfo[]> => {
    let last: ServingInstanceInfo[] = [];
    for (let i = 0; i < 100; i++) {
      last = await serving();
      if (ok(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`${what}; last reports: ${JSON.stringify(last)}`);
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-serving-reports-"));
    const telco = await readTable(TELCO_CSV);
    const pkgs = [await fitTelcoPackage(telco, 3), await fitTelcoPackage(telco, 4)];
    await registerModels(home, "churn", pkgs, { champion: "1" });
    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    // Version 3 points at artifacts that do not exist: it registers, and fails when a process loads it.
    await platform.registry.createModelVersion({
      name: "churn",
      source: "mlflow-artifacts:/0/missing/artifacts/model",
    });
    await platform.deployments.create({ name: "churn", primary: "churn@champion" });
    await platform.close();
    up = await spawnCli(["up", "--home", home, "--port", "0", "--json", "--poll-ms", "200"], {});
  });
  after(async () => {
    await serve?.stop();
    await up?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test("up reports the stored generation; a change shows within a second or two", async () => {
    const [first] = await until("up reports churn", (s) => s.length === 1 && s[0]?.state === "current");
    assert.equal(first?.kind, "up");
    assert.deepEqual(first?.served, [{ variant: "primary", model: "churn", version: "1" }]);
    assert.equal(first?.generation, 1);
    assert.equal((await cli("update", "churn", "--candidate", "churn/2", "--weight", "50")).code, 0);
    const [changed] = await until(
      "the candidate at 50 % is reported",
      (s) => s[0]?.generation === 2 && s[0]?.state === "current",
    );
    assert.deepEqual(
      changed?.served.map((v) => `${v.variant} ${v.version}`),
      ["primary 1", "candidate 2"],
    );
    assert.equal(changed?.candidate_weight, 50);
    const human = await cli("show", "churn");
    assert.match(human.out, /Serving processes:\n\s+PROCESS\s+SERVES\s+GEN\s+STATE/);
    assert.match(human.out, /up \S+:\d+\s+churn\/1 \+ churn\/2 at 50%\s+2\s+current/);
  });

  test("a candidate that cannot load: the process is failing, still on the generation it serves", async () => {
    // The API refuses a model that cannot load; one that stops loading after it was deployed (its
    // artifacts gone) is what serving must report, so the change goes to the store directly.
    const refused = await cli("update", "churn", "--candidate", "churn/3");
    assert.equal(refused.code, 1);
    assert.match(refused.err, /Invalid value for 'candidate': churn\/3 cannot be loaded/);
    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    await platform.deployments.update("churn", { candidate: "churn/3" });
    await platform.close();
    const [failing] = await until("the failure is reported", (s) => s[0]?.state === "failing");
    assert.equal(failing?.generation, 2, "still answering with generation 2's models");
    assert.match(failing?.last_error ?? "", /version 3 failed to load/);
    assert.equal(failing?.candidate_weight, 50);
    // Back to a loadable candidate: the error clears.
    assert.equal((await cli("update", "churn", "--candidate", "churn/2")).code, 0);
    await until("current again", (s) => s[0]?.state === "current" && s[0]?.generation === 4);
  });

  test("serve --deployment reports too, and a stopped process withdraws its report", async () => {
    serve = await spawnCli(["serve", "--deployment", "churn", "--home", home, "--port", "0", "--json"], {});
    const both = await until("two processes", (s) => s.length === 2);
    assert.deepEqual(both.map((s) => s.kind).sort(), ["serve", "up"]);
    const url = (JSON.parse(serve.firstLine) as { url: string }).url;
    assert.equal(both.find((s) => s.kind === "serve")?.url, url);
    assert.equal(await serve.stop(), 0);
    serve = undefined;
    await until("only up is left", (s) => s.length === 1 && s[0]?.kind === "up");
  });
});
