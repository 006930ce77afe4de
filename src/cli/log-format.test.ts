import assert from "node:assert/strict";
import { test } from "node:test";
import { withLogFormat } from "./log-format.js";
import { captureIo } from "./test-support/capture-io.js";

test("--log-format json writes one object per log line with its level; text leaves lines alone; others are refused", () => {
  const io = captureIo("/tmp");
  const json = withLogFormat(io, "json", () => new Date(0));
  json.err("error 503 TEMPORARILY_UNAVAILABLE request r1 GET /x: down");
  json.err("warning: prediction log: store unavailable");
  json.err("serving deployment churn");
  json.out("stdout stays as it is");
  assert.deepEqual(
    io.stderr.map((l) => JSON.parse(l)),
    [
      {
        time: "1970-01-01T00:00:00.000Z",
        level: "error",
        message: "error 503 TEMPORARILY_UNAVAILABLE request r1 GET /x: down",
      },
      { time: "1970-01-01T00:00:00.000Z", level: "warn", message: "warning: prediction log: store unavailable" },
      { time: "1970-01-01T00:00:00.000Z", level: "info", message: "serving deployment churn" },
    ],
  );
  assert.deepEqual(io.stdout, ["stdout stays as it is"]);
  assert.equal(withLogFormat(io, "text"), io);
  assert.throws(() => withLogFormat(io, "xml"), /--log-format must be text or json/);
});
