/**
 * The audit trail of the HTTP surface: every change (and every refused attempt by a signed-in
 * caller) to users, grants, tokens, the registry, datasets, deployments, rollouts, monitors and
 * pipelines, with the target's state before and after. Tracking writes (metrics, params, run tags,
 * artifacts) are too many and too small to audit; deleting experiments and runs is audited.
 */
import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { AuditLog } from "../../auth/audit-log.js";
import { maskSecrets } from "../../auth/audit-log.js";
import type { AuthService } from "../../auth/auth-service.js";
import { redactDeep } from "../../auth/redact.js";
import type { Clock } from "../../core/clock.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import type { DeploymentService } from "../../serving/deployments/deployment-service.js";
import type { TrackingStore } from "../../tracking/tracking-store.js";
import type { RouteAuthConfig } from "./auth-gate.js";
import { fieldsOf } from "./auth-gate.js";

export interface AuditTarget {
  type: string;
  id: string;
}

declare module "fastify" {
  interface FastifyRequest {
    audit: { target: AuditTarget; before?: unknown } | undefined;
  }
}

export interface AuditRecorderDeps {
  log: AuditLog;
  clock: Clock;
  auth: AuthService;
  registry: RegistryStore;
  tracking: TrackingStore;
  deployments?: DeploymentService | undefined;
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** What a request changes, or undefined when it is not audited. `ids` are the resources it resolved. */
export function auditTargetOf(req: FastifyRequest, config: RouteAuthConfig, ids: string[]): AuditTarget | undefined {
  const access = config.access;
  if (!access || SAFE.has(req.method) || access.kind === "public" || access.kind === "predict") return undefined;
  const fields = fieldsOf(req);
  const name = config.routeName ?? "";
  const text = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
  if (/Permission$/.test(name) && access.kind === "resource")
    return { type: `${access.type}_permission`, id: ids[0] ?? "" };
  if (name.endsWith("Token")) return { type: "token", id: text(fields.id) || "new" };
  if (access.kind === "admin" || access.kind === "self") return { type: "user", id: text(fields.username) };
  if (access.kind === "user") return access.creates ? { type: access.creates, id: text(fields.name) } : undefined;
  if (access.type === "experiment" && access.level !== "manage" && !/Experiment/.test(name)) return undefined;
  return { type: access.type, id: ids[0] ?? "" };
}

/** Records audited requests: the target's state before the handler runs, then the outcome. */
export class AuditRecorder {
  constructor(private readonly deps: AuditRecorderDeps) {}

  /** Remember the target and its state (called once the request is authorized or refused). */
  async begin(req: FastifyRequest, target: AuditTarget): Promise<void> {
    req.audit = { target, before: await this.snapshot(target) };
  }

  /** Write the record (after the answer went out). */
  async finish(req: FastifyRequest, reply: FastifyReply, config: RouteAuthConfig): Promise<void> {
    const a = req.audit;
    if (!a || !req.principal) return;
    const ok = reply.statusCode < 300;
    await this.deps.log.append({
      id: randomUUID(),
      time: this.deps.clock.now(),
      actor: req.principal.username,
      action: config.routeName ?? `${req.method} ${req.routeOptions.url ?? req.url}`,
      targetType: a.target.type,
      target: a.target.id,
      status: reply.statusCode,
      address: req.ip,
      // URLs may carry secrets (webhook and notify URLs in rollout and monitor settings): redacted.
      request: redactDeep(maskSecrets(fieldsOf(req))),
      ...(a.before !== undefined ? { before: redactDeep(a.before) } : {}),
      ...(ok ? { after: redactDeep(await this.snapshot(a.target)) } : {}),
    });
  }

  /** The target's state as a client would see it (undefined when it has none, or is gone). */
  private async snapshot(t: AuditTarget): Promise<unknown> {
    try {
      switch (t.type) {
        case "registered_model": {
          const m = await this.deps.registry.getRegisteredModel({ name: t.id });
          return { aliases: m.aliases ?? [], latest_versions: m.latest_versions?.map((v) => v.version) ?? [] };
        }
        case "deployment":
          return this.deps.deployments ? await this.deps.deployments.get(t.id) : undefined;
        case "experiment": {
          const e = await this.deps.tracking.getExperiment(t.id);
          return { name: e.name, lifecycle_stage: e.lifecycle_stage };
        }
        case "user": {
          const u = await this.deps.auth.getUser(t.id);
          return { username: u.username, is_admin: u.isAdmin };
        }
        default:
          if (t.type.endsWith("_permission")) {
            const type = t.type.slice(0, -"_permission".length) as "experiment";
            const grants = await this.deps.auth.listGrants({ resourceType: type, resourceId: t.id });
            return grants.map((g) => ({ user_id: g.userId, permission: g.permission }));
          }
          return undefined;
      }
    } catch {
      return undefined;
    }
  }
}
