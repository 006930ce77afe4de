/**
 * Issue 8 end to end: a real `modelworks up --pipeline` runs a copy of the churn example pipeline from
 * each of its triggers — a signed GitHub push (a wrong signature is refused), a CSV dropped into the
 * watched folder, a dataset-drift alert of the deployment's monitor (shifted live traffic) and the
 * `* * * * *` schedule — and `concurrency: queue` never lets two runs overlap. The cron minute is
 * waited for last, while the other triggers have used it.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { readTable } from "../../data/read-table.js";
import { telcoRecord } from "../../learn/test-support/telco-models.js";
import type { ChurnTriggerPipeline } from "../../pipelines/test-support/churn-trigger-pipeline.js";
import {
  dropFile,
  telcoSlice,
  writeChurnTriggerPipeline,
} from "../../pipelines/test-support/churn-trigger-pipeline.js";
import { githubPushBody, githubSignature, postGithubPush } from "../../pipelines/test-support/github-push.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import { homeFetch } from "../test-support/home-auth.js";
import type { SpawnedCli } from "../test-support/spawn-cli.js";
import { spawnCli } from "../test-support/spawn-cli.js";

const SECRET = "churn-hook-secret";
/** Generous: a 2-core CI machine trains in the same process that serves and ticks. */
const DEADLINE_MS = 90_000;

interface RunRow {
  run_id: string;
  status: string;
  trigger: string;
  params: Record<string, unknown>;
  created_time: number;
  start_time: number | null;
  end_time: number | null;
  error: string | null;
}

interface RunDetail extends RunRow {
  steps: { step: string; status: string; outputs: Record<string, unknown> | null }[];
}

/** Poll `check` until it returns a value; on timeout the error names what was awaited and the server's stderr tail. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  server?: SpawnedCli,
  ms = DEADLINE_MS,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${server?.stderr().slice(-4000) ?? ""}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const finished = (r: RunRow) => r.status !== "queued" && r.status !== "running" && r.end_time !== null;

describe("modelworks up runs the churn pipeline from cron, folder, git and alert triggers", () => {
  let home: string;
  let pipe: ChurnTriggerPipeline;
  let server: SpawnedCli;
  let url: string;

  /** `modelworks pipeline ls --pipeline churn --json`, oldest first. */
  const runs = async (): Promise<RunRow[]> => {
    const io = captureIo(home);
    const code = await main(["pipeline", "ls", "--pipeline", "churn", "--json", "--home", home], io);
    assert.equal(code, 0, io.stderr.join("\n"));
    return (JSON.parse(io.stdout.join("\n")) as RunRow[]).sort((a, b) => a.created_time - b.created_time);
  };
  const show = async (id: string): Promise<RunDetail> => {
    const io = captureIo(home);
    assert.equal(await main(["pipeline", "show", id, "--json", "--home", home], io), 0, io.stderr.join("\n"));
    return JSON.parse(io.stdout.join("\n")) as RunDetail;
  };
  /** The finished runs of `trigger` once there are `n`; a failed one fails the test with its error. */
  const finishedRuns = (trigger: string, n = 1) =>
    eventually(
      `${n} finished ${trigger} run(s)`,
      async () => {
        const done = (await runs()).filter((r) => r.trigger === trigger && finished(r));
        for (const r of done) assert.equal(r.status, "succeeded", `${trigger} run ${r.run_id}: ${r.error}`);
        return done.length >= n ? done : undefined;
      },
      server,
    );

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-up-triggers-e2e-"));
    pipe = writeChurnTriggerPipeline(join(home, "churn"), {
      triggers: [
        { cron: "* * * * *", timezone: "UTC" },
        { git: { branch: "main", secret_env: "CHURN_WEBHOOK_SECRET" } },
        { folder: { path: "incoming", pattern: "*.csv" } },
        { alert: { deployment: "churn", rule: "dataset_drift" } },
      ],
    });
    const fast = ["--sync-ms", "200", "--poll-ms", "200", "--monitor-tick-ms", "200", "--rollout-tick-ms", "200"];
    server = await spawnCli(
      ["up", "--home", home, "--port", "0", "--json", "--pipeline", pipe.specPath, "--trigger-tick-ms", "200", ...fast],
      { CHURN_WEBHOOK_SECRET: SECRET },
    );
    url = (JSON.parse(server.firstLine) as { url: string }).url;
  });

  after(async () => {
    await server?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test("the copy keeps the example's steps", () => {
    assert.deepEqual(pipe.steps, ["ingest", "ingest_holdout", "validate", "train", "gate", "deploy"]);
  });

  test("a push with a wrong or missing signature is refused (401) and starts nothing", async () => {
    const body = githubPushBody("main", "b".repeat(40));
    const wrong = await postGithubPush(url, body, githubSignature("not-the-secret", body));
    assert.equal(wrong.status, 401, await wrong.text());
    // Signed, but a different body than the one sent.
    const tampered = await postGithubPush(url, body, githubSignature(SECRET, body.replace("main", "dev")));
    assert.equal(tampered.status, 401);
    assert.equal((await postGithubPush(url, body)).status, 401);
    assert.deepEqual(
      (await runs()).filter((r) => r.trigger === "git"),
      [],
    );
  });

  test("two signed pushes to main start two git runs, the second queued behind the first", async () => {
    for (const commit of ["c".repeat(40), "d".repeat(40)]) {
      const body = githubPushBody("main", commit);
      const res = await postGithubPush(url, body, githubSignature(SECRET, body));
      assert.equal(res.status, 202, await res.clone().text());
      assert.deepEqual(await res.json(), { started: ["churn"] });
    }
    const other = githubPushBody("dev", "e".repeat(40));
    const res = await postGithubPush(url, other, githubSignature(SECRET, other));
    assert.deepEqual(await res.json(), { started: [] }, "a push to another branch starts nothing");

    const git = await finishedRuns("git", 2);
    const [first, second] = [...git].sort((a, b) => (a.start_time as number) - (b.start_time as number)) as [
      RunRow,
      RunRow,
    ];
    // Both were created at once; queueing made the second start only after the first ended.
    assert.ok(second.created_time < (first.end_time as number), "the second push came while the first run ran");
    assert.ok((second.start_time as number) >= (first.end_time as number), "the second run waited for the first");
    // The first run registered churn/1, made it champion and created the deployment.
    const deploy = (await show(first.run_id)).steps.find((s) => s.step === "deploy");
    assert.equal(deploy?.status, "succeeded");
  });

  test("a CSV dropped into the watched folder starts a folder run that ingests that file", async () => {
    // Files present at the watcher's first poll (one --trigger-tick-ms after start) are ignored by
    // design; the git runs above took seconds of ticks, so this file is new to the watcher.
    const file = join(pipe.incoming, "telco-2026-11.csv");
    dropFile(file, telcoSlice(3000, 4000));
    const [run] = (await finishedRuns("folder")) as [RunRow];
    assert.equal(run.params.file, file);
    const ingest = (await show(run.run_id)).steps.find((s) => s.step === "ingest");
    assert.equal(ingest?.status, "succeeded");
    assert.equal(ingest?.outputs?.digest, createHash("sha256").update(readFileSync(file)).digest("hex"));
    assert.equal(ingest?.outputs?.rows, 1000);
  });

  test("a dataset-drift alert naming the pipeline starts one alert run", async () => {
    const telco = await readTable(pipe.trainCsv);
    /** Score `n` customers, `tenure` and `MonthlyCharges` shifted far outside the training data. */
    const traffic = async (n: number) => {
      for (let start = 0; start < n; start += 50) {
        const dataframe_records = Array.from({ length: 50 }, (_, i) => {
          const r = telcoRecord(telco, ((start + i) * 7) % telco.numRows);
          r.tenure = Number(r.tenure) + 40;
          r.MonthlyCharges = Number(r.MonthlyCharges) + 60;
          return r;
        });
        const res = await homeFetch(home)(`${url}/deployments/churn/invocations`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ dataframe_records }),
        });
        assert.equal(res.status, 200, await res.text());
      }
    };
    // `up` follows the deployment the first run created within --sync-ms.
    await eventually(
      "the churn deployment to be served",
      async () => {
        const res = await homeFetch(home)(`${url}/deployments/churn/invocations`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ dataframe_records: [telcoRecord(telco, 0)] }),
        });
        await res.arrayBuffer();
        return res.status === 200 ? true : undefined;
      },
      server,
    );
    const io = captureIo(home);
    const set = ["monitor", "set", "churn", "--interval", "1s", "--window-rows", "400", "--drift-share", "0.05"];
    const code = await main([...set, "--alert", "dataset-drift,pipeline=churn", "--tracking-uri", url], io);
    assert.equal(code, 0, io.stderr.join("\n"));

    await traffic(500);
    const [run] = (await finishedRuns("alert")) as [RunRow];
    assert.match(server.stderr(), /pipeline churn: started run \w+ \(alert dataset_drift on churn/);
    const alerts = captureIo(home);
    assert.equal(await main(["monitor", "alerts", "churn", "--json", "--tracking-uri", url], alerts), 0);
    const firing = JSON.parse(alerts.stdout.join("\n")) as { alerts: { rule: string; pipeline?: string }[] };
    assert.deepEqual(
      firing.alerts.map((a) => [a.rule, a.pipeline]),
      [["dataset_drift", "churn"]],
    );
    // The rule names the pipeline and the pipeline's own alert trigger matches too: still one run.
    assert.deepEqual(
      (await runs()).filter((r) => r.trigger === "alert").map((r) => r.run_id),
      [run.run_id],
    );
  });

  test("the * * * * * schedule starts a cron run", async () => {
    const [run] = (await finishedRuns("cron")) as [RunRow];
    assert.equal(run.status, "succeeded");
  });

  test("concurrency: queue — no two runs overlapped, and every trigger ran", async () => {
    const all = await runs();
    assert.ok(all.every(finished), JSON.stringify(all.map((r) => [r.trigger, r.status])));
    const byStart = [...all].sort((a, b) => (a.start_time as number) - (b.start_time as number));
    for (let i = 1; i < byStart.length; i++) {
      const prev = byStart[i - 1] as RunRow;
      const next = byStart[i] as RunRow;
      assert.ok(
        (next.start_time as number) >= (prev.end_time as number),
        `${next.trigger} run started at ${next.start_time} before the ${prev.trigger} run ended at ${prev.end_time}`,
      );
    }
    assert.deepEqual(new Set(all.map((r) => r.trigger)), new Set(["git", "folder", "alert", "cron"]));
    assert.equal(server.proc.exitCode, null, "up is still running");
  });
});
