/** deploy/kubernetes's overlays, rendered by `kubectl kustomize` (offline: no cluster is asked). */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");
export const KUBERNETES_DIR = join(ROOT, "deploy/kubernetes");

/** The overlays' names (folders under deploy/kubernetes/overlays). */
export const OVERLAYS = readdirSync(join(KUBERNETES_DIR, "overlays")).sort();

const probe = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
/** Why the kubectl tests cannot run here, or false. CI has kubectl (the machine image ships 1.32), so there it fails instead. */
export const NO_KUBECTL =
  probe.error && process.env.CI !== "true" ? "kubectl is not on PATH (the machine image ships kubectl 1.32)" : false;

/** A rendered manifest: loosely typed, read by the checks that need each part. */
// biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field by the tests
export type Manifest = { kind: string; apiVersion: string; metadata: { name: string; namespace?: string } } & any;

/** `kubectl kustomize deploy/kubernetes/overlays/NAME` as YAML text. */
export function renderOverlayYaml(name: string): string {
  const r = spawnSync("kubectl", ["kustomize", join(KUBERNETES_DIR, "overlays", name)], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`kubectl kustomize overlays/${name}: ${r.error ?? r.stderr}`);
  return r.stdout;
}

/** The rendered overlay's manifests. */
export function renderOverlay(name: string): Manifest[] {
  return parseAllDocuments(renderOverlayYaml(name)).map((d) => {
    if (d.errors.length) throw new Error(`overlays/${name}: ${d.errors.join("; ")}`);
    return d.toJS() as Manifest;
  });
}
