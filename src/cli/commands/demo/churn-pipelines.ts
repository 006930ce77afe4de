/**
 * The demo's pipeline files and how the story reads a gate's evidence: the pipelines are written
 * into the demo folder so `modelworks pipeline ls/show` and the web UI show real runs of them.
 */

/** The gate step's outputs as narration lines: the decision, each metric on both models, the checks. */
export function gateEvidence(gate: Record<string, unknown>): string[] {
  const ev = gate.evidence as
    | {
        rows: number;
        metrics: Record<string, { challenger: number; champion?: number | null }>;
        checks: Record<string, boolean | null>;
      }
    | undefined;
  const out = [`gate: ${gate.promote ? "PROMOTE" : "REJECT"} — ${String(gate.reason ?? "")}`];
  if (!ev) return out;
  for (const [m, e] of Object.entries(ev.metrics ?? {})) {
    const champ = typeof e.champion === "number" ? `, champion ${e.champion.toFixed(4)}` : ", no champion";
    out.push(`gate evidence: ${m} on the same ${ev.rows} eval rows: challenger ${e.challenger.toFixed(4)}${champ}`);
  }
  const checks = Object.entries(ev.checks ?? {})
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${v ? "✔" : "✘"} ${k}`);
  out.push(`gate checks: ${checks.join("  ")}`);
  return out;
}

/** The pipeline: ingest → validate (against telco@1) → train → gate → deploy (canary). */
export function pipelineYaml(name: string): string {
  return `# Written by 'modelworks demo'.
name: ${name}
params:
  file: telco-v1.csv
  holdout: holdout.csv
  schema: telco@1
  trees: 8
  learning_rate: 0.3
  max_depth: 2
steps:
  - name: ingest
    type: ingest
    with: {file: "\${params.file}", dataset: telco, label: Churn}
  - name: ingest_holdout
    type: ingest
    with: {file: "\${params.holdout}", dataset: churn_holdout, label: Churn}
  - name: validate
    type: validate
    needs: [ingest]
    with:
      dataset: "\${steps.ingest.outputs.dataset}@\${steps.ingest.outputs.version}"
      schema: "\${params.schema}"
  - name: train
    type: train
    needs: [ingest, validate]
    with:
      data: "\${steps.ingest.outputs.dataset}@\${steps.ingest.outputs.version}"
      label: Churn
      params: {n_estimators: "\${params.trees}", learning_rate: "\${params.learning_rate}", max_depth: "\${params.max_depth}"}
      register: churn
  - name: gate
    type: gate
    needs: [train, ingest_holdout]
    with:
      model: churn
      candidate: "\${steps.train.outputs.version}"
      eval: "\${steps.ingest_holdout.outputs.dataset}@\${steps.ingest_holdout.outputs.version}"
      metric: roc_auc
      floor: 0.75
      min_improvement: 0.002
      guardrails: {log_loss: 0.01}
  - name: deploy
    type: deploy
    needs: [train, gate]
    when: "\${steps.gate.outputs.promote}"
    with:
      deployment: churn
      candidate: "churn/\${steps.train.outputs.version}"
      # The canary of a challenger (the first model is deployed as champion without one).
      steps: [5, 25, 50, 100]
      interval: 1.5s
      threshold: 2
      # A retrained model is meant to score differently: a looser score-distribution check.
      checks: {min_requests: 10, max_score_psi: 3}
`;
}
