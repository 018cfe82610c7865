/** Abort signals for operations in flight, so Cancel (the engine shutting down) stops their waits at once. */
import { CancelledError } from "./errors";

/** One operation's handle: its signal, and `done` to call when it ends. */
export interface Operation {
  signal: AbortSignal;
  done(): void;
}

export class Cancellation {
  private readonly inFlight = new Set<AbortController>();
  private cancelled = false;

  /**
   * Starts an operation; `linked` (the RPC's own cancellation) aborts it too. After Cancel it throws
   * CancelledError: the engine cancels only when it is shutting down, so no new work should begin.
   */
  begin(linked?: AbortSignal): Operation {
    this.refuseAfterCancel();
    const controller = new AbortController();
    const onLinkedAbort = () => controller.abort(linked?.reason);
    if (linked?.aborted) onLinkedAbort();
    else linked?.addEventListener("abort", onLinkedAbort, { once: true });
    this.inFlight.add(controller);
    return {
      signal: controller.signal,
      done: () => {
        linked?.removeEventListener("abort", onLinkedAbort);
        this.inFlight.delete(controller);
      },
    };
  }

  /** Throws CancelledError once Cancel has come: what begin does first, for work that holds no wait. */
  refuseAfterCancel(): void {
    if (this.cancelled) throw new CancelledError();
  }

  /** Aborts every operation in flight and every one started later. */
  cancelAll(): void {
    this.cancelled = true;
    for (const controller of this.inFlight)
      controller.abort(new Error("the engine cancelled all operations"));
  }
}
