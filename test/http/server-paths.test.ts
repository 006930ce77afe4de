/**
 * Server-side file reads by client request (`datasets {path}`, `validate {path}`) only under the
 * `--data-root` folders; every refusal is the same 400, so answers never tell whether a file exists.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Harness } from "./support/harness.js";
import { startHarness } from "./support/harness.js";

const V1 = "/api/modelworks/v1";
const CSV = "customerID,tenure,Churn\nA,1,Yes\nB,5,No\nC,9,No\n";

const refusal = (path: string) =>
  `Server-side path '${path}' is not readable: server-side reads are allowed only under the folders given with --data-root.`;

describe("server-side paths: only under --data-root", () => {
  let h: Harness;
  let tmp: string;
  let data: string;
  let outside: string;
  const post = (url: string, body: object) =>
    h.app.inject({ method: "POST", url: V1 + url, payload: body, headers: { "content-type": "application/json" } });

  before(async () => {
    tmp = await realpath(await mkdtemp(join(tmpdir(), "mw-server-paths-")));
    data = join(tmp, "data");
    outside = join(tmp, "outside");
    await mkdir(data);
    await mkdir(outside);
    await writeFile(join(data, "train.csv"), CSV);
    await writeFile(join(outside, "secret.csv"), "secret,value\ns3cr3t,1\n");
    await symlink(join(outside, "secret.csv"), join(data, "escape.csv"));
    h = await startHarness({ dataRoots: [data] });
  });
  after(async () => {
    await h.close();
    await rm(tmp, { recursive: true, force: true });
  });

  test("a file inside a configured root is read; its profile comes back", async () => {
    const res = await post("/datasets", { name: "train", path: join(data, "train.csv"), label: "Churn" });
    assert.equal(res.statusCode, 200, res.body);
    const v = res.json().dataset_version;
    assert.equal(v.rows, 3);
    assert.equal(v.source, join(data, "train.csv"));
    const ok = await post("/datasets/train/versions/1/validate", { path: join(data, "train.csv") });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().success, true);
  });

  test("/etc/shadow, /etc/passwd, a link out of the root and a missing file get one answer", async () => {
    const paths = [
      "/etc/shadow",
      "/etc/passwd",
      join(data, "escape.csv"),
      join(outside, "secret.csv"),
      join(data, "missing.csv"),
      "/no/such/file.csv",
      data,
      "train.csv",
    ];
    for (const path of paths) {
      for (const [url, body] of [
        ["/datasets", { name: "x", path }],
        ["/datasets/train/versions/1/validate", { path }],
      ] as const) {
        const res = await post(url, body);
        assert.equal(res.statusCode, 400, `${url} ${path}: ${res.body}`);
        assert.deepEqual(res.json(), { error_code: "INVALID_PARAMETER_VALUE", message: refusal(path) });
        assert.ok(!res.body.includes("s3cr3t") && !res.body.includes("root:"), res.body);
      }
    }
    const names = (await h.app.inject({ url: `${V1}/datasets` })).json().datasets.map((d: { name: string }) => d.name);
    assert.deepEqual(names, ["train"], "nothing was stored from a refused path");
  });

  test("without --data-root (the default) no server-side path is read, not even inside the home", async () => {
    const plain = await startHarness();
    try {
      const inHome = join(plain.root, "inside.csv");
      await writeFile(inHome, CSV);
      for (const path of [inHome, "/etc/passwd"]) {
        const res = await plain.app.inject({ method: "POST", url: `${V1}/datasets`, payload: { name: "x", path } });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json().message, refusal(path));
      }
      // Uploads keep working.
      const up = await plain.app.inject({
        method: "POST",
        url: `${V1}/datasets?name=up`,
        payload: await readFile(join(data, "train.csv")),
        headers: { "content-type": "text/csv" },
      });
      assert.equal(up.statusCode, 200, up.body);
    } finally {
      await plain.close();
    }
  });
});
