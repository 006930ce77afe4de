/** `modelworks features materialize|materialize-incremental|get-online|freshness` */
import type { OnlineFeaturesResponse, ViewFreshness } from "../../core/api/feature-routes.js";
import { resolveConfig } from "../../core/config.js";
import { parseRefList } from "../../features/definitions/feature-refs.js";
import type { MaterializeProgress, ViewMaterialization } from "../../features/online/materialize.js";
import type { OnlineFeatureService } from "../../features/online/online-feature-service.js";
import { redactUri } from "../../features/online/open-online-store.js";
import { openPlatform } from "../../server/open-platform.js";
import { openFeatureServices } from "../../server/platform/feature-services.js";
import type { CliIo, ConnectionFlags } from "../cli-context.js";
import { CliError } from "../cli-context.js";

export const FEATURES_ONLINE_HELP = `  modelworks features materialize --start T --end T [--views VIEW,...] [--online-store URI] [--json]
                                   write each entity's latest values with event time in [start, end]
                                   into the online store (a newer stored value is kept; reruns change
                                   nothing); T is ISO 8601, ms since the epoch, or 'now'
  modelworks features materialize-incremental --end T [--views VIEW,...] [--online-store URI] [--json]
                                   the same from each view's watermark (the end of its last run; first
                                   run: end - ttl, or everything when the ttl is 0)
  modelworks features get-online (--service NAME | --features VIEW:FEATURE,...) --entity KEY=V[,V...]...
                                   [--full-names] [--json]
                                   online values with status PRESENT, NULL_VALUE, NOT_FOUND or
                                   OUTSIDE_MAX_AGE (older than the view's ttl) and event times
  modelworks features freshness [--json]   newest materialized event time and its age per online view
Online store: --online-store or MODELWORKS_ONLINE_STORE, sqlite:PATH (default <home>/online-store.db)
or redis://HOST:PORT[/DB][?prefix=P]. Materialization runs on this machine's home/store.`;

/** The flags the online subcommands read. */
export interface OnlineFlags extends ConnectionFlags {
  json?: boolean | undefined;
  start?: string | undefined;
  end?: string | undefined;
  views?: string | undefined;
  service?: string | undefined;
  features?: string | undefined;
  entity?: string[] | undefined;
  "full-names"?: boolean | undefined;
  "online-store"?: string | undefined;
}

/** The subset of the platform API the online subcommands call. */
export interface OnlineApi {
  getOnlineFeatures(req: {
    features?: string[];
    feature_service?: string;
    entities: unknown;
    full_feature_names?: boolean;
  }): Promise<OnlineFeaturesResponse>;
  getFeatureFreshness(req: Record<string, never>): Promise<{ views: ViewFreshness[] }>;
}

/** Parse a time flag: ISO 8601, ms since the epoch, or `now`. */
export function timeFlag(name: string, text: string | undefined, now: number): number {
  if (text === undefined) throw new CliError(`--${name} is required (ISO 8601, ms since the epoch, or 'now')`);
  if (text === "now") return now;
  const ms = /^\d{1,16}$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms))
    throw new CliError(`--${name} must be a time (ISO 8601, ms since the epoch, or 'now'), got '${text}'`);
  return ms;
}

/** `features materialize` and `materialize-incremental`: on this machine's platform, with progress on stderr. */
export async function materializeCommand(flags: OnlineFlags, io: CliIo, incremental: boolean): Promise<number> {
  const uri = flags["tracking-uri"] ?? io.env.MODELWORKS_TRACKING_URI ?? io.env.MLFLOW_TRACKING_URI;
  if (uri && /^https?:\/\//.test(uri))
    throw new CliError(
      "features materialize reads the datasets itself: run it with --home/--store, not --tracking-uri",
    );
  const now = Date.now();
  const end = timeFlag("end", flags.end, now);
  const start = incremental ? undefined : timeFlag("start", flags.start, now);
  const config = resolveConfig(flags, io.env, io.cwd);
  const platform = await openPlatform(config);
  try {
    const fs = openFeatureServices(platform.db, platform.datasets, undefined, platform.onlineStore);
    const online = fs.online as OnlineFeatureService;
    const result = await online.materialize(
      { start, end, incremental, views: flags.views === undefined ? undefined : parseRefList(flags.views) },
      progressPrinter(io),
    );
    const json = { ...result, online_store: redactUri(config.onlineStoreUri) };
    io.out(flags.json ? JSON.stringify(json, null, 2) : formatMaterialized(result.views, json.online_store));
    return 0;
  } finally {
    await platform.close();
  }
}

/** Progress lines for large sources: at most one a second per view and phase, and each phase's end. */
function progressPrinter(io: CliIo): (p: MaterializeProgress) => void {
  const last = new Map<string, number>();
  return (p) => {
    if (p.total < 100_000) return;
    const key = `${p.view}/${p.phase}`;
    const t = Date.now();
    if (p.done < p.total && t - (last.get(key) ?? 0) < 1000) return;
    last.set(key, t);
    const what = p.phase === "scan" ? "source rows scanned" : "entities written";
    io.err(`${p.view}: ${p.done.toLocaleString("en-US")}/${p.total.toLocaleString("en-US")} ${what}`);
  };
}

function formatMaterialized(views: ViewMaterialization[], store: string): string {
  if (views.length === 0) return `No online feature views to materialize (into ${store}).`;
  const iso = (ms: number | null) => (ms === null ? "the beginning" : new Date(ms).toISOString());
  return views
    .map(
      (v) =>
        `${v.view}: ${v.entities} entities from ${v.rows_in_window} of ${v.source_rows} rows of ${v.dataset}@${v.dataset_version} ` +
        `(${iso(v.start)} .. ${iso(v.end)}); ${v.written} written, ${v.skipped} kept newer; watermark ${iso(v.watermark)}`,
    )
    .concat(`Online store: ${store}`)
    .join("\n");
}

/** `features get-online`: a Feast request from flags, through the platform API (local or remote). */
export async function getOnlineCommand(flags: OnlineFlags, io: CliIo, api: OnlineApi): Promise<number> {
  if (!flags.service === !flags.features)
    throw new CliError("features get-online needs --service NAME or --features VIEW:FEATURE,... (one of them)");
  if (!flags.entity?.length)
    throw new CliError("features get-online needs --entity KEY=VALUE[,VALUE...] (one per join key)");
  const entities: Record<string, string[]> = {};
  for (const e of flags.entity) {
    const eq = e.indexOf("=");
    if (eq <= 0) throw new CliError(`--entity must be KEY=VALUE[,VALUE...], got '${e}'`);
    entities[e.slice(0, eq)] = e.slice(eq + 1).split(",");
  }
  const res = await api.getOnlineFeatures({
    ...(flags.service ? { feature_service: flags.service } : { features: parseRefList(flags.features as string) }),
    entities,
    ...(flags["full-names"] ? { full_feature_names: true } : {}),
  });
  io.out(flags.json ? JSON.stringify(res, null, 2) : formatOnline(res));
  return 0;
}

function formatOnline(res: OnlineFeaturesResponse): string {
  const names = res.metadata.feature_names;
  const rows = res.results[0]?.values.length ?? 0;
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    lines.push(
      names
        .map((n, j) => {
          const r = res.results[j];
          const status = r?.statuses[i] === "PRESENT" ? "" : ` (${r?.statuses[i]})`;
          return `${n}=${JSON.stringify(r?.values[i] ?? null)}${status}`;
        })
        .join("  "),
    );
  }
  return lines.join("\n");
}

/** `features freshness`. */
export async function freshnessCommand(flags: OnlineFlags, io: CliIo, api: OnlineApi): Promise<number> {
  const res = await api.getFeatureFreshness({});
  if (flags.json) io.out(JSON.stringify(res, null, 2));
  else if (res.views.length === 0) io.out("No online feature views.");
  else
    io.out(
      res.views
        .map((v) =>
          v.newest_event_time === null
            ? `${v.view}: nothing materialized`
            : `${v.view}: newest ${new Date(v.newest_event_time).toISOString()} (${Math.round((v.age_ms ?? 0) / 1000)} s old)`,
        )
        .join("\n"),
    );
  return 0;
}
