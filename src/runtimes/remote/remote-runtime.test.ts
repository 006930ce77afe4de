import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { stringify } from "yaml";
import { OutboundPolicy } from "../../auth/outbound-policy.js";
import type { MwError } from "../../core/errors.js";
import { deadUrl } from "../../core/test-support/capture-server.js";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import { parseMlModel } from "../mlmodel.js";
import { loadRemoteModel, type RemoteRuntimeOptions } from "./remote-runtime.js";
import { binaryOipModel, type FakeEndpoint, fakeEndpoint } from "./test-support/fake-endpoint.js";

const LOOPBACK = OutboundPolicy.parse(["127.0.0.1"]);
const TOKEN = "mwt_s3cret-token-value";

/** An MLmodel with a remote flavor (and, when given, an MLflow column signature). */
function mlmodel(flavor: Record<string, unknown>, inputs?: { name: string; type: string }[]) {
  const doc: Record<string, unknown> = { flavors: { remote: flavor } };
  if (inputs) doc.signature = { inputs: JSON.stringify(inputs) };
  return parseMlModel(stringify(doc), "MLmodel");
}

const load = (
  flavor: Record<string, unknown>,
  options: RemoteRuntimeOptions = {},
  inputs?: { name: string; type: string }[],
) => loadRemoteModel(mlmodel(flavor, inputs), { guard: LOOPBACK, retryDelayMs: 1, ...options }, "v/MLmodel");

const code = (c: string, pattern: RegExp) => (e: MwError) => {
  assert.equal(e.code, c, e.message);
  assert.match(e.message, pattern);
  return true;
};

describe("the remote runtime", () => {
  const servers: FakeEndpoint[] = [];
  const serve = async (...args: Parameters<typeof fakeEndpoint>) => {
    const s = await fakeEndpoint(...args);
    servers.push(s);
    return s;
  };
  after(async () => {
    for (const s of servers) await s.close();
  });

  test("v2: inputs and datatypes from the metadata, batches scored, the token sent, one pooled connection", async () => {
    const s = await serve(binaryOipModel("churn"));
    const model = await load(
      {
        protocol: "v2",
        url: `${s.url}/v2/models/churn`,
        task: "binary",
        classes: ["No", "Yes"],
        token_env: "MODELWORKS_REMOTE_TOKEN_T",
      },
      { tokens: { MODELWORKS_REMOTE_TOKEN_T: TOKEN } },
    );
    assert.equal(model.runtime, "remote");
    assert.equal(model.kind, "binary");
    assert.deepEqual(model.signature, {
      task: "binary",
      inputs: [
        { name: "x", type: "float" },
        { name: "color", type: "string" },
      ],
      threshold: 0.5,
      negative_class: "No",
      positive_class: "Yes",
    });
    const table = tableFromColumns({ x: [10, null, 30], color: ["blue", "green", "red"] });
    for (let i = 0; i < 3; i++) {
      const out = await model.predict(table);
      assert.equal(out.rows, 3);
      assert.deepEqual(
        [...out.scores].map((v) => Math.round(v * 100) / 100),
        [0.2, 0.5, 0.9],
      );
    }
    const infer = s.requests.filter((r) => r.method === "POST");
    assert.equal(infer.length, 3);
    assert.deepEqual((infer[0]?.json as { inputs: unknown[] } | undefined)?.inputs[0], {
      name: "x",
      shape: [3],
      datatype: "FP32",
      data: [10, null, 30],
    });
    assert.ok(s.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`));
    assert.equal(s.connections(), 1, "metadata and three batches over one kept-alive connection");
    await model.close();
  });

  test("batches bigger than batch_rows are split into concurrent calls and put back in order", async () => {
    const s = await serve(binaryOipModel("m"));
    const model = await load({ protocol: "v2", url: `${s.url}/v2/models/m`, task: "binary", batch_rows: 2 });
    const x = [1, 2, 3, 4, 5];
    const out = await model.predict(tableFromColumns({ x, color: x.map(() => "blue") }));
    assert.deepEqual(
      [...out.scores].map((v) => Math.round(v * 100) / 100),
      [0.11, 0.12, 0.13, 0.14, 0.15],
    );
    assert.deepEqual(
      s.requests
        .filter((r) => r.method === "POST")
        .map((r) => (r.json as { inputs: { shape: number[] }[] }).inputs[0]?.shape[0]),
      [2, 2, 1],
    );
    await model.close();
  });

  test("a URL outside the outbound allow-list is refused at load without a call", async () => {
    const s = await serve(binaryOipModel("m"));
    const flavor = { protocol: "v2", url: `${s.url}/v2/models/m`, task: "binary" };
    await assert.rejects(
      load(flavor, { guard: OutboundPolicy.parse(["models.example.com"]) }),
      code(
        "INVALID_PARAMETER_VALUE",
        /'v\/MLmodel': the remote model at 127\.0\.0\.1:\d+ may not be called: host .* is not in the outbound allow-list/,
      ),
    );
    await assert.rejects(
      loadRemoteModel(mlmodel(flavor), {}, "v/MLmodel"),
      code("INVALID_PARAMETER_VALUE", /this process has no outbound allow-list/),
    );
    assert.equal(s.requests.length, 0);
  });

  test("a token variable that is not set refuses the load; the variable's value never shows in errors", async () => {
    const flavor = {
      protocol: "v2",
      url: "http://127.0.0.1:9/v2/models/m",
      task: "binary",
      token_env: "MODELWORKS_REMOTE_TOKEN_X",
    };
    await assert.rejects(load(flavor), code("INVALID_PARAMETER_VALUE", /MODELWORKS_REMOTE_TOKEN_X is not set/));
    const echo = await serve((req) =>
      req.method === "GET"
        ? binaryOipModel("m")(req)
        : { status: 401, body: { error: `bad credentials: ${String(req.headers.authorization)}` } },
    );
    const model = await load(
      { ...flavor, url: `${echo.url}/v2/models/m` },
      { tokens: { MODELWORKS_REMOTE_TOKEN_X: TOKEN } },
    );
    const err = await model.predict(tableFromColumns({ x: [1], color: ["a"] })).catch((e: MwError) => e);
    assert.equal((err as MwError).code, "BAD_GATEWAY");
    assert.match(
      (err as MwError).message,
      /The remote model at 127\.0\.0\.1:\d+ answered 401: bad credentials: Bearer \*\*\*/,
    );
    assert.doesNotMatch((err as MwError).message, /s3cret/);
    await model.close();
  });

  test("the endpoint's errors: 4xx and 5xx are 502 with its message, 503 and 429 stay 503, a hang times out", async () => {
    let answer: "400" | "500" | "503" | "hang" | "reset" = "400";
    const s = await serve((req) => {
      if (req.method === "GET") return binaryOipModel("m")(req);
      if (answer === "hang" || answer === "reset") return answer;
      return { status: Number(answer), body: { error: `failure ${answer}\nwith a second line` } };
    });
    const model = await load({ protocol: "v2", url: `${s.url}/v2/models/m`, task: "binary", timeout_ms: 300 });
    const predict = () => model.predict(tableFromColumns({ x: [1], color: ["a"] }));
    await assert.rejects(predict(), code("BAD_GATEWAY", /answered 400: failure 400 with a second line$/));
    answer = "500";
    await assert.rejects(predict(), code("BAD_GATEWAY", /answered 500: failure 500/));
    answer = "503";
    await assert.rejects(predict(), code("TEMPORARILY_UNAVAILABLE", /answered 503: failure 503/));
    answer = "hang";
    await assert.rejects(predict(), code("TEMPORARILY_UNAVAILABLE", /gave no answer within 300 ms/));
    answer = "reset";
    const before = s.requests.length;
    await assert.rejects(predict(), code("TEMPORARILY_UNAVAILABLE", /cannot be reached \(ECONNRESET\)/));
    assert.equal(s.requests.length, before + 1, "a batch the endpoint may have scored is not sent again");
    await model.close();
  });

  test("connection refused is retried (it cannot have reached the model), then 503", async () => {
    const s = await serve(binaryOipModel("m"));
    // The guard pins each new connection's address (names are looked up; IP literals are not): the
    // first to one nothing listens on.
    const addresses = ["127.0.0.2", "127.0.0.1"];
    let lookups = 0;
    const guard = {
      check: () => undefined,
      resolve: async () => [{ address: addresses[Math.min(lookups++, addresses.length - 1)] as string, family: 4 }],
    };
    const byName = s.url.replace("127.0.0.1", "localhost");
    const model = await load({ protocol: "v2", url: `${byName}/v2/models/m`, task: "binary" }, { guard });
    assert.equal(lookups, 2, "refused once, then connected");
    assert.equal(s.requests.length, 1);
    await model.close();
    lookups = 0;
    const dead = (await deadUrl()).replace("127.0.0.1", "localhost");
    await assert.rejects(
      load({ protocol: "v2", url: `${dead}/v2/models/m`, task: "binary" }, { guard, retries: 2 }),
      code("TEMPORARILY_UNAVAILABLE", /localhost:\d+ cannot be reached \(ECONNREFUSED\)/),
    );
    assert.equal(lookups, 3, "the first try and two retries");
  });

  test("the endpoint's metadata must fit: a missing model and an unknown kind are refused at load", async () => {
    const s = await serve(binaryOipModel("m"));
    await assert.rejects(
      load({ protocol: "v2", url: `${s.url}/v2/models/other`, task: "binary" }),
      code(
        "INVALID_PARAMETER_VALUE",
        /'v\/MLmodel': The remote model at .* answered 404: Model with name m does not exist/,
      ),
    );
    await assert.rejects(
      load({ protocol: "v2", url: `${s.url}/v2/models/m` }),
      code("INVALID_PARAMETER_VALUE", /cannot tell what the remote model at .* predicts; set its task/),
    );
    await assert.rejects(
      load({ protocol: "v2", url: `${s.url}/v2/models/m`, task: "binary" }, {}, [{ name: "age", type: "double" }]),
      code("INVALID_PARAMETER_VALUE", /the signature's age are not among them/),
    );
  });

  test("mlflow: the MLmodel signature and task, /ping checked, dataframe_split sent", async () => {
    const s = await serve((req) => {
      if (req.url === "/ping") return { status: 200, text: "\n" };
      const rows = (req.json as { dataframe_split: { data: number[][] } }).dataframe_split.data;
      return { status: 200, body: { predictions: rows.map(([a, b]) => (a ?? 0) * 2 + (b ?? 0)) } };
    });
    const inputs = [
      { name: "a", type: "double" },
      { name: "b", type: "long" },
    ];
    const model = await load({ protocol: "mlflow", url: `${s.url}/invocations`, task: "regression" }, {}, inputs);
    const out = await model.predict(tableFromColumns({ b: [1, 2], a: [3, 4] }));
    assert.deepEqual([...out.scores], [7, 10]);
    assert.deepEqual(
      s.requests.map((r) => `${r.method} ${r.url}`),
      ["GET /ping", "POST /invocations"],
    );
    await model.close();
    await assert.rejects(
      load({ protocol: "mlflow", url: `${s.url}/invocations`, task: "regression" }),
      code("INVALID_PARAMETER_VALUE", /has no input signature, which an MLflow scoring endpoint cannot give/),
    );
    await assert.rejects(
      load({ protocol: "mlflow", url: `${s.url}/invocations` }, {}, inputs),
      code("INVALID_PARAMETER_VALUE", /set its task/),
    );
  });
});
