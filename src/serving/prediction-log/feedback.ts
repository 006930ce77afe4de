/** `POST /feedback` bodies: outcomes that arrive after the prediction, tied to a request or a routing key. */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import { invalidParam } from "../../core/errors.js";
import type { FeedbackRecord } from "./prediction-log-store.js";

export interface ParseFeedbackOptions {
  /** The deployment this server serves; undefined when each item must name its own. */
  deployment?: string;
  clock: Clock;
  /** Most items in one body (default 10,000). */
  maxItems?: number;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The items of a body: one object, `{"feedback": [...]}`, or an array. */
function items(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (!isObject(body)) {
    throw invalidParam('The feedback body must be a JSON object, an array of objects, or {"feedback": [objects]}.');
  }
  if (!("feedback" in body)) return [body];
  if (!Array.isArray(body.feedback)) throw invalidParam("feedback must be an array of objects.");
  return body.feedback;
}

/** A non-empty string field, or undefined when absent (null counts as absent). */
function optionalString(item: Json, at: string, field: string): string | undefined {
  const v = item[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" || v.length === 0) throw invalidParam(`${at}.${field} must be a non-empty string.`);
  return v;
}

/** A non-negative safe integer field, or undefined when absent. */
function optionalIndex(item: Json, at: string, field: string, what: string): number | undefined {
  const v = item[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    throw invalidParam(`${at}.${field} must be ${what}, got ${JSON.stringify(v)}.`);
  }
  return v;
}

function outcome(item: Json, at: string): string {
  const v = item.outcome;
  if (v === undefined || v === null) throw invalidParam(`${at}.outcome is required.`);
  if (typeof v === "string") {
    if (v.length === 0) throw invalidParam(`${at}.outcome must not be empty.`);
    return v;
  }
  if ((typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean") return String(v);
  throw invalidParam(`${at}.outcome must be a string, number or boolean, got ${JSON.stringify(v)}.`);
}

function deploymentOf(item: Json, at: string, serving: string | undefined): string {
  const given = optionalString(item, at, "deployment");
  if (serving === undefined) {
    if (given === undefined) throw invalidParam(`${at}.deployment is required.`);
    return given;
  }
  if (given !== undefined && given !== serving) {
    throw invalidParam(`${at}.deployment is '${given}', but this server serves deployment '${serving}'.`);
  }
  return serving;
}

/** What the feedback belongs to: a request's row (row defaults to 0) or a routing key. */
function target(item: Json, at: string): Pick<FeedbackRecord, "requestId" | "row" | "routingKey"> {
  const requestId = optionalString(item, at, "request_id");
  const routingKey = optionalString(item, at, "routing_key");
  const row = optionalIndex(item, at, "row", "an integer >= 0");
  if (requestId !== undefined && routingKey !== undefined) {
    throw invalidParam(`${at} has both request_id and routing_key; give one.`);
  }
  if (requestId !== undefined) return { requestId, row: row ?? 0 };
  if (routingKey === undefined) throw invalidParam(`${at}.request_id or routing_key is required.`);
  if (row !== undefined) throw invalidParam(`${at}.row is only allowed with request_id.`);
  return { routingKey };
}

function parseItem(item: unknown, at: string, options: ParseFeedbackOptions): FeedbackRecord {
  if (!isObject(item)) throw invalidParam(`${at} must be a JSON object.`);
  const out = outcome(item, at);
  const deployment = deploymentOf(item, at, options.deployment);
  const where = target(item, at);
  const time = optionalIndex(item, at, "time", "milliseconds since the epoch (an integer >= 0)");
  return { id: randomUUID(), deployment, ...where, outcome: out, time: time ?? options.clock.now() };
}

/** Validate a `POST /feedback` body into records, naming the item and field of the first problem. */
export function parseFeedback(body: unknown, options: ParseFeedbackOptions): FeedbackRecord[] {
  const list = items(body);
  const max = options.maxItems ?? 10_000;
  if (list.length > max) throw invalidParam(`feedback has ${list.length} items; at most ${max} are allowed.`);
  return list.map((item, i) => parseItem(item, `feedback[${i}]`, options));
}
