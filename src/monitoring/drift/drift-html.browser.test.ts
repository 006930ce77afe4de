/**
 * The HTML report in a real browser (headless Chromium through playwright-core): it renders, its
 * script works under its own Content-Security-Policy, nothing is fetched and hostile names stay text.
 * Skipped (with the reason) when /usr/bin/chromium is absent, except under CI=true, where it fails.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { driftReportHtml } from "./drift-html.js";
import { fixtureReport, HOSTILE_CATEGORY, HOSTILE_COLUMN } from "./test-support/drift-report-fixture.js";

const CHROMIUM = "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
const inCi = process.env.CI === "true";
const skip = present || inCi ? false : `${CHROMIUM} is not installed (apt-get install chromium to run this test)`;

test("the drift report renders in Chromium: title, summary, rows, histograms; no errors, no requests", {
  skip,
}, async () => {
  assert.ok(present, `${CHROMIUM} is missing; under CI=true the browser test must run (.ci/run installs it)`);
  const dir = mkdtempSync(join(tmpdir(), "mw-drift-html-"));
  const file = join(dir, "report.html");
  const report = fixtureReport();
  writeFileSync(file, driftReportHtml(report));
  const context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox"],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    const requests: string[] = [];
    const failed: string[] = [];
    const dialogs: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    page.on("requestfailed", (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: "load" });

    assert.equal(await page.title(), "Data Drift Summary");
    assert.equal(await page.locator("h1").textContent(), "Data Drift Summary");
    assert.ok(await page.locator("#summary").isVisible());
    assert.equal(await page.locator("#summary").textContent(), "Drift is detected for 60% of columns (3 out of 5).");

    const rows = page.locator("#drift-table tbody tr.col");
    assert.equal(await rows.count(), report.columns.length + 1);
    const names = await page.locator("#drift-table tbody tr.col td.name").allInnerTexts();
    assert.deepEqual(names, [
      "prediction (model score)",
      HOSTILE_COLUMN,
      "Contract",
      "MonthlyCharges",
      "tenure",
      "signup_time",
    ]);
    for (let i = 0; i < 5; i++) {
      const svg = rows.nth(i).locator("svg.hist");
      assert.ok(await svg.isVisible(), `row ${i} shows its histogram`);
      assert.equal(await svg.locator("rect").count(), 2 * (i === 2 ? 3 : 10));
    }
    const box = await rows.first().locator("svg.hist").boundingBox();
    assert.ok(box && box.width > 100 && box.height > 20, `histogram size ${JSON.stringify(box)}`);

    // Clicking a row shows its distribution (the inline script runs under the page's CSP).
    const details = page.locator("#drift-table tbody tr.details").nth(2);
    assert.equal(await details.isVisible(), false);
    await rows.nth(2).click();
    assert.ok(await details.isVisible());
    assert.match((await details.textContent()) ?? "", /statistic 0\.4/);
    const tips = await details.locator("svg title").allTextContents();
    assert.ok(
      tips.some((t) => t.startsWith(`${HOSTILE_CATEGORY}: reference 200`)),
      "a hostile category stays text",
    );

    // Sorting by column name keeps the prediction on top.
    await page.locator('#drift-table th[data-key="column"]').click();
    const sorted = await page.locator("#drift-table tbody tr.col td.name").allInnerTexts();
    assert.equal(sorted[0], "prediction (model score)");
    assert.deepEqual(sorted.slice(1), [...sorted.slice(1)].sort().reverse());

    assert.ok(await page.locator("#problems").isVisible());
    assert.match((await page.locator("#problems").textContent()) ?? "", /signup_time: timestamp column/);
    assert.ok(await page.locator("#quality-table").isVisible());

    assert.deepEqual(dialogs, [], "no injected script ran");
    assert.deepEqual(errors, []);
    assert.deepEqual(failed, []);
    assert.deepEqual(requests, [url], "the report itself is the only request");
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
