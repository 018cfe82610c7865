/** Faults a test switches on and off: throttling, 500s and conflicts, slow answers and dropped connections. */
import { conflictError, internalError, throttlingError } from "./apiErrors";
import type { OperationName } from "./operations";

/** Limits a fault to one operation; without it the fault hits every request. */
export interface FaultScope {
  operation?: OperationName;
}

export interface DropOptions extends FaultScope {
  /** Apply the request first, then drop: AWS accepted the write but its answer was lost. */
  afterWrite?: boolean;
}

/** When a connection is dropped relative to handling the request. */
export type DropMoment = "beforeHandling" | "afterHandling";

/** What an injected failure answers: InternalServerException (500), or ConflictException (409). */
export type InjectedFailure = "internal" | "conflict";

interface Countdown extends FaultScope {
  remaining: number;
}

const WINDOW_MS = 1000;

/**
 * The switches. Setters are for tests; `admit`, `takeFailure`, `takeDrop` and `delayFor` are asked by the
 * server on every request.
 */
export class Faults {
  private ratePerSecond: number | undefined;
  private admitted: number[] = [];
  private failing: (Countdown & { answer: InjectedFailure }) | undefined;
  private dropping: (Countdown & { afterWrite: boolean }) | undefined;
  private delay: (FaultScope & { ms: number }) | undefined;

  /** Answers ThrottlingException to requests beyond `perSecond` in any 1 s window; undefined lifts the limit. */
  throttleAbove(perSecond: number | undefined): void {
    this.ratePerSecond = perSecond;
    this.admitted = [];
  }

  /**
   * Answers the next `count` requests (of the scope) with InternalServerException, or with `answer`,
   * without handling them.
   */
  failNext(count: number, scope: FaultScope & { answer?: InjectedFailure } = {}): void {
    this.failing = { answer: "internal", remaining: count, ...scope };
  }

  /** Holds every answer (of the scope) back by `ms`; 0 stops. */
  delayAnswers(ms: number, scope: FaultScope = {}): void {
    this.delay = { ms, ...scope };
  }

  /** Destroys the connection of the next `count` requests (of the scope) without an answer. */
  dropNext(count: number, options: DropOptions = {}): void {
    const { afterWrite = false, ...scope } = options;
    this.dropping = { remaining: count, afterWrite, ...scope };
  }

  /** Switches every fault off. */
  clear(): void {
    this.throttleAbove(undefined);
    this.failing = undefined;
    this.dropping = undefined;
    this.delay = undefined;
  }

  /** Counts a request in the sliding window, or throws ThrottlingException when the window is full. */
  admit(now: number): void {
    if (this.ratePerSecond === undefined) return;
    this.admitted = this.admitted.filter((at) => at > now - WINDOW_MS);
    if (this.admitted.length >= this.ratePerSecond) {
      const oldest = this.admitted[0] ?? now;
      throw throttlingError(this.ratePerSecond, Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000)));
    }
    this.admitted.push(now);
  }

  /** Throws the injected failure when one is due for this operation. */
  takeFailure(operation: OperationName, workspaceId = ""): void {
    if (!take(this.failing, operation)) return;
    const message = `Injected failure of ${operation}: the emulator was told to fail this request.`;
    if (this.failing?.answer === "conflict") throw conflictError(message, workspaceId, "ResourcePolicy");
    throw internalError(message);
  }

  /** Whether, and when, to drop this request's connection. */
  takeDrop(operation: OperationName): DropMoment | undefined {
    const dropping = this.dropping;
    if (!dropping || !take(dropping, operation)) return undefined;
    return dropping.afterWrite ? "afterHandling" : "beforeHandling";
  }

  /** How long to hold this operation's answer back. */
  delayFor(operation: OperationName): number {
    return this.delay && inScope(this.delay, operation) ? this.delay.ms : 0;
  }
}

function inScope(scope: FaultScope, operation: OperationName): boolean {
  return scope.operation === undefined || scope.operation === operation;
}

/** Uses up one count of a countdown that applies to this operation. */
function take(countdown: Countdown | undefined, operation: OperationName): boolean {
  if (!countdown || countdown.remaining <= 0 || !inScope(countdown, operation)) return false;
  countdown.remaining -= 1;
  return true;
}
