/** The shapes of a dataset version's `profile` and `schema` documents, as the server writes them. */

export interface NumericProfile {
  min: number | null;
  max: number | null;
  mean: number | null;
  std?: number | null;
  quantiles?: Record<string, number>;
  histogram?: { edges: number[]; counts: number[] };
}

export interface CategoricalProfile {
  top: { value: string; count: number; frequency: number }[];
  other_count: number;
}

export interface ColumnProfile {
  name: string;
  type: string;
  count: number;
  nulls: number;
  null_fraction: number;
  distinct: number;
  distinct_approximate?: boolean;
  numeric?: NumericProfile;
  categorical?: CategoricalProfile;
}

export interface DatasetProfile {
  num_rows: number;
  num_columns: number;
  columns: ColumnProfile[];
}

export interface SchemaColumn {
  name: string;
  type: string;
  required?: boolean;
  [check: string]: unknown;
}

export interface DatasetSchema {
  label?: string;
  row_count?: { min?: number; max?: number };
  columns: SchemaColumn[];
  [setting: string]: unknown;
}

/** The profile when the document looks like one (it is typed `unknown` on the wire). */
export function asProfile(v: unknown): DatasetProfile | undefined {
  const p = v as DatasetProfile | undefined;
  return p && Array.isArray(p.columns) ? p : undefined;
}

/** The schema when the document looks like one. */
export function asSchema(v: unknown): DatasetSchema | undefined {
  const s = v as DatasetSchema | undefined;
  return s && Array.isArray(s.columns) ? s : undefined;
}

/** A schema check's settings in a short readable form: `{min: 0, max: 80}` → `min 0, max 80`. */
export function describeCheck(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v !== "object") return String(v);
  if (Array.isArray(v)) return v.map(String).join(", ");
  const parts = Object.entries(v as Record<string, unknown>).map(([k, x]) =>
    Array.isArray(x)
      ? `${k}: ${x.map(String).join(", ")}`
      : `${k} ${typeof x === "object" ? JSON.stringify(x) : String(x)}`,
  );
  return parts.length ? parts.join("; ") : "yes";
}
