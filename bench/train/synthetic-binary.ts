/** Seeded synthetic binary-classification data for the GBDT benchmark (column-major, some NaN). */
import { seededRandom } from "../../src/core/random.js";

/** A generated data set: `x[j * rows + i]`, labels 0/1. */
export interface SyntheticData {
  rows: number;
  cols: number;
  x: Float64Array;
  y: Float64Array;
}

/** Labels come from a noisy non-linear rule on the first 8 features; the rest are noise. */
export function generateSyntheticBinary(rows: number, cols: number, seed: number): SyntheticData {
  const rng = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const x = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) x[j * rows + i] = j % 3 === 2 ? Math.floor(rng() * 10) : gauss();
  }
  const y = new Float64Array(rows);
  const v = (j: number, i: number) => x[j * rows + i] as number;
  for (let i = 0; i < rows; i++) {
    const logit =
      1.5 * v(0, i) -
      v(1, i) +
      0.8 * v(3, i) * v(4, i) +
      (v(2, i) > 4 ? 1 : -0.6) +
      Math.sin(2 * v(6, i)) +
      0.4 * v(7, i) ** 2 -
      0.5;
    y[i] = rng() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  // Missing values after labelling, so missingness carries no signal beyond the lost value.
  for (const j of [1, 4, 9]) {
    for (let i = 0; i < rows; i++) if (rng() < 0.05) x[j * rows + i] = Number.NaN;
  }
  return { rows, cols, x, y };
}
