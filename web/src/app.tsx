/** The shell: a top bar with the sections and the page the hash names. */
import type { ReactNode } from "react";
import { Component, StrictMode, Suspense, useEffect } from "react";
import { createRoot } from "react-dom/client";
import { ErrorBox, Loading } from "./components/status";
import { UserBox } from "./components/user-box";
import { href, useLocation } from "./lib/router";
import { NAV, preloadAllPages, preloadPage, routeFor } from "./routes";

/**
 * Render the UI into `root` once the current page's code is in: a page that suspends on the first
 * render shows "Loading…" and React then holds it back for its fallback throttle (~300 ms) before
 * its data requests even start. Then, when the browser is idle, fetch the other pages' code too.
 */
export async function mountApp(root: HTMLElement): Promise<void> {
  const [path = "/", qs = ""] = (window.location.hash.replace(/^#/, "") || "/").split("?", 2);
  await preloadPage(path, new URLSearchParams(qs)).catch(() => undefined);
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
  const idle = window.requestIdleCallback ?? ((f: () => void) => window.setTimeout(f, 200));
  window.setTimeout(() => idle(() => void preloadAllPages()), 1500);
}

/** The whole UI. */
export function App(): ReactNode {
  const loc = useLocation();
  let section = "";
  let page: ReactNode = (
    <div>
      <h1>Not found</h1>
      <p>
        No page at <code>{loc.path}</code>. <a href={href("/experiments")}>Experiments</a>
      </p>
    </div>
  );
  const found = routeFor(loc.path);
  if (found) {
    section = found.route.section;
    page = found.route.render(found.params, loc.query);
  }
  useEffect(() => {
    const label = NAV.find((n) => n.section === section)?.label;
    document.title = label ? `${label} · Modelworks` : "Modelworks";
  }, [section]);
  return (
    <>
      <header className="topbar">
        <a className="brand" href={href("/experiments")}>
          Modelworks
        </a>
        <nav aria-label="Sections">
          {NAV.map((n) => (
            <a key={n.section} href={href(n.path)} aria-current={n.section === section ? "page" : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <UserBox />
      </header>
      <main key={loc.path}>
        {/* Pages are lazy chunks: a line shows while the page's code arrives (first visit only). */}
        <PageErrorBoundary>
          <Suspense fallback={<Loading when />}>{page}</Suspense>
        </PageErrorBoundary>
      </main>
    </>
  );
}

/**
 * Shows a page that failed to render or whose code failed to load (say the server was upgraded
 * while this tab was open, so the old chunk names are gone) as an error instead of a blank app.
 */
class PageErrorBoundary extends Component<{ children: ReactNode }, { error?: string }> {
  override state: { error?: string } = {};

  static getDerivedStateFromError(error: unknown): { error: string } {
    return { error: error instanceof Error ? error.message : String(error) };
  }

  override render(): ReactNode {
    if (this.state.error === undefined) return this.props.children;
    return (
      <>
        <ErrorBox error={`This page failed to load: ${this.state.error}`} />
        <p>
          <button type="button" onClick={() => window.location.reload()}>
            Reload
          </button>
        </p>
      </>
    );
  }
}
