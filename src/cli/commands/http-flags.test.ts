import assert from "node:assert/strict";
import { test } from "node:test";
import { CliError } from "../cli-context.js";
import { hardeningOf, maxUploadBytesOf } from "./http-flags.js";

test("hardening flags: defaults, the environment, flags over the environment", () => {
  assert.deepEqual(hardeningOf({}, {}), { allowedHosts: [], corsOrigins: [], maxConcurrentRequests: 256 });
  const env = { MODELWORKS_ALLOWED_HOSTS: "models.example.com", MODELWORKS_CORS_ORIGINS: "https://app.example.com" };
  assert.deepEqual(hardeningOf({}, env), {
    allowedHosts: ["models.example.com"],
    corsOrigins: ["https://app.example.com"],
    maxConcurrentRequests: 256,
  });
  const flags = { "allowed-hosts": "*", "cors-origins": "http://localhost:3000/", "max-concurrent-requests": "2" };
  assert.deepEqual(hardeningOf(flags, env), {
    allowedHosts: ["*"],
    corsOrigins: ["http://localhost:3000"],
    maxConcurrentRequests: 2,
  });
  assert.equal(maxUploadBytesOf({}), 2 * 1024 ** 3);
  assert.equal(maxUploadBytesOf({ "max-upload-bytes": "1048576" }), 1048576);
});

test("bad values are one-line CLI errors naming the flag", () => {
  const cases: [Parameters<typeof hardeningOf>[0], RegExp][] = [
    [{ "allowed-hosts": "ok.example,not a host" }, /--allowed-hosts: 'not a host'/],
    [{ "cors-origins": "app.example.com" }, /--cors-origins: 'app.example.com' is not an origin/],
    [{ "cors-origins": "https://app.example.com/path" }, /--cors-origins/],
    [{ "max-concurrent-requests": "0" }, /--max-concurrent-requests must be an integer from 1/],
  ];
  for (const [flags, message] of cases)
    assert.throws(
      () => hardeningOf(flags, {}),
      (e) => e instanceof CliError && message.test(e.message),
    );
  assert.throws(() => maxUploadBytesOf({ "max-upload-bytes": "2GB" }), /--max-upload-bytes/);
});
