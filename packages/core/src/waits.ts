/** The waits: Describe on a schedule until the policy (or its workspace) settles, within the operation's deadline. */
import { setTimeout as sleep } from "node:timers/promises";
import { type AmpClient, waitUntilWorkspaceActive } from "@aws-sdk/client-amp";
import { WaiterState } from "@smithy/util-waiter";
import { findResourcePolicyByWorkspaceID } from "./describe";
import {
  AwsRequestError,
  awsErrorName,
  UnexpectedStatusError,
  WaitAbortedError,
  WaitTimeoutError,
  WorkspaceNotFoundError,
} from "./errors";
import {
  drawJitter,
  type FallbackSchedule,
  fallbackPoll,
  type PlannedPoll,
  type SettleTimes,
  settleTimesOf,
  type WaitView,
} from "./settleTimes";
import type { RemoteResourcePolicy } from "./types";

/** The default deadline of create, update and delete, as in the Terraform provider. */
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/**
 * Where a wait polls while its client has learned nothing of how long writes settle: the first poll about
 * minDelaySeconds after the write, then delays that double, drawn with jitter, up to maxDelaySeconds. Once
 * writes on a client have settled, its waits poll where they settled instead (settleTimes.ts).
 */
export interface PollSchedule {
  minDelaySeconds: number;
  maxDelaySeconds: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = { minDelaySeconds: 0.25, maxDelaySeconds: 5 };

/** What a wait waits for: the policy ACTIVE, or gone. */
export type WaitTarget = "ACTIVE" | "deleted";

/**
 * One status seen while waiting, for progress lines: a poll of the policy on its way to `target`, or a put
 * AWS refused because IAM does not know a principal the policy names yet, tried again while IAM propagates
 * it (writes.ts). `target` tells which.
 */
export type WaitProgress =
  | { workspaceId: string; target: WaitTarget; status: string; elapsedMs: number }
  | {
      workspaceId: string;
      target: "principal propagated";
      status: "principal refused";
      /** Since the first refused put of this write. */
      elapsedMs: number;
    };

/** Options every operation takes. */
export interface OperationOptions {
  /** The operation's deadline, from its start; 5 minutes when absent. */
  timeoutMs?: number;
  /** Stops the operation's waits (and calls in flight) promptly. */
  signal?: AbortSignal;
  /** Called with every status a wait sees. */
  onProgress?: (progress: WaitProgress) => void;
  poll?: PollSchedule;
  /**
   * How a put refused for a principal IAM does not know yet is tried again: for up to maxWaitSeconds (never
   * past the deadline), after delays from minDelaySeconds doubling to maxDelaySeconds. Two minutes from 1 s
   * to 10 s when absent (writes.ts's DEFAULT_PRINCIPAL_PROPAGATION).
   */
  principalPropagation?: { maxWaitSeconds: number; minDelaySeconds: number; maxDelaySeconds: number };
}

/** An operation's deadline, fixed when it starts. */
export interface Deadline {
  remainingMs(): number;
  elapsedMs(): number;
}

export function startDeadline(options: OperationOptions): Deadline {
  const started = Date.now();
  const timeoutMs = options.timeoutMs && options.timeoutMs > 0 ? options.timeoutMs : DEFAULT_TIMEOUT_MS;
  return {
    remainingMs: () => started + timeoutMs - Date.now(),
    elapsedMs: () => Date.now() - started,
  };
}

/**
 * When the write a wait follows was answered (Date.now()): the write said the policy is settling, so the
 * wait does not poll at once, and what it sees teaches the client where such writes settle.
 */
export interface WriteAnswered {
  answeredAt: number;
  /** The status the write left the policy in (CREATING, UPDATING, DELETING): the wait's first progress. */
  status: string;
}

/** Waits until the policy is ACTIVE and returns what AWS then holds. */
export async function waitResourcePolicyActive(
  client: AmpClient,
  workspaceId: string,
  deadline: Deadline,
  options: OperationOptions = {},
  written?: WriteAnswered,
): Promise<RemoteResourcePolicy> {
  const settled = await waitResourcePolicy(client, workspaceId, "ACTIVE", deadline, options, written);
  if (!settled) throw new UnexpectedStatusError(workspaceId, "ACTIVE", "gone");
  return settled;
}

/** Waits until the policy is gone. */
export async function waitResourcePolicyDeleted(
  client: AmpClient,
  workspaceId: string,
  deadline: Deadline,
  options: OperationOptions = {},
  written?: WriteAnswered,
): Promise<void> {
  await waitResourcePolicy(client, workspaceId, "deleted", deadline, options, written);
}

/** The policy's status, or undefined when it is gone: what each poll of a wait looks at. */
export function statusResourcePolicy(
  client: AmpClient,
  workspaceId: string,
  signal?: AbortSignal,
): Promise<RemoteResourcePolicy | undefined> {
  return findResourcePolicyByWorkspaceID(client, workspaceId, "waiting for the resource policy", signal);
}

/** Room left before the deadline for the last poll's answer. */
const ANSWER_ALLOWANCE_MS = 100;

/**
 * The one wait: polls Describe until the target, the deadline or the abort signal. After a write it polls
 * where its client has seen such writes settle (SettleTimes), and moves its next poll whenever another wait
 * sees something; otherwise, and while nothing is known, on the fallback schedule. Its own loop rather than
 * @smithy/util-waiter's, whose delays are drawn from minDelay and maxDelay alone.
 */
async function waitResourcePolicy(
  client: AmpClient,
  workspaceId: string,
  target: WaitTarget,
  deadline: Deadline,
  options: OperationOptions,
  written: WriteAnswered | undefined,
): Promise<RemoteResourcePolicy | undefined> {
  const schedule = options.poll ?? DEFAULT_POLL_SCHEDULE;
  const fallback: FallbackSchedule = {
    firstDelayMs: schedule.minDelaySeconds * 1000,
    maxDelayMs: Math.max(schedule.minDelaySeconds, schedule.maxDelaySeconds) * 1000,
  };
  const learned = written ? settleTimesOf(client, target) : undefined;
  const origin = written?.answeredAt ?? Date.now();
  const view: WaitView = { lastSettlingMs: 0, missedPlan: false, jitter: drawJitter() };
  const started = Date.now();
  let last: RemoteResourcePolicy | undefined;
  let polled = false;
  const describeStatus = (remote: RemoteResourcePolicy | undefined) => remote?.policyStatus ?? "gone";
  const poll = async (): Promise<WaiterState> => {
    const sentMs = Date.now() - origin;
    learned?.probing(sentMs);
    try {
      last = await statusResourcePolicy(client, workspaceId, options.signal);
    } finally {
      learned?.probed(sentMs);
    }
    polled = true;
    const state = judgeStatus(target, last);
    if (state !== WaiterState.FAILURE) {
      const settled = state === WaiterState.SUCCESS;
      learned?.record(settled ? Date.now() - origin : sentMs, settled);
      if (!settled) view.lastSettlingMs = sentMs;
    }
    options.onProgress?.({
      workspaceId,
      target,
      status: describeStatus(last),
      elapsedMs: Date.now() - started,
    });
    return state;
  };
  // A wait that will not poll at once still says what it waits for, from the write's own answer.
  if (written) options.onProgress?.({ workspaceId, target, status: written.status, elapsedMs: 0 });
  learned?.begin(view);
  let state: WaiterState;
  try {
    state = await pollUntilSettled(
      poll,
      deadline,
      options.signal,
      written !== undefined,
      (view) => {
        const planned = learned ? learned.nextPoll(view, fallback) : fallbackPoll(view, fallback);
        return { ...planned, atMs: origin + planned.atMs };
      },
      view,
      learned,
    );
  } finally {
    learned?.end(view);
  }
  const waited = Date.now() - started;
  const seen = polled ? describeStatus(last) : "not yet polled";
  switch (state) {
    case WaiterState.SUCCESS:
      return last;
    case WaiterState.ABORTED:
      throw new WaitAbortedError(workspaceId, target, seen, waited);
    case WaiterState.FAILURE:
      throw new UnexpectedStatusError(workspaceId, target, seen);
    default:
      throw new WaitTimeoutError(workspaceId, target, seen, deadline.elapsedMs());
  }
}

/**
 * Polls until a poll settles it one way or the other, sleeping until each planned poll (re-planned when what
 * the client knows changes), the last one just before the deadline.
 */
async function pollUntilSettled(
  poll: () => Promise<WaiterState>,
  deadline: Deadline,
  signal: AbortSignal | undefined,
  afterWrite: boolean,
  plan: (view: WaitView) => PlannedPoll,
  view: WaitView,
  learned: SettleTimes | undefined,
): Promise<WaiterState> {
  if (!afterWrite) {
    const state = await poll();
    if (state !== WaiterState.RETRY) return state;
  }
  for (;;) {
    const lastAt = Date.now() + deadline.remainingMs() - ANSWER_ALLOWANCE_MS;
    let planned = plan(view);
    while (planned.atMs > Date.now() && planned.atMs <= lastAt) {
      const woke = await sleepUntil(planned.atMs, signal, learned?.changed());
      if (woke === "aborted") return WaiterState.ABORTED;
      if (woke === "time") break;
      planned = plan(view);
    }
    const final = planned.atMs > lastAt;
    if (final) {
      const woke = await sleepUntil(lastAt, signal);
      if (woke === "aborted") return WaiterState.ABORTED;
    }
    const before = view.lastSettlingMs;
    let state: WaiterState;
    try {
      state = await poll();
    } catch (error) {
      // A Describe cut short by the abort is the abort, not a failed call.
      if (signal?.aborted) return WaiterState.ABORTED;
      throw error;
    }
    if (state !== WaiterState.RETRY) return state;
    if (final) return WaiterState.TIMEOUT;
    // Only a poll placed on a settle seen elsewhere can miss; the next such poll then goes further out.
    view.missedPlan = planned.basis === "seen" && view.lastSettlingMs !== before;
    view.jitter = drawJitter();
  }
}

/** Sleeps until `at` (Date.now() time), or until `changed` resolves, or the signal aborts. */
async function sleepUntil(
  at: number,
  signal: AbortSignal | undefined,
  changed?: Promise<void>,
): Promise<"time" | "changed" | "aborted"> {
  if (signal?.aborted) return "aborted";
  const timer = new AbortController();
  const onAbort = () => timer.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const slept = sleep(Math.max(0, at - Date.now()), "time" as const, { signal: timer.signal });
    return await (changed ? Promise.race([slept, changed.then(() => "changed" as const)]) : slept);
  } catch {
    return "aborted";
  } finally {
    signal?.removeEventListener("abort", onAbort);
    timer.abort();
  }
}

/** Which way a poll of a wait goes, from the status it saw. */
function judgeStatus(target: WaitTarget, remote: RemoteResourcePolicy | undefined): WaiterState {
  if (target === "deleted") return remote ? WaiterState.RETRY : WaiterState.SUCCESS;
  switch (remote?.policyStatus) {
    case "ACTIVE":
      return WaiterState.SUCCESS;
    case "CREATING":
    case "UPDATING":
      return WaiterState.RETRY;
    default:
      return WaiterState.FAILURE;
  }
}

/** Waits for the workspace (not the policy) to be ACTIVE, with client-amp's own waiter, on the same schedule. */
export async function waitWorkspaceActive(
  client: AmpClient,
  workspaceId: string,
  deadline: Deadline,
  options: OperationOptions,
): Promise<void> {
  const schedule = options.poll ?? DEFAULT_POLL_SCHEDULE;
  const remainingSeconds = deadline.remainingMs() / 1000;
  const target = "writable (workspace ACTIVE)";
  if (remainingSeconds <= schedule.minDelaySeconds) {
    throw new WaitTimeoutError(workspaceId, target, "not ACTIVE", deadline.elapsedMs());
  }
  try {
    await waitUntilWorkspaceActive(
      {
        client,
        minDelay: schedule.minDelaySeconds,
        maxDelay: Math.max(schedule.minDelaySeconds, schedule.maxDelaySeconds),
        maxWaitTime: remainingSeconds,
        abortSignal: options.signal,
      },
      { workspaceId },
    );
  } catch (error) {
    switch (awsErrorName(error)) {
      case "ResourceNotFoundException":
        throw new WorkspaceNotFoundError("waiting for the workspace", workspaceId, { cause: error });
      case "TimeoutError":
        throw new WaitTimeoutError(workspaceId, target, "not ACTIVE", deadline.elapsedMs());
      case "AbortError":
        throw new WaitAbortedError(workspaceId, target, "not ACTIVE", deadline.elapsedMs());
      default:
        throw new AwsRequestError("waiting for the workspace to become ACTIVE", workspaceId, error);
    }
  }
}
