/**
 * Golden tests against SciPy/numpy (test-fixtures/drift-golden/cases.json, written by
 * scripts/golden/drift-stats.py). Tolerances:
 * - statistics (D, χ², z, Wasserstein, JS, PSI, KL, L∞): 1e-9 relative; bin edges and counts exact;
 * - p-values: 1e-6 absolute (the contract) and also 1e-9 relative while p > 1e-300; below that,
 *   1e-6 relative on the log scale (SciPy's own digits there are not better than that);
 * - the z-test's p = 2·(1 − Φ(|z|)) is quantized at 2⁻⁵² by the subtraction Evidently does, so its
 *   relative check is replaced by 1e-15 absolute.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { binnedCounts } from "./binning.js";
import { chiSquareTest } from "./chisquare.js";
import { jensenShannonDistance, klDivergence, lInfinityDistance } from "./divergence.js";
import { chi2Sf, normalSf } from "./gamma.js";
import { kstwoSf } from "./kolmogorov.js";
import { ksTwoSample } from "./ks.js";
import { psi } from "./psi.js";
import { defaultStatTest, STAT_TESTS } from "./registry.js";
import { categoricalSample, countUnique, numericSample, valueCounts } from "./sample.js";
import type { ColumnKind, ColumnSample, StatTestName } from "./stat-test.js";
import { populationStd, wassersteinDistance } from "./wasserstein.js";
import { zTest } from "./z-test.js";

type Num = number | "inf" | "-inf" | "nan";
type Part = { values: (number | string)[] } | { gen: string; n: number; seed: number; params: unknown[] };
interface Spec {
  parts: Part[];
  n: number;
  checksum: number;
}
interface Case {
  name: string;
  kind: ColumnKind;
  reference: Spec;
  current: Spec;
  expected: Record<string, unknown> & {
    n_values: number;
    default_test: StatTestName;
    bins: {
      edges?: number[];
      labels?: (number | string)[];
      n_labels?: number;
      reference?: number[];
      current?: number[];
    };
  };
}
const fixture = JSON.parse(
  readFileSync(new URL("../../../test-fixtures/drift-golden/cases.json", import.meta.url), "utf8"),
) as { cases: Case[]; grids: { chi2_sf: Num[][]; kstwo_sf: Num[][]; norm_sf: Num[][] } };

function num(x: unknown): number {
  if (x === "inf") return Number.POSITIVE_INFINITY;
  if (x === "-inf") return Number.NEGATIVE_INFINITY;
  if (x === "nan") return Number.NaN;
  return x as number;
}

/** The script's MINSTD generator and transforms, operation for operation. */
function generate(part: Part): (number | string)[] {
  if ("values" in part) return part.values;
  let state = part.seed;
  const next = (): number => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  const p = part.params;
  const out: (number | string)[] = [];
  for (let i = 0; i < part.n; i++) {
    if (part.gen === "uniform") out.push((p[0] as number) + ((p[1] as number) - (p[0] as number)) * next());
    else if (part.gen === "normal") {
      let s = 0;
      for (let k = 0; k < 12; k++) s += next();
      out.push((p[0] as number) + (p[1] as number) * (s - 6));
    } else if (part.gen === "heavy") {
      const a = next();
      const b = next();
      out.push((p[0] as number) + (p[1] as number) * ((2 * a - 1) / b));
    } else if (part.gen === "int") {
      const [lo, hi] = p as [number, number];
      out.push(lo + Math.floor((hi - lo + 1) * next()));
    } else {
      const [labels, weights] = p as [string[], number[]];
      let total = 0;
      const cum = weights.map((w) => (total += w));
      const x = next() * total;
      const idx = cum.findIndex((c, j) => x < c || j === cum.length - 1);
      out.push(labels[idx] as string);
    }
  }
  return out;
}

function sampleFor(spec: Spec, kind: ColumnKind): ColumnSample {
  const values = spec.parts.flatMap(generate);
  assert.equal(values.length, spec.n, "replayed sample size");
  if (kind === "categorical") return categoricalSample(values);
  let sum = 0;
  for (const v of values) sum += v as number;
  assert.equal(sum, spec.checksum, "replayed sample checksum");
  return numericSample(values as number[]);
}

function closeRel(actual: number, expected: unknown, what: string, rel = 1e-9): void {
  const e = num(expected);
  if (Number.isNaN(e) || !Number.isFinite(e) || e === 0) {
    assert.ok(Object.is(actual, e) || actual === e, `${what}: ${actual} vs ${e}`);
    return;
  }
  assert.ok(
    Math.abs(actual - e) <= rel * Math.abs(e),
    `${what}: ${actual} vs ${e} (rel ${Math.abs(actual - e) / Math.abs(e)})`,
  );
}

function closeP(actual: number, expected: unknown, what: string, quantized = false): void {
  const e = num(expected);
  if (Number.isNaN(e)) {
    assert.ok(Number.isNaN(actual), `${what}: ${actual} vs NaN`);
    return;
  }
  const diff = Math.abs(actual - e);
  assert.ok(diff <= 1e-6, `${what}: ${actual} vs ${e}`);
  if (quantized) assert.ok(diff <= 1e-15 + 1e-9 * e, `${what}: ${actual} vs ${e}`);
  else if (e > 1e-300) assert.ok(diff <= 1e-9 * e, `${what}: ${actual} vs ${e} (rel ${diff / e})`);
  else if (e === 0) assert.equal(actual, 0, what);
  else {
    const logRel = Math.abs(Math.log(actual) - Math.log(e)) / Math.abs(Math.log(e));
    assert.ok(logRel <= 1e-6, `${what}: ${actual} vs ${e} (log-rel ${logRel})`);
  }
}

for (const c of fixture.cases) {
  test(`golden: ${c.name}`, () => {
    const ref = sampleFor(c.reference, c.kind);
    const cur = sampleFor(c.current, c.kind);
    const x = c.expected as Record<string, Record<string, unknown>> & Case["expected"];
    assert.equal(countUnique(ref, cur, Number.POSITIVE_INFINITY), x.n_values, "n_values");
    assert.equal(defaultStatTest(c.kind, c.reference.n, countUnique(ref, cur, 5)), x.default_test, "default test");

    if (ref.kind === "numerical" && cur.kind === "numerical") {
      const ks = ksTwoSample(ref.sorted, cur.sorted);
      closeRel(ks.statistic, x.ks!.statistic, "ks statistic");
      closeP(ks.pValue, x.ks!.pvalue, "ks p-value");
      closeRel(wassersteinDistance(ref.sorted, cur.sorted), x.wasserstein!.distance, "wasserstein distance");
      closeRel(populationStd(ref.sorted), x.wasserstein!.std, "reference std", 1e-9);
      closeRel(STAT_TESTS.wasserstein.run(ref, cur).statistic, x.wasserstein!.normed, "normed wasserstein");
      assert.equal(STAT_TESTS.ks.run(ref, cur).score, ks.pValue);
    }

    const bins = binnedCounts(ref, cur);
    if (x.bins.edges) {
      assert.deepEqual(bins.edges, x.bins.edges, "sturges edges");
      assert.deepEqual(bins.reference, x.bins.reference, "reference histogram");
      assert.deepEqual(bins.current, x.bins.current, "current histogram");
    } else if (x.bins.labels) {
      assert.deepEqual(bins.labels, x.bins.labels.map(String), "per-value labels");
      assert.deepEqual(bins.reference, x.bins.reference, "reference counts");
      assert.deepEqual(bins.current, x.bins.current, "current counts");
    } else {
      assert.equal(bins.labels?.length, x.bins.n_labels, "label count");
    }
    closeRel(jensenShannonDistance(bins.reference, bins.current), x.jensenshannon, "jensenshannon");
    closeRel(psi(bins.reference, bins.current), x.psi, "psi");
    closeRel(klDivergence(bins.reference, bins.current), x.kl_div, "kl_div");

    const chi = chiSquareTest(valueCounts(ref), valueCounts(cur));
    closeRel(chi.statistic, x.chisquare!.statistic, "chisquare statistic");
    closeP(chi.pValue, x.chisquare!.pvalue, "chisquare p-value");
    const z = zTest(valueCounts(ref), valueCounts(cur), (a, b) =>
      typeof a === "number" ? a - (b as number) : a < b ? -1 : a > b ? 1 : 0,
    );
    if (x.z!.statistic !== undefined) closeRel(z.statistic, x.z!.statistic, "z statistic");
    closeP(z.pValue, x.z!.pvalue, "z p-value", true);

    const refCounts = valueCounts(ref);
    const curCounts = valueCounts(cur);
    const keys = [...new Set([...refCounts.keys(), ...curCounts.keys()])];
    const linf = lInfinityDistance(
      keys.map((k) => refCounts.get(k) ?? 0),
      keys.map((k) => curCounts.get(k) ?? 0),
    );
    closeRel(linf, x.linf, "linf");

    // Every applicable test runs through the registry with the same numbers.
    for (const name of Object.keys(STAT_TESTS) as StatTestName[]) {
      const t = STAT_TESTS[name];
      if (!t.kinds.includes(c.kind)) continue;
      const r = t.run(ref, cur);
      assert.equal(r.score, t.scoreKind === "p_value" ? r.pValue : r.statistic, `${name} score`);
    }
  });
}

test("golden grids: chi2.sf, kstwo.sf and norm.sf across SciPy's branches", () => {
  for (const [df, x, want] of fixture.grids.chi2_sf) closeP(chi2Sf(num(x), num(df)), want, `chi2.sf(${x}, ${df})`);
  for (const [n, x, want] of fixture.grids.kstwo_sf) closeP(kstwoSf(num(n), num(x)), want, `kstwo.sf(${x}, ${n})`);
  for (const [z, want] of fixture.grids.norm_sf) closeP(normalSf(num(z)), want, `norm.sf(${z})`);
});
