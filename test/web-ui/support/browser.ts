/**
 * Headless Debian Chromium through playwright-core with a fresh profile, collecting everything a
 * page should not produce (console errors and warnings, page errors, failed or 4xx/5xx requests)
 * and saving screenshots to `test-artifacts/web-ui/`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { readTokenFile } from "../../../src/cli/client-auth.js";
import { REPO_ROOT } from "./run-cli.js";

export const CHROMIUM = "/usr/bin/chromium";
export const SHOTS_DIR = join(REPO_ROOT, "test-artifacts", "web-ui");

/** `false` when the browser tests can run, else why they are skipped (never under CI=true, where they fail). */
export function browserSkipReason(): string | false {
  if (existsSync(CHROMIUM) || process.env.CI === "true") return false;
  return `${CHROMIUM} is not installed (apt-get install chromium to run the web UI tests)`;
}

export interface UiBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors/warnings, page errors, failed requests and HTTP errors since the last `take()`. */
  take(): string[];
  /** Wait until no request is in flight for `quietMs` and no "Loading…" line is visible. */
  settle(quietMs?: number, timeoutMs?: number): Promise<void>;
  /** Save `test-artifacts/web-ui/<name>.png` (the viewport, or the whole page); resolves to its path. */
  shot(name: string, opts?: { fullPage?: boolean }): Promise<string>;
  /** Press Tab up to `max` times from the top of the page; what got focus each time (`tag|label|text`). */
  focusStops(max?: number): Promise<string[]>;
  close(): Promise<void>;
}

/** Launch Chromium at 1280×800 with a fresh profile folder and one page that records its problems. */
export async function openBrowser(): Promise<UiBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing; under CI=true the browser tests must run`);
  const profile = mkdtempSync(join(tmpdir(), "mw-web-ui-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox"],
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let problems: string[] = [];
  let inflight = 0;
  let lastActivity = performance.now();
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning")
      problems.push(`console ${m.type()}: ${m.text()} (at ${m.location().url || "?"})`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("request", () => {
    inflight++;
    lastActivity = performance.now();
  });
  const done = () => {
    inflight = Math.max(0, inflight - 1);
    lastActivity = performance.now();
  };
  page.on("requestfinished", done);
  page.on("requestfailed", (r) => {
    done();
    // A navigation away aborts what the previous page was still fetching; that is not the page's fault.
    if (r.failure()?.errorText !== "net::ERR_ABORTED")
      problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  mkdirSync(SHOTS_DIR, { recursive: true });
  return {
    context,
    page,
    take: () => {
      const out = problems;
      problems = [];
      return out;
    },
    settle: async (quietMs = 300, timeoutMs = 15_000) => {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const quiet = inflight === 0 && performance.now() - lastActivity >= quietMs;
        if (quiet && !(await page.getByText("Loading…").first().isVisible())) return;
        if (performance.now() > deadline)
          throw new Error(`page did not settle in ${timeoutMs} ms (${inflight} in flight)`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    shot: async (name, opts) => {
      const path = join(SHOTS_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: opts?.fullPage === true });
      return path;
    },
    focusStops: async (max = 60) => {
      await page.evaluate(() => (globalThis as unknown as FocusGlobals).document.activeElement?.blur());
      const stops: string[] = [];
      for (let i = 0; i < max; i++) {
        await page.keyboard.press("Tab");
        stops.push(await page.evaluate(describeFocus));
      }
      return stops;
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The bit of the DOM `describeFocus` reads (the test build has no DOM lib). */
interface FocusGlobals {
  document: {
    activeElement: {
      tagName: string;
      textContent: string | null;
      getAttribute(name: string): string | null;
      blur(): void;
    } | null;
  };
}

/** Runs in the page: the focused element as `tag|aria-label|text`. */
function describeFocus(): string {
  const el = (globalThis as unknown as FocusGlobals).document.activeElement;
  if (!el) return "";
  return `${el.tagName.toLowerCase()}|${el.getAttribute("aria-label") ?? ""}|${(el.textContent ?? "").trim().slice(0, 40)}`;
}

/**
 * Sign the browser in the way the demo tells a person to: the token link (`#/sign-in?token=...`),
 * traded for a session cookie; resolves once the page has left the sign-in page.
 */
export async function signInWithTokenLink(ui: UiBrowser, server: { url: string; home: string }): Promise<void> {
  const token = readTokenFile(server.home);
  if (!token) throw new Error(`no admin token in ${server.home}`);
  await ui.page.goto(`${server.url}/#/sign-in?token=${encodeURIComponent(token)}&next=/experiments`);
  await ui.page.waitForFunction(
    (prefix) => (globalThis as unknown as { location: { hash: string } }).location.hash.startsWith(prefix),
    "#/experiments",
    { timeout: 15_000 },
  );
  await ui.page.locator("main h1").first().waitFor({ state: "visible", timeout: 15_000 });
  ui.take();
}
