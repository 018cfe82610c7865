/**
 * awsamp:index:ResourcePolicy as a Pulumi provider serves it, in the order the engine calls it: check, diff,
 * create, read, update, delete, and the import ID. Every adapter (the plugin, the dynamic provider)
 * translates its engine's messages to these requests and back, and decides nothing itself.
 */
import type { AmpClient } from "@aws-sdk/client-amp";
import { InvalidInputError, ResourceNotFoundError } from "./errors";
import { type Field, type Fields, fieldOf, type JsonValue, jsonOf, stringOf, typeOf } from "./fields";
import { parseImportId, regionProblem, WORKSPACE_ID_PATTERN } from "./identifiers";
import type * as LifecycleModule from "./lifecycle";
import {
  canonicalize,
  checkPolicyDocument,
  equivalent,
  LINT_RULES,
  type PolicyProblem,
  policyDocumentErrors,
  policyDocumentText,
  summarizeAccessChange,
} from "./policy";
import type { SaidOnce } from "./saidOnce";
import type { ResourcePolicyInputs, ResourcePolicyState } from "./types";
import type { OperationOptions } from "./waits";

/** The inputs a program declares. */
export const INPUT_KEYS = ["workspaceId", "policyDocument", "region", "acceptedWarnings"] as const;

/** Where the operations reach AWS: a client per region (the provider's when absent), and the provider's region. */
export interface ResourceContext {
  clientFor(region: string | undefined): AmpClient;
  /** The provider's region where the adapter knows it; a region left out of the inputs is this one. */
  providerRegion: string | undefined;
}

// --- check ---------------------------------------------------------------------------------------------

export interface CheckRequest {
  /** The resource, for saying its warnings once: its URN, or "" where the adapter has none. */
  urn: string;
  /** What the user has been told already. */
  said: SaidOnce;
  olds: Fields;
  news: Fields;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResponse {
  /**
   * The inputs check rewrote, which the adapters return in place of the news's: a policyDocument given as
   * an object becomes its JSON text (not known yet while any part of the object is not; secret when any
   * part is secret). Every other input goes back as given.
   */
  rewritten: Fields;
  failures: CheckFailure[];
  /** Lint findings for the user, each a line that names the property and its JSON path. */
  warnings: string[];
}

/**
 * Validates the inputs. Values not known yet (preview) pass; secrets are checked like any value but never
 * quoted. The lint warnings come only with a document new or changed since the old inputs, and once per
 * resource and document as far as `said` remembers: a reviewer reads them once, where the change is, not on
 * every preview after an import, nor twice when `pulumi up` previews and then updates.
 */
export function check(request: CheckRequest): CheckResponse {
  const { news } = request;
  const failures: CheckFailure[] = unknownPropertyFailures(news);
  const workspaceId = fieldOf(news, "workspaceId");
  const workspaceProblems = workspaceIdFailures(workspaceId);
  const accepted = acceptedRules(fieldOf(news, "acceptedWarnings"));
  failures.push(...workspaceProblems, ...regionFailures(fieldOf(news, "region")), ...accepted.failures);
  const given = fieldOf(news, "policyDocument");
  const document = documentTextOf(given);
  const rewritten: Fields = document === given ? {} : { policyDocument: document };
  if (document.kind !== "string") {
    const problem = requiredStringProblem(
      "policyDocument",
      document,
      "the policy as JSON text, such as JSON.stringify(policy), or as a PolicyDocument object",
    );
    return {
      rewritten,
      failures: problem ? [...failures, { property: "policyDocument", reason: problem }] : failures,
      warnings: [],
    };
  }
  const validWorkspaceId = workspaceProblems.length === 0 ? stringOf(workspaceId) : undefined;
  const context = validWorkspaceId ? { workspaceId: validWorkspaceId } : {};
  const old = stringOf(fieldOf(request.olds, "policyDocument"));
  const unchanged = old !== undefined && equivalent(old, document.value);
  // A document the old inputs had is validated (it must still pass) but not linted: its warnings are not
  // said again, and in a preview most documents are unchanged.
  const verdict = unchanged
    ? { errors: policyDocumentErrors(document.value, context), warnings: [] }
    : checkPolicyDocument(document.value, context);
  for (const problem of verdict.errors) {
    failures.push({ property: "policyDocument", reason: `${problem.path}: ${problem.message}` });
  }
  const said =
    unchanged ||
    !firstTimeSaid(
      request.said,
      `${request.urn}\n${stringOf(workspaceId) ?? ""}`,
      document.value,
      verdict.errors.length === 0,
    );
  const warnings = verdict.warnings.filter((problem) => !problem.rule || !accepted.rules.has(problem.rule));
  return { rewritten, failures, warnings: said ? [] : warningLines(warnings, document.secret) };
}

/**
 * A policyDocument given as an object, as its JSON text (the policy module's policyDocumentText); other
 * fields are returned as they are, for check to judge.
 */
function documentTextOf(field: Field): Field {
  if (field.kind !== "object") return field;
  const { value, secret } = jsonOf(field);
  if (value === undefined) return { kind: "unknown", secret };
  return { kind: "string", value: policyDocumentText(value as Record<string, JsonValue>), secret };
}

/**
 * The lint rules a resource has accepted (`acceptedWarnings: ["cross-account-kms"]`), whose warnings it
 * is not told again; a name that is no rule is a failure that lists the rules.
 */
function acceptedRules(field: Field): { rules: ReadonlySet<string>; failures: CheckFailure[] } {
  const rules = new Set<string>();
  if (field.kind === "absent" || field.kind === "unknown") return { rules, failures: [] };
  const known = Object.keys(LINT_RULES);
  const listing = `a list of lint rule names: ${known.join(", ")}`;
  if (field.kind !== "list") {
    const type = typeOf(field);
    return {
      rules,
      failures: [
        { property: "acceptedWarnings", reason: `acceptedWarnings must be ${listing}; not ${type}` },
      ],
    };
  }
  const failures: CheckFailure[] = [];
  field.items.forEach((item, index) => {
    if (item.kind === "unknown") return;
    if (item.kind === "string" && known.includes(item.value)) rules.add(item.value);
    else {
      const shown = item.kind === "string" ? `"${item.value}"` : "that value";
      failures.push({
        property: "acceptedWarnings",
        reason: `acceptedWarnings[${index}]: ${shown} is not a lint rule; use one of ${known.join(", ")}`,
      });
    }
  });
  return { rules, failures };
}

/** True the first time a resource's document is checked; a document with errors is not remembered. */
function firstTimeSaid(said: SaidOnce, resource: string, document: string, valid: boolean): boolean {
  return !valid || said.firstTime(`${resource}\n${canonicalize(document)}`);
}

function warningLines(warnings: readonly PolicyProblem[], secret: boolean): string[] {
  if (warnings.length === 0) return [];
  // The warnings quote the document (principals, conditions), which the program marked secret.
  if (secret) return [`policyDocument is secret, so its ${warnings.length} lint warning(s) are not shown`];
  return warnings.map((problem) => `policyDocument ${problem.path}: ${problem.message}`);
}

function unknownPropertyFailures(news: Fields): CheckFailure[] {
  return Object.keys(news)
    .filter((key) => !(INPUT_KEYS as readonly string[]).includes(key) && news[key]?.kind !== "absent")
    .map((key) => ({
      property: key,
      reason: `${key} is not a property of a ResourcePolicy; it takes workspaceId, policyDocument, region and acceptedWarnings`,
    }));
}

function workspaceIdFailures(field: Field): CheckFailure[] {
  const problem = requiredStringProblem(
    "workspaceId",
    field,
    "the ID of the workspace (ws-…) to attach the policy to",
  );
  if (problem) return [{ property: "workspaceId", reason: problem }];
  if (field.kind !== "string" || WORKSPACE_ID_PATTERN.test(field.value)) return [];
  const shown = field.secret ? "the value given" : `"${field.value}"`;
  return [
    {
      property: "workspaceId",
      reason: `${shown} is not a workspace ID; use one like ws-12345678-90ab-cdef-1234-567890abcdef (a Workspace's id)`,
    },
  ];
}

function regionFailures(field: Field): CheckFailure[] {
  if (field.kind === "absent" || field.kind === "unknown") return [];
  if (field.kind !== "string")
    return [{ property: "region", reason: `region must be a string, not ${typeOf(field)}` }];
  const problem = regionProblem(field.value);
  return problem ? [{ property: "region", reason: problem }] : [];
}

/** The problem with a required string property, or undefined when it holds a string or is not known yet. */
function requiredStringProblem(key: string, field: Field, what: string): string | undefined {
  switch (field.kind) {
    case "absent":
      return `${key} is required: ${what}`;
    case "list":
    case "object":
    case "other":
      return `${key} must be a string, not ${typeOf(field)}: ${what}`;
    default:
      return undefined;
  }
}

// --- diff ----------------------------------------------------------------------------------------------

/** How a property changes, as the engine's detailed diff names it. */
export type DiffKind = "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";

export interface DiffRequest {
  /** The state (the last outputs). */
  olds: Fields;
  /** The checked new inputs. */
  news: Fields;
  providerRegion: string | undefined;
}

export interface DiffResponse {
  /** Each changed property and how; empty when nothing changes. */
  detailedDiff: Record<string, DiffKind>;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Who gains and loses what when the document changes: lines for the reviewer, under the resource. */
  accessChange: string[];
}

/**
 * Compares the state with the checked inputs. A document that grants the same access (formatting, order)
 * is no change; a new workspace or region replaces.
 */
export function diff(request: DiffRequest): DiffResponse {
  const detailedDiff: Record<string, DiffKind> = {};
  const workspaceKind = replacingChange(
    fieldOf(request.olds, "workspaceId"),
    fieldOf(request.news, "workspaceId"),
  );
  if (workspaceKind) detailedDiff.workspaceId = workspaceKind;
  const regionKind = regionChange(
    fieldOf(request.olds, "region"),
    fieldOf(request.news, "region"),
    request.providerRegion,
  );
  if (regionKind) detailedDiff.region = regionKind;
  const oldDocument = fieldOf(request.olds, "policyDocument");
  const newDocument = fieldOf(request.news, "policyDocument");
  const documentKind = documentChange(oldDocument, newDocument);
  if (documentKind) detailedDiff.policyDocument = documentKind;
  const replaces = Object.keys(detailedDiff).filter((key) => detailedDiff[key]?.endsWith("-replace"));
  return {
    detailedDiff,
    replaces,
    // Only the region changes, so the old policy may sit on the very workspace the new one goes to (a region
    // written differently): delete it first, or the create would find it and refuse to overwrite it.
    deleteBeforeReplace: regionKind !== undefined && workspaceKind === undefined,
    accessChange: documentKind ? accessChangeLines(oldDocument, newDocument) : [],
  };
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
 * region replaces a policy whose state records another. Where the adapter cannot tell the provider's region
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
    return equivalent(old.value, next.value) ? undefined : "update";
  }
  if (old.kind === "absent" && next.kind === "absent") return undefined;
  if (old.kind === "absent") return "add";
  if (next.kind === "absent") return "delete";
  return sameValue(old, next) ? undefined : "update";
}

function sameValue(a: Field, b: Field): boolean {
  return a.kind === "string" && b.kind === "string" && a.value === b.value;
}

function accessChangeLines(old: Field, next: Field): string[] {
  if (old.kind !== "string" || next.kind !== "string") return [];
  if (old.secret || next.secret)
    return ["policyDocument is secret, so the access it grants is not summarized"];
  const change = summarizeAccessChange(old.value, next.value);
  return change.lines.length > 0
    ? [...change.lines]
    : ["policyDocument changes, but it grants and denies the same access"];
}

// --- create --------------------------------------------------------------------------------------------

export interface CreateRequest {
  /** The resource's name in the program, for the import command an existing policy calls for. */
  name: string;
  inputs: Fields;
  options: OperationOptions;
}

/** Puts the policy and waits until it is ACTIVE; the ID is the workspace ID. */
export async function create(
  context: ResourceContext,
  request: CreateRequest,
): Promise<{ id: string; state: ResourcePolicyState }> {
  const inputs = knownInputs(request.inputs, "creating the resource policy");
  const client = context.clientFor(inputs.region);
  const state = await lifecycle().createResourcePolicy(client, inputs, {
    ...request.options,
    resourceName: request.name,
  });
  return { id: state.workspaceId, state };
}

// --- read ----------------------------------------------------------------------------------------------

export interface ReadRequest {
  id: string;
  /** The state; empty for an import, which has only the ID. */
  state: Fields;
  /** The old inputs (refresh), whose text and region are kept where AWS means the same. */
  inputs: Fields;
  signal?: AbortSignal;
}

export interface ReadResponse {
  id: string;
  state: ResourcePolicyState;
  /** The inputs that reproduce the state: what a program would declare. */
  inputs: ResourcePolicyInputs;
}

/**
 * Import (only an ID: `ws-…` or `ws-…@REGION`) returns the policy as state and as inputs that reproduce it;
 * importing a workspace that has no policy fails and says so. Refresh returns what AWS holds, keeping the
 * state's text where the remote document means the same; a policy gone reads as undefined.
 */
export async function read(
  context: ResourceContext,
  request: ReadRequest,
): Promise<ReadResponse | undefined> {
  return Object.keys(request.state).length === 0
    ? readForImport(context, request)
    : readForRefresh(context, request);
}

async function readForImport(context: ResourceContext, request: ReadRequest): Promise<ReadResponse> {
  const { workspaceId, region } = parseImportId(request.id);
  const client = context.clientFor(region);
  const state = await lifecycle().readResourcePolicy(client, workspaceId, region ? { region } : {}, {
    signal: request.signal,
  });
  if (!state) {
    const where = region ?? context.providerRegion ?? "the provider's region";
    throw new ResourceNotFoundError(
      `importing the resource policy of workspace ${workspaceId}: the workspace has no resource policy ` +
        `(or there is no such workspace in ${where}). Check the ID; for a workspace in another region than ` +
        `the provider's, import ${workspaceId}@REGION.`,
    );
  }
  // The state records the region the policy lives in; the inputs name one only where the import ID did, so
  // the program that reproduces the policy follows the provider's region as the original did.
  const inputs = { workspaceId, policyDocument: state.policyDocument, ...(region ? { region } : {}) };
  return { id: workspaceId, state, inputs };
}

async function readForRefresh(
  context: ResourceContext,
  request: ReadRequest,
): Promise<ReadResponse | undefined> {
  const workspaceId =
    stringOf(fieldOf(request.state, "workspaceId")) ?? parseImportId(request.id).workspaceId;
  const region = stringOf(fieldOf(request.state, "region"));
  const stateDocument = stringOf(fieldOf(request.state, "policyDocument"));
  const client = context.clientFor(region);
  const state = await lifecycle().readResourcePolicy(
    client,
    workspaceId,
    {
      ...(stateDocument !== undefined ? { policyDocument: stateDocument } : {}),
      ...(region ? { region } : {}),
    },
    { signal: request.signal },
  );
  if (!state) return undefined;
  // The old inputs' text may differ from the state's in formatting only; keep it where it means the same.
  const inputDocument = stringOf(fieldOf(request.inputs, "policyDocument"));
  const keepInputText = inputDocument !== undefined && equivalent(inputDocument, state.policyDocument);
  const inputRegion = stringOf(fieldOf(request.inputs, "region"));
  const inputs = {
    workspaceId: state.workspaceId,
    policyDocument: keepInputText ? inputDocument : state.policyDocument,
    ...(inputRegion ? { region: inputRegion } : {}),
  };
  return { id: request.id || workspaceId, state, inputs };
}

// --- update --------------------------------------------------------------------------------------------

export interface UpdateRequest {
  id: string;
  olds: Fields;
  news: Fields;
  options: OperationOptions;
}

/**
 * Puts the new document over the revision in state and waits until it is ACTIVE. A policy changed outside
 * the program fails with the conflict, which says to run `pulumi refresh`.
 */
export async function update(context: ResourceContext, request: UpdateRequest): Promise<ResourcePolicyState> {
  const olds = knownState(request.olds, request.id, "updating the resource policy");
  const news = knownInputs(request.news, "updating the resource policy");
  return lifecycle().updateResourcePolicy(context.clientFor(olds.region), olds, news, request.options);
}

// --- delete --------------------------------------------------------------------------------------------

export interface DeleteRequest {
  id: string;
  state: Fields;
  options: OperationOptions;
}

/** Deletes the revision in state and waits until it is gone; a policy already gone is success. */
export async function remove(context: ResourceContext, request: DeleteRequest): Promise<void> {
  const state = knownState(request.state, request.id, "deleting the resource policy");
  await lifecycle().deleteResourcePolicy(context.clientFor(state.region), state, request.options);
}

// --- helpers -------------------------------------------------------------------------------------------

/** The inputs, all known; an unknown or missing value outside preview is the engine's mistake, said plainly. */
function knownInputs(fields: Fields, action: string): ResourcePolicyInputs {
  const workspaceId = requireString(fields, "workspaceId", action);
  const policyDocument = requireString(fields, "policyDocument", action);
  const region = stringOf(fieldOf(fields, "region"));
  return { workspaceId, policyDocument, ...(region ? { region } : {}) };
}

/** The state the engine holds; the ID stands in for a workspaceId missing from it. */
function knownState(fields: Fields, id: string, action: string): ResourcePolicyState {
  const workspaceId =
    stringOf(fieldOf(fields, "workspaceId")) ??
    (id ? parseImportId(id).workspaceId : requireString(fields, "workspaceId", action));
  const region = stringOf(fieldOf(fields, "region"));
  return {
    workspaceId,
    policyDocument: stringOf(fieldOf(fields, "policyDocument")) ?? "",
    policyStatus: stringOf(fieldOf(fields, "policyStatus")) ?? "",
    revisionId: requireString(fields, "revisionId", action),
    ...(region ? { region } : {}),
  };
}

function requireString(fields: Fields, key: string, action: string): string {
  const field = fieldOf(fields, key);
  if (field.kind === "string") return field.value;
  const what =
    field.kind === "unknown"
      ? "is not known yet"
      : field.kind === "absent"
        ? "is missing"
        : `is ${typeOf(field)}`;
  throw new InvalidInputError(
    `${action}: ${key} ${what}. Run \`pulumi preview\` to see which input is not ready.`,
  );
}

// The lifecycle (and with it the AWS SDK) loads at the first operation that reaches AWS, so a preview's
// Check and Diff never pay for it.
function lifecycle(): typeof LifecycleModule {
  return require("./lifecycle");
}
