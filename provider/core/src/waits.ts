/** The waits: Describe until the policy (or its workspace) settles, within the operation's deadline. */
import { setTimeout as sleep } from "node:timers/promises";
import { type AmpClient, waitUntilWorkspaceActive } from "@aws-sdk/client-amp";
import { type DescribeOptions, findResourcePolicyByWorkspaceID } from "./describe";
import {
  AwsRequestError,
  awsErrorName,
  UnexpectedStatusError,
  WaitAbortedError,
  WaitTimeoutError,
  WorkspaceNotFoundError,
} from "./errors";
import {
  DEFAULT_POLL_SCHEDULE,
  drawJitter,
  type PollSchedule,
  planNextPoll,
  type SettleTimes,
  saveSettleTimes,
  settleTimesOf,
  type WaitView,
} from "./settleTimes";
import type { RemoteResourcePolicy } from "./types";

/** The default deadline of create, update and delete, as in the Terraform provider. */
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;

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
  /** Where waits poll while nothing is known (DEFAULT_POLL_SCHEDULE when absent). */
  poll?: PollSchedule;
  /**
   * False: waits keep to `poll` alone, learning nothing and using nothing learned. By default a wait after
   * a write polls where this process, or the last one on this machine, saw such writes settle.
   */
  learn?: boolean;
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
 * wait need not poll at once, and what it sees teaches where such writes settle.
 */
export interface WriteAnswered {
  answeredAt: number;
  /** The status the write left the policy in (CREATING, UPDATING, DELETING): the wait's first progress. */
  status: string;
}

/** One wait: on which workspace, until when, and after which write (none: a wait for another's write). */
export interface Wait {
  workspaceId: string;
  deadline: Deadline;
  written?: WriteAnswered;
}

/** Waits until the policy is ACTIVE and returns what AWS then holds. */
export async function waitResourcePolicyActive(
  client: AmpClient,
  wait: Wait,
  options: OperationOptions = {},
): Promise<RemoteResourcePolicy> {
  const settled = await waitResourcePolicy(client, "ACTIVE", wait, options);
  if (!settled) throw new UnexpectedStatusError(wait.workspaceId, "ACTIVE", "gone");
  return settled;
}

/** Waits until the policy is gone. */
export async function waitResourcePolicyDeleted(
  client: AmpClient,
  wait: Wait,
  options: OperationOptions = {},
): Promise<void> {
  await waitResourcePolicy(client, "deleted", wait, options);
}

/** The policy's status, or undefined when it is gone: what each poll of a wait looks at. */
export function statusResourcePolicy(
  client: AmpClient,
  workspaceId: string,
  options: Omit<DescribeOptions, "action"> = {},
): Promise<RemoteResourcePolicy | undefined> {
  return findResourcePolicyByWorkspaceID(client, workspaceId, {
    ...options,
    action: "waiting for the resource policy",
  });
}

/** Room left before the deadline for the last poll's answer. */
const ANSWER_ALLOWANCE_MS = 100;

/** Where a poll leaves a wait. */
type Verdict = "settled" | "settling" | "unexpected";

/** How a wait ends. */
type Outcome = Exclude<Verdict, "settling"> | "aborted" | "timeout";

/** One wait as it runs: what it waits for, what it has seen, and where its polls are shared. */
interface WaitRun {
  client: AmpClient;
  target: WaitTarget;
  workspaceId: string;
  deadline: Deadline;
  options: OperationOptions;
  schedule: PollSchedule;
  /** The settle times the waits on this client share; undefined where the wait neither uses nor adds to them. */
  known: SettleTimes | undefined;
  view: WaitView;
  /** Date.now() at the write's answer (or at the wait's start): every poll's time is counted from it. */
  origin: number;
  started: number;
  /** What the last poll saw; `polled` is false until one answered. */
  last: RemoteResourcePolicy | undefined;
  polled: boolean;
}

/**
 * The one wait: polls Describe until the target, the deadline or the abort signal, each poll where
 * planNextPoll puts it. Its own loop rather than @smithy/util-waiter's, whose delays are drawn from
 * minDelay and maxDelay alone.
 */
async function waitResourcePolicy(
  client: AmpClient,
  target: WaitTarget,
  { workspaceId, deadline, written }: Wait,
  options: OperationOptions,
): Promise<RemoteResourcePolicy | undefined> {
  const run: WaitRun = {
    client,
    target,
    workspaceId,
    deadline,
    options,
    schedule: options.poll ?? DEFAULT_POLL_SCHEDULE,
    known: written && options.learn !== false ? settleTimesOf(client, target) : undefined,
    view: { lastSettlingMs: undefined, missedPlan: false, jitter: drawJitter() },
    origin: written?.answeredAt ?? Date.now(),
    started: Date.now(),
    last: undefined,
    polled: false,
  };
  // A wait after a write says what it waits for from the write's own answer; one after another's polls at once.
  if (written) options.onProgress?.({ workspaceId, target, status: written.status, elapsedMs: 0 });
  let verdict: Verdict | Outcome = written ? "settling" : await poll(run);
  run.known?.begin(run.view);
  try {
    while (verdict === "settling") verdict = await pollWhenPlanned(run);
  } finally {
    run.known?.end(run.view);
  }
  // Saved for the next process while the answer goes out: a cache never delays an operation.
  if (verdict === "settled" && run.known) void saveSettleTimes(client, target);
  return endOfWait(run, verdict);
}

/**
 * Sleeps until the next poll planNextPoll places, then polls. While it sleeps, what other waits see may
 * move that poll, so it wakes to place it again. The deadline's last moment gets one last poll.
 */
async function pollWhenPlanned(run: WaitRun): Promise<Verdict | Outcome> {
  const { options, view, known, origin } = run;
  const lastAtMs = Date.now() - origin + run.deadline.remainingMs() - ANSWER_ALLOWANCE_MS;
  let planned = planNextPoll(view, run.schedule, known);
  while (planned.atMs > Date.now() - origin && planned.atMs <= lastAtMs) {
    const woke = await sleepUntil(origin + planned.atMs, options.signal, known?.changed());
    if (woke !== "changed") break;
    planned = planNextPoll(view, run.schedule, known);
  }
  const final = planned.atMs > lastAtMs;
  if (final) await sleepUntil(origin + lastAtMs, options.signal);
  if (options.signal?.aborted) return "aborted";
  let verdict: Verdict;
  try {
    verdict = await poll(run);
  } catch (error) {
    // A Describe cut short by the abort is the abort, not a failed call.
    if (!options.signal?.aborted) throw error;
    return "aborted";
  }
  // Only a poll placed where another write settled can miss; the next such poll then goes further out.
  view.missedPlan = verdict === "settling" && planned.basis === "seen";
  view.jitter = drawJitter();
  return verdict === "settling" && final ? "timeout" : verdict;
}

/** One Describe, recorded where the waits on the client share what they see, and reported as progress. */
async function poll(run: WaitRun): Promise<Verdict> {
  const { known, origin, options } = run;
  const sentMs = Date.now() - origin;
  let leftMs = sentMs;
  known?.probing(sentMs);
  try {
    run.last = await statusResourcePolicy(run.client, run.workspaceId, {
      signal: options.signal,
      onSent: () => {
        leftMs = Date.now() - origin;
      },
    });
  } finally {
    known?.probed(sentMs);
  }
  run.polled = true;
  const verdict = verdictOf(run.target, run.last);
  if (verdict === "settling") run.view.lastSettlingMs = sentMs;
  // AMP answered for the moment the poll reached it, which a throttle's queue (the client's rate limit, a
  // retry's backoff) can put well after the poll was planned. Still settling: true when the poll left,
  // at the latest. Settled: recorded at the answer, later than AMP looked by up to a round trip, so that
  // the next wait placed on it finds the write settled rather than missing by a little.
  if (verdict !== "unexpected") {
    known?.saw(verdict === "settled" ? Date.now() - origin : leftMs, verdict === "settled");
  }
  options.onProgress?.({
    workspaceId: run.workspaceId,
    target: run.target,
    status: run.last?.policyStatus ?? "gone",
    elapsedMs: Date.now() - run.started,
  });
  return verdict;
}

/** What a wait that ended returns: what AWS holds once settled; otherwise the error that says how it ended. */
function endOfWait(run: WaitRun, outcome: Outcome): RemoteResourcePolicy | undefined {
  const { workspaceId, target } = run;
  const seen = run.polled ? (run.last?.policyStatus ?? "gone") : "not yet polled";
  switch (outcome) {
    case "settled":
      return run.last;
    case "aborted":
      throw new WaitAbortedError(workspaceId, target, seen, Date.now() - run.started);
    case "unexpected":
      throw new UnexpectedStatusError(workspaceId, target, seen);
    case "timeout":
      throw new WaitTimeoutError(workspaceId, target, seen, run.deadline.elapsedMs());
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

/** Where a poll leaves a wait, from the status it saw. */
function verdictOf(target: WaitTarget, remote: RemoteResourcePolicy | undefined): Verdict {
  if (target === "deleted") return remote ? "settling" : "settled";
  switch (remote?.policyStatus) {
    case "ACTIVE":
      return "settled";
    case "CREATING":
    case "UPDATING":
      return "settling";
    default:
      return "unexpected";
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
  const minDelay = Math.max(schedule.firstMs, schedule.stepMs ?? 0, 10) / 1000;
  const remainingSeconds = deadline.remainingMs() / 1000;
  const target = "writable (workspace ACTIVE)";
  if (remainingSeconds <= minDelay) {
    throw new WaitTimeoutError(workspaceId, target, "not ACTIVE", deadline.elapsedMs());
  }
  try {
    await waitUntilWorkspaceActive(
      {
        client,
        minDelay,
        maxDelay: Math.max(minDelay, schedule.maxGapMs / 1000),
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
