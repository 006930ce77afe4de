/** A horizontally scrolling box for tables wider than the page, reachable and scrollable by keyboard. */
import type { ReactNode } from "react";

/** A labelled `<section>` (a region) that takes focus, so arrow keys scroll it without a mouse. */
export function ScrollBox({ label, children }: { label: string; children: ReactNode }): ReactNode {
  return (
    <section
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be focusable to scroll by keyboard.
      tabIndex={0}
      style={{ overflowX: "auto", maxWidth: "100%" }}
    >
      {children}
    </section>
  );
}
