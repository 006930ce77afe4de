/**
 * Who the current request acts for, carried through the async work it starts (AsyncLocalStorage),
 * so events written deep inside a service can name the actor without every call passing it.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const storage = new AsyncLocalStorage<string>();

/** Run `fn` (and all the async work it starts) as `actor` (once per request, by the auth layer). */
export function runAsActor(actor: string, fn: () => void): void {
  storage.run(actor, fn);
}

/** The actor of the current request, or undefined for background work (controllers, schedulers). */
export function currentActor(): string | undefined {
  return storage.getStore();
}
