/**
 * A Python worker killed under traffic, in spawned processes: `modelworks serve MODEL@ALIAS` scores
 * a scikit-learn model with two workers; one worker is SIGKILLed (found through the process tree)
 * while it holds a request. Only that request fails, with 503; the queued and the other worker's
 * requests are answered, the worker comes back with a new process id, and every request after that
 * gets 200.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { DEBIAN_PYTHON, sklearnSkipReason } from "../../runtimes/python/test-support/fixtures.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import { homeFetch } from "../test-support/home-auth.js";
import type { SpawnedCli } from "../test-support/spawn-cli.js";
import { spawnCli } from "../test-support/spawn-cli.js";

const FIXTURES = fileURLToPath(new URL("../../../test-fixtures/runtimes/slow-sklearn/", import.meta.url));
const SKIP = sklearnSkipReason() ?? (process.platform === "linux" ? undefined : "reads the process tree from /proc");

/** The Python workers of process `parent`: its children running worker.py (from /proc). */
function pythonWorkers(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name, which may hold spaces and parentheses: state, ppid, ...
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== parent) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("worker.py")) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids.sort((a, b) => a - b);
}

describe("a Python worker killed during traffic to modelworks serve", { skip: SKIP }, () => {
  let home: string;
  let serve: SpawnedCli | undefined;
  let url: string;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-worker-kill-"));
    const io = captureIo(home);
    io.env.MODELWORKS_PYTHON = DEBIAN_PYTHON;
    // A scikit-learn churn classifier whose predict_proba first sleeps max(delay_s) seconds.
    const argv = ["models", "log", join(FIXTURES, "classifier"), "--name", "slow", "--alias", "champion"];
    const code = await main(argv, io);
    assert.equal(code, 0, io.stderr.join("\n"));
    serve = await spawnCli(["serve", "slow@champion", "--port", "0", "--json"], {
      MODELWORKS_HOME: home,
      MODELWORKS_PYTHON: DEBIAN_PYTHON,
      MODELWORKS_PYTHON_WORKERS: "2",
    });
    url = (JSON.parse(serve.firstLine) as { url: string }).url;
  });
  after(async () => {
    await serve?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const expected = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as {
    columns: string[];
    rows: number[][];
    expected: number[];
  };
  /** Score fixture row `i` after a delay of `delay` seconds in the model. */
  const score = async (i: number, delay: number) => {
    const row = [...(expected.rows[i % expected.rows.length] as number[]), delay];
    const res = await homeFetch(home)(`${url}/invocations`, {
      method: "POST",
      body: JSON.stringify({ dataframe_split: { columns: [...expected.columns, "delay_s"], data: [row] } }),
      headers: { "content-type": "application/json" },
    });
    return { status: res.status, body: await res.text() };
  };
  /** The answer's probability equals scikit-learn's for fixture row `i`. */
  const assertScore = (body: string, i: number) => {
    const p = (JSON.parse(body) as { predictions: { probability: number }[] }).predictions[0]?.probability as number;
    const want = expected.expected[i % expected.rows.length] as number;
    assert.ok(Math.abs(p - want) <= 1e-9, `row ${i}: ${p} vs ${want}`);
  };
  const waitFor = async (cond: () => boolean) => {
    while (!cond()) await new Promise((r) => setTimeout(r, 25));
  };

  test("only the killed worker's in-flight request gets 503; it is restarted, then every request gets 200", {
    timeout: 120_000,
  }, async () => {
    const pid = serve?.proc.pid as number;
    const workers = pythonWorkers(pid);
    assert.equal(workers.length, 2, `workers of ${pid}: ${workers.join(", ")}`);
    assert.equal((await score(1, 0)).status, 200);

    // Each worker takes one slow request (sent apart, so they are not micro-batched together).
    const slow = [score(10, 2)];
    await new Promise((r) => setTimeout(r, 300));
    slow.push(score(20, 2));
    await new Promise((r) => setTimeout(r, 300));
    // Traffic queued behind them, then the kill while both workers are busy.
    const queued = Array.from({ length: 20 }, (_, i) => score(i, 0));
    const victim = workers[0] as number;
    process.kill(victim, "SIGKILL");
    const slowAnswers = await Promise.all(slow);
    const queuedAnswers = await Promise.all(queued);

    const failed = slowAnswers.filter((a) => a.status !== 200);
    assert.equal(failed.length, 1, JSON.stringify(slowAnswers));
    assert.equal(failed[0]?.status, 503);
    assert.match(failed[0]?.body ?? "", new RegExp(`Python worker \\(pid ${victim}\\) was killed by SIGKILL`));
    const served = slowAnswers.find((a) => a.status === 200);
    assert.ok(served);
    assertScore(served.body, slowAnswers.indexOf(served) === 0 ? 10 : 20);
    for (const [i, a] of queuedAnswers.entries()) {
      assert.equal(a.status, 200, `queued request ${i}: ${a.body}`);
      assertScore(a.body, i);
    }

    // Restarted: two workers again, the killed one replaced by a new process.
    await waitFor(() => {
      const now = pythonWorkers(pid);
      return now.length === 2 && !now.includes(victim);
    });
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => score(i, 0)));
    assert.deepEqual(
      answers.map((a) => a.status),
      answers.map(() => 200),
    );
    assert.match(serve?.stderr() ?? "", new RegExp(`Python worker ${victim} was killed by SIGKILL; restarting it`));
  });
});
