/** One-off requests to a running server: a correctness check before load, and /metrics after. */
import { telcoRecord } from "./telco.js";

/** POST one Telco row to /invocations; throws unless it answers 200 with one prediction. Returns the model header. */
export async function checkInvocation(url: string, authorization?: string): Promise<string> {
  const res = await fetch(`${url}/invocations`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ dataframe_records: [telcoRecord(0)] }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${url}/invocations answered ${res.status}: ${text}`);
  const predictions = (JSON.parse(text) as { predictions?: unknown[] }).predictions;
  if (predictions?.length !== 1) throw new Error(`unexpected /invocations answer: ${text}`);
  return res.headers.get("x-modelworks-model") ?? "?";
}

/**
 * The prediction-log series of `GET /metrics` (queue depth, written and dropped rows), summed over
 * labels; undefined when the server has no /metrics. Drops mean logging did not keep up with the load.
 */
export async function predictionLogMetrics(url: string): Promise<Record<string, number> | undefined> {
  let res: Response;
  try {
    res = await fetch(`${url}/metrics`);
  } catch {
    return undefined;
  }
  if (res.status !== 200) return undefined;
  const out: Record<string, number> = {};
  for (const line of (await res.text()).split("\n")) {
    const m = /^modelworks_prediction_log_(\w+?)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m) out[m[1] as string] = (out[m[1] as string] ?? 0) + Number(m[2]);
  }
  return out;
}

/** `written 1,234, dropped 0, queue_rows 0` or a note that there is no /metrics. */
export function describeLogMetrics(m: Record<string, number> | undefined): string {
  if (!m) return "no /metrics on this server";
  const entries = Object.entries(m);
  if (entries.length === 0) return "no prediction-log series in /metrics";
  return entries.map(([k, v]) => `${k} ${v.toLocaleString("en-US")}`).join(", ");
}

/** Cumulative `modelworks_request_duration_seconds` bucket counts by upper bound (summed over labels). */
export async function durationBuckets(url: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const res = await fetch(`${url}/metrics`);
  if (res.status !== 200) return out;
  for (const line of (await res.text()).split("\n")) {
    const m = /^modelworks_request_duration_seconds_bucket\{.*le="([^"]+)".*\}\s+(\S+)/.exec(line);
    if (!m) continue;
    const le = m[1] === "+Inf" ? Number.POSITIVE_INFINITY : Number(m[1]);
    out.set(le, (out.get(le) ?? 0) + Number(m[2]));
  }
  return out;
}

/**
 * The server's own bound on a latency quantile between two scrapes: the smallest bucket bound (ms)
 * holding at least `q` of the requests in between. Undefined without requests.
 */
export function serverQuantileBoundMs(
  before: Map<number, number>,
  after: Map<number, number>,
  q: number,
): number | undefined {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Number.POSITIVE_INFINITY) ?? 0) - (before.get(Number.POSITIVE_INFINITY) ?? 0);
  if (total <= 0) return undefined;
  for (const le of bounds) {
    if ((after.get(le) ?? 0) - (before.get(le) ?? 0) >= q * total) return le * 1000;
  }
  return undefined;
}
