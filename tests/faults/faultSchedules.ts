/** Randomized fault schedules for the AMP emulator: which lifecycle operation meets which fault, how often. */
import fc from "fast-check";
import type { AmpEmulator, OperationName } from "../emulator/server";

/** The lifecycle operations a schedule disturbs. */
export type LifecycleOperation = "create" | "update" | "delete";

/**
 * What goes wrong: a 500 answer, a connection dropped before AMP handled the request, one dropped after AMP
 * applied it (the answer is lost, the write is not), or throttling above a rate.
 */
export type FaultKind = "serverError" | "drop" | "dropAfterWrite" | "throttle";

/** Which requests a countdown fault hits: the operation's write, the polls of its wait, or every request. */
export type FaultTarget = "write" | "describe" | "every";

/** One operation under one fault. */
export type FaultSchedule =
  | {
      operation: LifecycleOperation;
      kind: Exclude<FaultKind, "throttle">;
      count: number;
      target: FaultTarget;
    }
  /** `perSecond`: the requests AMP admits in any one-second window; the rest are throttled. */
  | { operation: LifecycleOperation; kind: "throttle"; perSecond: number };

/**
 * More failures in a row than the client's attempts per request (6, see provider/core/src/client.ts), so some
 * schedules exhaust the SDK's retries and the core's own recovery is what keeps state and AWS in step.
 */
export const MAX_FAULT_COUNT = 8;

/**
 * A property over fault schedules stops within 40 s, as a failure, so shrinking a counterexample (each run
 * takes a second or two) never outlasts the test's timeout and loses it.
 */
export const PROPERTY_LIMITS = { interruptAfterTimeLimit: 40_000, markInterruptAsFailure: true } as const;

/** The AMP write each lifecycle operation makes. */
const WRITE_OF: Record<LifecycleOperation, OperationName> = {
  create: "PutResourcePolicy",
  update: "PutResourcePolicy",
  delete: "DeleteResourcePolicy",
};

const operation = fc.constantFrom<LifecycleOperation>("create", "update", "delete");

const countdownSchedule: fc.Arbitrary<FaultSchedule> = fc.record({
  operation,
  kind: fc.constantFrom("serverError" as const, "drop" as const, "dropAfterWrite" as const),
  count: fc.integer({ min: 1, max: MAX_FAULT_COUNT }),
  target: fc.constantFrom<FaultTarget>("write", "describe", "every"),
});

// Low rates: an operation makes only a handful of requests, so a higher rate would never throttle.
const throttleSchedule: fc.Arbitrary<FaultSchedule> = fc.record({
  operation,
  kind: fc.constant("throttle" as const),
  perSecond: fc.integer({ min: 1, max: 3 }),
});

/**
 * Any schedule. Throttling is drawn less often than the others: every throttled request costs the SDK's
 * Retry-After (at least a second), and a few draws are enough to cover it.
 */
export const faultSchedule: fc.Arbitrary<FaultSchedule> = fc.oneof(
  { arbitrary: countdownSchedule, weight: 5 },
  { arbitrary: throttleSchedule, weight: 1 },
);

/** Switches the schedule's fault on in the emulator. */
export function applySchedule(emulator: AmpEmulator, schedule: FaultSchedule): void {
  if (schedule.kind === "throttle") {
    emulator.faults.throttleAbove(schedule.perSecond);
    return;
  }
  const scope = scopeOf(schedule);
  switch (schedule.kind) {
    case "serverError":
      emulator.faults.failNext(schedule.count, scope);
      return;
    case "drop":
      emulator.faults.dropNext(schedule.count, scope);
      return;
    case "dropAfterWrite":
      emulator.faults.dropNext(schedule.count, { ...scope, afterWrite: true });
      return;
  }
}

function scopeOf(schedule: { operation: LifecycleOperation; target: FaultTarget }): {
  operation?: OperationName;
} {
  switch (schedule.target) {
    case "write":
      return { operation: WRITE_OF[schedule.operation] };
    case "describe":
      return { operation: "DescribeResourcePolicy" };
    case "every":
      return {};
  }
}

/** "update: 6 × dropAfterWrite on write", for failure messages. */
export function describeSchedule(schedule: FaultSchedule): string {
  if (schedule.kind === "throttle") return `${schedule.operation}: throttled above ${schedule.perSecond}/s`;
  return `${schedule.operation}: ${schedule.count} × ${schedule.kind} on ${schedule.target}`;
}

/** A schedule whose every attempt of the operation's write loses its answer after AWS applied it. */
export function everyAnswerLost(operation: LifecycleOperation): FaultSchedule {
  return { operation, kind: "dropAfterWrite", count: MAX_FAULT_COUNT, target: "write" };
}
