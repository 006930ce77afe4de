/** The fields of a `container` step in a pipeline file: `image`, `command`, `args`, `resources`. */

import type { FieldPath, FieldReader } from "../core/yaml/yaml-fields.js";
import { describe } from "../core/yaml/yaml-fields.js";
import type { ContainerSpec } from "./pipeline-spec.js";
import { codeArguments } from "./shell-code.js";
import { referencesIn } from "./substitute.js";

/** Step keys only `container` steps take. */
export const CONTAINER_KEYS = ["image", "command", "args", "resources"] as const;

/** CPU as Kubernetes counts it: cores (`2`, `0.5`) or millicores (`500m`). */
export const CPU = { re: /^(\d+(\.\d{1,3})?|\d+m)$/, what: "a CPU quantity such as 2, 0.5 or 500m" };
/** Memory in bytes with an optional binary (Ki, Mi, Gi, Ti) or decimal (k, M, G, T) suffix. */
export const MEMORY = {
  re: /^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$/,
  what: "a memory quantity such as 512Mi, 2Gi or 1G",
};
/** An image reference: registry/name[:tag][@digest], no spaces or shell characters. */
const IMAGE = {
  re: /^[A-Za-z0-9][A-Za-z0-9._\-/:@${}]{0,254}$/,
  what: "an image reference such as ghcr.io/org/train:1.2",
};

/** Read the container fields of step `o` at `path`; `type` is the step's type (others may not use them). */
export function readContainer(
  r: FieldReader,
  path: FieldPath,
  o: Record<string, unknown>,
  type: string,
): ContainerSpec | undefined {
  if (type !== "container") {
    if (type !== "")
      for (const k of CONTAINER_KEYS) if (o[k] !== undefined) r.fail([...path, k], `only container steps take ${k}`);
    return undefined;
  }
  const image =
    o.image === undefined
      ? r.fail([...path, "image"], "a container step needs image: the image to run")
      : r.string([...path, "image"], o.image, IMAGE);
  const command = o.command === undefined ? undefined : r.stringList([...path, "command"], o.command);
  const args = o.args === undefined ? undefined : r.stringList([...path, "args"], o.args);
  const resources = readResources(r, [...path, "resources"], o.resources);
  checkCode(r, path, command ?? [], args ?? []);
  if (image === undefined) return undefined;
  return {
    image,
    ...(command && command.length > 0 ? { command } : {}),
    ...(args && args.length > 0 ? { args } : {}),
    ...(resources ? { resources } : {}),
  };
}

function readResources(r: FieldReader, path: FieldPath, raw: unknown): ContainerSpec["resources"] {
  if (raw === undefined) return undefined;
  const o = r.object(path, raw);
  if (!o) return undefined;
  r.knownKeys(path, o, ["cpu", "memory"]);
  const quantity = (key: "cpu" | "memory", pattern: { re: RegExp; what: string }) => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string" && typeof v !== "number") {
      return r.fail([...path, key], `expected ${pattern.what}, got ${describe(v)}`);
    }
    return r.string([...path, key], String(v), pattern);
  };
  const cpu = quantity("cpu", CPU);
  const memory = quantity("memory", MEMORY);
  if (cpu === "0" || cpu === "0m") r.fail([...path, "cpu"], "expected more than zero CPU");
  return { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) };
}

/** As for `command` steps: no `${...}` reference inside code a shell or interpreter runs. */
function checkCode(r: FieldReader, path: FieldPath, command: string[], args: string[]): void {
  const argv = [...command, ...args];
  for (const at of codeArguments(argv)) {
    if (referencesIn(argv[at]).length === 0) continue;
    const field = at < command.length ? ["command", at] : ["args", at - command.length];
    r.fail(
      [...path, ...field],
      `a \${...} reference in code a shell or interpreter runs is refused (its text could run as code); pass it through env:`,
    );
  }
}
