/** What the Redis online store does when Redis is not there (the contract suite covers the rest). */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { it } from "node:test";
import { isMwError } from "../../../core/errors.js";
import { openRedisOnlineStore } from "./redis-online-store.js";

it("an unreachable Redis is a 503 (TEMPORARILY_UNAVAILABLE) naming the store, not a crash", async () => {
  // A port that was free a moment ago: nothing listens there.
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  const store = openRedisOnlineStore(`redis://127.0.0.1:${port}`, { connectTimeoutMs: 200 });
  try {
    await assert.rejects(store.read("v", ["[1]"]), (e: unknown) => {
      assert.ok(isMwError(e));
      assert.equal(e.code, "TEMPORARILY_UNAVAILABLE");
      assert.match(e.message, /Redis online store failed to read/);
      return true;
    });
  } finally {
    await store.close();
  }
});
