/** GitHub push webhooks as GitHub sends them: a push event body and its `X-Hub-Signature-256`. */
import { createHmac } from "node:crypto";

/** The JSON body of a push of `commit` to `branch` of `repository` (the fields GitHub always sends). */
export function githubPushBody(branch: string, commit: string, repository = "acme/churn"): string {
  const [owner = "acme", name = "churn"] = repository.split("/");
  return JSON.stringify({
    ref: `refs/heads/${branch}`,
    before: "1".repeat(40),
    after: commit,
    created: false,
    deleted: false,
    forced: false,
    repository: {
      name,
      full_name: repository,
      owner: { login: owner },
      clone_url: `https://github.com/${repository}.git`,
    },
    pusher: { name: owner },
    head_commit: { id: commit, message: "Retrain on new data", timestamp: new Date(0).toISOString() },
  });
}

/** `sha256=<hex HMAC-SHA256 of the raw body>`, the `X-Hub-Signature-256` header GitHub computes with the hook's secret. */
export function githubSignature(secret: string, rawBody: string): string {
  return `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}

/** POST a push to `${baseUrl}/hooks/git` with the headers of a GitHub delivery (signed when `signature` is given). */
export function postGithubPush(baseUrl: string, body: string, signature?: string): Promise<Response> {
  return fetch(`${baseUrl}/hooks/git`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/test",
      "x-github-event": "push",
      "x-github-delivery": crypto.randomUUID(),
      ...(signature === undefined ? {} : { "x-hub-signature-256": signature }),
    },
    body,
  });
}
