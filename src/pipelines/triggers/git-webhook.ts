/** GitHub push webhooks: signature check (`X-Hub-Signature-256`) and the push fields a trigger needs. */
import { createHmac, timingSafeEqual } from "node:crypto";
import { invalidParam } from "../../core/errors.js";
import { branchProblem, commitProblem, repositoryProblem } from "./git-names.js";
import { globRegExp } from "./glob.js";

/**
 * True when `header` is `sha256=<hex HMAC-SHA256 of rawBody with secret>`. The body must be the
 * exact bytes received (re-serialised JSON would not match); compared in constant time.
 */
export function verifyGithubSignature(
  secret: string,
  rawBody: string | Uint8Array,
  header: string | undefined,
): boolean {
  if (!secret || typeof header !== "string") return false;
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!m) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const given = Buffer.from((m[1] as string).toLowerCase(), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The parts of a push that start a pipeline. */
export interface GitPush {
  branch: string;
  /** The head commit after the push. */
  commit: string;
  /** `owner/name`. */
  repository: string;
}

const ZERO_SHA = /^0+$/;

/**
 * The branch, head commit and repository of a push event body (parsed JSON). Null for pushes that
 * should not start anything: tags and branch deletions. invalidParam when it is not a push payload,
 * or when the branch, commit or repository break git's naming rules ({@link branchProblem}).
 */
export function parsePush(body: unknown): GitPush | null {
  if (typeof body !== "object" || body === null) throw invalidParam("Invalid push payload: expected a JSON object.");
  const b = body as Record<string, unknown>;
  if (typeof b.ref !== "string") throw invalidParam("Invalid push payload: 'ref' is missing.");
  if (!b.ref.startsWith("refs/heads/")) return null;
  const commit = typeof b.after === "string" ? b.after : headCommitId(b.head_commit);
  if (commit === undefined) throw invalidParam("Invalid push payload: 'after' is missing.");
  if (b.deleted === true || ZERO_SHA.test(commit)) return null;
  const repo = b.repository as Record<string, unknown> | undefined;
  const repository = typeof repo?.full_name === "string" ? repo.full_name : undefined;
  if (repository === undefined) throw invalidParam("Invalid push payload: 'repository.full_name' is missing.");
  const branch = b.ref.slice("refs/heads/".length);
  refuse("ref", branchProblem(branch));
  refuse("after", commitProblem(commit));
  refuse("repository.full_name", repositoryProblem(repository));
  return { branch, commit, repository };
}

/** The offending value is not repeated: it may be anything. */
function refuse(field: string, problem: string | undefined): void {
  if (problem) throw invalidParam(`Invalid push payload: '${field}': ${problem}.`);
}

function headCommitId(head: unknown): string | undefined {
  const id = (head as Record<string, unknown> | null | undefined)?.id;
  return typeof id === "string" ? id : undefined;
}

/**
 * Whether a branch passes a trigger's filter: none matches every branch; otherwise a glob where `*`
 * matches within one path segment and `**` across segments (`release/*`, `main`).
 */
export function branchMatches(filter: string | undefined, branch: string): boolean {
  if (filter === undefined || filter === "" || filter === "**") return true;
  return globRegExp(filter).test(branch);
}
