/** What every command gets: parsed flags, output streams, environment, and an API connection. */
import type { MlflowRouteName } from "../core/api/mlflow-routes.js";
import { resolveConfig } from "../core/config.js";
import type { MlflowApi } from "../sdk/mlflow-client.js";
import { createMlflowClient } from "../sdk/mlflow-client.js";
import { createPlatformClient } from "../sdk/platform-client.js";
import type { Handlers } from "../server/mlflow/handlers.js";
import { JsonStream } from "../server/mlflow/handlers.js";
import { registryHandlers } from "../server/mlflow/registry-handlers.js";
import { trackingHandlers } from "../server/mlflow/tracking-handlers.js";
import type { Platform } from "../server/open-platform.js";
import { openPlatform } from "../server/open-platform.js";
import type { ArtifactStore } from "../tracking/artifacts/artifact-store.js";
import { HttpArtifactStore } from "../tracking/artifacts/http/http-artifact-store.js";
import { clientAuthorization, fetchWithAuthorization } from "./client-auth.js";

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Common connection flags. */
export const CONNECTION_FLAGS = {
  "tracking-uri": { type: "string" },
  token: { type: "string" },
  home: { type: "string" },
  store: { type: "string" },
  artifacts: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The flags that say where the platform is and how to sign in to it. */
export interface ConnectionFlags {
  "tracking-uri"?: string | undefined;
  token?: string | undefined;
  home?: string | undefined;
  store?: string | undefined;
  artifacts?: string | undefined;
}

export interface Connection {
  api: MlflowApi;
  /** Where the runs' proxied artifacts (`mlflow-artifacts:/...`) are written and read. */
  artifacts: ArtifactStore;
  /** The embedded platform, when the connection is in-process (not over HTTP). */
  platform?: Platform;
  close(): Promise<void>;
}

/**
 * The MLflow API either over HTTP (`--tracking-uri` or MODELWORKS_TRACKING_URI / MLFLOW_TRACKING_URI
 * with http(s)) or in-process on the embedded store, through the very handlers the server uses.
 */
export async function connect(
  flags: ConnectionFlags,
  io: CliIo,
  options: Parameters<typeof openPlatform>[1] = {},
): Promise<Connection> {
  const uri = flags["tracking-uri"] ?? io.env.MODELWORKS_TRACKING_URI ?? io.env.MLFLOW_TRACKING_URI;
  if (uri && /^https?:\/\//.test(uri)) {
    const authed = fetchWithAuthorization(clientAuthorization(flags, io));
    return {
      api: createMlflowClient({ baseUrl: uri, fetch: authed }),
      artifacts: new HttpArtifactStore(uri, authed),
      close: async () => {},
    };
  }
  const platform = await openPlatform(resolveConfig(flags, io.env, io.cwd), options);
  return { ...platformConnection(platform), close: () => platform.close() };
}

/** An in-process connection on an open platform (closing it leaves the platform open). */
export function platformConnection(platform: Platform): Connection {
  const handlers: Handlers<MlflowRouteName> = {
    ...trackingHandlers({ tracking: platform.tracking, artifacts: platform.artifacts }),
    ...registryHandlers(platform),
  };
  const api = {} as Record<string, (req: unknown) => Promise<unknown>>;
  for (const [name, fn] of Object.entries(handlers)) {
    api[name] = async (req) => {
      const res = await (fn as (r: unknown) => Promise<unknown>)(req);
      return res instanceof JsonStream ? JSON.parse(await collect(res.chunks)) : res;
    };
  }
  return { api: api as unknown as MlflowApi, artifacts: platform.artifacts, platform, close: async () => {} };
}

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let s = "";
  for await (const c of chunks) s += c;
  return s;
}

/** An error the CLI reports as one line and a non-zero exit. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Format rows as an aligned text table. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** A millisecond timestamp as ISO text, or "-". */
export function when(ms: number | undefined): string {
  return ms === undefined ? "-" : new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

/** An integer flag in [min, max], or the default. */
export function intFlag(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CliError(`--${name} must be an integer from ${min} to ${max}, got '${text}'`);
  return n;
}

/**
 * A platform API (`A`, a subset of the SDK's) over HTTP when a tracking URI is given, else the
 * very handlers the server uses, on the embedded store (so both paths validate and answer alike).
 */
export async function connectPlatformApi<A>(
  flags: ConnectionFlags,
  io: CliIo,
  handlers: (platform: Platform) => unknown,
  options: Parameters<typeof openPlatform>[1] = {},
): Promise<{ api: A; close(): Promise<void> }> {
  const uri = flags["tracking-uri"] ?? io.env.MODELWORKS_TRACKING_URI ?? io.env.MLFLOW_TRACKING_URI;
  if (uri && /^https?:\/\//.test(uri)) {
    return {
      api: createPlatformClient({
        baseUrl: uri,
        fetch: fetchWithAuthorization(clientAuthorization(flags, io)),
      }) as unknown as A,
      close: async () => {},
    };
  }
  const platform = await openPlatform(resolveConfig(flags, io.env, io.cwd), options);
  return { api: handlers(platform) as A, close: () => platform.close() };
}
