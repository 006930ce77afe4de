import assert from "node:assert/strict";
import { test } from "node:test";
import { newRequestId } from "./request-id.js";

test("request ids are UUIDv7: version and variant bits, time-ordered, unique", () => {
  const ids = Array.from({ length: 5000 }, (_, i) => newRequestId(1_700_000_000_000 + i));
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(newRequestId(0x0123456789ab).slice(0, 13), "01234567-89ab");
});
