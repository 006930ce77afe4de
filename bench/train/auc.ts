/** ROC AUC by the rank-sum formula, ties sharing their average rank. */
export function rocAuc(y: ArrayLike<number>, scores: Float64Array): number {
  const n = scores.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[a] as number) - (scores[b] as number),
  );
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (y[order[k] as number] === 1) {
        pos++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * (n - pos));
}
