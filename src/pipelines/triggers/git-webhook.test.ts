import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { MwError } from "../../core/errors.js";
import { branchMatches, parsePush, verifyGithubSignature } from "./git-webhook.js";

const body = JSON.stringify({
  ref: "refs/heads/main",
  after: "0123456789abcdef0123456789abcdef01234567",
  repository: { full_name: "acme/churn" },
});

test("a GitHub signature verifies only with the right secret and the exact body", () => {
  // GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!".
  assert.equal(
    verifyGithubSignature(
      "It's a Secret to Everybody",
      "Hello, World!",
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    ),
    true,
  );
  const sig = `sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}`;
  assert.equal(verifyGithubSignature("s3cret", body, sig), true);
  assert.equal(verifyGithubSignature("s3cret", Buffer.from(body), sig.toUpperCase().replace("SHA256", "sha256")), true);
  assert.equal(verifyGithubSignature("other", body, sig), false);
  assert.equal(verifyGithubSignature("s3cret", `${body} `, sig), false);
  assert.equal(verifyGithubSignature("s3cret", body, undefined), false);
  assert.equal(verifyGithubSignature("s3cret", body, sig.replace("sha256=", "sha1=")), false);
  assert.equal(verifyGithubSignature("s3cret", body, "sha256=abc"), false);
  assert.equal(verifyGithubSignature("", body, sig), false);
});

test("a push gives branch, commit and repository; tags and deletions give null", () => {
  assert.deepEqual(parsePush(JSON.parse(body)), {
    branch: "main",
    commit: "0123456789abcdef0123456789abcdef01234567",
    repository: "acme/churn",
  });
  const nested = { ...JSON.parse(body), ref: "refs/heads/release/1.2" };
  assert.equal(parsePush(nested)?.branch, "release/1.2");
  assert.equal(parsePush({ ...nested, ref: "refs/tags/v1" }), null);
  assert.equal(parsePush({ ...nested, deleted: true }), null);
  assert.equal(parsePush({ ...nested, after: "0".repeat(40) }), null);
  const bad = (b: unknown, re: RegExp) =>
    assert.throws(
      () => parsePush(b),
      (e) => e instanceof MwError && re.test(e.message),
    );
  bad(null, /JSON object/);
  bad({ zen: "ping" }, /'ref'/);
  bad({ ref: "refs/heads/main", after: "abc" }, /repository.full_name/);
});

test("branch filters are globs", () => {
  assert.equal(branchMatches(undefined, "anything"), true);
  assert.equal(branchMatches("main", "main"), true);
  assert.equal(branchMatches("main", "main2"), false);
  assert.equal(branchMatches("release/*", "release/1.2"), true);
  assert.equal(branchMatches("release/*", "release/1/hotfix"), false);
  assert.equal(branchMatches("release/**", "release/1/hotfix"), true);
  assert.equal(branchMatches("feat-?", "feat-a"), true);
  assert.equal(branchMatches("v1.0", "v1x0"), false);
});
