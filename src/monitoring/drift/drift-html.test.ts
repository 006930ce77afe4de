import assert from "node:assert/strict";
import { test } from "node:test";
import { driftReportHtml } from "./drift-html.js";
import { fixtureReport, HOSTILE_CATEGORY, HOSTILE_COLUMN } from "./test-support/drift-report-fixture.js";

test("the HTML report: title, summary sentence, rows most drifted first (prediction on top), problems, quality", () => {
  const html = driftReportHtml(fixtureReport());
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<title>Data Drift Summary<\/title>/);
  assert.match(html, /<h1>Data Drift Summary<\/h1>/);
  assert.match(html, /Drift is detected for 60% of columns \(3 out of 5\)\./);
  const order = [...html.matchAll(/<tr class="col [a-z]+" data-index="\d+" data-column="([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(order, [
    "prediction",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "Contract",
    "MonthlyCharges",
    "tenure",
    "signup_time",
  ]);
  assert.equal((html.match(/<svg class="hist"/g) ?? []).length, 10, "a small and a detailed histogram per tested row");
  assert.match(html, /<section id="problems">[\s\S]*signup_time[\s\S]*timestamp column/);
  assert.match(html, /<section id="quality">[\s\S]*out_of_range[\s\S]*1\.50%/);
});

test("every text from the data is escaped; nothing is fetched; only the hashed inline script may run", () => {
  const html = driftReportHtml(fixtureReport());
  assert.ok(!html.includes(HOSTILE_COLUMN));
  assert.ok(!html.includes(HOSTILE_CATEGORY));
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(html.includes("&lt;img src=x onerror=&quot;alert(2)&quot;&gt;"));
  assert.equal((html.match(/<script>/g) ?? []).length, 1, "the report's own script only");
  assert.doesNotMatch(html, /https?:\/\//, "no network address anywhere");
  assert.doesNotMatch(html, /<link|<img|<iframe|@import|url\(|<[^>]*\ssrc=/i);
  assert.match(
    html,
    /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/]+=*'"/,
  );
});
