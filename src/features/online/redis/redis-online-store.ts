/**
 * The online store on Redis, for many serving replicas. One hash per (view, entity key) with the
 * event time (`t`), created time (`c`) and values (`v`, JSON); one hash per view with its
 * watermark (`w`), newest event time (`n`) and update time (`u`). Writes go through a Lua script
 * so the newer-event-time rule is checked and applied atomically, a chunk of records per call.
 */
import { Redis } from "ioredis";
import { MwError } from "../../../core/errors.js";
import type { OnlineRecord, OnlineStore, StoredRecord, ViewState } from "../online-store.js";

const WRITE = `
local n = 0
for i = 3, #KEYS do
  local b = 3 + (i - 3) * 3
  local t = tonumber(ARGV[b + 1])
  local c = tonumber(ARGV[b + 2])
  local old = redis.call('HMGET', KEYS[i], 't', 'c')
  local ot = tonumber(old[1])
  if ot == nil or t > ot or (t == ot and c >= (tonumber(old[2]) or 0)) then
    redis.call('HSET', KEYS[i], 't', ARGV[b + 1], 'c', ARGV[b + 2], 'v', ARGV[b + 3])
    n = n + 1
  end
end
if #KEYS > 2 then
  local on = tonumber(redis.call('HGET', KEYS[2], 'n'))
  if on == nil or tonumber(ARGV[2]) > on then redis.call('HSET', KEYS[2], 'n', ARGV[2]) end
  redis.call('HSET', KEYS[2], 'u', ARGV[1])
  redis.call('SADD', KEYS[1], ARGV[3])
end
return n`;

const ADVANCE = `
local o = tonumber(redis.call('HGET', KEYS[2], 'w'))
if o == nil or tonumber(ARGV[1]) > o then redis.call('HSET', KEYS[2], 'w', ARGV[1]) end
redis.call('SADD', KEYS[1], ARGV[2])
return 1`;

/** Options of the Redis online store. */
export interface RedisOnlineOptions {
  /** Prefix of every key (default `mw:`), so several platforms can share one Redis. */
  prefix?: string;
  /** How long a command may wait for the connection before failing (default 2000 ms). */
  connectTimeoutMs?: number;
}

/** Connect to Redis at `url` (`redis://[user:password@]host:port[/db]`); the connection opens on first use. */
export function openRedisOnlineStore(url: string, options: RedisOnlineOptions = {}): OnlineStore {
  const prefix = options.prefix ?? "mw:";
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true,
  });
  // Connection errors surface on the commands that wait for it; without a listener they'd be logged too.
  redis.on("error", () => {});
  const rowKey = (view: string, key: string) => `${prefix}r:${view}:${key}`;
  const metaKey = (view: string) => `${prefix}v:${view}`;
  const viewsKey = `${prefix}views`;
  const guard = <T>(what: string, p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => {
      // Our scripts raise no errors, so any failure is Redis being unreachable or refusing.
      throw new MwError("TEMPORARILY_UNAVAILABLE", `The Redis online store failed to ${what}: ${(e as Error).message}`);
    });
  const script = (lua: string, keys: string[], args: (string | number)[]) =>
    redis.eval(lua, keys.length, ...keys, ...args) as Promise<number>;
  const stateOf = async (view: string): Promise<ViewState> => {
    const [w, n, u] = await redis.hmget(metaKey(view), "w", "n", "u");
    return {
      view,
      ...(w != null ? { watermark: Number(w) } : {}),
      ...(n != null ? { newestEventTime: Number(n) } : {}),
      ...(u != null ? { updatedTime: Number(u) } : {}),
    };
  };
  return {
    kind: "redis",
    write: (view, records, now) =>
      guard("write", writeRecords(script, view, records, now, rowKey, metaKey(view), viewsKey)),
    read: (view, keys) =>
      guard(
        "read",
        readRecords(
          redis,
          keys.map((k) => rowKey(view, k)),
        ),
      ),
    viewState: (view) => guard("read", stateOf(view)),
    listViews: () =>
      guard(
        "read",
        redis.smembers(viewsKey).then((views) => Promise.all(views.sort().map(stateOf))),
      ),
    advanceWatermark: (view, time) =>
      guard(
        "write",
        script(ADVANCE, [viewsKey, metaKey(view)], [time, view]).then(() => {}),
      ),
    dropView: (view) =>
      guard("write", dropKeys(redis, `${globEscape(`${prefix}r:${view}:`)}*`, [metaKey(view)], viewsKey, view)),
    close: async () => {
      redis.disconnect();
    },
  };
}

async function writeRecords(
  script: (lua: string, keys: string[], args: (string | number)[]) => Promise<number>,
  view: string,
  records: readonly OnlineRecord[],
  now: number,
  rowKey: (view: string, key: string) => string,
  meta: string,
  viewsKey: string,
) {
  let written = 0;
  // Chunks keep each script call short: Redis runs nothing else while a script runs.
  for (let start = 0; start < records.length; start += 500) {
    const chunk = records.slice(start, start + 500);
    const keys = [viewsKey, meta];
    let newest = Number.NEGATIVE_INFINITY;
    const args: (string | number)[] = [now, 0, view];
    for (const r of chunk) {
      keys.push(rowKey(view, r.key));
      args.push(r.eventTime, r.createdTime, JSON.stringify(r.values));
      if (r.eventTime > newest) newest = r.eventTime;
    }
    args[1] = newest;
    written += await script(WRITE, keys, args);
  }
  return { written, skipped: records.length - written };
}

async function readRecords(redis: Redis, keys: string[]): Promise<(StoredRecord | undefined)[]> {
  if (keys.length === 1) return [toStored(await redis.hmget(keys[0] as string, "t", "c", "v"))];
  const p = redis.pipeline();
  for (const k of keys) p.hmget(k, "t", "c", "v");
  const results = (await p.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw err;
    return toStored(value as (string | null)[]);
  });
}

function toStored([t, c, v]: (string | null)[]): StoredRecord | undefined {
  if (t == null || v == null) return undefined;
  return { eventTime: Number(t), createdTime: Number(c ?? 0), values: JSON.parse(v) as Record<string, unknown> };
}

async function dropKeys(redis: Redis, pattern: string, more: string[], viewsKey: string, view: string) {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  await redis.del(...more);
  await redis.srem(viewsKey, view);
}

/** A literal for a SCAN MATCH pattern. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}
