/**
 * `POST /hooks/git`: GitHub push webhooks that start pipelines with a `git` trigger. Every request
 * must be JSON signed with a git trigger's secret (`X-Hub-Signature-256` over the exact raw bytes);
 * a delivery seen before starts nothing.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { access } from "../core/api/access.js";
import { isMwError } from "../core/errors.js";
import type { PipelineSpec } from "../pipelines/pipeline-spec.js";
import { verifyGithubSignature } from "../pipelines/triggers/git-webhook.js";
import type { GitPushOutcome, WebhookAuth } from "../pipelines/triggers/trigger-scheduler.js";

export interface HooksRoutesOptions {
  /** The pipelines whose git triggers the hook serves (read on each request). */
  pipelines(): readonly PipelineSpec[];
  /** A git trigger's secret by its `secret_env` name. */
  secret(name: string): string | undefined;
  /** Start the pipelines a push matches (e.g. {@link TriggerScheduler.onGitPush}). */
  onGitPush(payload: unknown, auth: WebhookAuth): Promise<GitPushOutcome>;
  /** Largest body in bytes (default 5 MiB; GitHub caps payloads at 25 MB). */
  bodyLimit?: number;
}

const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Register the webhook routes in their own context (raw bodies of any type). */
export async function hooksRoutes(app: FastifyInstance, opts: HooksRoutesOptions): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: opts.bodyLimit ?? 5 * 1024 * 1024 }, (_r, b, done) =>
    done(null, b),
  );
  // The signature over the body is the caller's proof, not a user's credentials.
  app.post("/hooks/git", { config: { access: access.public } }, async (req, reply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = header(req.headers["x-hub-signature-256"]);
    const secrets = configuredSecrets(opts);
    if (!secrets.values.some((s) => verifyGithubSignature(s, raw, signature))) {
      return refuse(reply, 401, "UNAUTHENTICATED", unauthenticated(secrets));
    }
    // GitHub can also send form-encoded payloads; only JSON is read (and a browser cannot send it cross-site).
    const type = header(req.headers["content-type"])?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") {
      return refuse(reply, 415, "INVALID_PARAMETER_VALUE", "Content-Type must be application/json.");
    }
    const event = header(req.headers["x-github-event"]);
    if (event !== undefined && event !== "push") return reply.code(200).send({ event, started: [] });
    const deliveryId = header(req.headers["x-github-delivery"]);
    if (deliveryId !== undefined && !DELIVERY_ID.test(deliveryId)) {
      return refuse(reply, 400, "INVALID_PARAMETER_VALUE", "Invalid X-GitHub-Delivery.");
    }
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString("utf8"));
    } catch {
      return refuse(reply, 400, "INVALID_PARAMETER_VALUE", "The body is not valid JSON.");
    }
    try {
      const out = await opts.onGitPush(payload, { rawBody: raw, signature, ...(deliveryId ? { deliveryId } : {}) });
      if (out.duplicate) return reply.code(200).send({ duplicate: true, started: [] });
      return reply.code(202).send({ started: out.started });
    } catch (e) {
      if (isMwError(e) && e.code === "INVALID_PARAMETER_VALUE") return refuse(reply, 400, e.code, e.message);
      throw e;
    }
  });
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function refuse(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error_code: code, message });
}

function unauthenticated(secrets: { names: string[]; values: string[] }): string {
  if (secrets.names.length === 0) return "No pipeline served here has a git trigger.";
  if (secrets.values.length === 0) return `The webhook secret (${secrets.names.join(", ")}) is not set on the server.`;
  return "Missing or invalid X-Hub-Signature-256.";
}

/** The `secret_env` names of the git triggers and the values set for them. */
function configuredSecrets(opts: HooksRoutesOptions): { names: string[]; values: string[] } {
  const names = new Set<string>();
  for (const p of opts.pipelines()) {
    for (const t of p.triggers) if (t.type === "git") names.add(t.secretEnv);
  }
  const values = [...names].map((n) => opts.secret(n)).filter((v): v is string => typeof v === "string" && v !== "");
  return { names: [...names], values };
}
