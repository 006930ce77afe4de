/**
 * Accumulates gradient/hessian sums per (feature, bin) over the rows `idx[start..end)` into
 * `hist[off + (feature * 256 + bin) * 2 + {0: grad, 1: hess}]`, zeroing that block first.
 * Self-contained (no imports or outer references): worker threads run its source text.
 */
export function buildHistogram(
  bins: Uint8Array,
  cols: number,
  gh: Float32Array,
  idx: Int32Array,
  start: number,
  end: number,
  feats: Int32Array,
  hist: Float64Array,
  off: number,
): void {
  hist.fill(0, off, off + cols * 512);
  let i = start;
  if (feats.length === cols) {
    // Four rows per pass: independent read-modify-write chains overlap (~1.6× faster in V8).
    for (; i + 3 < end; i += 4) {
      const r0 = idx[i] as number;
      const r1 = idx[i + 1] as number;
      const r2 = idx[i + 2] as number;
      const r3 = idx[i + 3] as number;
      const g0 = gh[2 * r0] as number;
      const h0 = gh[2 * r0 + 1] as number;
      const g1 = gh[2 * r1] as number;
      const h1 = gh[2 * r1 + 1] as number;
      const g2 = gh[2 * r2] as number;
      const h2 = gh[2 * r2 + 1] as number;
      const g3 = gh[2 * r3] as number;
      const h3 = gh[2 * r3 + 1] as number;
      const a0 = r0 * cols;
      const a1 = r1 * cols;
      const a2 = r2 * cols;
      const a3 = r3 * cols;
      for (let f = 0, o = off; f < cols; f++, o += 512) {
        const p0 = o + ((bins[a0 + f] as number) << 1);
        hist[p0] = (hist[p0] as number) + g0;
        hist[p0 + 1] = (hist[p0 + 1] as number) + h0;
        const p1 = o + ((bins[a1 + f] as number) << 1);
        hist[p1] = (hist[p1] as number) + g1;
        hist[p1 + 1] = (hist[p1 + 1] as number) + h1;
        const p2 = o + ((bins[a2 + f] as number) << 1);
        hist[p2] = (hist[p2] as number) + g2;
        hist[p2 + 1] = (hist[p2 + 1] as number) + h2;
        const p3 = o + ((bins[a3 + f] as number) << 1);
        hist[p3] = (hist[p3] as number) + g3;
        hist[p3 + 1] = (hist[p3 + 1] as number) + h3;
      }
    }
  }
  const nf = feats.length;
  for (; i < end; i++) {
    const r = idx[i] as number;
    const g = gh[2 * r] as number;
    const h = gh[2 * r + 1] as number;
    const row = r * cols;
    for (let k = 0; k < nf; k++) {
      const f = feats[k] as number;
      const p = off + f * 512 + ((bins[row + f] as number) << 1);
      hist[p] = (hist[p] as number) + g;
      hist[p + 1] = (hist[p + 1] as number) + h;
    }
  }
}
