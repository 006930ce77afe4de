/** Open the online store a URI names: `sqlite:PATH` (the default, embedded) or `redis://...`. */
import { isAbsolute, join, resolve } from "node:path";
import { invalidParam } from "../../core/errors.js";
import type { OnlineStore } from "./online-store.js";
import { openRedisOnlineStore } from "./redis/redis-online-store.js";
import { openSqliteOnlineStore } from "./sqlite/sqlite-online-store.js";

/** The default online store of a home: `sqlite:<home>/online-store.db`. */
export function defaultOnlineStoreUri(home: string): string {
  return `sqlite:${join(home, "online-store.db")}`;
}

/** Open an online store; `cwd` resolves a relative SQLite path. Redis URIs may carry `?prefix=KEYPREFIX`. */
export function openOnlineStore(uri: string, cwd: string): OnlineStore {
  if (uri.startsWith("redis://") || uri.startsWith("rediss://")) {
    const u = new URL(uri);
    const prefix = u.searchParams.get("prefix") ?? undefined;
    u.searchParams.delete("prefix");
    return openRedisOnlineStore(u.toString(), prefix === undefined ? {} : { prefix });
  }
  if (uri.startsWith("sqlite:")) {
    const path = uri.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
    if (path === "") throw invalidParam("online store: 'sqlite:' needs a file path (sqlite:PATH).");
    return openSqliteOnlineStore(path === ":memory:" || isAbsolute(path) ? path : resolve(cwd, path));
  }
  throw invalidParam(`online store: expected sqlite:PATH or redis://HOST:PORT, got '${redactUri(uri)}'.`);
}

/** The backend a URI names; invalidParam for anything else (checked at start-up, before first use). */
export function onlineStoreKind(uri: string): OnlineStore["kind"] {
  if (uri.startsWith("redis://") || uri.startsWith("rediss://")) return "redis";
  if (uri.startsWith("sqlite:")) return "sqlite";
  throw invalidParam(`online store: expected sqlite:PATH or redis://HOST:PORT, got '${redactUri(uri)}'.`);
}

/** A URI without its password, for messages. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^/@:]*):[^/@]*@/, "//$1:***@");
}
