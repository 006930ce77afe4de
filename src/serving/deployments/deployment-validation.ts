/**
 * Field and consistency checks of deployments. Messages name the field as the HTTP API spells it
 * (snake_case), since that is what API clients send and CLI flags map onto.
 */
import { invalidParam, isMwError } from "../../core/errors.js";
import { parseModelRef } from "../model-resolver.js";
import type { Deployment, DeploymentFeatures, DeploymentStatus, RoutingKey } from "./deployment.js";
import { isValidDeploymentName } from "./deployment.js";

const MAX_DESCRIPTION = 5000;
const MAX_KEY_NAME = 256;
// RFC 9110 token characters (header names are compared lower-cased).
const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** Check a deployment name, naming the rule. */
export function validateDeploymentName(name: string): void {
  if (!isValidDeploymentName(name)) {
    throw invalidParam(
      `Invalid deployment name ${JSON.stringify(name)}: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
    );
  }
}

/** Parse a model reference and return its canonical text (`NAME@ALIAS` or `NAME/VERSION`). */
export function normalizeModelRef(field: string, text: unknown): string {
  if (typeof text !== "string")
    throw invalidParam(`Invalid value for '${field}': expected NAME@ALIAS or NAME/VERSION.`);
  try {
    const ref = parseModelRef(text.trim());
    if (ref.alias !== undefined) {
      if (ref.alias === "") throw invalidParam("the alias is empty");
      return `${ref.name}@${ref.alias}`;
    }
    return `${ref.name}/${Number(ref.version)}`;
  } catch (e) {
    if (!isMwError(e)) throw e;
    throw invalidParam(
      `Invalid value for '${field}': expected NAME@ALIAS or NAME/VERSION (e.g. churn@champion), got ${JSON.stringify(text)}.`,
    );
  }
}

/** A traffic share in percent: a finite number from 0 to 100. */
export function validateWeight(weight: number): number {
  if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0 || weight > 100) {
    throw invalidParam(`Invalid value for 'candidate_weight': expected a number from 0 to 100, got ${weight}.`);
  }
  return weight;
}

/** A sampling share: a finite number from 0 to 1. */
export function validateSampling(sampling: number): number {
  if (typeof sampling !== "number" || !Number.isFinite(sampling) || sampling < 0 || sampling > 1) {
    throw invalidParam(`Invalid value for 'log_sampling': expected a number from 0 to 1, got ${sampling}.`);
  }
  return sampling;
}

/** Shortest and longest prediction-log retention: an hour to ten years. */
export const MIN_LOG_RETENTION_MS = 3_600_000;
export const MAX_LOG_RETENTION_MS = 3650 * 86_400_000;

/** A log retention in milliseconds: a whole number from an hour to ten years. */
export function validateLogRetention(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < MIN_LOG_RETENTION_MS || ms > MAX_LOG_RETENTION_MS) {
    throw invalidParam(
      `Invalid value for 'log_retention_ms': expected whole milliseconds from ${MIN_LOG_RETENTION_MS} (1h) to ${MAX_LOG_RETENTION_MS} (3650d), got ${ms}.`,
    );
  }
  return ms;
}

/** A feature service name and a missing-feature policy; invalidParam naming the field. */
export function validateFeatures(f: DeploymentFeatures): DeploymentFeatures {
  const { service, missing } = (f ?? {}) as Partial<DeploymentFeatures>;
  if (typeof service !== "string" || !/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/.test(service))
    throw invalidParam(
      `Invalid value for 'features.service': expected a feature service name, got ${JSON.stringify(service)}.`,
    );
  const policy = missing ?? "fail";
  if (policy !== "fail" && policy !== "null")
    throw invalidParam(`Invalid value for 'features.missing': expected fail or null, got ${JSON.stringify(missing)}.`);
  return { service, missing: policy };
}

/** A routing key with a known source and a usable name; header names come back lower-cased. */
export function validateRoutingKey(key: RoutingKey): RoutingKey {
  const { source, name } = key ?? {};
  if (source !== "column" && source !== "header") {
    throw invalidParam(`Invalid value for 'routing_key.source': expected column or header, got ${String(source)}.`);
  }
  if (typeof name !== "string" || name.trim() === "" || name.length > MAX_KEY_NAME) {
    throw invalidParam(`Invalid value for 'routing_key.name': expected 1-${MAX_KEY_NAME} characters.`);
  }
  if (source === "column") return { source, name };
  const header = name.toLowerCase();
  if (!HEADER_TOKEN.test(header)) {
    throw invalidParam(`Invalid value for 'routing_key': ${JSON.stringify(name)} is not a valid HTTP header name.`);
  }
  return { source, name: header };
}

/** A deployment status. */
export function validateStatus(status: string): DeploymentStatus {
  if (status !== "active" && status !== "stopped") {
    throw invalidParam(`Invalid value for 'status': expected active or stopped, got ${JSON.stringify(status)}.`);
  }
  return status;
}

/** A description of at most 5,000 characters. */
export function validateDescription(description: string): string {
  if (typeof description !== "string" || description.length > MAX_DESCRIPTION) {
    throw invalidParam(`Invalid value for 'description': expected text of at most ${MAX_DESCRIPTION} characters.`);
  }
  return description;
}

/** The rules between fields: a weight or shadow mode needs a candidate that differs from the primary. */
export function checkConsistency(d: Pick<Deployment, "primary" | "candidate" | "candidateWeight" | "shadow">): void {
  if (d.candidate === undefined) {
    if (d.candidateWeight > 0) {
      throw invalidParam(
        `Invalid value for 'candidate_weight': ${d.candidateWeight} needs a candidate; set 'candidate'.`,
      );
    }
    if (d.shadow) throw invalidParam("Invalid value for 'shadow': shadow mode needs a candidate; set 'candidate'.");
    return;
  }
  if (d.candidate === d.primary) {
    throw invalidParam(`Invalid value for 'candidate': '${d.candidate}' is also the primary; name another model.`);
  }
  if (d.shadow && d.candidateWeight > 0) {
    throw invalidParam(
      `Invalid value for 'candidate_weight': must be 0 in shadow mode (the candidate answers no traffic), got ${d.candidateWeight}.`,
    );
  }
}
