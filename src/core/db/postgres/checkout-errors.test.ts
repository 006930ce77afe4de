/**
 * A connection that fails in the same socket read that hands it to a waiting transaction: the pool
 * checks the client out synchronously (when the previous statement's ReadyForQuery is parsed), and
 * the backend's FATAL message that follows in the same chunk is emitted before any promise
 * continuation runs. The transaction's error listener must already be there, or the process exits
 * on an unhandled 'error' event (found by bench/faults/traffic-mix.ts: pg_terminate_backend under
 * traffic killed `up` in about one run of three).
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { test } from "node:test";
import { MwError } from "../../errors.js";
import { openPostgres } from "./postgres-database.js";

type Callback = (err: Error | null, result?: { rows: unknown[]; rowCount: number }) => void;

/** A driver client whose answers the test releases by hand; one instance per connection. */
class ScriptedClient extends EventEmitter {
  static made: ScriptedClient[] = [];
  _queryable = true;
  _ending = false;
  readonly waiting: Callback[] = [];
  constructor() {
    super();
    ScriptedClient.made.push(this);
  }
  connect(cb: (err: Error | null) => void): void {
    process.nextTick(() => cb(null));
  }
  query(_config: unknown, values?: unknown, cb?: Callback): Promise<unknown> | undefined {
    const callback = typeof values === "function" ? (values as Callback) : cb;
    if (callback) {
      this.waiting.push(callback);
      return undefined;
    }
    if (!this._queryable) return Promise.reject(new Error("Client has encountered a connection error"));
    return Promise.resolve({ rows: [], rowCount: 0 });
  }
  /** The socket read that ends the statement and then reports the backend's termination. */
  answerThenDie(): void {
    (this.waiting.shift() as Callback)(null, { rows: [{ one: 1 }], rowCount: 1 });
    this._queryable = false;
    this.emit(
      "error",
      Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
    );
  }
  end(cb?: () => void): Promise<void> {
    this._ending = true;
    cb?.();
    return Promise.resolve();
  }
  ref(): void {}
  unref(): void {}
}

test("a connection dying as it is handed to a waiting transaction fails that transaction with 503, not the process", async () => {
  const db = openPostgres("postgresql://scripted/db", { max: 1, client: ScriptedClient as never });
  const read = db.get<{ one: number }>("SELECT 1 AS one");
  while (ScriptedClient.made[0]?.waiting.length !== 1) await new Promise((r) => setImmediate(r));
  let ran = false;
  const tx = db.transaction(async () => {
    ran = true;
  });
  // The transaction now waits for the pool's only connection.
  await new Promise((r) => setImmediate(r));
  const client = ScriptedClient.made[0] as ScriptedClient;
  assert.doesNotThrow(() => client.answerThenDie(), "the error has a listener");
  assert.deepEqual(await read, { one: 1 });
  await assert.rejects(tx, (e) => e instanceof MwError && e.code === "TEMPORARILY_UNAVAILABLE");
  assert.equal(ran, false, "nothing ran on the broken connection");
  assert.equal(client._ending, true, "the broken connection was discarded");
});
