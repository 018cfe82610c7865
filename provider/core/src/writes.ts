/**
 * The writes to AMP: puts and deletes guarded by a revision, the retries while a policy or its workspace
 * settles, and what a write whose answer was lost left behind.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type AmpClient,
  DeleteResourcePolicyCommand,
  PutResourcePolicyCommand,
  type PutResourcePolicyCommandOutput,
} from "@aws-sdk/client-amp";
import { findResourcePolicyByWorkspaceID } from "./describe";
import {
  AwsampError,
  AwsRequestError,
  awsErrorName,
  PartialWriteError,
  PolicyAlreadyExistsError,
  PolicyConflictError,
  PrincipalNotPropagatedError,
  WaitAbortedError,
  WorkspaceNotFoundError,
  WriteRefusedError,
} from "./errors";
import { equivalent } from "./policy";
import type { RemoteResourcePolicy, ResourcePolicyInputs, ResourcePolicyState } from "./types";
import { type Deadline, type OperationOptions, waitResourcePolicyActive, waitWorkspaceActive } from "./waits";

/** How often a write refused while the policy or workspace settles is tried. */
const MAX_SETTLING_ATTEMPTS = 5;

/** How a put refused for a principal IAM does not know yet is tried again (OperationOptions). */
export type PrincipalPropagation = NonNullable<OperationOptions["principalPropagation"]>;

/**
 * Two minutes, Terraform's IAM propagation timeout: long enough for a role created moments before the
 * policy to become known; tried again first after 1 s, then after delays doubling to 10 s.
 */
export const DEFAULT_PRINCIPAL_PROPAGATION: PrincipalPropagation = {
  maxWaitSeconds: 120,
  minDelaySeconds: 1,
  maxDelaySeconds: 10,
};

/** The revision ID that makes a put succeed only where the workspace has no policy yet. */
const NO_POLICY = "NO_POLICY";

const PUTTING = "putting the resource policy";
const DELETING = "deleting the resource policy";
/** What a put refused for its principals waits to become, in a cancelled wait's message. */
const PRINCIPAL_ACCEPTED = "accepted once IAM knows its principals";

/**
 * Puts a first policy (revision NO_POLICY). A conflict means a policy is there already, or the workspace
 * is still settling: the first is refused with the import command, the second waited out, once.
 */
export async function putNewResourcePolicy(
  client: AmpClient,
  inputs: ResourcePolicyInputs,
  deadline: Deadline,
  options: OperationOptions & { resourceName?: string },
): Promise<PutResourcePolicyCommandOutput> {
  const put = () =>
    withAdoptedState(client, inputs, undefined, () =>
      putRevision(client, inputs, NO_POLICY, deadline, options),
    );
  try {
    return await put();
  } catch (error) {
    if (!isWriteConflict(error)) throw error;
    const existing = await findResourcePolicyByWorkspaceID(client, inputs.workspaceId, {
      action: PUTTING,
      signal: options.signal,
    });
    if (existing) {
      throw new PolicyAlreadyExistsError(inputs.workspaceId, options.resourceName, { cause: error });
    }
    // No policy, yet a conflict: the workspace itself is still CREATING or UPDATING.
    await waitWorkspaceActive(client, inputs.workspaceId, deadline, options);
    try {
      return await put();
    } catch (retried) {
      if (!isWriteConflict(retried)) throw retried;
      throw new WriteRefusedError(PUTTING, inputs.workspaceId, 2, "the workspace had no policy", retried);
    }
  }
}

/** Puts a document over the revision in state, waiting out a policy or workspace that is still settling. */
export function putResourcePolicyOverRevision(
  client: AmpClient,
  olds: ResourcePolicyState,
  news: ResourcePolicyInputs,
  deadline: Deadline,
  options: OperationOptions,
): Promise<PutResourcePolicyCommandOutput> {
  return withAdoptedState(client, news, olds.revisionId, () =>
    retryWhileSettling(client, olds, PUTTING, deadline, options, () =>
      putRevision(client, news, olds.revisionId, deadline, options),
    ),
  );
}

/** Deletes the revision in state; false when the policy or its workspace was already gone. */
export function deleteResourcePolicyRevision(
  client: AmpClient,
  state: Pick<ResourcePolicyState, "workspaceId" | "revisionId">,
  deadline: Deadline,
  options: OperationOptions,
): Promise<boolean> {
  const { workspaceId, revisionId } = state;
  return retryWhileSettling(client, state, DELETING, deadline, options, async () => {
    try {
      await client.send(
        new DeleteResourcePolicyCommand({ workspaceId, revisionId, clientToken: randomUUID() }),
        { abortSignal: options.signal },
      );
      return true;
    } catch (error) {
      if (awsErrorName(error) === "ResourceNotFoundException") return false;
      throw error;
    }
  });
}

/**
 * Runs a write guarded by the state's revision. AMP answers Conflict both while the policy or its
 * workspace settles and when the revision moved, so a Describe tells which: a moved revision (or a policy
 * gone) was changed outside the program; the same revision is waited out and tried again, up to
 * MAX_SETTLING_ATTEMPTS times.
 */
async function retryWhileSettling<T>(
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
      if (!isWriteConflict(error)) throw asAwsampError(action, workspaceId, error);
      const remote = await findResourcePolicyByWorkspaceID(client, workspaceId, {
        action,
        signal: options.signal,
      });
      if (!remote || remote.revisionId !== revisionId) {
        throw new PolicyConflictError(action, workspaceId, revisionId, remote?.revisionId, { cause: error });
      }
      if (attempt >= MAX_SETTLING_ATTEMPTS) {
        const seen = `the policy was ${remote.policyStatus} at revision ${revisionId}`;
        throw new WriteRefusedError(action, workspaceId, attempt, seen, error);
      }
      if (remote.policyStatus === "ACTIVE") {
        // Same revision, ACTIVE, still refused: the workspace is busy; wait for it before trying again.
        await waitWorkspaceActive(client, workspaceId, deadline, options);
      } else {
        await waitResourcePolicyActive(client, { workspaceId, deadline }, options);
      }
    }
  }
}

/**
 * A put that failed without an answer (network, 5xx after every retry) may still have landed. It was
 * guarded by a revision (NO_POLICY, or the state's), so a policy that now holds the same document under
 * another revision than `previousRevisionId` is ours: the failure then carries it as state.
 */
async function withAdoptedState<T>(
  client: AmpClient,
  inputs: ResourcePolicyInputs,
  previousRevisionId: string | undefined,
  put: () => Promise<T>,
): Promise<T> {
  try {
    return await put();
  } catch (error) {
    if (!(error instanceof AwsRequestError)) throw error;
    let remote: RemoteResourcePolicy | undefined;
    try {
      remote = await findResourcePolicyByWorkspaceID(client, inputs.workspaceId);
    } catch {
      // The original failure is what the user needs to read; this look was only a chance to keep state.
      throw error;
    }
    if (
      remote &&
      remote.revisionId !== previousRevisionId &&
      equivalent(remote.policyDocument, inputs.policyDocument)
    ) {
      throw new PartialWriteError(error, stateFromRemote(inputs, remote));
    }
    throw error;
  }
}

/**
 * One PutResourcePolicy, tried again while IAM propagates a principal the policy names; every attempt keeps
 * the revision guard, with a fresh client token (the attempt before was refused and wrote nothing, so there
 * is nothing for its token to make idempotent). A conflict is left for the caller to judge.
 */
async function putRevision(
  client: AmpClient,
  inputs: ResourcePolicyInputs,
  revisionId: string,
  deadline: Deadline,
  options: OperationOptions,
): Promise<PutResourcePolicyCommandOutput> {
  const { workspaceId, policyDocument } = inputs;
  try {
    return await retryWhilePrincipalPropagates(workspaceId, deadline, options, () =>
      client.send(
        new PutResourcePolicyCommand({ workspaceId, policyDocument, revisionId, clientToken: randomUUID() }),
        { abortSignal: options.signal },
      ),
    );
  } catch (error) {
    if (error instanceof AwsampError || isWriteConflict(error)) throw error;
    if (awsErrorName(error) === "ResourceNotFoundException") {
      throw new WorkspaceNotFoundError(PUTTING, workspaceId, { cause: error });
    }
    throw new AwsRequestError(PUTTING, workspaceId, error);
  }
}

/**
 * Runs a put until AWS stops refusing it for a principal IAM does not know yet: a role or user created
 * moments before takes a while to reach every IAM endpoint. Tried again after delays that double, up to the
 * schedule's maxWaitSeconds and never past the deadline, the last attempt at that bound; the abort signal
 * stops it between attempts.
 */
async function retryWhilePrincipalPropagates<T>(
  workspaceId: string,
  deadline: Deadline,
  options: OperationOptions,
  put: () => Promise<T>,
): Promise<T> {
  const schedule = options.principalPropagation ?? DEFAULT_PRINCIPAL_PROPAGATION;
  const maxDelayMs = Math.max(schedule.minDelaySeconds, schedule.maxDelaySeconds) * 1000;
  const started = Date.now();
  const giveUpAt = started + Math.min(schedule.maxWaitSeconds * 1000, deadline.remainingMs());
  let delayMs = schedule.minDelaySeconds * 1000;
  for (;;) {
    try {
      return await put();
    } catch (error) {
      if (!isPrincipalNotYetKnown(error)) throw error;
      const now = Date.now();
      if (now >= giveUpAt) throw new PrincipalNotPropagatedError(PUTTING, workspaceId, now - started, error);
      options.onProgress?.({
        workspaceId,
        target: "principal propagated",
        status: "principal refused",
        elapsedMs: now - started,
      });
      try {
        await sleep(Math.min(delayMs, giveUpAt - now), undefined, { signal: options.signal });
      } catch (slept) {
        if (!options.signal?.aborted) throw slept;
        const refused = `still refused (${error.message})`;
        throw new WaitAbortedError(workspaceId, PRINCIPAL_ACCEPTED, refused, Date.now() - started);
      }
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  }
}

/**
 * AWS's refusal of a principal IAM does not know (yet): `Invalid principal in policy: "AWS":"ARN"`. The one
 * place the message is matched, not just the name: AMP has no exception of its own for it, and every other
 * ValidationException (a malformed or refused document) must fail at once rather than be tried for minutes.
 */
function isPrincipalNotYetKnown(error: unknown): error is Error {
  return (
    error instanceof Error && error.name === "ValidationException" && /invalid principal/i.test(error.message)
  );
}

function isWriteConflict(error: unknown): boolean {
  return awsErrorName(error) === "ConflictException";
}

/** The core's own errors pass through; anything else is wrapped with what was being done. */
function asAwsampError(action: string, workspaceId: string, error: unknown): AwsampError {
  return error instanceof AwsampError ? error : new AwsRequestError(action, workspaceId, error);
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
