/** Seeded, deterministic stratified train/test split. */
import { invalidParam } from "../../core/errors.js";
import { seededRandom } from "../../core/random.js";

/** Row indices (ascending) of the two parts of a split. */
export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/** Split rows so each label value keeps its share in both parts; `testFraction` of each class goes to test. */
export function stratifiedSplit(labels: ArrayLike<number | string>, testFraction: number, seed: number): Split {
  if (!(testFraction > 0 && testFraction < 1))
    throw invalidParam(`testFraction must be in (0, 1), got ${testFraction}`);
  if (!Number.isInteger(seed)) throw invalidParam(`seed must be an integer, got ${seed}`);
  const random = seededRandom(seed);
  const isTest = new Uint8Array(labels.length);
  for (const rows of groupByLabel(labels)) {
    shuffle(rows, random);
    const nTest = Math.round(rows.length * testFraction);
    for (let k = 0; k < nTest; k++) isTest[rows[k] as number] = 1;
  }
  const train: number[] = [];
  const test: number[] = [];
  isTest.forEach((t, i) => {
    (t ? test : train).push(i);
  });
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

/** A seeded random split of `rows` rows (for targets with no classes to stratify by, e.g. regression). */
export function randomSplit(rows: number, testFraction: number, seed: number): Split {
  return stratifiedSplit(new Uint8Array(rows), testFraction, seed);
}

/** Groups in order of each label's first appearance, so the PRNG stream is consumed deterministically. */
function groupByLabel(labels: ArrayLike<number | string>): number[][] {
  const groups = new Map<number | string, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number | string;
    const key = typeof y === "number" && Number.isNaN(y) ? "NaN" : y;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  return [...groups.values()];
}

function shuffle(a: number[], random: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j] as number, a[i] as number];
  }
}
