/** The ResourcePolicy's lifecycle over AMP, in Terraform's order: create, read, update, delete. */
import type { AmpClient, PutResourcePolicyCommandOutput } from "@aws-sdk/client-amp";
import { findResourcePolicyByWorkspaceID } from "./describe";
import { AwsampError, AwsRequestError, PartialWriteError, PolicyConflictError } from "./errors";
import { equivalent } from "./policy";
import type { ResourcePolicyInputs, ResourcePolicyState } from "./types";
import {
  type Deadline,
  type OperationOptions,
  startDeadline,
  type WriteAnswered,
  waitResourcePolicyActive,
  waitResourcePolicyDeleted,
} from "./waits";
import { deleteResourcePolicyRevision, putNewResourcePolicy, putResourcePolicyOverRevision } from "./writes";

/** What a create may say about the resource it makes, for the messages it gives. */
export interface CreateOptions extends OperationOptions {
  /** The resource's name in the program, for the `pulumi import` command an existing policy calls for. */
  resourceName?: string;
}

// --- create -----------------------------------------------------------------------------------------

/**
 * Puts the policy on a workspace that has none, then waits until it is ACTIVE; the state's workspace ID is
 * the resource's ID. Never overwrites: an existing policy fails with the `pulumi import` command that
 * adopts it.
 */
export async function createResourcePolicy(
  client: AmpClient,
  inputs: ResourcePolicyInputs,
  options: CreateOptions = {},
): Promise<ResourcePolicyState> {
  const deadline = startDeadline(options);
  const located = await withEffectiveRegion(client, inputs);
  const written = await putNewResourcePolicy(client, located, deadline, options);
  const state = stateFromPut(located, written);
  return waitForActiveState(client, state, deadline, options, {
    answeredAt: Date.now(),
    status: state.policyStatus,
  });
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
  const remote = await findResourcePolicyByWorkspaceID(client, workspaceId, {
    action: "reading the resource policy",
    signal: options.signal,
  });
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
  const located = await withEffectiveRegion(client, { ...news, region: news.region ?? olds.region });
  if (equivalent(olds.policyDocument, located.policyDocument)) {
    return finishResourcePolicyWrite(client, olds, located, deadline, options);
  }
  const written = await putResourcePolicyOverRevision(client, olds, located, deadline, options);
  const state = stateFromPut(located, written);
  return waitForActiveState(client, state, deadline, options, {
    answeredAt: Date.now(),
    status: state.policyStatus,
  });
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
  const finished = await waitForActiveState(client, state, deadline, options);
  if (finished.revisionId !== olds.revisionId) {
    throw new PolicyConflictError(
      "putting the resource policy",
      olds.workspaceId,
      olds.revisionId,
      finished.revisionId,
    );
  }
  return finished;
}

// --- delete -----------------------------------------------------------------------------------------

/** Deletes the revision in state and waits until it is gone. A policy or workspace already gone is success. */
export async function deleteResourcePolicy(
  client: AmpClient,
  state: Pick<ResourcePolicyState, "workspaceId" | "revisionId">,
  options: OperationOptions = {},
): Promise<void> {
  const deadline = startDeadline(options);
  const deleted = await deleteResourcePolicyRevision(client, state, deadline, options);
  if (deleted) {
    const written = { answeredAt: Date.now(), status: "DELETING" };
    await waitResourcePolicyDeleted(client, { workspaceId: state.workspaceId, deadline, written }, options);
  }
}

// --- helpers ----------------------------------------------------------------------------------------

/**
 * Waits for a write AWS accepted to settle and returns the state it settled in; `written` when the write was
 * just answered. A failed wait still reports what exists (PartialWriteError), so the engine keeps tracking
 * the policy.
 */
async function waitForActiveState(
  client: AmpClient,
  state: ResourcePolicyState,
  deadline: Deadline,
  options: OperationOptions,
  written?: WriteAnswered,
): Promise<ResourcePolicyState> {
  try {
    const wait = { workspaceId: state.workspaceId, deadline, ...(written ? { written } : {}) };
    const remote = await waitResourcePolicyActive(client, wait, options);
    return { ...state, policyStatus: remote.policyStatus, revisionId: remote.revisionId };
  } catch (error) {
    const reason =
      error instanceof AwsampError
        ? error
        : new AwsRequestError("waiting for the resource policy", state.workspaceId, error);
    throw new PartialWriteError(reason, state);
  }
}

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

function regionOfClient(client: AmpClient): Promise<string> {
  return client.config.region();
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
