import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { OutboundPolicy } from "../../auth/outbound-policy.js";
import { resolveConfig } from "../../core/config.js";
import { readAllBytes } from "../../core/fs/read-all.js";
import type { ModelPackage } from "../../learn/package/model-package.js";
import { binaryOipModel, type FakeEndpoint, fakeEndpoint } from "../../runtimes/remote/test-support/fake-endpoint.js";
import { buildApp } from "../../server/app.js";
import { AUTH_OFF } from "../../server/auth/auth-gate.js";
import { openPlatform } from "../../server/open-platform.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import { registerModels } from "../test-support/register-model.js";

const TOKEN = "remote-s3cret-token-42";

describe("modelworks models register-remote", () => {
  let home: string;
  let v2: FakeEndpoint;
  let mlflow: FakeEndpoint;
  const run = async (env: Record<string, string>, ...argv: string[]) => {
    const io = captureIo(home);
    Object.assign(io.env, env);
    const code = await main(argv, io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const json = async (...argv: string[]) => {
    const r = await run({ MODELWORKS_REMOTE_TOKEN_T: TOKEN }, ...argv, "--json");
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out);
  };
  /** A file of the version's folder in the store. */
  const file = async (name: string, version: string, path: string) => {
    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    try {
      const uri = await platform.registry.getModelVersionDownloadUri({ name, version });
      const root = uri.replace(/^mlflow-artifacts:\//, "");
      return (await readAllBytes((await platform.artifacts.get(`${root}/${path}`)).stream)).toString("utf8");
    } finally {
      await platform.close();
    }
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-register-remote-"));
    v2 = await fakeEndpoint(binaryOipModel("churn"));
    mlflow = await fakeEndpoint((req) => {
      if (req.url === "/ping") return { status: 200, text: "" };
      const rows = (req.json as { dataframe_split: { data: unknown[][] } }).dataframe_split.data;
      return { status: 200, body: { predictions: rows.map(() => [0.25, 0.75]) } };
    });
    const native: ModelPackage = {
      algo: "linear",
      model: { weights: [0, 0], intercept: 0 },
      signature: {
        task: "binary",
        inputs: [
          { name: "x", type: "float" },
          { name: "color", type: "string" },
        ],
        positive_class: "Yes",
        negative_class: "No",
        threshold: 0.3,
      },
      driftReference: { columns: [] },
    };
    await registerModels(home, "native", [native], { champion: "1" });
  });
  after(async () => {
    await v2.close();
    await mlflow.close();
    rmSync(home, { recursive: true, force: true });
  });

  test("a v2 endpoint is asked for its inputs; the version stores the flavor, the signature and no token", async () => {
    const res = await json(
      "models",
      "register-remote",
      "rem",
      "--url",
      `${v2.url}/v2/models/churn`,
      "--task",
      "binary",
      "--token-env",
      "MODELWORKS_REMOTE_TOKEN_T",
      "--allow-outbound",
      "127.0.0.1",
    );
    assert.deepEqual(
      { ...res, run_id: typeof res.run_id },
      {
        name: "rem",
        version: "1",
        run_id: "string",
        protocol: "v2",
        endpoint: new URL(v2.url).host,
        task: "binary",
        inputs: 2,
      },
    );
    assert.equal(v2.requests.at(-1)?.headers.authorization, `Bearer ${TOKEN}`);
    const mlmodel = parseYaml(await file("rem", "1", "MLmodel"));
    assert.deepEqual(mlmodel.flavors, {
      remote: {
        protocol: "v2",
        url: `${v2.url}/v2/models/churn`,
        token_env: "MODELWORKS_REMOTE_TOKEN_T",
        task: "binary",
      },
    });
    assert.deepEqual(JSON.parse(mlmodel.signature.inputs), [
      { name: "x", type: "double" },
      { name: "color", type: "string" },
    ]);
    assert.deepEqual(JSON.parse(await file("rem", "1", "signature.json")).inputs, [
      { name: "x", type: "float" },
      { name: "color", type: "string" },
    ]);
    const shown = await run({}, "models", "show", "rem", "--json");
    assert.doesNotMatch(shown.out + (await file("rem", "1", "MLmodel")), new RegExp(TOKEN));
  });

  test("predict scores a file through the endpoint when its host is allowed", async () => {
    const csv = join(home, "in.csv");
    writeFileSync(csv, "x,color\n10,blue\n,red\n");
    const out = join(home, "out.csv");
    const refused = await run({ MODELWORKS_REMOTE_TOKEN_T: TOKEN }, "predict", "rem/1", csv, "--out", out);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /may not be called: this process|not in the outbound allow-list/);
    const ok = await run(
      { MODELWORKS_REMOTE_TOKEN_T: TOKEN },
      "predict",
      "rem/1",
      csv,
      "--out",
      out,
      "--allow-outbound",
      "127.0.0.1",
    );
    assert.equal(ok.code, 0, ok.err);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    assert.equal(lines.length, 3);
    assert.match(lines[1] as string, /^10,blue,0\.2/);
    assert.match(lines[2] as string, /,red,0\.9/);
  });

  test("hosts outside the allow-list are refused before anything is registered", async () => {
    const before = v2.requests.length;
    const r = await run(
      {},
      "models",
      "register-remote",
      "rem",
      "--url",
      `${v2.url}/v2/models/churn`,
      "--task",
      "binary",
    );
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      /the remote model at 127\.0\.0\.1:\d+ may not be called: this process has no outbound allow-list|not in the outbound allow-list/,
    );
    assert.equal(v2.requests.length, before);
    const shown = await json("models", "show", "rem");
    assert.equal(shown.model_versions.length, 1);
  });

  test("--like takes the inputs, classes, threshold and drift reference of a version; mlflow endpoints are pinged", async () => {
    const res = await json(
      "models",
      "register-remote",
      "native",
      "--url",
      `${mlflow.url}/invocations`,
      "--like",
      "native@champion",
      "--allow-outbound",
      "127.0.0.1",
    );
    assert.equal(res.version, "2");
    assert.equal(res.protocol, "mlflow");
    assert.deepEqual(
      mlflow.requests.map((r) => r.url),
      ["/ping"],
    );
    const signature = JSON.parse(await file("native", "2", "signature.json"));
    assert.deepEqual(signature, {
      inputs: [
        { name: "x", type: "float" },
        { name: "color", type: "string" },
      ],
      negative_class: "No",
      positive_class: "Yes",
      task: "binary",
      threshold: 0.3,
    });
    assert.deepEqual(JSON.parse(await file("native", "2", "drift-reference.json")), { columns: [] });
  });

  test("--no-check needs inputs and a task, and then calls nothing; bad flags name the flag", async () => {
    const before = v2.requests.length;
    const url = `${v2.url}/v2/models/churn`;
    const r = await run(
      {},
      "models",
      "register-remote",
      "offline",
      "--url",
      url,
      "--no-check",
      "--allow-outbound",
      "127.0.0.1",
    );
    assert.match(r.err, /--no-check needs the inputs and the task/);
    const ok = await json(
      "models",
      "register-remote",
      "offline",
      "--url",
      url,
      "--no-check",
      "--inputs",
      "x:float,color:string",
      "--task",
      "regression",
      "--allow-outbound",
      "127.0.0.1",
    );
    assert.equal(ok.task, "regression");
    assert.equal(v2.requests.length, before);
    const bad = (args: string[], pattern: RegExp) =>
      run({}, "models", "register-remote", "x", "--allow-outbound", "127.0.0.1", ...args).then((res) => {
        assert.equal(res.code, 2);
        assert.match(res.err, pattern);
      });
    await bad(["--url", "http://127.0.0.1:1/score"], /--protocol v2\|mlflow is needed/);
    await bad(
      ["--url", url, "--token-env", "HOME"],
      /--token-env must be an environment variable name starting with MODELWORKS_REMOTE_TOKEN_/,
    );
    await bad(["--url", url, "--task", "binary", "--threshold", "2"], /--threshold must be a number from 0 to 1/);
    await bad(["--url", url, "--inputs", "x:decimal"], /--inputs must be COL:TYPE/);
    await bad(["--url", "http://user:pw@127.0.0.1:1/v2/models/m"], /--url must not hold a user or password/);
  });
});

describe("modelworks models register-remote --tracking-uri (over HTTP)", () => {
  test("the server registers the version only when its own allow-list allows the host", async () => {
    const root = mkdtempSync(join(tmpdir(), "mw-register-remote-http-"));
    const endpoint = await fakeEndpoint(binaryOipModel("churn"));
    const serve = async (outbound: OutboundPolicy) => {
      const platform = await openPlatform(resolveConfig({ home: join(root, "server") }, {}, root), { outbound });
      const app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test" });
      await app.listen({ host: "127.0.0.1", port: 0 });
      const uri = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const close = async () => {
        await app.close();
        await platform.close();
      };
      return { uri, close };
    };
    const register = async (uri: string) => {
      const io = captureIo(join(root, "client"));
      const argv = ["models", "register-remote", "rem", "--url", `${endpoint.url}/v2/models/churn`, "--task", "binary"];
      const code = await main([...argv, "--allow-outbound", "127.0.0.1", "--tracking-uri", uri], io);
      return { code, err: io.stderr.join("\n"), out: io.stdout.join("\n") };
    };
    try {
      const strict = await serve(OutboundPolicy.none());
      const refused = await register(strict.uri).finally(() => strict.close());
      assert.equal(refused.code, 1);
      assert.match(
        refused.err,
        /Invalid value for 'source': its MLmodel names a remote model at 127\.0\.0\.1:\d+, which this server may not call: host .* is not in the outbound allow-list/,
      );
      const open = await serve(OutboundPolicy.parse(["127.0.0.1"]));
      const ok = await register(open.uri).finally(() => open.close());
      assert.equal(ok.code, 0, ok.err);
      assert.match(
        ok.out,
        /Registered rem version 1: remote v2 model at 127\.0\.0\.1:\d+ \(binary, 2 inputs; run \w+\)/,
      );
    } finally {
      await endpoint.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
