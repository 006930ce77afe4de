/** How an artifact is previewed, from its file name; and a size-capped text read. */
import { artifactUrl } from "../api";

export type ArtifactKind = "json" | "text" | "image" | "html" | "other";

/** Text previews stop here: a multi-gigabyte log must not be pulled into the page. */
export const TEXT_CAP = 1024 * 1024;

const TEXT = /\.(txt|log|md|csv|tsv|ya?ml|toml|cfg|ini|py|sh|r|sql|conf|properties|jsonl|ndjson|xml)$/i;
const TEXT_NAMES = new Set(["MLmodel", "requirements.txt", "conda.yaml", "python_env.yaml", "Dockerfile", "LICENSE"]);
const IMAGE = /\.(png|jpe?g|gif|webp|svg|bmp|ico)$/i;

/** Preview kind of a path (the MLmodel file, YAML and logs are text; HTML reports go in a sandboxed frame). */
export function artifactKind(path: string): ArtifactKind {
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (/\.json$/i.test(name)) return "json";
  if (TEXT_NAMES.has(name) || TEXT.test(name)) return "text";
  if (IMAGE.test(name)) return "image";
  if (/\.html?$/i.test(name)) return "html";
  return "other";
}

/** Read at most TEXT_CAP bytes of an artifact, cancelling the download after that. */
export async function readArtifactCapped(runId: string, path: string): Promise<{ text: string; truncated: boolean }> {
  const res = await fetch(artifactUrl(runId, path));
  if (!res.ok) throw new Error(`${res.status}: ${(await res.text()).slice(0, 500)}`);
  if (!res.body) return { text: await res.text(), truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= TEXT_CAP) {
      truncated = true;
      await reader.cancel();
      break;
    }
  }
  const all = new Uint8Array(Math.min(size, TEXT_CAP));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, Math.max(0, all.length - at));
    all.set(part, at);
    at += part.length;
  }
  // `stream: true` leaves a multi-byte character cut at the cap out instead of garbling it.
  return { text: new TextDecoder().decode(all, { stream: truncated }), truncated };
}

/**
 * An HTML artifact made inert for a `sandbox=""` frame: scripts could not run there anyway, but the browser
 * would log each blocked one as a console error, so they (and inline handlers, meta refreshes) are dropped.
 */
export function inertHtml(html: string): string {
  const doc = new DOMParser().parseFromString(html, "text/html");
  for (const el of doc.querySelectorAll("script, meta[http-equiv='refresh' i]")) el.remove();
  for (const el of doc.querySelectorAll("*")) {
    for (const a of [...el.attributes]) if (/^on/i.test(a.name)) el.removeAttribute(a.name);
  }
  return `<!doctype html>\n${doc.documentElement.outerHTML}`;
}
