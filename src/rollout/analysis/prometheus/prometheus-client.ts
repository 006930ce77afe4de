/**
 * A small client of Prometheus' HTTP API: instant queries only, which is all a canary analysis
 * needs (every figure of a window is one `increase(...[R])` evaluated at one instant).
 */
import { redactSecrets, redactUrl } from "../../../auth/redact.js";
import type { ErrorCode } from "../../../core/errors.js";
import { MwError } from "../../../core/errors.js";
import type { OutboundGuard } from "../../../core/http/outbound-request.js";
import { isRedirect, OutboundError, outboundRequest } from "../../../core/http/outbound-request.js";

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
  /** Which URLs may be queried (the admin's outbound policy). */
  outbound: OutboundGuard;
  /** Tests only: answer with this fetch instead of connecting (the URL is still checked). */
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

/** Most bytes of an answer read (a query matching very many series is cut off, and fails as malformed). */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** Prometheus behind `baseUrl` (e.g. `http://prometheus:9090`; a path prefix is kept). */
export class PrometheusClient implements InstantQuerier {
  private readonly endpoint: string;
  /** Prometheus as errors name it (they end up in rollout events): credentials and secret paths masked. */
  private readonly shown: string;
  private readonly timeoutMs: number;

  constructor(
    baseUrl: string,
    private readonly options: PrometheusClientOptions,
  ) {
    this.endpoint = `${baseUrl.replace(/\/+$/, "")}/api/v1/query`;
    this.shown = redactUrl(baseUrl).replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Run an instant query; vector and scalar results become samples, errors become MwErrors. */
  async query(promql: string, timeSec?: number): Promise<PromSample[]> {
    const params = new URLSearchParams({ query: promql });
    if (timeSec !== undefined) params.set("time", String(timeSec));
    const where = `Prometheus query at ${this.shown} (${promql})`;
    let status: number;
    let text: string;
    try {
      const res = await outboundRequest({
        method: "GET",
        url: `${this.endpoint}?${params}`,
        guard: this.options.outbound,
        timeoutMs: this.timeoutMs,
        maxBytes: MAX_ANSWER_BYTES,
        headers: { accept: "application/json" },
        ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      });
      status = res.status;
      text = res.text;
    } catch (e) {
      throw transportError(e, where, this.timeoutMs);
    }
    if (isRedirect(status))
      throw new MwError("INTERNAL_ERROR", `${where} failed: HTTP ${status}: redirect not followed`);
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
  const err = e instanceof OutboundError ? e : new OutboundError("failed", String(e));
  if (err.kind === "timeout") {
    return new MwError("TEMPORARILY_UNAVAILABLE", `${where} got no answer within ${timeoutMs} ms.`, { cause: e });
  }
  if (err.kind === "refused") {
    return new MwError("PERMISSION_DENIED", `${where} refused: ${redactSecrets(err.message)}.`, { cause: e });
  }
  return new MwError(
    "TEMPORARILY_UNAVAILABLE",
    `${where} failed: Prometheus is unreachable (${err.code ?? redactSecrets(err.message)}).`,
    { cause: e },
  );
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
