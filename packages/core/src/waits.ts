/** The waits: Describe on a schedule until the policy (or its workspace) settles, within the operation's deadline. */
import { setTimeout as sleep } from "node:timers/promises";
import { type AmpClient, waitUntilWorkspaceActive } from "@aws-sdk/client-amp";
import { createWaiter, WaiterState } from "@smithy/util-waiter";
import { findResourcePolicyByWorkspaceID } from "./describe";
import {
  AwsRequestError,
  awsErrorName,
  UnexpectedStatusError,
  WaitAbortedError,
  WaitTimeoutError,
  WorkspaceNotFoundError,
} from "./errors";
import type { RemoteResourcePolicy } from "./types";

/** The default deadline of create, update and delete, as in the Terraform provider. */
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/**
 * When to poll: the first poll comes at once (a policy may settle as soon as it is written), the next after
 * minDelaySeconds, then with the SDK waiter's backoff and jitter up to maxDelaySeconds. A policy usually
 * settles in a second or two; half a second to a cap of 1.5 s notices it well within a second while making
 * fewer Describe calls than Terraform's 200 ms-doubling schedule beyond half a second (BENCHMARKS.md).
 */
export interface PollSchedule {
  minDelaySeconds: number;
  maxDelaySeconds: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = { minDelaySeconds: 0.5, maxDelaySeconds: 1.5 };

/** What a wait waits for: the policy ACTIVE, or gone. */
export type WaitTarget = "ACTIVE" | "deleted";

/** One status seen while waiting, for progress lines. */
export interface WaitProgress {
  workspaceId: string;
  target: WaitTarget;
  status: string;
  elapsedMs: number;
}

/** Options every operation takes. */
export interface OperationOptions {
  /** The operation's deadline, from its start; 5 minutes when absent. */
  timeoutMs?: number;
  /** Stops the operation's waits (and calls in flight) promptly. */
  signal?: AbortSignal;
  /** Called with every status a wait sees. */
  onProgress?: (progress: WaitProgress) => void;
  poll?: PollSchedule;
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

/** Waits until the policy is ACTIVE and returns what AWS then holds. */
export async function waitResourcePolicyActive(
  client: AmpClient,
  workspaceId: string,
  deadline: Deadline,
  options: OperationOptions = {},
): Promise<RemoteResourcePolicy> {
  const settled = await waitResourcePolicy(client, workspaceId, "ACTIVE", deadline, options);
  if (!settled) throw new UnexpectedStatusError(workspaceId, "ACTIVE", "gone");
  return settled;
}

/** Waits until the policy is gone. */
export async function waitResourcePolicyDeleted(
  client: AmpClient,
  workspaceId: string,
  deadline: Deadline,
  options: OperationOptions = {},
): Promise<void> {
  await waitResourcePolicy(client, workspaceId, "deleted", deadline, options);
}

/** The policy's status, or undefined when it is gone: what each poll of a wait looks at. */
export function statusResourcePolicy(
  client: AmpClient,
  workspaceId: string,
  signal?: AbortSignal,
): Promise<RemoteResourcePolicy | undefined> {
  return findResourcePolicyByWorkspaceID(client, workspaceId, "waiting for the resource policy", signal);
}

/** The one wait: polls Describe on the schedule until the target, the deadline or the abort signal. */
async function waitResourcePolicy(
  client: AmpClient,
  workspaceId: string,
  target: WaitTarget,
  deadline: Deadline,
  options: OperationOptions,
): Promise<RemoteResourcePolicy | undefined> {
  const schedule = options.poll ?? DEFAULT_POLL_SCHEDULE;
  const started = Date.now();
  let last: RemoteResourcePolicy | undefined;
  let polled = false;
  const describeStatus = (remote: RemoteResourcePolicy | undefined) => remote?.policyStatus ?? "gone";
  const checkState = async () => {
    last = await statusResourcePolicy(client, workspaceId, options.signal);
    polled = true;
    options.onProgress?.({
      workspaceId,
      target,
      status: describeStatus(last),
      elapsedMs: Date.now() - started,
    });
    return { state: judgeStatus(target, last) };
  };
  const remainingSeconds = deadline.remainingMs() / 1000;
  const result =
    remainingSeconds > schedule.minDelaySeconds
      ? await createWaiter(
          {
            client,
            minDelay: schedule.minDelaySeconds,
            maxDelay: Math.max(schedule.minDelaySeconds, schedule.maxDelaySeconds),
            maxWaitTime: remainingSeconds,
            abortSignal: options.signal,
          },
          undefined,
          checkState,
        )
      : await checkState();
  // The SDK waiter gives up when its next delay would pass the deadline; one last look at the deadline
  // itself lets a policy that settles in that gap succeed rather than fail.
  const state =
    result.state === WaiterState.TIMEOUT
      ? await checkAtDeadline(deadline, checkState, options.signal)
      : result.state;
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

/** Sleeps until just before the deadline, then polls once more. */
async function checkAtDeadline(
  deadline: Deadline,
  checkState: () => Promise<{ state: WaiterState }>,
  signal?: AbortSignal,
): Promise<WaiterState> {
  // Leave room for the Describe call itself to answer before the deadline.
  const answerAllowanceMs = 100;
  try {
    await sleep(Math.max(0, deadline.remainingMs() - answerAllowanceMs), undefined, { signal });
  } catch {
    return WaiterState.ABORTED;
  }
  const { state } = await checkState();
  return state === WaiterState.RETRY ? WaiterState.TIMEOUT : state;
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
