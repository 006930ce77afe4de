/**
 * Webhook deliveries seen before: GitHub redelivers with the same `X-GitHub-Delivery`, and a replayed
 * request carries the same signed body. Either one seen again starts nothing. Recent keys are kept in
 * memory (bounded, oldest dropped first); older ones are found on the runs they started.
 */
import { createHash } from "node:crypto";

/** What identifies a delivery: GitHub's delivery id (when sent) and the SHA-256 of the signed body. */
export interface DeliveryKeys {
  id?: string;
  digest: string;
}

/** The keys of a request. */
export function deliveryKeys(rawBody: string | Uint8Array, id: string | undefined): DeliveryKeys {
  return { ...(id ? { id } : {}), digest: createHash("sha256").update(rawBody).digest("hex") };
}

export interface GitDeliveriesOptions {
  /** Keys remembered in memory (default 10,000 deliveries). */
  max?: number;
  /** True when a stored run was started by a delivery with one of these keys. */
  stored?: (keys: DeliveryKeys) => Promise<boolean>;
}

/** Claims deliveries once. */
export class GitDeliveries {
  private readonly recent = new Map<string, true>();
  private readonly max: number;

  constructor(private readonly o: GitDeliveriesOptions = {}) {
    this.max = Math.max(1, o.max ?? 10_000) * 2;
  }

  /**
   * True when the delivery was seen before; otherwise it is remembered and false. The memory is
   * claimed before the stored runs are read, so two copies arriving together cannot both pass.
   */
  async seenBefore(keys: DeliveryKeys): Promise<boolean> {
    const names = [`digest:${keys.digest}`, ...(keys.id ? [`id:${keys.id}`] : [])];
    if (names.some((n) => this.recent.has(n))) return true;
    for (const n of names) this.remember(n);
    return (await this.o.stored?.(keys)) ?? false;
  }

  private remember(name: string): void {
    this.recent.set(name, true);
    while (this.recent.size > this.max) {
      const oldest = this.recent.keys().next().value;
      if (oldest === undefined) break;
      this.recent.delete(oldest);
    }
  }
}
