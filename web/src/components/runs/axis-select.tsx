/** The "X axis" choice of a metric chart: steps or wall-clock time. */
import type { ReactNode } from "react";

export type ChartAxis = "step" | "time";

/** A labelled select; `id` ties the label to it (ids must be unique on the page). */
export function AxisSelect({
  id,
  value,
  onChange,
}: {
  id: string;
  value: ChartAxis;
  onChange: (axis: ChartAxis) => void;
}): ReactNode {
  return (
    <>
      <label htmlFor={id}>X axis</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value === "time" ? "time" : "step")}>
        <option value="step">Step</option>
        <option value="time">Time</option>
      </select>
    </>
  );
}
