import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { redactDeep, redactSecrets, redactUrl } from "./redact.js";

describe("redactUrl", () => {
  test("user and password become ***@; credential-like query values become ***", () => {
    assert.equal(
      redactUrl("https://user:pw@hooks.example.com/hook?token=abc&x=1&api_key=zzz&X-Amz-Signature=s"),
      "https://***@hooks.example.com/hook?token=***&x=1&api_key=***&X-Amz-Signature=***",
    );
    assert.equal(redactUrl("http://only-user@h.example/"), "http://***@h.example/");
    for (const key of ["access_token", "password", "pwd", "pass", "sig", "signature", "auth", "code", "secret"]) {
      assert.equal(redactUrl(`https://h.example/a?${key}=v1`), `https://h.example/a?${key}=***`, key);
    }
  });

  test("a chat webhook keeps its host and first segment; the secret path is masked", () => {
    assert.equal(
      redactUrl("https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX"),
      "https://hooks.slack.com/services/***",
    );
    assert.equal(redactUrl("https://discord.com/api/webhooks/123/tok"), "https://discord.com/api/***");
    // A lone first segment that looks like a token is masked too.
    assert.equal(redactUrl("https://h.example/3f9a8b7c6d5e4f3a2b1c"), "https://h.example/***");
  });

  test("plain URLs are left as they are; fragments are masked", () => {
    for (const url of ["http://prom:9090", "http://prom:9090/", "https://gate.example/ok", "http://127.0.0.1:9/load"]) {
      assert.equal(redactUrl(url), url);
    }
    assert.equal(redactUrl("https://app.example/cb#access_token=abc"), "https://app.example/cb#***");
  });

  test("other schemes and text that is not a URL", () => {
    assert.equal(redactUrl("postgresql://mw:s3cret@db:5432/modelworks"), "postgresql://***@db:5432/modelworks");
    assert.equal(redactUrl("not a url with http://u:p@x"), "not a url with http://***@x");
    assert.equal(redactUrl("s3://bucket/models/churn/7"), "s3://bucket/models/churn/7", "a location, not a secret");
    assert.equal(
      redactUrl("s3://bucket/m?X-Amz-Credential=AKIA&X-Amz-Signature=abc"),
      "s3://bucket/m?X-Amz-Credential=***&X-Amz-Signature=***",
    );
  });
});

describe("redactSecrets", () => {
  test("masks URLs inside free text, database URIs, bearer and basic credentials, key=value pairs", () => {
    const text =
      "hook https://u:hunter2@h.example/x?token=t0k3n failed; store postgres://admin:pgpass@db/mw; " +
      "Authorization: Bearer abc.def.ghi123; Basic dXNlcjpwYXNz; password=letmein api_key: k-123";
    const out = redactSecrets(text);
    for (const secret of ["hunter2", "t0k3n", "pgpass", "abc.def.ghi123", "dXNlcjpwYXNz", "letmein", "k-123"]) {
      assert.ok(!out.includes(secret), `${secret} in ${out}`);
    }
    assert.match(out, /https:\/\/\*\*\*@h\.example\/x\?token=\*\*\*/);
    assert.match(out, /postgres:\/\/\*\*\*@db\/mw/);
    assert.match(out, /Bearer \*\*\*/);
  });

  test("masks tokens with well-known prefixes", () => {
    const tokens = [
      "ghp_0123456789abcdefghijABCDEFGHIJ",
      "xoxb-1234567890-abcdefghij",
      "glpat-abcdefghij0123456789",
      "AKIAABCDEFGHIJKLMNOP",
      "sk-abcdefghijklmnopqrstuvwxyz0123",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
      `mwt_${"a".repeat(43)}`,
    ];
    for (const t of tokens) assert.equal(redactSecrets(`token ${t} here`), "token *** here", t);
  });

  test("ordinary text is unchanged", () => {
    const text =
      "pre-rollout hook at 127.0.0.1:8080 failed after 12 ms: HTTP 500: Basic authentication failed; PSI 0.2 > 0.1";
    assert.equal(redactSecrets(text), text);
  });

  test("redactDeep masks every string in a JSON value and keeps the rest", () => {
    const value = { a: ["http://u:p@h.example/", 1, null], b: { c: "token=xyz", d: true, e: Number.NaN } };
    assert.deepEqual(redactDeep(value), {
      a: ["http://***@h.example/", 1, null],
      b: { c: "token=***", d: true, e: Number.NaN },
    });
  });
});
