/**
 * A small client of Prometheus' HTTP API: instant queries only, which is all a canary analysis
 * needs (every figure of a window is one `increase(...[R])` evaluated at one instant).
 */
import type { ErrorCode } from "../../../core/errors.js";
import { MwError } from "../../../core/errors.js";

/** One element of an instant query's result: a series' labels and its value (NaN and ±Inf kept). */
export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

/** What the analysis needs of Prometheus, so tests and other backends can stand in. */
export interface InstantQuerier {
  /** Evaluate `promql` at `timeSec` (seconds since the epoch; Prometheus' now when omitted). */
  query(promql: string, timeSec?: number): Promise<PromSample[]>;
}

export interface PrometheusClientOptions {
  fetch?: typeof fetch;
  /** Per query, including reading the answer (default 5000). */
  timeoutMs?: number;
}

interface ApiAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** Prometheus behind `baseUrl` (e.g. `http://prometheus:9090`; a path prefix is kept). */
export class PrometheusClient implements InstantQuerier {
  private readonly endpoint: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(baseUrl: string, options: PrometheusClientOptions = {}) {
    this.endpoint = `${baseUrl.replace(/\/+$/, "")}/api/v1/query`;
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Run an instant query; vector and scalar results become samples, errors become MwErrors. */
  async query(promql: string, timeSec?: number): Promise<PromSample[]> {
    const params = new URLSearchParams({ query: promql });
    if (timeSec !== undefined) params.set("time", String(timeSec));
    const where = `Prometheus query at ${this.endpoint} (${promql})`;
    let status: number;
    let text: string;
    try {
      const res = await this.fetchImpl(`${this.endpoint}?${params}`, { signal: AbortSignal.timeout(this.timeoutMs) });
      status = res.status;
      text = await res.text();
    } catch (e) {
      throw transportError(e, where, this.timeoutMs);
    }
    const answer = parseAnswer(text);
    if (answer?.status === "error") {
      const kind = answer.errorType ?? "error";
      throw new MwError(apiErrorCode(kind, status), `${where} failed: ${kind}: ${answer.error ?? "no message"}`);
    }
    if (status < 200 || status > 299 || answer?.status !== "success") {
      const code: ErrorCode = status >= 502 && status <= 504 ? "TEMPORARILY_UNAVAILABLE" : "INTERNAL_ERROR";
      throw new MwError(code, `${where} failed: HTTP ${status}: ${oneLine(text).slice(0, 200)}`);
    }
    return samplesOf(answer.data, where);
  }
}

/** A Prometheus sample value: a decimal string, or `NaN`, `+Inf`, `-Inf`. */
export function parsePromValue(s: unknown): number {
  if (s === "+Inf" || s === "Inf") return Number.POSITIVE_INFINITY;
  if (s === "-Inf") return Number.NEGATIVE_INFINITY;
  if (typeof s !== "string" || s.trim() === "") return Number.NaN;
  return Number(s);
}

function samplesOf(data: ApiAnswer["data"], where: string): PromSample[] {
  const result = data?.result;
  if (data?.resultType === "scalar" && Array.isArray(result)) return [{ labels: {}, value: parsePromValue(result[1]) }];
  if (data?.resultType === "vector" && Array.isArray(result)) {
    return (result as { metric?: Record<string, string>; value?: unknown[] }[]).map((s) => ({
      labels: s.metric ?? {},
      value: parsePromValue(s.value?.[1]),
    }));
  }
  // A range vector (`x[5m]` on its own) or a string has no single value per series.
  throw new MwError(
    "INVALID_PARAMETER_VALUE",
    `${where} returned a ${data?.resultType ?? "malformed"} result; expected an instant vector or a scalar.`,
  );
}

function parseAnswer(text: string): ApiAnswer | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === "object" ? (v as ApiAnswer) : undefined;
  } catch {
    return undefined;
  }
}

/** Prometheus' errorType: a bad query is the caller's; timeouts and overload may pass. */
function apiErrorCode(errorType: string, status: number): ErrorCode {
  if (errorType === "bad_data") return "INVALID_PARAMETER_VALUE";
  if (errorType === "timeout" || errorType === "canceled" || errorType === "unavailable" || status === 503)
    return "TEMPORARILY_UNAVAILABLE";
  return "INTERNAL_ERROR";
}

function transportError(e: unknown, where: string, timeoutMs: number): MwError {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError" || err?.name === "AbortError")
    return new MwError("TEMPORARILY_UNAVAILABLE", `${where} got no answer within ${timeoutMs} ms.`, { cause: e });
  // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND) is in the cause.
  const reason = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
  return new MwError("TEMPORARILY_UNAVAILABLE", `${where} failed: Prometheus is unreachable (${reason}).`, {
    cause: e,
  });
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
