/**
 * Ways a user cuts one source into "the data the schema was inferred from" and "later batches":
 * contiguous (first 80% then the rest, as a file that grows), random halves, and 200-row batches
 * after a contiguous or a random training part. Seeded, so a study is reproducible.
 */
import { seededRandom } from "../../core/random.js";

/** A training part and the later batches, as row indices. */
export interface Split {
  name: string;
  /** The batches follow the training part in file order. */
  contiguous: boolean;
  train: number[];
  batches: number[][];
}

const BATCH = 200;

/** The splits of a source of `n` rows for one seed (batches of 200 rows only when the rest holds one). */
export function splitsFor(n: number, seed: number): Split[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const shuffled = shuffle(order, seededRandom(seed));
  const cut80 = Math.floor(n * 0.8);
  const half = Math.floor(n / 2);
  const out: Split[] = [
    { name: "first 80% / last 20%", contiguous: true, train: order.slice(0, cut80), batches: [order.slice(cut80)] },
    { name: "random halves", contiguous: false, train: shuffled.slice(0, half), batches: [shuffled.slice(half)] },
  ];
  if (n - half >= BATCH) {
    const train = order.slice(0, half);
    out.push({ name: "first half / 200-row batches", contiguous: true, train, batches: chunks(order.slice(half)) });
    const random = shuffled.slice(0, half);
    out.push({
      name: "random half / 200-row batches",
      contiguous: false,
      train: random,
      batches: chunks(shuffled.slice(half)),
    });
  }
  return out;
}

function chunks(rows: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i + BATCH <= rows.length; i += BATCH) out.push(rows.slice(i, i + BATCH));
  return out;
}

/** Fisher–Yates on a copy. */
export function shuffle<T>(xs: readonly T[], random: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}
