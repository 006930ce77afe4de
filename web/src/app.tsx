/** The shell: a top bar with the sections and the page the hash names. */
import type { ReactNode } from "react";
import { useEffect } from "react";
import { href, match, useLocation } from "./lib/router";
import { NAV, ROUTES } from "./routes";

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
  for (const r of ROUTES) {
    const params = match(r.pattern, loc.path);
    if (params) {
      section = r.section;
      page = r.render(params, loc.query);
      break;
    }
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
      </header>
      <main key={loc.path}>{page}</main>
    </>
  );
}
