/** The awsamp:index:ResourcePolicy handlers in the order the engine calls them: check, diff, create, read, update, delete. */
import { AwsampError } from "../errors";
import type * as PolicyModule from "../policy";
import type * as CoreModule from "../resourcePolicy";
import type { OperationOptions, WaitProgress } from "../resourcePolicy";
import type { ResourcePolicyInputs, ResourcePolicyState } from "../types";
import { type ProviderConfiguration, regionProblem } from "./config";
import type { EngineLog } from "./engineLog";
import { InvalidRequestError, NotFoundError, ResourceInitFailedError } from "./errors";
import type {
  CheckFailure,
  CheckRequest,
  CheckResult,
  CreateRequest,
  CreateResult,
  DeleteRequest,
  DiffKind,
  DiffRequest,
  DiffResult,
  ReadRequest,
  ReadResult,
  UpdateRequest,
  UpdateResult,
} from "./protocol";
import {
  type Field,
  type PropertyObject,
  readField,
  secretKeysOf,
  stringOf,
  UNKNOWN,
  withSecrets,
} from "./values";

/** The resource's type token. */
export const RESOURCE_TYPE = "awsamp:index:ResourcePolicy";

/** What every handler works with: the provider's configuration, the engine's log, and the operation's signal. */
export interface HandlerContext {
  config: ProviderConfiguration;
  log: EngineLog;
  /** Aborted when the engine cancels; waits stop promptly. */
  signal: AbortSignal;
}

const INPUT_KEYS = ["workspaceId", "policyDocument", "region"] as const;
type InputKey = (typeof INPUT_KEYS)[number];

/** A workspace ID as AMP issues them: ws- and a UUID (AMP allows up to 64 characters). */
const WORKSPACE_ID_PATTERN = /^ws-[0-9A-Za-z][-0-9A-Za-z]{0,60}$/;

/** The import ID: the workspace ID, with `@REGION` for a workspace outside the provider's region. */
const IMPORT_ID_PATTERN = /^(ws-[^@\s]+)(?:@(.+))?$/;

// --- check ---------------------------------------------------------------------------------------------

/**
 * Validates the program's inputs. Values not known yet (preview) pass; secrets are checked inside their
 * wrappers and returned still wrapped. Lint warnings go to the engine as WARNING lines on the resource.
 */
export async function check(context: HandlerContext, request: CheckRequest): Promise<CheckResult> {
  const news = request.news;
  const failures: CheckFailure[] = unknownPropertyFailures(news);
  const workspaceId = readField(news, "workspaceId");
  failures.push(...workspaceIdFailures(workspaceId), ...regionFailures(readField(news, "region")));
  const document = readField(news, "policyDocument");
  if (document.kind === "string") {
    const validWorkspaceId =
      workspaceIdFailures(workspaceId).length === 0 ? stringOf(workspaceId) : undefined;
    const verdict = loadPolicy().checkPolicyDocument(
      document.value,
      validWorkspaceId ? { workspaceId: validWorkspaceId } : {},
    );
    for (const problem of verdict.errors) {
      failures.push({ property: "policyDocument", reason: `${problem.path}: ${problem.message}` });
    }
    await sendLintWarnings(context, request.urn, verdict.warnings, document.secret);
  } else {
    const problem = requiredStringProblem(
      "policyDocument",
      document,
      "the policy as JSON text, such as JSON.stringify(policy)",
    );
    if (problem) failures.push({ property: "policyDocument", reason: problem });
  }
  return { inputs: news, failures };
}

function unknownPropertyFailures(news: PropertyObject): CheckFailure[] {
  return Object.keys(news)
    .filter((key) => !(INPUT_KEYS as readonly string[]).includes(key))
    .map((key) => ({
      property: key,
      reason: `${key} is not a property of a ResourcePolicy; it takes workspaceId, policyDocument and region`,
    }));
}

function workspaceIdFailures(field: Field): CheckFailure[] {
  const problem = requiredStringProblem(
    "workspaceId",
    field,
    "the ID of the workspace (ws-…) to attach the policy to",
  );
  if (problem) return [{ property: "workspaceId", reason: problem }];
  const value = stringOf(field);
  if (value === undefined || WORKSPACE_ID_PATTERN.test(value)) return [];
  const shown = field.kind === "string" && field.secret ? "the value given" : `"${value}"`;
  return [
    {
      property: "workspaceId",
      reason: `${shown} is not a workspace ID; use one like ws-12345678-90ab-cdef-1234-567890abcdef (a Workspace's id)`,
    },
  ];
}

function regionFailures(field: Field): CheckFailure[] {
  if (field.kind === "absent" || field.kind === "unknown") return [];
  if (field.kind === "other")
    return [{ property: "region", reason: `region must be a string, not ${field.type}` }];
  const problem = regionProblem(field.value);
  return problem ? [{ property: "region", reason: problem }] : [];
}

/** The problem with a required string property, or undefined when it holds a string or is not known yet. */
function requiredStringProblem(key: InputKey, field: Field, what: string): string | undefined {
  switch (field.kind) {
    case "absent":
      return `${key} is required: ${what}`;
    case "other":
      return `${key} must be a string, not ${field.type}: ${what}`;
    default:
      return undefined;
  }
}

async function sendLintWarnings(
  context: HandlerContext,
  urn: string,
  warnings: readonly PolicyModule.PolicyProblem[],
  secret: boolean,
): Promise<void> {
  if (warnings.length === 0) return;
  if (secret) {
    // The warnings quote the document (principals, conditions), which the program marked secret.
    await context.log.warning(
      urn,
      `policyDocument is secret, so its ${warnings.length} lint warning(s) are not shown`,
    );
    return;
  }
  for (const problem of warnings)
    await context.log.warning(urn, `policyDocument ${problem.path}: ${problem.message}`);
}

// --- diff ----------------------------------------------------------------------------------------------

/**
 * Compares the state with the checked inputs. A document that grants the same access (formatting, order)
 * is no change; a new workspace or region replaces. When the document changes, who gains or loses what goes
 * to the engine as INFO lines, so a preview shows it.
 */
export async function diff(context: HandlerContext, request: DiffRequest): Promise<DiffResult> {
  const detailedDiff: Record<string, DiffKind> = {};
  const oldWorkspace = readField(request.olds, "workspaceId");
  const newWorkspace = readField(request.news, "workspaceId");
  const workspaceKind = replacingChange(oldWorkspace, newWorkspace);
  if (workspaceKind) detailedDiff.workspaceId = workspaceKind;
  const regionKind = regionChange(
    readField(request.olds, "region"),
    readField(request.news, "region"),
    context.config.region,
  );
  if (regionKind) detailedDiff.region = regionKind;
  const oldDocument = readField(request.olds, "policyDocument");
  const newDocument = readField(request.news, "policyDocument");
  const documentKind = documentChange(oldDocument, newDocument);
  if (documentKind) {
    detailedDiff.policyDocument = documentKind;
    await sendAccessChange(context, request.urn, oldDocument, newDocument);
  }
  // Only the region changes, so the old policy may sit on the very workspace the new one goes to (a region
  // written differently): delete it first, or the create would find it and refuse to overwrite it.
  return { detailedDiff, deleteBeforeReplace: regionKind !== undefined && workspaceKind === undefined };
}

/** How a property that replaces changed, or undefined when it did not. */
function replacingChange(old: Field, next: Field): DiffKind | undefined {
  if (next.kind === "unknown") return "update-replace";
  if (old.kind === "absent" && next.kind === "absent") return undefined;
  if (old.kind === "absent") return "add-replace";
  if (next.kind === "absent") return "delete-replace";
  return sameValue(old, next) ? undefined : "update-replace";
}

/**
 * A region left out is the provider's: writing the provider's region out changes nothing, and a new provider
 * region replaces a policy whose state records another. Where the plugin cannot tell the provider's region
 * (it comes from a shared-config profile), a region left out keeps the one in state.
 */
function regionChange(old: Field, next: Field, providerRegion: string | undefined): DiffKind | undefined {
  if (next.kind === "absent" && !providerRegion) return undefined;
  const effective = (field: Field): Field =>
    field.kind === "absent" && providerRegion
      ? { kind: "string", value: providerRegion, secret: false }
      : field;
  if (replacingChange(effective(old), effective(next)) === undefined) return undefined;
  return replacingChange(old, next);
}

function documentChange(old: Field, next: Field): DiffKind | undefined {
  if (next.kind === "unknown") return "update";
  if (old.kind === "string" && next.kind === "string") {
    return loadPolicy().equivalent(old.value, next.value) ? undefined : "update";
  }
  if (old.kind === "absent" && next.kind === "absent") return undefined;
  if (old.kind === "absent") return "add";
  if (next.kind === "absent") return "delete";
  return sameValue(old, next) ? undefined : "update";
}

function sameValue(a: Field, b: Field): boolean {
  return a.kind === "string" && b.kind === "string" && a.value === b.value;
}

async function sendAccessChange(
  context: HandlerContext,
  urn: string,
  old: Field,
  next: Field,
): Promise<void> {
  if (old.kind !== "string" || next.kind !== "string") return;
  if (old.secret || next.secret) {
    await context.log.info(urn, "policyDocument is secret, so the access it grants is not summarized");
    return;
  }
  const change = loadPolicy().summarizeAccessChange(old.value, next.value);
  if (change.lines.length === 0) {
    await context.log.info(urn, "policyDocument changes, but it grants and denies the same access");
    return;
  }
  for (const line of change.lines) await context.log.info(urn, line);
}

// --- create --------------------------------------------------------------------------------------------

/**
 * Puts the policy and waits until it is ACTIVE, within the request's timeout. In preview nothing is called:
 * the planned outputs are the inputs with policyStatus and revisionId unknown.
 */
export async function create(context: HandlerContext, request: CreateRequest): Promise<CreateResult> {
  if (request.preview) return { id: "", properties: plannedProperties(request.properties) };
  const inputs = knownInputs(request.properties, "creating the resource policy");
  const secretKeys = secretKeysOf(request.properties);
  const client = context.config.clientFor(inputs.region);
  try {
    const created = await loadCore().createResourcePolicy(client, inputs, operationOptions(context, request));
    return { id: created.id, properties: propertiesOf(created.state, secretKeys) };
  } catch (error) {
    throw partialFailureOf(error, request.properties, secretKeys);
  }
}

// --- read ----------------------------------------------------------------------------------------------

/**
 * Import (only an ID: `ws-…` or `ws-…@REGION`) returns the policy as state and inputs that reproduce it.
 * Refresh returns what AWS holds, keeping the state's text where the remote document means the same; a
 * policy deleted outside the program reads as gone.
 */
export async function read(context: HandlerContext, request: ReadRequest): Promise<ReadResult> {
  return Object.keys(request.properties).length === 0
    ? readForImport(context, request)
    : readForRefresh(context, request);
}

async function readForImport(context: HandlerContext, request: ReadRequest): Promise<ReadResult> {
  const { workspaceId, region } = parseImportId(request.id);
  const client = context.config.clientFor(region);
  const state = await loadCore().readResourcePolicy(client, workspaceId, region ? { region } : {}, {
    signal: context.signal,
  });
  if (!state) {
    const where = region ?? context.config.region ?? "the provider's region";
    throw new NotFoundError(
      `importing the resource policy of workspace ${workspaceId}: the workspace has no resource policy ` +
        `(or there is no such workspace in ${where}). Check the ID; for a workspace in another region than ` +
        `the provider's, import ${workspaceId}@REGION.`,
    );
  }
  // The state records the region the policy lives in; the inputs name one only where the import ID did, so
  // the program that reproduces the policy follows the provider's region as the original did.
  const inputs = { workspaceId, policyDocument: state.policyDocument, ...(region ? { region } : {}) };
  return { exists: true, id: workspaceId, properties: propertiesOf(state, []), inputs: inputsOf(inputs, []) };
}

async function readForRefresh(context: HandlerContext, request: ReadRequest): Promise<ReadResult> {
  const known = request.properties;
  const workspaceId = stringOf(readField(known, "workspaceId")) ?? parseImportId(request.id).workspaceId;
  const region = stringOf(readField(known, "region"));
  const stateDocument = stringOf(readField(known, "policyDocument"));
  const client = context.config.clientFor(region);
  const state = await loadCore().readResourcePolicy(
    client,
    workspaceId,
    {
      ...(stateDocument !== undefined ? { policyDocument: stateDocument } : {}),
      ...(region ? { region } : {}),
    },
    { signal: context.signal },
  );
  if (!state) return { exists: false };
  const secretKeys = [...new Set([...secretKeysOf(known), ...secretKeysOf(request.inputs)])];
  // The old inputs' text may differ from the state's in formatting only; keep it where it means the same.
  const inputDocument = stringOf(readField(request.inputs, "policyDocument"));
  const keepInputText =
    inputDocument !== undefined && loadPolicy().equivalent(inputDocument, state.policyDocument);
  const inputRegion = stringOf(readField(request.inputs, "region"));
  const inputs = {
    workspaceId: state.workspaceId,
    policyDocument: keepInputText ? inputDocument : state.policyDocument,
    ...(inputRegion ? { region: inputRegion } : {}),
  };
  return {
    exists: true,
    id: request.id || workspaceId,
    properties: propertiesOf(state, secretKeys),
    inputs: inputsOf(inputs, secretKeys),
  };
}

/** Splits an import ID into the workspace and the optional region. */
export function parseImportId(id: string): { workspaceId: string; region?: string } {
  const match = IMPORT_ID_PATTERN.exec(id);
  const workspaceId = match?.[1];
  const region = match?.[2];
  if (
    !workspaceId ||
    !WORKSPACE_ID_PATTERN.test(workspaceId) ||
    (region !== undefined && regionProblem(region))
  ) {
    throw new InvalidRequestError(
      `importing a resource policy: "${id}" is not an import ID; use the workspace ID (ws-…), ` +
        "or ws-…@REGION for a workspace in another region than the provider's",
    );
  }
  return region ? { workspaceId, region } : { workspaceId };
}

// --- update --------------------------------------------------------------------------------------------

/**
 * Puts the new document over the revision in state and waits until it is ACTIVE. A policy changed outside
 * the program fails with the core's conflict error, which says to run `pulumi refresh`.
 */
export async function update(context: HandlerContext, request: UpdateRequest): Promise<UpdateResult> {
  if (request.preview) return { properties: plannedProperties(request.news) };
  const olds = knownState(request.olds, request.id, "updating the resource policy");
  const news = knownInputs(request.news, "updating the resource policy");
  const secretKeys = secretKeysOf(request.news);
  const client = context.config.clientFor(olds.region);
  try {
    const state = await loadCore().updateResourcePolicy(
      client,
      olds,
      news,
      operationOptions(context, request),
    );
    return { properties: propertiesOf(state, secretKeys) };
  } catch (error) {
    throw partialFailureOf(error, request.news, secretKeys);
  }
}

// --- delete --------------------------------------------------------------------------------------------

/** Deletes the revision in state and waits until it is gone; a policy already gone is success. */
export async function remove(context: HandlerContext, request: DeleteRequest): Promise<void> {
  const state = knownState(request.properties, request.id, "deleting the resource policy");
  const client = context.config.clientFor(state.region);
  await loadCore().deleteResourcePolicy(client, state, operationOptions(context, request));
}

// --- helpers -------------------------------------------------------------------------------------------

/** The inputs, all known; an unknown or missing value outside preview is the engine's mistake, said plainly. */
function knownInputs(properties: PropertyObject, action: string): ResourcePolicyInputs {
  const workspaceId = requireString(properties, "workspaceId", action);
  const policyDocument = requireString(properties, "policyDocument", action);
  const region = stringOf(readField(properties, "region"));
  return { workspaceId, policyDocument, ...(region ? { region } : {}) };
}

/** The state the engine holds; the ID stands in for a workspaceId missing from it. */
function knownState(properties: PropertyObject, id: string, action: string): ResourcePolicyState {
  const workspaceId =
    stringOf(readField(properties, "workspaceId")) ??
    (id ? parseImportId(id).workspaceId : requireString(properties, "workspaceId", action));
  const region = stringOf(readField(properties, "region"));
  return {
    workspaceId,
    policyDocument: stringOf(readField(properties, "policyDocument")) ?? "",
    policyStatus: stringOf(readField(properties, "policyStatus")) ?? "",
    revisionId: requireString(properties, "revisionId", action),
    ...(region ? { region } : {}),
  };
}

function requireString(properties: PropertyObject, key: string, action: string): string {
  const field = readField(properties, key);
  if (field.kind === "string") return field.value;
  const what =
    field.kind === "unknown"
      ? "is not known yet"
      : field.kind === "absent"
        ? "is missing"
        : `is ${field.type}`;
  throw new InvalidRequestError(
    `${action}: ${key} ${what}. Run \`pulumi preview\` to see which input is not ready.`,
  );
}

/** The outputs a preview plans: the inputs as given, and what only AWS can tell as unknown. */
function plannedProperties(inputs: PropertyObject): PropertyObject {
  return { ...inputs, policyStatus: UNKNOWN, revisionId: UNKNOWN };
}

/** The state as outputs, with the properties that came in secret kept secret. */
function propertiesOf(state: ResourcePolicyState, secretKeys: readonly string[]): PropertyObject {
  const properties: PropertyObject = {
    workspaceId: state.workspaceId,
    policyDocument: state.policyDocument,
    policyStatus: state.policyStatus,
    revisionId: state.revisionId,
    ...(state.region ? { region: state.region } : {}),
  };
  return withSecrets(properties, secretKeys);
}

/** The inputs that reproduce a state: what a program would declare. */
function inputsOf(state: ResourcePolicyInputs, secretKeys: readonly string[]): PropertyObject {
  const inputs: PropertyObject = {
    workspaceId: state.workspaceId,
    policyDocument: state.policyDocument,
    ...(state.region ? { region: state.region } : {}),
  };
  return withSecrets(inputs, secretKeys);
}

/** The core's options for one operation: deadline, cancellation, and status lines to the engine. */
function operationOptions(
  context: HandlerContext,
  request: { urn: string; timeoutSeconds: number },
): OperationOptions {
  return {
    ...(request.timeoutSeconds > 0 ? { timeoutMs: request.timeoutSeconds * 1000 } : {}),
    signal: context.signal,
    onProgress: (progress) => {
      if (stillWaiting(progress)) context.log.status(request.urn, statusLine(progress));
    },
  };
}

/** A poll that saw the target ends the wait; only the polls before it are worth a status line. */
function stillWaiting(progress: WaitProgress): boolean {
  return progress.target === "deleted" ? progress.status !== "gone" : progress.status !== progress.target;
}

/** "waiting for the resource policy on ws-… to become ACTIVE (UPDATING), 12s" */
export function statusLine(progress: WaitProgress): string {
  const goal = progress.target === "deleted" ? "be deleted" : `become ${progress.target}`;
  const seconds = Math.floor(progress.elapsedMs / 1000);
  return `waiting for the resource policy on ${progress.workspaceId} to ${goal} (${progress.status}), ${seconds}s`;
}

/**
 * A write AWS accepted whose wait then failed carries the state that exists (`error.state`): hand it to the
 * engine so it keeps tracking the resource. Any other error passes through with the core's message.
 */
function partialFailureOf(error: unknown, inputs: PropertyObject, secretKeys: readonly string[]): unknown {
  if (!(error instanceof AwsampError) || !error.state) return error;
  return new ResourceInitFailedError(
    error.message,
    error.state.workspaceId,
    propertiesOf(error.state, secretKeys),
    inputs,
  );
}

// The core (and with it the AWS SDK) and the policy module load when a call first needs them, so the plugin
// answers its first RPCs without paying for them.
function loadCore(): typeof CoreModule {
  return require("../resourcePolicy");
}

function loadPolicy(): typeof PolicyModule {
  return require("../policy");
}
