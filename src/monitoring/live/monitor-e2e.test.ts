/**
 * Monitoring end to end: a real `modelworks up` serving a churn model, a monitor set through the
 * CLI with a feature-drift alert and a signed webhook; traffic with `tenure` shifted makes the
 * alert fire (the webhook receives it, signature valid; /metrics shows the gauges), then unshifted
 * traffic makes it resolve.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { main } from "../../cli/main.js";
import { captureIo } from "../../cli/test-support/capture-io.js";
import { homeFetch } from "../../cli/test-support/home-auth.js";
import { registerModels } from "../../cli/test-support/register-model.js";
import type { SpawnedCli } from "../../cli/test-support/spawn-cli.js";
import { spawnCli } from "../../cli/test-support/spawn-cli.js";
import { resolveConfig } from "../../core/config.js";
import type { CaptureServer } from "../../core/test-support/capture-server.js";
import { captureServer } from "../../core/test-support/capture-server.js";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";
import { fitTelcoPackage, telcoRecord } from "../../learn/test-support/telco-models.js";
import { openPlatform } from "../../server/open-platform.js";
import type { AlertPayload } from "../alerts/notifiers.js";
import { SIGNATURE_HEADER } from "../alerts/notifiers.js";
import { verifySignature } from "../alerts/signature.js";
import { prepareReference, referenceToJson } from "../drift/drift-reference.js";

const SECRET = "e2e-secret";
const DEADLINE_MS = 60_000;

/** Poll `check` until it returns a value or the deadline passes. */
async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const end = Date.now() + DEADLINE_MS;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("monitoring end to end (real server, real traffic)", () => {
  let home: string;
  let telco: Table;
  let server: SpawnedCli;
  let url: string;
  let hook: CaptureServer;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-monitor-e2e-"));
    telco = await readTable(TELCO_CSV);
    const pkg = await fitTelcoPackage(telco, 20);
    pkg.driftReference = referenceToJson(prepareReference(telco, { maxSample: 5000 }));
    await registerModels(home, "churn", [pkg], { champion: "1" });
    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    await platform.deployments.create({ name: "prod", primary: "churn@champion" });
    await platform.close();
    hook = await captureServer();
    server = await spawnCli(
      [
        "up",
        "--home",
        home,
        "--port",
        "0",
        "--json",
        "--poll-ms",
        "100",
        "--sync-ms",
        "200",
        "--monitor-tick-ms",
        "100",
      ],
      // The webhook goes to a capture server on loopback, refused unless listed.
      { MODELWORKS_OUTBOUND_ALLOW: "127.0.0.1" },
    );
    url = (JSON.parse(server.firstLine) as { url: string }).url;
  });

  after(async () => {
    await server?.stop();
    await hook?.close();
    rmSync(home, { recursive: true, force: true });
  });

  /** Score `n` customers in requests of 50, `tenure` shifted by `shift` months. */
  async function traffic(n: number, shift: number, offset: number): Promise<void> {
    for (let start = 0; start < n; start += 50) {
      const recs = Array.from({ length: 50 }, (_, i) => {
        // Every 7th customer from `offset`: a spread over the table (checked to drift on no input unshifted).
        const r = telcoRecord(telco, (offset + (start + i) * 7) % telco.numRows);
        r.tenure = Number(r.tenure) + shift;
        return r;
      });
      const res = await homeFetch(home)(`${url}/deployments/prod/invocations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ dataframe_records: recs }),
      });
      assert.equal(res.status, 200, await res.text());
    }
  }

  const payloads = () => hook.requests.map((r) => ({ req: r, body: JSON.parse(r.body) as AlertPayload }));
  const metrics = async () => (await fetch(`${url}/metrics`)).text();

  test("shifted traffic fires the feature-drift alert (signed webhook, gauges); unshifted traffic resolves it", async () => {
    const io = captureIo(home);
    const args = ["monitor", "set", "prod", "--interval", "1s", "--window-rows", "400"];
    const alerts = ["--alert", "feature-drift:tenure", "--alert", "dataset-drift"];
    const notify = ["--notify", `webhook=${hook.url}/monitor`, "--secret", SECRET, "--notify", "log"];
    const code = await main([...args, ...alerts, ...notify, "--tracking-uri", url], io);
    assert.equal(code, 0, io.stderr.join("\n"));

    await traffic(500, 40, 0);
    const fired = await eventually("the firing webhook", () => payloads().find((p) => p.body.status === "firing"));
    assert.equal(fired.body.alert.rule, "feature_drift:tenure");
    assert.equal(fired.body.alert.deployment, "prod");
    assert.equal(fired.body.alert.model, "churn");
    assert.ok(verifySignature(SECRET, fired.req.body, fired.req.headers[SIGNATURE_HEADER.toLowerCase()] as string));
    const text = await metrics();
    assert.match(
      text,
      /modelworks_feature_drift_score\{deployment="prod",model="churn",version="1",feature="tenure",test="wasserstein"\} [\d.]+/,
    );
    // Some features drifted (tenure at least), not enough for dataset drift; how many depends on which
    // rows the window held when the monitor ran.
    const share = Number(
      /modelworks_drifted_features_share\{deployment="prod",model="churn",version="1"\} ([\d.e-]+)/.exec(text)?.[1],
    );
    assert.ok(share > 0 && share < 0.5, `drifted feature share ${share}`);
    assert.match(text, /modelworks_dataset_drift\{deployment="prod",model="churn",version="1"\} 0/);
    assert.match(text, /modelworks_alerts_firing\{deployment="prod",rule="feature_drift:tenure"\} 1/);
    // The log notifier wrote to the server's stderr.
    assert.match(server.stderr(), /alert firing: deployment prod rule feature_drift:tenure/);

    // Later runs while the drift lasts notify no one again.
    const runsBefore = (await statusJson()).series.length;
    await eventually("two more runs", async () =>
      (await statusJson()).series.length >= runsBefore + 2 ? true : undefined,
    );
    assert.equal(payloads().filter((p) => p.body.status === "firing").length, 1);

    await traffic(500, 0, 3);
    const resolved = await eventually("the resolved webhook", () =>
      payloads().find((p) => p.body.status === "resolved"),
    );
    assert.equal(resolved.body.alert.id, fired.body.alert.id);
    assert.ok(
      verifySignature(SECRET, resolved.req.body, resolved.req.headers[SIGNATURE_HEADER.toLowerCase()] as string),
    );
    assert.match(await metrics(), /modelworks_alerts_firing\{deployment="prod",rule="feature_drift:tenure"\} 0/);
    assert.equal(payloads().length, 2, "one firing, one resolved notification");
    const status = await statusJson();
    assert.deepEqual(status.alerts, []);
    assert.equal(status.latest[0]?.features.find((f) => f.column === "tenure")?.drifted, false);
  });

  async function statusJson() {
    const io = captureIo(home);
    assert.equal(await main(["monitor", "status", "prod", "--json", "--limit", "100", "--tracking-uri", url], io), 0);
    return JSON.parse(io.stdout.join("\n")) as {
      series: unknown[];
      alerts: unknown[];
      latest: { features: { column: string; drifted: boolean }[] }[];
    };
  }
});
