import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../../core/db/database.js";
import { migrate } from "../../../core/db/migrate.js";
import { testBackends } from "../../../core/db/test-support/backends.js";
import { isMwError } from "../../../core/errors.js";
import { servingMigrations } from "../../migrations.js";
import { newRequestId } from "../../scoring/request-id.js";
import type { FeedbackRecord, LabeledScore, PredictionRecord } from "../prediction-log-store.js";
import { SqlPredictionLogStore } from "./sql-prediction-log-store.js";

function record(deployment: string, requestId: string, row: number, more: Partial<PredictionRecord> = {}) {
  const r: PredictionRecord = {
    deployment,
    requestId,
    row,
    variant: "primary",
    shadow: false,
    modelName: "churn",
    modelVersion: "3",
    inputs: `{"tenure":${row},"Contract":"Month-to-month"}`,
    score: 0.25 + row / 1000,
    label: "No",
    time: 1_700_000_000_000 + row,
    latencyMs: 1.5,
    ...more,
  };
  return r;
}

function feedback(deployment: string, id: string, more: Partial<FeedbackRecord> = {}): FeedbackRecord {
  return { id, deployment, outcome: "Yes", time: 1_700_000_000_000, ...more };
}

for (const backend of testBackends()) {
  describe(`SqlPredictionLogStore contract (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let store: SqlPredictionLogStore;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, servingMigrations);
      store = new SqlPredictionLogStore(db);
    });
    after(() => drop());

    test("records round-trip with every field; NaN scores come back as NaN, infinities as they are", async () => {
      const full = record("rt", "req-a", 0, {
        variant: "candidate",
        shadow: true,
        routingKey: "7590-VHVEG",
        label: "Yes",
        score: 0.875,
        latencyMs: 0.25,
      });
      const nan = record("rt", "req-a", 1, { score: Number.NaN, label: "No" });
      const big = record("rt", "req-b", 0, { score: -1e300, time: 1_800_000_000_123 });
      const inf = record("rt", "req-b", 1, { score: Number.POSITIVE_INFINITY, time: 1_800_000_000_123 });
      await store.appendPredictions([full, nan, big, inf]);
      const got = await store.listPredictions({ deployment: "rt" });
      assert.deepEqual(got, [full, nan, big, inf]);
      assert.ok(Number.isNaN(got[1]?.score));
      assert.equal("routingKey" in (got[1] as PredictionRecord), false);
      assert.equal(await store.countPredictions("rt"), 4);
      assert.equal(await store.countPredictions("nothing"), 0);
    });

    test("an empty append is a no-op", async () => {
      await store.appendPredictions([]);
      await store.appendFeedback([]);
      assert.equal(await store.countPredictions("rt"), 4);
    });

    test("appends beyond both engines' bind-parameter limits in one call", async () => {
      // 6,000 rows x 13 columns = 78,000 parameters: more than PostgreSQL's 65,535.
      const many = Array.from({ length: 6000 }, (_, i) => record("bulk", `bulk-${Math.floor(i / 100)}`, i % 100));
      await store.appendPredictions(many);
      assert.equal(await store.countPredictions("bulk"), 6000);
      const got = await store.listPredictions({ deployment: "bulk", limit: 100_000 });
      assert.equal(got.length, 6000);
    });

    test("a failing append stores nothing (one transaction)", async () => {
      const good = Array.from({ length: 3000 }, (_, i) => record("atomic", "req-x", i));
      const bad = record("atomic", "req-y", 0, { label: null as unknown as string });
      await assert.rejects(store.appendPredictions([...good, bad]));
      assert.equal(await store.countPredictions("atomic"), 0);
    });

    test("a repeated (request, row, variant) keeps the first record and stores the rest", async () => {
      await store.appendPredictions([record("dup", "dup-1", 0, { label: "first" })]);
      await store.appendPredictions([
        record("dup", "dup-1", 0, { label: "second" }),
        record("dup", "dup-1", 0, { label: "second", variant: "candidate" }),
        record("dup", "dup-1", 1),
      ]);
      const got = await store.listPredictions({ deployment: "dup" });
      assert.deepEqual(
        got.map((r) => [r.row, r.variant, r.label]),
        [
          [0, "candidate", "second"],
          [0, "primary", "first"],
          [1, "primary", "No"],
        ],
      );
    });

    test("filters by time window and variant, oldest first, with a limit", async () => {
      const t = 2_000_000_000_000;
      await store.appendPredictions([
        record("win", "win-c", 0, { time: t + 30 }),
        record("win", "win-a", 0, { time: t + 10 }),
        record("win", "win-b", 0, { time: t + 20, variant: "candidate" }),
        record("win", "win-d", 0, { time: t + 40 }),
        record("other", "win-e", 0, { time: t + 20 }),
      ]);
      const ids = async (q: Parameters<SqlPredictionLogStore["listPredictions"]>[0]) =>
        (await store.listPredictions(q)).map((r) => r.requestId);
      assert.deepEqual(await ids({ deployment: "win" }), ["win-a", "win-b", "win-c", "win-d"]);
      assert.deepEqual(await ids({ deployment: "win", since: t + 20 }), ["win-b", "win-c", "win-d"]);
      assert.deepEqual(await ids({ deployment: "win", until: t + 30 }), ["win-a", "win-b"]);
      assert.deepEqual(await ids({ deployment: "win", since: t + 20, until: t + 40 }), ["win-b", "win-c"]);
      assert.deepEqual(await ids({ deployment: "win", variant: "candidate" }), ["win-b"]);
      assert.deepEqual(await ids({ deployment: "win", variant: "primary", limit: 2 }), ["win-a", "win-c"]);
    });

    test("a limit that is not a positive integer is refused, naming the field", async () => {
      for (const limit of [0, -1, 1.5, Number.NaN]) {
        await assert.rejects(store.listPredictions({ deployment: "win", limit }), (e: unknown) => {
          assert.ok(isMwError(e) && e.code === "INVALID_PARAMETER_VALUE" && e.message.startsWith("limit"));
          return true;
        });
      }
      await assert.rejects(store.listFeedback({ deployment: "win", limit: 0 }));
    });

    test("feedback round-trips by request id or routing key, oldest first", async () => {
      const t = 1_700_000_000_000;
      const byRequest = feedback("fb", "f-1", { requestId: "req-a", row: 2, time: t + 5 });
      const byKey = feedback("fb", "f-2", { routingKey: "7590-VHVEG", outcome: "0", time: t + 1 });
      const later = feedback("fb", "f-3", { requestId: "req-b", row: 0, time: t + 9 });
      await store.appendFeedback([byRequest, byKey, later, feedback("elsewhere", "f-4")]);
      assert.deepEqual(await store.listFeedback({ deployment: "fb" }), [byKey, byRequest, later]);
      assert.deepEqual(await store.listFeedback({ deployment: "fb", since: t + 5 }), [byRequest, later]);
      assert.deepEqual(await store.listFeedback({ deployment: "fb", limit: 1 }), [byKey]);
      const [first] = await store.listFeedback({ deployment: "fb" });
      assert.equal("requestId" in (first as FeedbackRecord), false);
      assert.equal("row" in (first as FeedbackRecord), false);
    });

    test("labeled scores join feedback by request id and row or by routing key, latest feedback first", async () => {
      const t = 3_000_000_000_000;
      const p = (id: string, row: number, time: number, more: Partial<PredictionRecord> = {}) =>
        record("lab", id, row, { time: t + time, ...more });
      await store.appendPredictions([
        p("a", 0, 10, { score: 0.9 }),
        p("a", 0, 10, { score: 0.8, variant: "candidate", shadow: true, modelVersion: "4" }),
        p("a", 1, 10, { score: 0.2 }),
        p("b", 0, 20, { score: Number.NaN }),
        p("k1", 0, 30, { score: 0.3, routingKey: "K" }),
        p("k2", 0, 50, { score: 0.7, routingKey: "K", variant: "candidate", modelVersion: "4" }),
        p("k3", 0, 90, { score: 0.6, routingKey: "K" }),
        p("c", 0, 100, { score: 0.5 }),
        p("z", 0, 5, { score: 0.4, label: "maybe" }),
        record("lab-other", "o", 0, { time: t + 10, routingKey: "K" }),
      ]);
      const f = (id: string, time: number, outcome: string, more: Partial<FeedbackRecord>) =>
        feedback("lab", id, { time: t + time, outcome, ...more });
      await store.appendFeedback([
        // Row defaults to 0; the later of two for one prediction wins.
        f("fa-1", 200, "0", { requestId: "a" }),
        f("fa-2", 300, "1", { requestId: "a", row: 0 }),
        f("fa-3", 200, "0", { requestId: "a", row: 1 }),
        f("fb", 200, "1", { requestId: "b" }),
        // Before any prediction with the key: refers to nothing.
        f("fk-0", 25, "1", { routingKey: "K" }),
        f("fk-1", 40, "0", { routingKey: "K" }),
        f("fk-2", 55, "0", { routingKey: "K" }),
        f("fk-3", 70, "1", { routingKey: "K" }),
        // Refers to k3 (outside a window ending at 90), never to k2.
        f("fk-4", 95, "yes", { routingKey: "K" }),
        f("fc", 200, "1", { requestId: "c" }),
        f("fz", 200, "1", { requestId: "z" }),
        feedback("lab-other", "fo", { requestId: "a", outcome: "other", time: t + 400 }),
      ]);
      const rows = (since: number, until?: number, limit?: number) =>
        store.listLabeledScores({
          deployment: "lab",
          since: t + since,
          ...(until !== undefined ? { until: t + until } : {}),
          ...(limit !== undefined ? { limit } : {}),
        });
      const brief = (r: LabeledScore) => [r.time - t, r.variant, r.shadow, r.modelVersion, r.score, r.outcome];
      assert.deepEqual((await rows(10, 100)).map(brief), [
        [90, "primary", false, "3", 0.6, "yes"],
        [50, "candidate", false, "4", 0.7, "1"],
        [30, "primary", false, "3", 0.3, "0"],
        [10, "candidate", true, "4", 0.8, "1"],
        [10, "primary", false, "3", 0.9, "1"],
        [10, "primary", false, "3", 0.2, "0"],
      ]);
      assert.deepEqual(await rows(10, 90), (await rows(10, 100)).slice(1));
      assert.deepEqual(
        (await rows(11)).map((r) => r.time - t),
        [100, 90, 50, 30],
      );
      assert.deepEqual(
        (await rows(0, undefined, 2)).map((r) => r.time - t),
        [100, 90],
      );
      assert.equal((await rows(0)).length, 8);
      assert.deepEqual((await rows(0)).at(-1), {
        variant: "primary",
        shadow: false,
        modelName: "churn",
        modelVersion: "3",
        score: 0.4,
        label: "maybe",
        outcome: "1",
        time: t + 5,
      });
      assert.deepEqual(await store.listLabeledScores({ deployment: "nothing", since: 0 }), []);
      await assert.rejects(store.listLabeledScores({ deployment: "lab", since: 0, limit: 0 }));
      await assert.rejects(store.listLabeledScores({ deployment: "lab", since: Number.NaN }));
    });

    test("feedback ids are unique", async () => {
      await assert.rejects(store.appendFeedback([feedback("fb2", "same"), feedback("fb2", "same")]));
      assert.deepEqual(await store.listFeedback({ deployment: "fb2" }), []);
    });

    test("feedback finds its prediction's time by request: server-made ids, client tokens, ids of another time", async () => {
      const t = 1_750_000_000_000;
      const made = newRequestId(t);
      // A UUIDv7 stamped an hour away from when the request was logged (a client's own id).
      const skewed = newRequestId(t - 3_600_000);
      await store.appendPredictions([
        record("times", made, 0, { time: t }),
        record("times", made, 1, { time: t }),
        record("times", "client-trace-42", 0, { time: t + 5 }),
        record("times", skewed, 0, { time: t + 9 }),
      ]);
      const byRequest = (requestId: string, row: number) => feedback("times", "x", { requestId, row });
      const times = await store.feedbackTargetTimes([
        byRequest(made, 1),
        byRequest("client-trace-42", 0),
        byRequest(skewed, 0),
        byRequest(made, 7),
        byRequest("client-trace-42", 3),
        byRequest(newRequestId(t), 0),
        byRequest("never-logged", 0),
        feedback("elsewhere", "y", { requestId: made, row: 0 }),
      ]);
      assert.deepEqual(times, [t, t + 5, t + 9, undefined, undefined, undefined, undefined, undefined]);
      // Only the ids that do not carry their time got a row of their own.
      const own = await db.all<{ n: number | string }>(`SELECT COUNT(*) AS n FROM log_request_times
         WHERE deployment_id = (SELECT id FROM log_deployments WHERE name = 'times')`);
      assert.equal(Number(own[0]?.n), 2);
    });
  });
}
