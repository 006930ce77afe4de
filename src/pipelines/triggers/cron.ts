/**
 * Five-field cron schedules (minute hour day-of-month month day-of-week) as Vixie cron reads them:
 * `*`, lists, ranges, steps, month and weekday names, `@daily`-style macros, and day-of-month /
 * day-of-week combined with OR when both are restricted.
 */
import { invalidParam, isMwError } from "../../core/errors.js";
import type { TriggerSpec } from "../pipeline-spec.js";

/** A parsed schedule: the allowed values of each field. */
export interface CronSchedule {
  source: string;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 = Sunday (7 is accepted as Sunday too). */
  daysOfWeek: ReadonlySet<number>;
  /** Whether the day field starts with `*`: then days must match both fields, not either. */
  domStar: boolean;
  dowStar: boolean;
}

interface FieldDef {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldDef[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
  },
  { name: "day-of-week", min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** Parse a cron expression; invalidParam naming the field and the bad part otherwise. */
export function parseCron(expr: string): CronSchedule {
  if (typeof expr !== "string") throw invalidParam("Invalid cron expression: expected a string.");
  const text = MACROS[expr.trim().toLowerCase()] ?? expr.trim();
  const parts = text.split(/\s+/).filter((p) => p !== "");
  if (parts.length !== 5) {
    throw invalidParam(
      `Invalid cron expression '${expr}': expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}.`,
    );
  }
  const [min, hour, dom, mon, dow] = parts.map((p, i) => parseField(expr, p, FIELDS[i] as FieldDef));
  const days = new Set([...(dow as Set<number>)].map((d) => (d === 7 ? 0 : d)));
  return {
    source: expr,
    minutes: min as Set<number>,
    hours: hour as Set<number>,
    daysOfMonth: dom as Set<number>,
    months: mon as Set<number>,
    daysOfWeek: days,
    domStar: (parts[2] as string).startsWith("*"),
    dowStar: (parts[4] as string).startsWith("*"),
  };
}

function parseField(expr: string, text: string, f: FieldDef): Set<number> {
  const fail = (why: string) => invalidParam(`Invalid cron expression '${expr}': ${f.name} field '${text}' ${why}.`);
  const out = new Set<number>();
  for (const item of text.split(",")) {
    if (item === "") throw fail("has an empty list item");
    const [range, stepText, extra] = item.split("/");
    if (extra !== undefined) throw fail("has more than one '/'");
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) throw fail(`has an invalid step '${stepText}'`);
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (range === "*") {
      lo = f.min;
      hi = f.name === "day-of-week" ? 6 : f.max;
    } else {
      const [a, b, more] = (range as string).split("-");
      if (more !== undefined) throw fail("has an invalid range");
      lo = value(a as string, f, fail);
      // `5/15` means from 5 to the end in steps of 15, as in Vixie cron.
      hi = b !== undefined ? value(b, f, fail) : stepText !== undefined ? f.max : lo;
      if (hi < lo) throw fail(`has a range that runs backwards (${lo} > ${hi})`);
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

function value(text: string, f: FieldDef, fail: (why: string) => Error): number {
  const named = f.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return f.name === "month" ? named + 1 : named;
  if (!/^\d+$/.test(text)) throw fail(`has '${text}', which is not a number${f.names ? " or a name" : ""}`);
  const v = Number(text);
  if (v < f.min || v > f.max) throw fail(`has ${v}, outside ${f.min}-${f.max}`);
  return v;
}

/** Whether the schedule's day fields match a UTC date. */
function dayMatches(s: CronSchedule, d: Date): boolean {
  const dom = s.daysOfMonth.has(d.getUTCDate());
  const dow = s.daysOfWeek.has(d.getUTCDay());
  // Vixie cron: a field starting with `*` (even `*/2`) makes it AND; only two restricted fields OR.
  return s.domStar || s.dowStar ? dom && dow : dom || dow;
}

const MINUTE = 60_000;
// The rarest satisfiable schedule is Feb 29, and leap years are at most 8 years apart (2096 → 2104).
const HORIZON_MS = 9 * 366 * 86_400_000;

/** Check a timezone; only UTC for now. */
export function checkTimezone(timezone: string | undefined): void {
  if (timezone !== undefined && timezone !== "UTC" && timezone !== "Etc/UTC") {
    throw invalidParam(`Invalid value for 'timezone': only UTC is supported for now, got '${timezone}'.`);
  }
}

/** The first time strictly after `after` (whole minutes) the schedule fires; invalidParam if it never does. */
export function nextRun(expr: string | CronSchedule, after: Date, timezone?: string): Date {
  checkTimezone(timezone);
  const s = typeof expr === "string" ? parseCron(expr) : expr;
  let t = Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE;
  const end = t + HORIZON_MS;
  while (t < end) {
    const d = new Date(t);
    if (!s.months.has(d.getUTCMonth() + 1)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    } else if (!dayMatches(s, d)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    } else if (!s.hours.has(d.getUTCHours())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
    } else if (!s.minutes.has(d.getUTCMinutes())) {
      t += MINUTE;
    } else {
      return d;
    }
  }
  throw invalidParam(`Invalid cron expression '${s.source}': it never matches a real date (e.g. February 30).`);
}

/** A pipeline's cron trigger parsed, with its next time after `now`; invalidParam naming the pipeline. */
export function scheduleOf(
  pipeline: string,
  t: Extract<TriggerSpec, { type: "cron" }>,
  now: number,
): { schedule: CronSchedule; next: number } {
  try {
    checkTimezone(t.timezone);
    const s = parseCron(t.schedule);
    return { schedule: s, next: nextRun(s, new Date(now)).getTime() };
  } catch (e) {
    if (!isMwError(e)) throw e;
    throw invalidParam(`Pipeline '${pipeline}': ${e.message}`);
  }
}
