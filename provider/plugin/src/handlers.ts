/**
 * The plugin's resource handlers, in the order the engine calls them: each turns the engine's property maps
 * into the core's fields, calls the core's resource, and turns the answer back (secrets re-wrapped, lines
 * sent to the engine's log, a partial write as ErrorResourceInitFailed). Nothing is decided here: even what
 * a preview plans as unknown is the core's (AWS_ONLY_OUTPUTS).
 */

import type { OperationOptions, WaitProgress } from "@awsamp/core";
import { PartialWriteError } from "@awsamp/core/errors";
import type * as ResourceModule from "@awsamp/core/resource";
import {
  AWS_ONLY_OUTPUTS,
  type ResourcePolicyOutputs,
  type ResourcePolicyReadInputs,
  type SaidOnce,
} from "@awsamp/core/types";
import type { EngineLog } from "@awsamp/engine/engineLog";
import { ResourceInitFailedError } from "./errors";
import type {
  CheckRequest,
  CheckResult,
  CreateRequest,
  CreateResult,
  DeleteRequest,
  DiffRequest,
  DiffResult,
  ReadRequest,
  ReadResult,
  UpdateRequest,
  UpdateResult,
} from "./protocol";
import type { ProviderConfiguration } from "./providerConfig";
import {
  fieldsOf,
  type PropertyObject,
  readField,
  secretKeysOf,
  UNKNOWN,
  valueOfField,
  withSecrets,
} from "./values";

/** What every handler works with: the provider's configuration, the engine's log, and the operation's signal. */
export interface HandlerContext {
  config: ProviderConfiguration;
  log: EngineLog;
  /** Aborted when the engine cancels; waits stop promptly. */
  signal: AbortSignal;
  /** What this CLI command has told the user already. */
  said: SaidOnce;
  /** How operations wait, where not the core's default. */
  waits: WaitOptions;
}

/** The core's wait options a plugin may be started with. */
export type WaitOptions = Pick<OperationOptions, "poll" | "learn">;

export async function checkRpc(context: HandlerContext, request: CheckRequest): Promise<CheckResult> {
  const checked = await resource().check({
    urn: request.urn,
    said: context.said,
    olds: fieldsOf(request.olds),
    news: fieldsOf(request.news),
    ...(context.config.checksWorkspaces ? { aws: resourceContext(context) } : {}),
    signal: context.signal,
  });
  for (const line of checked.warnings) await context.log.warning(request.urn, line);
  // Only what the core rewrote is encoded again; everything else goes back exactly as the engine sent it.
  const inputs: PropertyObject = { ...request.news };
  for (const [key, field] of Object.entries(checked.rewritten)) inputs[key] = valueOfField(field);
  return { inputs, failures: checked.failures };
}

export async function diffRpc(context: HandlerContext, request: DiffRequest): Promise<DiffResult> {
  const diffed = resource().diff({
    olds: fieldsOf(request.olds),
    news: fieldsOf(request.news),
    providerRegion: context.config.region,
  });
  return { detailedDiff: diffed.detailedDiff, deleteBeforeReplace: diffed.deleteBeforeReplace };
}

/** In preview nothing is called: the planned outputs are the inputs with what only AWS knows unknown. */
export async function createRpc(context: HandlerContext, request: CreateRequest): Promise<CreateResult> {
  if (request.preview) return { id: "", properties: plannedProperties(request.properties) };
  const secretKeys = secretKeysOf(request.properties);
  try {
    const created = await resource().create(resourceContext(context), {
      name: resource().resourceNameOf(request.urn),
      inputs: fieldsOf(request.properties),
      options: operationOptions(context, request),
    });
    return { id: created.id, properties: propertiesOf(created.state, secretKeys) };
  } catch (error) {
    throw partialFailureOf(
      withoutSecretValues(error, request.properties, secretKeys),
      request.properties,
      secretKeys,
    );
  }
}

export async function readRpc(context: HandlerContext, request: ReadRequest): Promise<ReadResult> {
  const found = await resource().read(resourceContext(context), {
    id: request.id,
    state: fieldsOf(request.properties),
    inputs: fieldsOf(request.inputs),
    signal: context.signal,
  });
  if (!found) return { exists: false };
  const secretKeys = [...new Set([...secretKeysOf(request.properties), ...secretKeysOf(request.inputs)])];
  return {
    exists: true,
    id: found.id,
    properties: propertiesOf(found.state, secretKeys),
    inputs: inputsOf(found.inputs, secretKeys),
  };
}

export async function updateRpc(context: HandlerContext, request: UpdateRequest): Promise<UpdateResult> {
  if (request.preview) return { properties: plannedProperties(request.news) };
  const secretKeys = secretKeysOf(request.news);
  try {
    const state = await resource().update(resourceContext(context), {
      id: request.id,
      olds: fieldsOf(request.olds),
      news: fieldsOf(request.news),
      options: operationOptions(context, request),
    });
    return { properties: propertiesOf(state, secretKeys) };
  } catch (error) {
    throw partialFailureOf(withoutSecretValues(error, request.news, secretKeys), request.news, secretKeys);
  }
}

export async function deleteRpc(context: HandlerContext, request: DeleteRequest): Promise<void> {
  await resource().delete(resourceContext(context), {
    id: request.id,
    state: fieldsOf(request.properties),
    options: operationOptions(context, request),
  });
}

// --- translation ---------------------------------------------------------------------------------------

function resourceContext(context: HandlerContext): ResourceModule.ResourceContext {
  return {
    clientFor: (region) => context.config.clientFor(region),
    providerRegion: context.config.region,
  };
}

/** The outputs a preview plans: the checked inputs (the access among them), and what the core says only AWS can tell as unknown. */
function plannedProperties(inputs: PropertyObject): PropertyObject {
  return { ...inputs, ...Object.fromEntries(AWS_ONLY_OUTPUTS.map((key) => [key, UNKNOWN])) };
}

/** The state as outputs, with the properties that came in secret kept secret. */
function propertiesOf(state: ResourcePolicyOutputs, secretKeys: readonly string[]): PropertyObject {
  const properties: PropertyObject = {
    workspaceId: state.workspaceId,
    policyDocument: state.policyDocument,
    policyStatus: state.policyStatus,
    revisionId: state.revisionId,
    ...(state.region ? { region: state.region } : {}),
    access: state.access,
  };
  return withSecrets(properties, withAccess(secretKeys));
}

function inputsOf(inputs: ResourcePolicyReadInputs, secretKeys: readonly string[]): PropertyObject {
  const properties: PropertyObject = {
    workspaceId: inputs.workspaceId,
    policyDocument: inputs.policyDocument,
    ...(inputs.region ? { region: inputs.region } : {}),
    access: inputs.access,
  };
  return withSecrets(properties, withAccess(secretKeys));
}

/** The access is read from the document, so it is as secret as the document. */
function withAccess(secretKeys: readonly string[]): readonly string[] {
  return secretKeys.includes("policyDocument") ? [...secretKeys, "access"] : secretKeys;
}

/** The core's options for one operation: deadline, cancellation, and status lines to the engine. */
function operationOptions(
  context: HandlerContext,
  request: { urn: string; timeoutSeconds: number },
): OperationOptions {
  return {
    ...context.waits,
    ...(request.timeoutSeconds > 0 ? { timeoutMs: request.timeoutSeconds * 1000 } : {}),
    signal: context.signal,
    onProgress: (progress) => {
      if (stillWaiting(progress)) context.log.status(request.urn, statusLine(progress));
    },
  };
}

/**
 * A poll that saw the target ends the wait; only the polls before it are worth a status line. A principal
 * refusal is only ever reported before the put is tried again, so it is always worth one.
 */
function stillWaiting(progress: WaitProgress): boolean {
  switch (progress.target) {
    case "principal propagated":
      return true;
    case "deleted":
      return progress.status !== "gone";
    default:
      return progress.status !== progress.target;
  }
}

/**
 * "waiting for the resource policy on ws-… to become ACTIVE (UPDATING), 12s", or, while a put is refused
 * for a principal IAM does not know yet, "waiting for IAM to propagate a principal named in the resource
 * policy on ws-…, 12s".
 */
export function statusLine(progress: WaitProgress): string {
  const seconds = Math.floor(progress.elapsedMs / 1000);
  if (progress.target === "principal propagated") {
    return `waiting for IAM to propagate a principal named in the resource policy on ${progress.workspaceId}, ${seconds}s`;
  }
  const goal = progress.target === "deleted" ? "be deleted" : `become ${progress.target}`;
  return `waiting for the resource policy on ${progress.workspaceId} to ${goal} (${progress.status}), ${seconds}s`;
}

/**
 * An error from AWS may quote the document (the principal it refused); where the document is secret, its
 * values are left out, as Check leaves them out of its failures.
 */
function withoutSecretValues(error: unknown, inputs: PropertyObject, secretKeys: readonly string[]): unknown {
  const document = readField(inputs, "policyDocument");
  if (secretKeys.includes("policyDocument") && document.kind === "string" && error instanceof Error) {
    error.message = resource().withoutValuesOf(document.value, error.message);
  }
  return error;
}

/** A write AWS accepted, after which the operation failed, is handed to the engine with the state that exists. */
function partialFailureOf(error: unknown, inputs: PropertyObject, secretKeys: readonly string[]): unknown {
  if (!(error instanceof PartialWriteError)) return error;
  return new ResourceInitFailedError(
    error.message,
    error.state.workspaceId,
    propertiesOf(resource().outputsOf(error.state), secretKeys),
    inputs,
  );
}

// The core's resource and its policy module load when a call first needs them (and the AWS SDK only when
// one reaches AWS), so the plugin answers its first RPCs without paying for them.
function resource(): typeof ResourceModule {
  return require("@awsamp/core/resource");
}
