/** A hash router: `#/runs/abc?x=1` → path `/runs/abc`, query `x=1`. No server-side routes needed. */
import { useEffect, useState } from "react";

export interface Location {
  path: string;
  query: URLSearchParams;
}

function read(): Location {
  const raw = window.location.hash.replace(/^#/, "") || "/";
  const [path = "/", qs = ""] = raw.split("?", 2);
  return { path, query: new URLSearchParams(qs) };
}

/** The current hash location; re-renders on navigation. */
export function useLocation(): Location {
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const on = () => setLoc(read());
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return loc;
}

/** Build a hash link: `href("/runs/1", {tab: "x"})` → `#/runs/1?tab=x`. */
export function href(path: string, query: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") q.set(k, v);
  const qs = q.toString();
  return `#${path}${qs ? `?${qs}` : ""}`;
}

/** Navigate (pushes history). */
export function navigate(path: string, query: Record<string, string | undefined> = {}): void {
  window.location.hash = href(path, query).slice(1);
}

/** Replace the query of the current location without a new history entry. */
export function replaceQuery(path: string, query: Record<string, string | undefined>): void {
  window.history.replaceState(null, "", href(path, query));
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

/** Match `/runs/:id` against a path; returns the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/");
  const s = path.split("/");
  if (p.length !== s.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const part = p[i] ?? "";
    const seg = s[i] ?? "";
    if (part.startsWith(":")) out[part.slice(1)] = decodeURIComponent(seg);
    else if (part !== seg) return null;
  }
  return out;
}
