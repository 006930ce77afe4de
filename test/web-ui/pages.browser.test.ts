/**
 * The web UI in a real browser (Debian's Chromium through playwright-core) against `modelworks up`
 * on a home filled by the real CLI: every page loads with its heading and no console errors or
 * failed requests (screenshot of each in test-artifacts/web-ui/), runs search filters, the
 * comparison shows differences, an alias moved in the UI is visible through the MLflow REST API, and
 * a rollout's checks appear on the deployment page. Skipped when /usr/bin/chromium is absent (not under CI=true).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { homeAuthorization } from "../../src/cli/test-support/home-auth.js";
import type { Run } from "../../src/core/api/mlflow-entities.js";
import { fetchTransport, Wire } from "../http/support/client.js";
import * as py3 from "../http/support/python3-client.js";
import type { UiBrowser } from "./support/browser.js";
import { browserSkipReason, openBrowser, signInWithTokenLink } from "./support/browser.js";
import { latestChecks, startAnalysedRollout } from "./support/rollout-traffic.js";
import { runCliOk } from "./support/run-cli.js";
import type { UiFixture } from "./support/ui-fixture.js";
import { getJson, postJson, startUiFixture } from "./support/ui-fixture.js";

const skip = browserSkipReason();

interface RunWire {
  info: { run_id: string; run_name: string; experiment_id: string };
}

describe("web UI pages in Chromium", { skip }, () => {
  let fx: UiFixture;
  let ui: UiBrowser;
  let pipelineRunId = "";
  let pipelineRuns: { run_id: string; pipeline: string; tracking_run_id?: string }[] = [];

  before(async () => {
    fx = await startUiFixture();
    console.log(`fixture ${fx.home} on ${fx.url}; seconds ${JSON.stringify(fx.timings)}; demo exit ${fx.demo.code}`);
    pipelineRuns = JSON.parse((await runCliOk(["pipeline", "ls", "--home", fx.home, "--json"])).stdout);
    pipelineRunId = pipelineRuns[0]?.run_id ?? "";
    ui = await openBrowser();
    await signInWithTokenLink(ui, fx);
  });

  after(async () => {
    await ui?.close();
    await fx?.close();
  });

  /** Navigate to a hash route, wait for its h1 and for the page to settle; no problems on the way. */
  async function visit(path: string, shot: string): Promise<string> {
    ui.take();
    await ui.page.goto(`${fx.url}/#${path}`);
    const h1 = ui.page.locator("main h1").first();
    await h1.waitFor({ state: "visible", timeout: 15_000 });
    await ui.settle();
    await ui.shot(shot);
    const text = ((await h1.textContent()) ?? "").trim();
    assert.notEqual(text, "", `${path} has a non-empty h1`);
    assert.notEqual(text, "Not found", `${path} is routed`);
    assert.deepEqual(ui.take(), [], `${path} loads without console errors or failed requests`);
    return text;
  }

  /** Every h2 on the page (trimmed text). */
  async function h2s(): Promise<string[]> {
    return (await ui.page.locator("main h2").allInnerTexts()).map((t) => t.trim());
  }

  it("experiments: lists the experiments", async () => {
    await visit("/experiments", "01-experiments");
    assert.ok(await ui.page.getByText("ui-tests").first().isVisible(), "the ui-tests experiment is listed");
  });

  it("runs: the runs table of an experiment", async () => {
    await visit(`/experiments/${fx.trained.experimentId}`, "02-runs");
    const ids = await ui.page
      .locator('table[aria-label="Runs"] tr[data-run-id]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run-id")));
    assert.deepEqual(new Set(ids), new Set([fx.trained.runId, fx.otherRunId]));
  });

  it("runs: selecting two runs and Compare opens the comparison of both", async () => {
    await visit(`/experiments/${fx.trained.experimentId}`, "02-runs-selected");
    const names = await ui.page
      .locator('table[aria-label="Runs"] tr[data-run-id] input[type="checkbox"]')
      .evaluateAll((boxes) => boxes.map((b) => b.getAttribute("aria-label") ?? ""));
    assert.equal(names.length, 2);
    for (const label of names) {
      assert.match(label, /^Select run /);
      await ui.page.getByLabel(label, { exact: true }).check();
    }
    await ui.page.getByRole("button", { name: /^Compare/ }).click();
    await ui.page.locator('table[aria-label="Parameters"]').waitFor({ timeout: 10_000 });
    const hash = new URL(ui.page.url()).hash;
    assert.match(hash, /^#\/compare\?/);
    const runs = new URLSearchParams(hash.slice(hash.indexOf("?") + 1)).get("runs")?.split(",") ?? [];
    assert.deepEqual(new Set(runs), new Set([fx.trained.runId, fx.otherRunId]));
    await ui.settle();
    assert.deepEqual(ui.take(), []);
  });

  it("compare: parameters and metrics side by side", async () => {
    await visit(`/compare?runs=${fx.trained.runId},${fx.otherRunId}`, "03-compare");
    assert.ok(await ui.page.locator('table[aria-label="Parameters"]').isVisible());
    assert.ok(await ui.page.locator('table[aria-label="Metrics"]').isVisible());
  });

  it("run: params, metrics, tags, datasets, artifacts", async () => {
    await visit(`/runs/${fx.trained.runId}`, "04-run");
    await ui.shot("04-run-full", { fullPage: true });
    const heads = await h2s();
    for (const h of ["Parameters", "Metrics", "Tags", "Datasets", "Artifacts"])
      assert.ok(heads.includes(h), `run page has h2 ${h} (has ${heads.join(", ")})`);
    // The dataset input links to its dataset version.
    assert.ok(await ui.page.locator('main a[href*="#/datasets/telco"]').count(), "a link to the telco dataset");
  });

  it("datasets: the dataset list", async () => {
    await visit("/datasets", "05-datasets");
    const table = ui.page.locator('table[aria-label="Datasets"]');
    assert.ok(await table.isVisible());
    assert.match((await table.textContent()) ?? "", /telco/);
  });

  it("dataset: versions, profile, schema, validation", async () => {
    await visit("/datasets/telco", "06-dataset");
    await ui.shot("06-dataset-full", { fullPage: true });
    assert.ok(await ui.page.locator('table[aria-label="Versions"]').isVisible());
    const heads = await h2s();
    for (const h of ["Profile", "Schema", "Validation"]) assert.ok(heads.includes(h), `dataset page has h2 ${h}`);
  });

  it("dataset validation lists the failing checks of the demo's corrupt batch", async () => {
    await visit(`/datasets/telco?version=${fx.corruptVersion}`, "06-dataset-before-validation");
    await ui.page.getByLabel("Schema version").selectOption("1");
    await ui.page.getByRole("button", { name: `Validate version ${fx.corruptVersion}` }).click();
    const rows = ui.page.locator('table[aria-label="Validation results"] tbody tr');
    await rows.first().waitFor({ timeout: 15_000 });
    await ui.settle();
    await ui.page.locator('table[aria-label="Validation results"]').scrollIntoViewIfNeeded();
    await ui.shot("06-dataset-validation-failures");
    const texts = (await rows.allTextContents()).map((t) => t.replace(/\s+/g, " "));
    assert.ok(texts.length > 0 && texts.every((t) => t.includes("FAIL")), `only failing checks by default: ${texts}`);
    assert.ok(
      texts.some((t) => t.includes("tenure") && t.includes("range")),
      "the out-of-range tenure is reported",
    );
    assert.deepEqual(ui.take(), []);
  });

  it("models: the registered models", async () => {
    await visit("/models", "07-models");
    assert.ok(await ui.page.getByText("churn").first().isVisible());
  });

  it("model: versions, aliases, lineage", async () => {
    await visit("/models/churn", "08-model");
    assert.ok(await ui.page.locator('table[aria-label="Versions"]').isVisible());
    assert.ok(await ui.page.locator('table[aria-label="Aliases"]').isVisible());
    assert.ok((await h2s()).includes("Lineage"), "model page has h2 Lineage");
    // Lineage: version → run → dataset version.
    assert.ok(await ui.page.locator('main a[href*="#/runs/"]').count(), "links to the versions' runs");
    assert.ok(await ui.page.locator('main a[href*="#/datasets/"]').count(), "a link to the training dataset");
  });

  it("MLflow 3 logged models: the run lists them, a logged model's page, the version links to it", async () => {
    // What the 3.x client sends for log_model(..., registered_model_name="m3") in the trained run.
    const w = new Wire(fetchTransport(fx.url, homeAuthorization(fx.home)));
    const { run } = await w.ok<{ run: Run }>("GET", "/mlflow/runs/get", { run_id: fx.trained.runId });
    const model = await py3.logModel(w, run, "model");
    const id = model.info.model_id;
    await w.ok("POST", "/mlflow/runs/log-metric", {
      run_id: run.info.run_id,
      key: "accuracy",
      value: 0.9,
      timestamp: Date.now(),
      step: 0,
      model_id: id,
    });
    await py3.registerLoggedModel(w, model, "m3");

    await visit(`/runs/${fx.trained.runId}`, "08b-run-logged-models");
    assert.ok((await h2s()).includes("Logged models"), "the run page has h2 Logged models");
    const link = ui.page.locator(`table[aria-label="Logged models"] a[href*="#/logged-models/${id}"]`);
    await link.waitFor({ timeout: 15_000 });

    assert.equal(await visit(`/logged-models/${id}`, "08c-logged-model"), "model");
    await ui.page.locator('table[aria-label="Registered versions"]').waitFor({ timeout: 15_000 });
    await ui.shot("08c-logged-model-full", { fullPage: true });
    const heads = await h2s();
    for (const h of ["Registered versions", "Metrics", "Parameters", "Tags", "Files"])
      assert.ok(heads.includes(h), `logged model page has h2 ${h} (has ${heads.join(", ")})`);
    assert.match((await ui.page.locator("main dl.props").textContent()) ?? "", /READY/);
    assert.ok(await ui.page.locator('table[aria-label="Registered versions"] a[href*="#/models/m3"]').count());
    assert.match((await ui.page.locator('table[aria-label="Metrics"]').textContent()) ?? "", /accuracy/);
    assert.match((await ui.page.locator('table[aria-label="Files"]').textContent()) ?? "", /MLmodel/);

    await visit("/models/m3", "08d-model-from-logged-model");
    const fromVersion = ui.page.locator(`table[aria-label="Versions"] a[href*="#/logged-models/${id}"]`);
    assert.equal(await fromVersion.count(), 1, "the version links to its logged model");
    assert.ok(await ui.page.locator(`section[aria-label="Lineage details"] a[href*="#/logged-models/${id}"]`).count());
  });

  it("deployments: the deployment list", async () => {
    await visit("/deployments", "09-deployments");
    assert.ok(await ui.page.getByText("churn").first().isVisible());
  });

  it("deployment: traffic and events", async () => {
    await visit("/deployments/churn", "10-deployment");
    await ui.shot("10-deployment-full", { fullPage: true });
    assert.ok(await ui.page.locator('table[aria-label="Traffic"]').isVisible());
    assert.ok(await ui.page.locator('table[aria-label="Events"]').isVisible());
  });

  it("monitoring: the overview and one deployment's drift, distributions, performance, alerts", async () => {
    await visit("/monitoring", "11-monitoring");
    await visit("/monitoring/churn", "12-monitoring-churn");
    await ui.shot("12-monitoring-churn-full", { fullPage: true });
    const heads = await h2s();
    for (const h of ["Drift over time", "Distributions", "Realized performance", "Alerts"])
      assert.ok(heads.includes(h), `monitoring page has h2 ${h} (has ${heads.join(", ")})`);
  });

  it("pipelines: the pipeline runs", async () => {
    await visit("/pipelines", "13-pipelines");
    assert.ok(await ui.page.locator('table[aria-label="Pipeline runs"]').isVisible());
  });

  it("pipeline run: the DAG, steps and a step's log", async () => {
    assert.notEqual(pipelineRunId, "", "the demo ran pipelines");
    await visit(`/pipelines/runs/${pipelineRunId}`, "14-pipeline-run");
    assert.ok(await ui.page.locator('[data-testid="pipeline-dag"]').isVisible());
    assert.ok(await ui.page.locator('table[aria-label="Steps"]').isVisible());
    const log = ui.page.locator('[aria-label="Step log"]');
    if (!(await log.isVisible())) {
      // The log may show only once a step is chosen.
      await ui.page.locator('table[aria-label="Steps"] tbody tr').first().click();
      await log.waitFor({ state: "visible", timeout: 5000 });
    }
    await ui.settle();
    await ui.shot("15-pipeline-step-log");
    assert.deepEqual(ui.take(), []);
  });

  it("parent and child runs: a pipeline run's steps nest under it and collapse", async () => {
    const parent = pipelineRuns.find((r) => r.pipeline === "churn" && r.tracking_run_id)?.tracking_run_id;
    assert.ok(parent, "the demo's first pipeline run has a tracking run");
    const { experiment } = await getJson<{ experiment: { experiment_id: string } }>(
      fx,
      "/api/2.0/mlflow/experiments/get-by-name?experiment_name=pipeline:churn",
    );
    const children = await postJson<{ runs?: RunWire[] }>(fx, "/api/2.0/mlflow/runs/search", {
      experiment_ids: [experiment.experiment_id],
      filter: `tags.mlflow.parentRunId = '${parent}'`,
      max_results: 100,
    });
    const childIds = (children.runs ?? []).map((r) => r.info.run_id);
    assert.ok(childIds.length >= 3, "the pipeline's steps are child runs");
    await visit(`/experiments/${experiment.experiment_id}`, "02-runs-parent-child");
    const row = (id: string) => ui.page.locator(`table[aria-label="Runs"] tr[data-run-id="${id}"]`);
    for (const id of childIds) assert.ok(await row(id).isVisible(), `child ${id} shown under its parent`);
    await row(parent)
      .getByRole("button", { name: /^Collapse/ })
      .click();
    await row(childIds[0] as string).waitFor({ state: "detached", timeout: 5000 });
    for (const id of childIds) assert.equal(await row(id).count(), 0, `child ${id} hidden when collapsed`);
    assert.ok(await row(parent).isVisible());
    await ui.shot("02-runs-parent-collapsed");
    assert.deepEqual(ui.take(), []);
  });

  it("controls are keyboard-reachable: sections, runs search and selection, alias editing", async () => {
    await visit(`/experiments/${fx.trained.experimentId}`, "02-runs-keyboard");
    const runStops = await ui.focusStops(40);
    const has = (stops: string[], re: RegExp) => stops.some((s) => re.test(s));
    assert.ok(has(runStops, /^a\|\|Datasets$/), `the section links take focus: ${runStops.join(" · ")}`);
    assert.ok(has(runStops, /^input\|Search runs\|/), "the runs search takes focus");
    assert.ok(has(runStops, /^input\|Select run /), "the row checkboxes take focus");
    await visit("/models/churn", "08-model-keyboard");
    const modelStops = await ui.focusStops(60);
    assert.ok(has(modelStops, /^input\|Alias\|/), `the alias input takes focus: ${modelStops.join(" · ")}`);
    assert.ok(has(modelStops, /^select\|Version\|/), "the version select takes focus");
    assert.deepEqual(ui.take(), []);
  });

  it("the runs search filters in the MLflow grammar (same rows as the REST search)", async () => {
    const filter = "params.n_estimators = '20'";
    await visit(`/experiments/${fx.trained.experimentId}`, "16-runs-before-search");
    const rows = ui.page.locator('table[aria-label="Runs"] tr[data-run-id]');
    const idsOf = () => rows.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-run-id") ?? ""));
    assert.equal((await idsOf()).length, 2);
    const search = ui.page.locator('input[aria-label="Search runs"]');
    await search.fill(filter);
    await search.press("Enter");
    await rows.nth(1).waitFor({ state: "detached", timeout: 10_000 });
    await ui.settle();
    await ui.shot("17-runs-searched");
    const expected = await postJson<{ runs?: RunWire[] }>(fx, "/api/2.0/mlflow/runs/search", {
      experiment_ids: [fx.trained.experimentId],
      filter,
      max_results: 100,
    });
    const want = (expected.runs ?? []).map((r) => r.info.run_id);
    assert.deepEqual(want, [fx.trained.runId], "REST search finds the one run");
    assert.deepEqual(await idsOf(), want, "the table shows what the REST search finds");
    assert.deepEqual(ui.take(), []);
  });

  it("the comparison shows differences and 'Only show differences' hides equal rows", async () => {
    await visit(`/compare?runs=${fx.trained.runId},${fx.otherRunId}`, "18-compare-all");
    const params = ui.page.locator('table[aria-label="Parameters"] tr[data-key]');
    const keys = async (sel: string) =>
      ui.page.locator(sel).evaluateAll((rs) => rs.map((r) => r.getAttribute("data-key") ?? ""));
    const all = await keys('table[aria-label="Parameters"] tr[data-key]');
    const diff = await keys('table[aria-label="Parameters"] tr[data-key].diff');
    assert.ok(diff.includes("n_estimators") && diff.includes("max_depth"), `differing params marked: ${diff}`);
    assert.ok(all.includes("label") && !diff.includes("label"), "an equal param (label) is not marked");
    await ui.page.getByLabel("Only show differences").check();
    await ui.page.locator('table[aria-label="Parameters"] tr[data-key="label"]').waitFor({ state: "detached" });
    assert.deepEqual(await keys('table[aria-label="Parameters"] tr[data-key]'), diff, "only differing rows remain");
    assert.equal(await params.count(), diff.length);
    const metricRows = await keys('table[aria-label="Metrics"] tr[data-key]');
    const metricDiff = await keys('table[aria-label="Metrics"] tr[data-key].diff');
    assert.deepEqual(metricRows, metricDiff, "metrics too show only differences");
    const chart = ui.page.locator('[data-testid="metric-chart"]').first();
    await chart.waitFor({ state: "visible", timeout: 10_000 });
    await ui.page.locator('[data-testid="metric-chart"][data-drawn-at]').first().waitFor({ timeout: 10_000 });
    assert.ok(await ui.page.locator('[data-testid="parallel-coordinates"]').isVisible(), "parallel coordinates");
    await ui.settle();
    await ui.shot("19-compare-differences");
    assert.deepEqual(ui.take(), []);
  });

  it("the run page previews the drift report artifact and charts a metric", async () => {
    await visit(`/runs/${fx.trained.runId}?metric=train_loss`, "20-run-with-metric");
    const chart = ui.page.locator('[data-testid="metric-chart"][data-drawn-at]').first();
    await chart.waitFor({ timeout: 10_000 });
    await chart.scrollIntoViewIfNeeded();
    await ui.shot("20-run-metric-chart");
    await ui.page.getByText("drift-report.html").first().click();
    const preview = ui.page.locator('[aria-label="Artifact preview"]');
    await preview.waitFor({ state: "visible", timeout: 10_000 });
    // The HTML report renders inside the preview (a frame); its console messages arrive with it.
    const title = ui.page.frameLocator('[aria-label="Artifact preview"] iframe').locator("h1").first();
    await title.waitFor({ state: "visible", timeout: 10_000 });
    assert.equal((await title.textContent())?.trim(), "Data Drift Summary");
    await ui.settle(500);
    await preview.scrollIntoViewIfNeeded();
    await ui.shot("21-run-artifact-drift-report");
    assert.deepEqual(ui.take(), []);
  });

  it("an alias moved in the UI is visible through the MLflow REST API", async () => {
    const alias = "ui-moved";
    await postJson(fx, "/api/2.0/mlflow/registered-models/alias", { name: "churn", alias, version: "1" });
    await visit("/models/churn", "22-model-before-alias-move");
    await ui.page.getByLabel("Alias", { exact: true }).fill(alias);
    await ui.page.getByLabel("Version", { exact: true }).selectOption(fx.trained.version);
    await ui.page.getByRole("button", { name: "Set alias" }).click();
    const dialog = ui.page.getByRole("dialog");
    await dialog.waitFor({ state: "visible" });
    await ui.shot("23-model-alias-confirm");
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await dialog.waitFor({ state: "hidden", timeout: 10_000 });
    const got = await getJson<{ model_version: { version: string } }>(
      fx,
      `/api/2.0/mlflow/registered-models/alias?name=churn&alias=${alias}`,
    );
    assert.equal(got.model_version.version, fx.trained.version, "the REST API sees the moved alias");
    const aliases = ui.page.locator('table[aria-label="Aliases"]');
    await aliases.getByText(alias).first().waitFor({ timeout: 10_000 });
    await ui.settle();
    await ui.shot("24-model-alias-moved");
    assert.deepEqual(ui.take(), []);
  });

  it("a rollout's analysis checks appear on the deployment page with value and threshold", async () => {
    const state = await startAnalysedRollout(fx, `${fx.trained.model}/${fx.trained.version}`);
    const checks = latestChecks(state);
    assert.ok(checks.length >= 3, `the analysis recorded checks: ${JSON.stringify(checks)}`);
    await visit("/deployments/churn", "25-deployment-rollout");
    const table = ui.page.locator('table[aria-label="Analysis checks"]');
    await table.waitFor({ state: "visible", timeout: 10_000 });
    const headers = (await table.locator("thead th").allInnerTexts()).map((h) => h.trim());
    for (const h of ["Check", "Value", "Threshold", "Result"]) assert.ok(headers.includes(h), `column ${h}`);
    const cell = async (row: number, col: string) =>
      (await table.locator("tbody tr").nth(row).locator("td, th").nth(headers.indexOf(col)).textContent()) ?? "";
    const shown = new Map<string, { value: string; threshold: string }>();
    const n = await table.locator("tbody tr").count();
    for (let i = 0; i < n; i++)
      shown.set((await cell(i, "Check")).trim(), {
        value: await cell(i, "Value"),
        threshold: await cell(i, "Threshold"),
      });
    for (const c of checks) {
      const row = shown.get(c.check);
      assert.ok(row, `check ${c.check} shown (rows: ${[...shown.keys()].join(", ")})`);
      if (c.threshold !== null) assert.notEqual(row.threshold.trim(), "", `${c.check} shows its threshold`);
      if (c.value !== null) assert.notEqual(row.value.trim(), "", `${c.check} shows its value`);
    }
    assert.ok(await ui.page.getByRole("button", { name: "Promote" }).isVisible(), "Promote button");
    assert.ok(await ui.page.getByRole("button", { name: "Abort" }).isVisible(), "Abort button");
    assert.ok(await ui.page.getByRole("button", { name: "Rollback" }).isVisible(), "Rollback button");
    await table.scrollIntoViewIfNeeded();
    await ui.shot("26-deployment-analysis-checks");

    // Abort from the UI (with confirmation): the rollout ends and the API says so.
    await ui.page.getByRole("button", { name: "Abort" }).click();
    const dialog = ui.page.getByRole("dialog");
    await dialog.waitFor({ state: "visible" });
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await dialog.waitFor({ state: "hidden", timeout: 10_000 });
    const ended = await getJson<{ rollout: { phase: string; reason?: string } }>(
      fx,
      "/api/modelworks/v1/deployments/churn/rollout",
    );
    // An abort ends the rollout like a rollback (weight 0, candidate removed) with an "aborted …" reason.
    assert.equal(ended.rollout.phase, "rolled_back");
    assert.match(ended.rollout.reason ?? "", /^aborted/);
    await ui.settle();
    await ui.shot("27-deployment-aborted");
    assert.deepEqual(ui.take(), []);
  });

  it("access: a token made on the Access page signs in over the API, and revoking it there refuses it", async () => {
    await visit("/access", "28-access");
    await ui.page.getByLabel("Token name").fill("from-the-ui");
    await ui.page.getByRole("button", { name: "Create token" }).click();
    const shown = ui.page.getByRole("status").locator("code").nth(1);
    await shown.waitFor({ state: "visible", timeout: 10_000 });
    const token = ((await shown.textContent()) ?? "").trim();
    assert.match(token, /^mwt_/);
    const me = async () =>
      fetch(`${fx.url}/api/modelworks/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.json() as Promise<{ user: { username: string } | null }>,
      );
    assert.equal((await me()).user?.username, "admin");
    assert.ok(await ui.page.getByRole("heading", { name: "Users" }).isVisible(), "admins see the users");
    await ui.shot("29-access-token-made");
    const row = ui.page.locator('table[aria-label="Tokens"] tr', { hasText: "from-the-ui" });
    await row.getByRole("button", { name: "Revoke" }).click();
    const dialog = ui.page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await dialog.waitFor({ state: "hidden", timeout: 10_000 });
    const after = await fetch(`${fx.url}/api/2.0/mlflow/experiments/search?max_results=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(after.status, 401, "a revoked token is refused");
    assert.deepEqual(ui.take(), []);
  });

  it("sign-out ends the session: the pages ask to sign in again", async () => {
    await visit("/experiments", "30-before-sign-out");
    await ui.page.getByRole("button", { name: "Sign out" }).click();
    await ui.page.waitForFunction(
      (prefix) => (globalThis as unknown as { location: { hash: string } }).location.hash.startsWith(prefix),
      "#/sign-in",
      { timeout: 10_000 },
    );
    await ui.page.locator("main h1", { hasText: "Sign in" }).waitFor({ state: "visible" });
    await ui.shot("31-signed-out");
    ui.take();
    await signInWithTokenLink(ui, fx);
  });
});
