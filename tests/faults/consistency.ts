/** The invariant of every fault test: what the provider reported is what AWS holds, and failures say what failed. */
import { expect } from "chai";
import type { AmpEmulator } from "../emulator/server";
import { policyDocument } from "../harness/session";
import {
  applySchedule,
  describeSchedule,
  type FaultSchedule,
  type LifecycleOperation,
} from "./faultSchedules";

/** A policy as the provider reports it (a result, or the partial state attached to a failure). */
export interface ReportedPolicy {
  policyDocument: string;
  policyStatus: string;
  revisionId: string;
}

/** How one operation ended, from the engine's point of view. */
export type Outcome =
  | { succeeded: true; reported?: ReportedPolicy }
  /** `reported`: the state handed back with the failure (error.state, or ErrorResourceInitFailed). */
  | { succeeded: false; message: string; reported?: ReportedPolicy };

/** What an operation was asked to do: the state before it (update, delete) and the document it wrote. */
export interface Attempt {
  operation: LifecycleOperation;
  workspaceId: string;
  /** The state the operation started from; absent for a create. */
  before?: ReportedPolicy;
  /** The document a create or update put. */
  policyDocument?: string;
}

/** The actions an operation's errors may start with. */
const ACTIONS_OF: Record<LifecycleOperation, readonly string[]> = {
  create: ["putting the resource policy", "waiting for the resource policy", "waiting for the workspace"],
  update: ["putting the resource policy", "waiting for the resource policy", "waiting for the workspace"],
  delete: ["deleting the resource policy", "waiting for the resource policy", "waiting for the workspace"],
};

/**
 * Asserts the invariant after one operation:
 * - a failure's message starts with what was being done and names the workspace;
 * - a success reports the policy AWS holds (its revision and document, ACTIVE), or for a delete, none;
 * - a failure that reports a state reports the one AWS holds;
 * - a failure that reports nothing left AWS as it was: no policy after a create (nothing orphaned), the
 *   old revision after an update (the state still true); after a delete, either that or the policy gone.
 */
export function expectProviderMatchesAws(emulator: AmpEmulator, attempt: Attempt, outcome: Outcome): void {
  const held = emulator.policyOf(attempt.workspaceId);
  const context = `${attempt.operation} on ${attempt.workspaceId}: ${describeOutcome(outcome)}; AWS holds ${describeHeld(held)}`;
  if (!outcome.succeeded) expectSaysWhatFailed(outcome.message, attempt);
  if (outcome.reported) {
    expect(held, `${context}: the reported state is not in AWS`).to.not.equal(undefined);
    expect(held?.revisionId, context).to.equal(outcome.reported.revisionId);
    expect(held?.policyDocument, context).to.equal(outcome.reported.policyDocument);
  }
  if (outcome.succeeded) {
    expectSucceeded(held, attempt, outcome, context);
    return;
  }
  if (outcome.reported) {
    expect(outcome.reported.policyDocument, context).to.equal(attempt.policyDocument);
    return;
  }
  expectUnchanged(held, attempt, context);
}

function expectSucceeded(
  held: ReportedPolicy | undefined,
  attempt: Attempt,
  outcome: Outcome,
  context: string,
): void {
  if (attempt.operation === "delete") {
    expect(held, `${context}: a delete that succeeded left the policy`).to.equal(undefined);
    return;
  }
  expect(outcome.reported, `${context}: a success without a state`).to.not.equal(undefined);
  expect(outcome.reported?.policyStatus, context).to.equal("ACTIVE");
  expect(held?.policyStatus, context).to.equal("ACTIVE");
  expect(held?.policyDocument, context).to.equal(attempt.policyDocument);
}

function expectUnchanged(held: ReportedPolicy | undefined, attempt: Attempt, context: string): void {
  switch (attempt.operation) {
    case "create":
      expect(held, `${context}: a failed create left a policy the state does not know (orphaned)`).to.equal(
        undefined,
      );
      return;
    case "update":
      expect(
        held?.revisionId,
        `${context}: a failed update moved the revision without reporting it`,
      ).to.equal(attempt.before?.revisionId);
      expect(held?.policyDocument, context).to.equal(attempt.before?.policyDocument);
      return;
    case "delete":
      if (held && held.policyStatus !== "DELETING") {
        expect(held.revisionId, `${context}: a failed delete changed the policy`).to.equal(
          attempt.before?.revisionId,
        );
      }
      return;
  }
}

/** A failure starts with its action ("putting the resource policy on workspace ws-…: …"). */
export function expectSaysWhatFailed(
  message: string,
  attempt: Pick<Attempt, "operation" | "workspaceId">,
): void {
  const actions = ACTIONS_OF[attempt.operation];
  expect(
    actions.some((action) => message.startsWith(action)),
    `"${message}" does not start with what was being done (${actions.join(" | ")})`,
  ).to.equal(true);
  expect(message, "the error names the workspace").to.include(`on workspace ${attempt.workspaceId}`);
}

function describeOutcome(outcome: Outcome): string {
  const reported = outcome.reported
    ? ` reporting revision ${outcome.reported.revisionId} (${outcome.reported.policyStatus})`
    : " reporting no state";
  return outcome.succeeded ? `succeeded${reported}` : `failed${reported} with "${outcome.message}"`;
}

function describeHeld(held: ReportedPolicy | undefined): string {
  return held ? `revision ${held.revisionId} (${held.policyStatus})` : "no policy";
}

/**
 * One way to drive the lifecycle as the engine would, under faults: through the core in process, or
 * through the plugin over gRPC. `S` is what the engine records of a policy.
 */
export interface LifecycleDriver<S> {
  create(workspaceId: string, policyDocument: string): Promise<S>;
  update(recorded: S, workspaceId: string, policyDocument: string): Promise<S>;
  remove(recorded: S, workspaceId: string): Promise<void>;
  /** How a call ended, from the engine's point of view; a failure must be one the provider chose. */
  outcomeOf(call: Promise<S | undefined>): Promise<Outcome>;
  reportedOf(recorded: S): ReportedPolicy;
  /** What the engine records from a state a failure reported. */
  recordedFrom(workspaceId: string, reported: ReportedPolicy): S;
  /** Called once the faults are cleared, before the engine's next step. */
  recover?(): void;
}

/**
 * One schedule, written once for every driver: sets up what the operation needs, runs it under the fault,
 * asserts the invariant on what the engine would record, then runs the engine's next step without faults
 * (a create that recorded nothing is created again, a recorded state is updated to a third document, a
 * failed delete is retried) and expects it to succeed.
 */
export async function runFaultSchedule<S>(
  emulator: AmpEmulator,
  schedule: FaultSchedule,
  driver: LifecycleDriver<S>,
): Promise<void> {
  emulator.reset();
  const { workspaceId, arn } = emulator.createWorkspace();
  const documents = [
    policyDocument(arn),
    policyDocument(arn, { actions: ["aps:QueryMetrics"] }),
    policyDocument(arn, { actions: ["aps:GetSeries"] }),
  ] as const;
  const before = schedule.operation === "create" ? undefined : await driver.create(workspaceId, documents[0]);
  const attempt: Attempt = {
    operation: schedule.operation,
    workspaceId,
    ...(before ? { before: driver.reportedOf(before) } : {}),
    ...(schedule.operation === "delete"
      ? {}
      : { policyDocument: schedule.operation === "create" ? documents[0] : documents[1] }),
  };
  const underFault = async (): Promise<S | undefined> => {
    switch (schedule.operation) {
      case "create":
        return driver.create(workspaceId, documents[0]);
      case "update":
        return driver.update(required(before), workspaceId, documents[1]);
      case "delete":
        await driver.remove(required(before), workspaceId);
        return undefined;
    }
  };
  applySchedule(emulator, schedule);
  const outcome = await driver.outcomeOf(underFault());
  emulator.faults.clear();
  driver.recover?.();
  try {
    expectProviderMatchesAws(emulator, attempt, outcome);
    if (schedule.operation === "delete") {
      if (!outcome.succeeded) await driver.remove(required(before), workspaceId);
      expect(emulator.policyOf(workspaceId)).to.equal(undefined);
      return;
    }
    const recorded = outcome.reported
      ? driver.recordedFrom(workspaceId, outcome.reported)
      : schedule.operation === "update"
        ? before
        : undefined;
    const next = recorded
      ? await driver.update(recorded, workspaceId, documents[2])
      : await driver.create(workspaceId, documents[0]);
    expect(emulator.policyOf(workspaceId)?.revisionId).to.equal(driver.reportedOf(next).revisionId);
  } catch (error) {
    throw new Error(`${describeSchedule(schedule)}: ${(error as Error).message}`, { cause: error });
  }
}

function required<S>(recorded: S | undefined): S {
  if (recorded === undefined) throw new Error("an update or delete needs a policy created first");
  return recorded;
}
