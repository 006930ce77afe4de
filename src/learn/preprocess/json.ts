/** Loading a {@link Preprocessor} back from its JSON form, with every field checked. */
import { invalidParam } from "../../core/errors.js";
import { LOGICAL_TYPES, type LogicalType } from "../../data/table.js";
import { Preprocessor } from "./preprocessor.js";
import { type FeatureSpec, PREPROCESSOR_FORMAT } from "./spec.js";

/** Rebuild a preprocessor from {@link Preprocessor.toJSON} output (object or JSON text). */
export function preprocessorFromJSON(json: unknown): Preprocessor {
  const o = asObject(typeof json === "string" ? parse(json) : json, "preprocessor");
  if (o.format !== PREPROCESSOR_FORMAT) throw invalidParam(`preprocessor: format must be '${PREPROCESSOR_FORMAT}'`);
  if (o.version !== 1) throw invalidParam(`preprocessor: unsupported version ${String(o.version)}`);
  if (o.kind !== "linear" && o.kind !== "tree") throw invalidParam("preprocessor: kind must be 'linear' or 'tree'");
  if (!Array.isArray(o.features) || o.features.length === 0)
    throw invalidParam("preprocessor: features must be a non-empty array");
  const kind = o.kind;
  return new Preprocessor(
    kind,
    o.features.map((f, i) => specFrom(asObject(f, `preprocessor.features[${i}]`), i, kind === "linear")),
  );
}

function specFrom(f: Record<string, unknown>, i: number, linear: boolean): FeatureSpec {
  const where = `preprocessor.features[${i}]`;
  if (typeof f.name !== "string" || f.name === "") throw invalidParam(`${where}.name must be a non-empty string`);
  if (!LOGICAL_TYPES.includes(f.type as LogicalType)) throw invalidParam(`${where}.type is not a known type`);
  if (f.type === "string") {
    const cats = f.categories;
    if (!Array.isArray(cats) || !cats.every((c) => typeof c === "string"))
      throw invalidParam(`${where}.categories must be an array of strings`);
    return { name: f.name, type: "string", categories: cats as string[] };
  }
  const type = f.type as Exclude<LogicalType, "string">;
  const median = finite(f.median, `${where}.median`);
  if (!linear) return { name: f.name, type, median };
  return { name: f.name, type, median, mean: finite(f.mean, `${where}.mean`), std: finite(f.std, `${where}.std`) };
}

function finite(v: unknown, where: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw invalidParam(`${where} must be a finite number`);
  return v;
}

function asObject(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw invalidParam(`${where} must be an object`);
  return v as Record<string, unknown>;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalidParam(`preprocessor: invalid JSON (${(e as Error).message})`);
  }
}
