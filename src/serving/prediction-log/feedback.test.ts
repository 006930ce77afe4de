import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isMwError } from "../../core/errors.js";
import { parseFeedback } from "./feedback.js";

const clock = { now: () => 1_700_000_000_000 };
const serving = { deployment: "churn-prod", clock };

/** Asserts an INVALID_PARAMETER_VALUE whose message contains `text`. */
function refuses(body: unknown, text: string, options: Parameters<typeof parseFeedback>[1] = serving): void {
  assert.throws(
    () => parseFeedback(body, options),
    (e: unknown) => {
      assert.ok(isMwError(e), String(e));
      assert.equal(e.code, "INVALID_PARAMETER_VALUE");
      assert.ok(e.message.includes(text), `"${e.message}" should contain "${text}"`);
      return true;
    },
  );
}

/** The records without their random ids. */
function parsed(body: unknown, options: Parameters<typeof parseFeedback>[1] = serving) {
  return parseFeedback(body, options).map(({ id, ...rest }) => {
    assert.match(id, /^[0-9a-f-]{36}$/);
    return rest;
  });
}

describe("parseFeedback accepts", () => {
  test("one object with a request id (row defaults to 0) and the clock's time", () => {
    assert.deepEqual(parsed({ request_id: "req-1", outcome: "Yes" }), [
      { deployment: "churn-prod", requestId: "req-1", row: 0, outcome: "Yes", time: 1_700_000_000_000 },
    ]);
  });

  test('{"feedback": [...]} with rows, routing keys, given times and every outcome type', () => {
    const body = {
      feedback: [
        { request_id: "req-1", row: 3, outcome: 1, time: 1_600_000_000_000 },
        { routing_key: "7590-VHVEG", outcome: true },
        { routing_key: "5575-GNVDE", outcome: 12.5, deployment: "churn-prod" },
      ],
    };
    assert.deepEqual(parsed(body), [
      { deployment: "churn-prod", requestId: "req-1", row: 3, outcome: "1", time: 1_600_000_000_000 },
      { deployment: "churn-prod", routingKey: "7590-VHVEG", outcome: "true", time: 1_700_000_000_000 },
      { deployment: "churn-prod", routingKey: "5575-GNVDE", outcome: "12.5", time: 1_700_000_000_000 },
    ]);
  });

  test("a JSON array of objects; an empty list is no feedback", () => {
    assert.deepEqual(
      parsed([
        { request_id: "a", outcome: "No" },
        { request_id: "b", outcome: false },
      ]).map((r) => [r.requestId, r.outcome]),
      [
        ["a", "No"],
        ["b", "false"],
      ],
    );
    assert.deepEqual(parseFeedback([], serving), []);
    assert.deepEqual(parseFeedback({ feedback: [] }, serving), []);
  });

  test("each item's own deployment when the server serves none", () => {
    const records = parsed([{ deployment: "a", request_id: "r", outcome: "x" }], { deployment: undefined, clock });
    assert.equal(records[0]?.deployment, "a");
    assert.equal(parsed([{ deployment: "b", request_id: "r", outcome: "x" }], { clock })[0]?.deployment, "b");
  });

  test("null optional fields count as absent; unknown fields are ignored", () => {
    assert.deepEqual(parsed({ request_id: "r", row: null, time: null, routing_key: null, outcome: "x", note: 1 }), [
      { deployment: "churn-prod", requestId: "r", row: 0, outcome: "x", time: 1_700_000_000_000 },
    ]);
  });

  test("ids are random and distinct", () => {
    const ids = parseFeedback(
      Array.from({ length: 100 }, () => ({ routing_key: "k", outcome: 0 })),
      serving,
    ).map((r) => r.id);
    assert.equal(new Set(ids).size, 100);
  });
});

describe("parseFeedback refuses", () => {
  test("a body that is not an object or array, or a feedback that is not an array", () => {
    refuses("Yes", "feedback body must be a JSON object");
    refuses(null, "feedback body must be a JSON object");
    refuses(7, "feedback body must be a JSON object");
    refuses({ feedback: { request_id: "r", outcome: 1 } }, "feedback must be an array");
  });

  test("an item that is not an object", () => {
    refuses([{ request_id: "r", outcome: 1 }, "x"], "feedback[1] must be a JSON object");
    refuses({ feedback: [[1]] }, "feedback[0] must be a JSON object");
  });

  test("a missing, empty or wrongly typed outcome", () => {
    refuses([{ request_id: "r", outcome: 1 }, {}, {}, { request_id: "r" }], "feedback[1].outcome is required");
    refuses([{ request_id: "r", outcome: 1 }, { request_id: "r", outcome: 1 }, {}, { request_id: "r" }], "feedback[2]");
    refuses({ request_id: "r", outcome: null }, "feedback[0].outcome is required");
    refuses({ request_id: "r", outcome: "" }, "feedback[0].outcome must not be empty");
    refuses({ request_id: "r", outcome: { label: 1 } }, "feedback[0].outcome must be a string, number or boolean");
    refuses({ request_id: "r", outcome: [1] }, "feedback[0].outcome must be a string, number or boolean");
  });

  test("neither request_id nor routing_key, or both", () => {
    refuses({ outcome: "Yes" }, "feedback[0].request_id or routing_key is required");
    refuses({ requestId: "camelCase", outcome: "Yes" }, "feedback[0].request_id or routing_key is required");
    refuses({ request_id: "r", routing_key: "k", outcome: "Yes" }, "feedback[0] has both request_id and routing_key");
  });

  test("a request_id or routing_key that is not a non-empty string", () => {
    refuses({ request_id: 12, outcome: "Yes" }, "feedback[0].request_id must be a non-empty string");
    refuses({ request_id: "", outcome: "Yes" }, "feedback[0].request_id must be a non-empty string");
    refuses({ routing_key: ["k"], outcome: "Yes" }, "feedback[0].routing_key must be a non-empty string");
  });

  test("a row that is not an integer >= 0, or a row without request_id", () => {
    refuses({ request_id: "r", row: -1, outcome: 1 }, "feedback[0].row must be an integer >= 0");
    refuses({ request_id: "r", row: 1.5, outcome: 1 }, "feedback[0].row must be an integer >= 0");
    refuses({ request_id: "r", row: "2", outcome: 1 }, "feedback[0].row must be an integer >= 0");
    refuses({ routing_key: "k", row: 2, outcome: 1 }, "feedback[0].row is only allowed with request_id");
  });

  test("a time that is not milliseconds since the epoch", () => {
    refuses({ request_id: "r", outcome: 1, time: "2024-01-01" }, "feedback[0].time must be milliseconds");
    refuses({ request_id: "r", outcome: 1, time: -5 }, "feedback[0].time must be milliseconds");
    refuses({ request_id: "r", outcome: 1, time: 1.5 }, "feedback[0].time must be milliseconds");
  });

  test("another deployment than the one served, or none when the server serves none", () => {
    refuses(
      { request_id: "r", outcome: 1, deployment: "other" },
      "feedback[0].deployment is 'other', but this server serves deployment 'churn-prod'",
    );
    refuses({ request_id: "r", outcome: 1, deployment: 5 }, "feedback[0].deployment must be a non-empty string");
    refuses({ request_id: "r", outcome: 1 }, "feedback[0].deployment is required", { deployment: undefined, clock });
  });

  test("more items than maxItems", () => {
    const body = Array.from({ length: 3 }, () => ({ routing_key: "k", outcome: 0 }));
    refuses(body, "feedback has 3 items; at most 2 are allowed", { ...serving, maxItems: 2 });
    assert.equal(parseFeedback(body, { ...serving, maxItems: 3 }).length, 3);
  });
});
