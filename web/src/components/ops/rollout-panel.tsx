/** The latest rollout of a deployment: phase, steps, analysis checks and the promote/abort/rollback buttons. */
import type { ReactNode } from "react";
import type { DeploymentEventInfo, RolloutInfo } from "../../../../src/core/api/platform-routes";
import { platform } from "../../lib/api";
import { formatDuration, formatNumber, formatTime } from "../../lib/format";
import { canRollback, isActivePhase, latestChecks, phaseTone } from "../../lib/ops/rollout-view";
import { ConfirmButton } from "../confirm-button";
import { Badge } from "../status";

/** `events` are the rollout's own events, newest first (from `GET /deployments/:name/rollout`). */
export function RolloutPanel({
  name,
  rollout: r,
  events,
  onChanged,
}: {
  name: string;
  rollout: RolloutInfo;
  events: DeploymentEventInfo[];
  onChanged: () => void;
}): ReactNode {
  const active = isActivePhase(r.phase);
  const last = latestChecks(events);
  const act = (f: () => Promise<unknown>) => async () => {
    await f();
    onChanged();
  };
  return (
    <section aria-label="Rollout">
      <dl className="props">
        <dt>Phase</dt>
        <dd>
          <Badge tone={phaseTone(r.phase)}>{r.phase}</Badge>{" "}
          {r.reason ? <span className="muted">{r.reason}</span> : null}
        </dd>
        <dt>Candidate</dt>
        <dd>
          {r.candidate} <span className="muted">vs primary {r.primary}</span>
        </dd>
        <dt>Step</dt>
        <dd>
          {r.step_index < 0 ? "not started" : `${r.step_index + 1} of ${r.spec.steps.length}`} · candidate weight{" "}
          <strong>{formatNumber(r.weight)}%</strong>
        </dd>
        <dt>Failed checks</dt>
        <dd>
          <span style={r.failed_checks > 0 ? { color: "var(--bad)" } : undefined}>{r.failed_checks}</span> /{" "}
          {r.spec.threshold} allowed · {r.analyses} analyses, every {formatDuration(r.spec.interval_ms)}
        </dd>
        <dt>Started</dt>
        <dd>
          {formatTime(r.created_time)}
          {r.finished_time ? ` · finished ${formatTime(r.finished_time)}` : ""}
        </dd>
        {r.promotion ? (
          <>
            <dt>Promotion</dt>
            <dd>
              {r.promotion.model}@{r.promotion.alias} → v{r.promotion.version}
              {r.promotion.previous_version ? ` (was v${r.promotion.previous_version})` : ""}
            </dd>
          </>
        ) : null}
      </dl>
      <ol aria-label="Rollout steps" className="toolbar" style={{ listStyle: "none", padding: 0 }}>
        {r.spec.steps.map((w, i) => {
          // A promotion finishes every step; otherwise the step the rollout is on (or stopped at) is current.
          const promoted = r.phase === "succeeded" || r.promotion !== undefined;
          const current = i === r.step_index && !promoted;
          const done = i < r.step_index || promoted;
          return (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: steps are positional and may repeat a weight.
              key={i}
              aria-current={current ? "step" : undefined}
              className={`badge ${current ? (r.phase === "rolled_back" ? "bad" : "info") : done ? "ok" : ""}`}
              style={current ? { fontWeight: 700, outline: "2px solid currentColor" } : undefined}
            >
              {current ? "▶ " : done ? "✓ " : ""}
              {w}%
            </li>
          );
        })}
      </ol>
      <div className="toolbar">
        <ConfirmButton
          label="Promote"
          disabled={!active}
          question={`Promote ${r.candidate} on ${name} now, skipping the remaining steps and analysis?`}
          onConfirm={act(() => platform.promoteRollout({ name }))}
        />
        <ConfirmButton
          label="Abort"
          danger
          disabled={!active}
          question={`Abort the rollout of ${r.candidate}? All traffic goes back to the primary and the candidate is removed.`}
          onConfirm={act(() => platform.abortRollout({ name, reason: "aborted from the web UI" }))}
        />
        <ConfirmButton
          label="Rollback"
          danger
          disabled={!canRollback(r)}
          question={
            r.promotion
              ? `Roll back the promotion of ${r.promotion.model} v${r.promotion.version}? @${r.promotion.alias} and the primary go back to ${r.promotion.previous_version ? `v${r.promotion.previous_version}` : r.promotion.previous_primary}.`
              : "Roll back the latest promotion?"
          }
          onConfirm={act(() => platform.rollbackRollout({ name }))}
        />
      </div>
      <h3>Analysis checks</h3>
      {last ? (
        <>
          <p className="muted">
            From {last.event.type} at {formatTime(last.event.time)}: {last.event.message}
          </p>
          <table className="data" aria-label="Analysis checks">
            <thead>
              <tr>
                <th>Check</th>
                <th className="right">Value</th>
                <th className="right">Threshold</th>
                <th>Result</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {last.checks.map((c) => (
                <tr key={c.check}>
                  <td className="mono">{c.check}</td>
                  <td className="right">{c.value === null ? "–" : formatNumber(c.value)}</td>
                  <td className="right">{c.threshold === null ? "–" : formatNumber(c.threshold)}</td>
                  <td>
                    <Badge tone={c.passed ? "ok" : "bad"}>{c.passed ? "pass" : "FAIL"}</Badge>
                  </td>
                  <td className="muted">{c.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p className="muted">No analysis has run yet for this rollout.</p>
      )}
    </section>
  );
}
