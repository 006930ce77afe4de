/** A logged model's status as a badge: READY, PENDING (still uploading) or UPLOAD FAILED. */
import type { ReactNode } from "react";
import type { LoggedModelStatus as Status } from "../../../../src/core/api/logged-model-entities";
import { Badge } from "../status";

const SHOWN: Record<Status, { text: string; tone: "ok" | "warn" | "bad" }> = {
  LOGGED_MODEL_READY: { text: "READY", tone: "ok" },
  LOGGED_MODEL_PENDING: { text: "PENDING", tone: "warn" },
  LOGGED_MODEL_UPLOAD_FAILED: { text: "UPLOAD FAILED", tone: "bad" },
};

/** The badge for `status` (an unknown one is shown as sent). */
export function LoggedModelStatus({ status }: { status: Status }): ReactNode {
  const s = SHOWN[status] ?? { text: status, tone: "warn" as const };
  return <Badge tone={s.tone}>{s.text}</Badge>;
}
