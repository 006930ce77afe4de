/**
 * `POST /hooks/git`: GitHub push webhooks that start pipelines with a `git` trigger. The body is
 * read raw so `X-Hub-Signature-256` can be checked on the exact bytes GitHub signed.
 */
import type { FastifyInstance } from "fastify";
import { access } from "../core/api/access.js";
import type { PipelineSpec } from "../pipelines/pipeline-spec.js";
import { verifyGithubSignature } from "../pipelines/triggers/git-webhook.js";
import type { WebhookAuth } from "../pipelines/triggers/trigger-scheduler.js";

export interface HooksRoutesOptions {
  /** The pipelines whose git triggers the hook serves (read on each request). */
  pipelines(): readonly PipelineSpec[];
  /** A git trigger's secret by its `secret_env` name. */
  secret(name: string): string | undefined;
  /** Start the pipelines a push matches (e.g. {@link TriggerScheduler.onGitPush}); returns their names. */
  onGitPush(payload: unknown, auth: WebhookAuth): Promise<string[]>;
  /** Largest body in bytes (default 5 MiB; GitHub caps payloads at 25 MB). */
  bodyLimit?: number;
}

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
    // When every git trigger has a secret, only a request signed with one of them gets further
    // (the scheduler then checks each pipeline's own secret).
    if (secrets.allSigned && !secrets.values.some((s) => verifyGithubSignature(s, raw, signature))) {
      return reply.code(401).send({
        error_code: "UNAUTHENTICATED",
        message:
          secrets.values.length === 0
            ? `The webhook secret (${secrets.names.join(", ")}) is not set on the server.`
            : "Missing or invalid X-Hub-Signature-256.",
      });
    }
    const event = header(req.headers["x-github-event"]);
    if (event !== undefined && event !== "push") return reply.code(200).send({ event, started: [] });
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString("utf8"));
    } catch {
      return reply.code(400).send({ error_code: "INVALID_PARAMETER_VALUE", message: "The body is not valid JSON." });
    }
    const started = await opts.onGitPush(payload, { rawBody: raw, signature });
    return reply.code(202).send({ started });
  });
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The `secret_env` names of the git triggers, the values set for them, and whether every git trigger has one. */
function configuredSecrets(opts: HooksRoutesOptions): { names: string[]; values: string[]; allSigned: boolean } {
  const names = new Set<string>();
  let unsigned = false;
  for (const p of opts.pipelines()) {
    for (const t of p.triggers) {
      if (t.type !== "git") continue;
      if (t.secretEnv === undefined) unsigned = true;
      else names.add(t.secretEnv);
    }
  }
  const values = [...names].map((n) => opts.secret(n)).filter((v): v is string => typeof v === "string" && v !== "");
  return { names: [...names], values, allSigned: names.size > 0 && !unsigned };
}
