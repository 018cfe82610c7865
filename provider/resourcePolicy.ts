/** The ResourcePolicy resource over AMP: create, read, update and delete, in the order the engine calls them. */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type AmpClient,
  DeleteResourcePolicyCommand,
  DescribeResourcePolicyCommand,
  PutResourcePolicyCommand,
  type PutResourcePolicyCommandOutput,
  waitUntilWorkspaceActive,
} from "@aws-sdk/client-amp";
import { createWaiter, WaiterState } from "@smithy/util-waiter";
import {
  AwsampError,
  AwsRequestError,
  awsErrorName,
  PolicyAlreadyExistsError,
  PolicyConflictError,
  UnexpectedStatusError,
  WaitAbortedError,
  WaitTimeoutError,
  WorkspaceNotFoundError,
} from "./errors";
import { equivalent } from "./policy";
import type { CreateResult, RemoteResourcePolicy, ResourcePolicyInputs, ResourcePolicyState } from "./types";

/** The default deadline of create, update and delete, as in the Terraform provider. */
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** How often a write refused while the policy or workspace settles is tried again. */
const MAX_SETTLING_ATTEMPTS = 5;

/** The revision ID that makes a put succeed only where the workspace has no policy yet. */
const NO_POLICY = "NO_POLICY";

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

export type WaitTarget = "ACTIVE" | "deleted";

// --- create -----------------------------------------------------------------------------------------

/**
 * Puts the policy on a workspace that has none, then waits until it is ACTIVE.
 * Never overwrites: an existing policy fails with the `pulumi import` command that adopts it.
 */
export async function createResourcePolicy(
  client: AmpClient,
  inputs: ResourcePolicyInputs,
  options: OperationOptions = {},
): Promise<CreateResult> {
  const deadline = startDeadline(options);
  const { workspaceId } = inputs;
  inputs = await withEffectiveRegion(client, inputs);
  const written = await putNewResourcePolicy(client, inputs, deadline, options);
  const state = stateFromPut(inputs, written);
  const settled = await settleOrKeepState(state, () =>
    waitResourcePolicyActive(client, workspaceId, deadline, options),
  );
  return {
    id: workspaceId,
    state: { ...state, policyStatus: settled.policyStatus, revisionId: settled.revisionId },
  };
}

// --- read -------------------------------------------------------------------------------------------

/**
 * Reads the policy on a workspace; undefined when it or its workspace is gone. Where the remote document
 * means the same as `known` (the state's text), the state's text is kept, so formatting never shows as drift.
 */
export async function readResourcePolicy(
  client: AmpClient,
  workspaceId: string,
  known: { policyDocument?: string; region?: string } = {},
  options: Pick<OperationOptions, "signal"> = {},
): Promise<ResourcePolicyState | undefined> {
  const remote = await findResourcePolicyByWorkspaceID(
    client,
    workspaceId,
    "reading the resource policy",
    options.signal,
  );
  if (!remote) return undefined;
  const knownText = known.policyDocument;
  return {
    workspaceId,
    policyDocument:
      knownText !== undefined && equivalent(knownText, remote.policyDocument)
        ? knownText
        : remote.policyDocument,
    policyStatus: remote.policyStatus,
    revisionId: remote.revisionId,
    region: known.region ?? (await regionOfClient(client)),
  };
}

// --- update -----------------------------------------------------------------------------------------

/**
 * Puts the new document over the revision in state, then waits until it is ACTIVE. A policy still
 * CREATING or UPDATING is waited for first; a revision that moved outside the program fails loudly.
 */
export async function updateResourcePolicy(
  client: AmpClient,
  olds: ResourcePolicyState,
  news: ResourcePolicyInputs,
  options: OperationOptions = {},
): Promise<ResourcePolicyState> {
  const deadline = startDeadline(options);
  const { workspaceId } = olds;
  const action = "putting the resource policy";
  news = await withEffectiveRegion(client, { ...news, region: news.region ?? olds.region });
  if (equivalent(olds.policyDocument, news.policyDocument)) {
    return finishResourcePolicyWrite(client, olds, news, deadline, options);
  }
  const put = () => putResourcePolicyRevision(client, news, olds.revisionId, action, options.signal);
  let written: PutResourcePolicyCommandOutput;
  try {
    written = await retryWhenSettling(client, olds, action, deadline, options, put);
  } catch (error) {
    throw await withAdoptedState(client, news, error, olds.revisionId);
  }
  const state = stateFromPut(news, written);
  const settled = await settleOrKeepState(state, () =>
    waitResourcePolicyActive(client, workspaceId, deadline, options),
  );
  return { ...state, policyStatus: settled.policyStatus, revisionId: settled.revisionId };
}

/**
 * An update with nothing to write: the engine sends one to finish a create or update whose wait failed
 * (the state carries its init error). Waits for the write in state to settle instead of putting it again;
 * a revision that moved meanwhile was written outside the program.
 */
async function finishResourcePolicyWrite(
  client: AmpClient,
  olds: ResourcePolicyState,
  news: ResourcePolicyInputs,
  deadline: Deadline,
  options: OperationOptions,
): Promise<ResourcePolicyState> {
  const state: ResourcePolicyState = { ...olds, ...news, policyDocument: olds.policyDocument };
  const settled = await settleOrKeepState(state, () =>
    waitResourcePolicyActive(client, olds.workspaceId, deadline, options),
  );
  if (settled.revisionId !== olds.revisionId) {
    throw new PolicyConflictError(
      "putting the resource policy",
      olds.workspaceId,
      olds.revisionId,
      settled.revisionId,
    );
  }
  return { ...state, policyStatus: settled.policyStatus };
}

// --- delete -----------------------------------------------------------------------------------------

/** Deletes the revision in state and waits until it is gone. A policy or workspace already gone is success. */
export async function deleteResourcePolicy(
  client: AmpClient,
  state: Pick<ResourcePolicyState, "workspaceId" | "revisionId">,
  options: OperationOptions = {},
): Promise<void> {
  const deadline = startDeadline(options);
  const { workspaceId } = state;
  const action = "deleting the resource policy";
  const remove = async () => {
    try {
      await client.send(
        new DeleteResourcePolicyCommand({
          workspaceId,
          revisionId: state.revisionId,
          clientToken: randomUUID(),
        }),
        { abortSignal: options.signal },
      );
      return true;
    } catch (error) {
      if (awsErrorName(error) === "ResourceNotFoundException") return false;
      throw error;
    }
  };
  const deleted = await retryWhenSettling(client, state, action, deadline, options, remove);
  if (deleted) await waitResourcePolicyDeleted(client, workspaceId, deadline, options);
}

// --- helpers ----------------------------------------------------------------------------------------

/**
 * The inputs with the region the client works in: the state records it, so that a later change of the
 * provider's region (or of AWS_REGION) never makes refresh look for the policy elsewhere and drop it.
 */
async function withEffectiveRegion(
  client: AmpClient,
  inputs: ResourcePolicyInputs,
): Promise<ResourcePolicyInputs> {
  return inputs.region ? inputs : { ...inputs, region: await regionOfClient(client) };
}

async function regionOfClient(client: AmpClient): Promise<string> {
  return client.config.region();
}

/** Describes the policy; undefined when there is none or no workspace. Other failures are wrapped. */
export async function findResourcePolicyByWorkspaceID(
  client: AmpClient,
  workspaceId: string,
  action = "describing the resource policy",
  signal?: AbortSignal,
): Promise<RemoteResourcePolicy | undefined> {
  try {
    const out = await client.send(new DescribeResourcePolicyCommand({ workspaceId }), {
      abortSignal: signal,
    });
    return {
      workspaceId,
      policyDocument: out.policyDocument ?? "",
      policyStatus: out.policyStatus ?? "",
      revisionId: out.revisionId ?? "",
    };
  } catch (error) {
    if (awsErrorName(error) === "ResourceNotFoundException") return undefined;
    throw new AwsRequestError(action, workspaceId, error);
  }
}

/** The policy's status, or undefined when it is gone: what each poll of a wait looks at. */
export async function statusResourcePolicy(
  client: AmpClient,
  workspaceId: string,
  signal?: AbortSignal,
): Promise<RemoteResourcePolicy | undefined> {
  return findResourcePolicyByWorkspaceID(client, workspaceId, "waiting for the resource policy", signal);
}

/** Waits until the policy is ACTIVE and returns what AWS then holds. */
export function waitResourcePolicyActive(
  client: AmpClient,
  workspaceId: string,
  deadline: Deadline,
  options: OperationOptions = {},
): Promise<RemoteResourcePolicy> {
  return waitResourcePolicy(
    client,
    workspaceId,
    "ACTIVE",
    deadline,
    options,
  ) as Promise<RemoteResourcePolicy>;
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

/** Puts a first policy (revision NO_POLICY). A workspace not yet ACTIVE is waited for, once. */
async function putNewResourcePolicy(
  client: AmpClient,
  inputs: ResourcePolicyInputs,
  deadline: Deadline,
  options: OperationOptions,
): Promise<PutResourcePolicyCommandOutput> {
  const action = "putting the resource policy";
  const put = async () => {
    try {
      return await putResourcePolicyRevision(client, inputs, NO_POLICY, action, options.signal);
    } catch (error) {
      throw await withAdoptedState(client, inputs, error);
    }
  };
  try {
    return await put();
  } catch (error) {
    if (!(error instanceof PolicyConflictError)) throw error;
    const existing = await findResourcePolicyByWorkspaceID(
      client,
      inputs.workspaceId,
      action,
      options.signal,
    );
    if (existing) throw new PolicyAlreadyExistsError(inputs.workspaceId, { cause: error });
    // No policy, yet a conflict: the workspace itself is still CREATING or UPDATING.
    await waitWorkspaceActive(client, inputs.workspaceId, deadline, options);
    return put();
  }
}

/**
 * A put that failed without an answer (network, 5xx after every retry) may still have landed. The put
 * was guarded by a revision (NO_POLICY, or the state's), so a policy that now holds the same document
 * under another revision than `previousRevisionId` is ours: report it as state.
 */
async function withAdoptedState(
  client: AmpClient,
  inputs: ResourcePolicyInputs,
  error: unknown,
  previousRevisionId?: string,
): Promise<unknown> {
  if (!(error instanceof AwsRequestError)) return error;
  try {
    const remote = await findResourcePolicyByWorkspaceID(client, inputs.workspaceId);
    if (
      remote &&
      remote.revisionId !== previousRevisionId &&
      equivalent(remote.policyDocument, inputs.policyDocument)
    ) {
      error.state = stateFromRemote(inputs, remote);
    }
  } catch {
    // The original failure is what the user needs to read; this look was only a chance to keep state.
  }
  return error;
}

/** One PutResourcePolicy with a fresh client token; Conflict and NotFound become typed errors. */
async function putResourcePolicyRevision(
  client: AmpClient,
  inputs: ResourcePolicyInputs,
  revisionId: string,
  action: string,
  signal?: AbortSignal,
): Promise<PutResourcePolicyCommandOutput> {
  const { workspaceId, policyDocument } = inputs;
  try {
    return await client.send(
      new PutResourcePolicyCommand({ workspaceId, policyDocument, revisionId, clientToken: randomUUID() }),
      { abortSignal: signal },
    );
  } catch (error) {
    switch (awsErrorName(error)) {
      case "ConflictException":
        throw new PolicyConflictError(action, workspaceId, revisionId, undefined, { cause: error });
      case "ResourceNotFoundException":
        throw new WorkspaceNotFoundError(action, workspaceId, { cause: error });
      default:
        throw new AwsRequestError(action, workspaceId, error);
    }
  }
}

/**
 * Runs a write guarded by the state's revision. AMP answers Conflict both while the policy is settling
 * and when its revision moved: the first is waited out and retried, the second fails with the refresh hint.
 */
async function retryWhenSettling<T>(
  client: AmpClient,
  olds: Pick<ResourcePolicyState, "workspaceId" | "revisionId">,
  action: string,
  deadline: Deadline,
  options: OperationOptions,
  write: () => Promise<T>,
): Promise<T> {
  const { workspaceId, revisionId } = olds;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof PolicyConflictError) && awsErrorName(error) !== "ConflictException") {
        throw error instanceof AwsampError ? error : new AwsRequestError(action, workspaceId, error);
      }
      if (attempt >= MAX_SETTLING_ATTEMPTS) throw new AwsRequestError(action, workspaceId, error);
      const remote = await findResourcePolicyByWorkspaceID(client, workspaceId, action, options.signal);
      if (!remote || remote.revisionId !== revisionId) {
        throw new PolicyConflictError(action, workspaceId, revisionId, remote?.revisionId, { cause: error });
      }
      if (remote.policyStatus === "ACTIVE") {
        // Same revision, ACTIVE, still refused: the workspace is busy; wait for it before trying again.
        await waitWorkspaceActive(client, workspaceId, deadline, options);
      } else {
        await waitResourcePolicyActive(client, workspaceId, deadline, options);
      }
    }
  }
}

/** Waits for the workspace (not the policy) to be ACTIVE, with client-amp's own waiter. */
async function waitWorkspaceActive(
  client: AmpClient,
  workspaceId: string,
  deadline: Deadline,
  options: OperationOptions,
): Promise<void> {
  const schedule = options.poll ?? DEFAULT_POLL_SCHEDULE;
  const remainingSeconds = deadline.remainingMs() / 1000;
  if (remainingSeconds <= schedule.minDelaySeconds) {
    throw new WaitTimeoutError(
      workspaceId,
      "writable (workspace ACTIVE)",
      "not ACTIVE",
      deadline.elapsedMs(),
    );
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
    const name = awsErrorName(error);
    if (name === "ResourceNotFoundException") {
      throw new WorkspaceNotFoundError("waiting for the workspace", workspaceId, { cause: error });
    }
    if (name === "TimeoutError") {
      throw new WaitTimeoutError(
        workspaceId,
        "writable (workspace ACTIVE)",
        "not ACTIVE",
        deadline.elapsedMs(),
      );
    }
    if (name === "AbortError") {
      throw new WaitAbortedError(
        workspaceId,
        "writable (workspace ACTIVE)",
        "not ACTIVE",
        deadline.elapsedMs(),
      );
    }
    throw new AwsRequestError("waiting for the workspace to become ACTIVE", workspaceId, error);
  }
}

/** Runs a wait after a write; a failed wait still reports what exists, so the engine keeps tracking it. */
async function settleOrKeepState<T>(state: ResourcePolicyState, wait: () => Promise<T>): Promise<T> {
  try {
    return await wait();
  } catch (error) {
    if (error instanceof AwsampError) {
      error.state = state;
      throw error;
    }
    const wrapped = new AwsRequestError("waiting for the resource policy", state.workspaceId, error);
    wrapped.state = state;
    throw wrapped;
  }
}

function stateFromPut(
  inputs: ResourcePolicyInputs,
  out: PutResourcePolicyCommandOutput,
): ResourcePolicyState {
  return {
    workspaceId: inputs.workspaceId,
    policyDocument: inputs.policyDocument,
    policyStatus: out.policyStatus ?? "CREATING",
    revisionId: out.revisionId ?? "",
    ...(inputs.region ? { region: inputs.region } : {}),
  };
}

function stateFromRemote(inputs: ResourcePolicyInputs, remote: RemoteResourcePolicy): ResourcePolicyState {
  return {
    workspaceId: inputs.workspaceId,
    policyDocument: inputs.policyDocument,
    policyStatus: remote.policyStatus,
    revisionId: remote.revisionId,
    ...(inputs.region ? { region: inputs.region } : {}),
  };
}

/** An operation's deadline, fixed when it starts. */
export interface Deadline {
  remainingMs(): number;
  elapsedMs(): number;
}

function startDeadline(options: OperationOptions): Deadline {
  const started = Date.now();
  const timeoutMs = options.timeoutMs && options.timeoutMs > 0 ? options.timeoutMs : DEFAULT_TIMEOUT_MS;
  return {
    remainingMs: () => started + timeoutMs - Date.now(),
    elapsedMs: () => Date.now() - started,
  };
}
