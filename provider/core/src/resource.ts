/**
 * awsamp:index:ResourcePolicy as a Pulumi provider serves it, in the order the engine calls it: check, diff,
 * create, read, update, delete, and the import ID. Every adapter (the plugin, the dynamic provider)
 * translates its engine's messages to these requests and back, and decides nothing itself.
 */
import type { AmpClient } from "@aws-sdk/client-amp";
import type * as DescribeModule from "./describe";
import { awsErrorName, describeCause, InvalidInputError, ResourceNotFoundError } from "./errors";
import {
  type Field,
  type Fields,
  fieldOf,
  type JsonValue,
  jsonOf,
  stringField,
  stringOf,
  typeOf,
} from "./fields";
import { parseImportId, regionProblem, WORKSPACE_ID_PATTERN } from "./identifiers";
import type * as LifecycleModule from "./lifecycle";
import {
  accessOf,
  canonicalize,
  checkPolicyDocument,
  equivalent,
  LINT_RULES,
  type PolicyProblem,
  policyDocumentErrors,
  policyDocumentText,
} from "./policy";
import type {
  ResourcePolicyInputs,
  ResourcePolicyOutputs,
  ResourcePolicyReadInputs,
  ResourcePolicyState,
  SaidOnce,
} from "./types";
import type { OperationOptions } from "./waits";

/** The inputs a program declares. */
export const INPUT_KEYS = ["workspaceId", "policyDocument", "region", "acceptedWarnings"] as const;

/** The inputs check accepts: a program's, and `access`, which check itself adds (so old inputs hold it). */
const CHECKED_KEYS = [...INPUT_KEYS, "access"] as const;

/** The string properties of a state (inputs hold some of them): read once, by stringsOf. */
const STATE_KEYS = ["workspaceId", "policyDocument", "region", "policyStatus", "revisionId"] as const;

/** Where the operations reach AWS: a client per region (the provider's when absent), and the provider's region. */
export interface ResourceContext {
  clientFor(region: string | undefined): AmpClient;
  /** The provider's region where the adapter knows it; a region left out of the inputs is this one. */
  providerRegion: string | undefined;
}

// --- check ---------------------------------------------------------------------------------------------

export interface ResourceCheckRequest {
  /** The resource, for saying its warnings once and naming it in them: its URN, or "" where the adapter has none. */
  urn: string;
  /** What the user has been told already. */
  said: SaidOnce;
  olds: Fields;
  news: Fields;
  /**
   * Where to look the workspace up, when the adapter has credentials and the user has not turned the look
   * off: a workspace a policy is first put on is then checked to exist, at preview, not at `up`.
   */
  aws?: ResourceContext;
  signal?: AbortSignal;
}

/**
 * One problem with the inputs, as the engine prints it. Check leaves `property` empty: for a named property
 * the engine prints its whole value before the reason (a policy document on one long line, a secret in
 * plain), so the reason names the property itself, then the JSON path inside the document, then what to do.
 */
export interface CheckFailure {
  property: string;
  reason: string;
}

export interface ResourceCheckResponse {
  /**
   * The inputs check rewrote, which the adapters return in place of the news's: a policyDocument given as
   * an object becomes its JSON text (not known yet while any part of the object is not; secret when any
   * part is secret), and `access` is what the document grants (accessOf), which the engine's own diff then
   * shows reviewers. Every other input goes back as given.
   */
  rewritten: Fields;
  failures: CheckFailure[];
  /** Lint findings for the user, each a line that names the resource, the property and its JSON path. */
  warnings: string[];
}

/**
 * Validates the inputs. Values not known yet (preview) pass; secrets are checked like any value but never
 * quoted. The lint warnings come only with a document new or changed since the old inputs, and once per
 * resource and document as far as `said` remembers: a reviewer reads them once, where the change is, not on
 * every preview after an import, nor twice when `pulumi up` previews and then updates. A workspace a policy
 * is first put on (or moved to) is looked up where `aws` is given.
 */
export async function check(request: ResourceCheckRequest): Promise<ResourceCheckResponse> {
  const { news } = request;
  const failures: NamedFailure[] = unknownPropertyFailures(news);
  const workspaceId = fieldOf(news, "workspaceId");
  const workspaceProblems = workspaceIdFailures(workspaceId);
  const accepted = acceptedRules(fieldOf(news, "acceptedWarnings"));
  const regionProblems = regionFailures(fieldOf(news, "region"));
  failures.push(...workspaceProblems, ...regionProblems, ...accepted.failures);
  const validWorkspaceId = workspaceProblems.length === 0 ? stringOf(workspaceId) : undefined;
  // A workspace is looked up only where it and its region are well-formed: AWS would answer nothing else.
  const lookup =
    validWorkspaceId && regionProblems.length === 0
      ? await workspaceLookupFailures(request, validWorkspaceId)
      : noFindings();
  const document = checkDocument(request, {
    validWorkspaceId,
    workspaceIdText: stringOf(workspaceId),
    acceptedRules: accepted.rules,
  });
  return {
    rewritten: document.rewritten,
    failures: [...failures, ...lookup.failures, ...document.failures].map(engineFailure),
    warnings: [...lookup.warnings, ...document.warnings],
  };
}

/**
 * Check's look at the document: its JSON text (an object becomes text), its errors as failures, the access
 * it grants, and its lint warnings, said where the document is new or changed and not said before.
 */
function checkDocument(
  request: ResourceCheckRequest,
  {
    validWorkspaceId,
    workspaceIdText,
    acceptedRules,
  }: {
    validWorkspaceId: string | undefined;
    workspaceIdText: string | undefined;
    acceptedRules: ReadonlySet<string>;
  },
): { rewritten: Record<string, Field>; failures: NamedFailure[]; warnings: string[] } {
  const given = fieldOf(request.news, "policyDocument");
  const document = documentTextOf(given);
  const rewritten: Record<string, Field> = document === given ? {} : { policyDocument: document };
  if (document.kind === "unknown") rewritten.access = { kind: "unknown", secret: document.secret };
  if (document.kind !== "string") {
    const problem = requiredStringProblem(
      "policyDocument",
      document,
      "the policy as JSON text, such as JSON.stringify(policy), or as a PolicyDocument object",
    );
    return {
      rewritten,
      failures: problem ? [{ property: "policyDocument", reason: problem }] : [],
      warnings: [],
    };
  }
  const context = validWorkspaceId ? { workspaceId: validWorkspaceId } : {};
  const old = stringOf(fieldOf(request.olds, "policyDocument"));
  const unchanged = old !== undefined && equivalent(old, document.value);
  // A document the old inputs had is validated (it must still pass) but not linted: its warnings are not
  // said again, and in a preview most documents are unchanged.
  const verdict = unchanged
    ? { errors: policyDocumentErrors(document.value, context), warnings: [] }
    : checkPolicyDocument(document.value, context);
  const failures = verdict.errors.map((problem) => {
    const message = document.secret ? withoutValuesOf(document.value, problem.message) : problem.message;
    return { property: "policyDocument", reason: `policyDocument ${problem.path}: ${message}` };
  });
  if (verdict.errors.length === 0) rewritten.access = accessField(document.value, document.secret);
  const sayWarnings =
    !unchanged &&
    verdict.errors.length === 0 &&
    request.said.firstTime(`${request.urn}\n${workspaceIdText ?? ""}\n${canonicalize(document.value)}`);
  const warnings = verdict.warnings.filter((problem) => !problem.rule || !acceptedRules.has(problem.rule));
  return {
    rewritten,
    failures,
    warnings: sayWarnings ? warningLines(resourceNameOf(request.urn), warnings, document) : [],
  };
}

/** A failure as check finds it, by the property it is about. */
interface NamedFailure {
  property: string;
  reason: string;
}

/** A failure as the engine should print it: the property named in the reason, not quoted by the engine. */
function engineFailure({ property, reason }: NamedFailure): CheckFailure {
  return { property: "", reason: reason.startsWith(property) ? reason : `${property}: ${reason}` };
}

/** The access a checked document grants, as the `access` input and output: a map, secret as its document. */
function accessField(document: string, secret: boolean): Field {
  const entries = Object.fromEntries(
    Object.entries(accessOf(document)).map(([grant, effect]) => [grant, stringField(effect)]),
  );
  return { kind: "object", entries, secret };
}

/** The resource's name: the last part of its URN (`urn:pulumi:STACK::PROJECT::TYPE::NAME`), or "". */
export function resourceNameOf(urn: string): string {
  return urn ? (urn.split("::").pop() ?? urn) : "";
}

/**
 * A message about a secret document with the document's values left out: each quoted text the document
 * holds becomes `"…"` (`"12345" is not an account ID`, AWS's `Invalid principal in policy: "AWS":"arn:…"`),
 * while quoted guidance the document does not hold stays (`Effect must be "Allow" or "Deny"`). Paths and
 * rule names stay; they say where and what, not what the value is.
 */
export function withoutValuesOf(document: string, message: string): string {
  return message.replace(/"((?:[^"\\]|\\.)*)"/g, (quoted, inner: string) =>
    inner !== "" && document.includes(inner) ? '"…"' : quoted,
  );
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
function acceptedRules(field: Field): { rules: ReadonlySet<string>; failures: NamedFailure[] } {
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
  const failures: NamedFailure[] = [];
  field.items.forEach((item, index) => {
    if (item.kind === "unknown") return;
    if (item.kind === "string" && known.includes(item.value)) rules.add(item.value);
    else if (item.kind === "string" && (FORMER_ACTION_RULES as readonly string[]).includes(item.value)) {
      failures.push({
        property: "acceptedWarnings",
        reason:
          `acceptedWarnings[${index}]: "${item.value}" is no longer a warning: AMP refuses such actions, so ` +
          "they are errors, which cannot be accepted; remove it and fix the actions",
      });
    } else {
      const shown = item.kind === "string" ? `"${item.value}"` : "that value";
      failures.push({
        property: "acceptedWarnings",
        reason: `acceptedWarnings[${index}]: ${shown} is not a lint rule; use one of ${known.join(", ")}`,
      });
    }
  });
  return { rules, failures };
}

/** Lint rules that became errors, since AMP refuses what they found; a program may still accept them. */
const FORMER_ACTION_RULES = ["ignored-action", "unknown-action", "wildcard-action"] as const;

/**
 * A workspace a policy is first put on (or moved to), looked up once per process: a workspace that does not
 * exist, or is being deleted, fails the preview as it would fail `pulumi up`. A look that cannot be made
 * (no credentials, access denied, no network) lets the preview go on, with a warning unless there are no
 * credentials at all (an offline preview, as without `aws`).
 */
async function workspaceLookupFailures(
  request: ResourceCheckRequest,
  workspaceId: string,
): Promise<LookupFindings> {
  const region = fieldOf(request.news, "region");
  if (!request.aws || region.kind === "unknown") return noFindings();
  if (stringOf(fieldOf(request.olds, "workspaceId")) === workspaceId) return noFindings();
  const regionName = stringOf(region) ?? request.aws.providerRegion;
  const key = `${regionName ?? ""}\n${workspaceId}`;
  let looked = workspaceLookups.get(key);
  if (!looked) {
    looked = lookUpWorkspace(request.aws, workspaceId, stringOf(region), request.signal);
    workspaceLookups.set(key, looked);
  }
  return lookupFindings(await looked, {
    workspaceId,
    where: regionName ?? "the provider's region",
    name: resourceNameOf(request.urn),
  });
}

/** What a look at the workspace adds to check: failures for the preview, or a warning that it could not look. */
interface LookupFindings {
  failures: NamedFailure[];
  warnings: string[];
}

function noFindings(): LookupFindings {
  return { failures: [], warnings: [] };
}

/** A look's answer as check's findings, naming the workspace, its region and the resource. */
function lookupFindings(
  found: WorkspaceLookup,
  { workspaceId, where, name }: { workspaceId: string; where: string; name: string },
): LookupFindings {
  const off = "(awsamp:skipWorkspaceCheck true turns this look off)";
  const failure = (reason: string) => ({ failures: [{ property: "workspaceId", reason }], warnings: [] });
  switch (found.kind) {
    case "found":
      return WRITABLE_WORKSPACE_STATUSES.has(found.status)
        ? noFindings()
        : failure(
            `workspaceId: workspace ${workspaceId} in ${where} is ${found.status}, and AMP puts no policy on it; check workspaceId ${off}`,
          );
    case "missing":
      return failure(
        `workspaceId: workspace ${workspaceId} does not exist in ${where} (or these credentials cannot see it), so pulumi up would fail; check workspaceId and region ${off}`,
      );
    case "no-credentials":
      return noFindings();
    case "unknown":
      return {
        failures: [],
        warnings: [
          `${name ? `${name}: ` : ""}could not check that workspace ${workspaceId} exists: ${found.why} ${off}`,
        ],
      };
  }
}

/** The statuses of a workspace that takes a policy, at once or once it settles. */
const WRITABLE_WORKSPACE_STATUSES = new Set(["ACTIVE", "CREATING", "UPDATING"]);

/** How long a preview's look at a workspace may take before it gives up and lets the preview go on. */
const WORKSPACE_LOOKUP_TIMEOUT_MS = 10_000;

type WorkspaceLookup =
  | { kind: "found"; status: string }
  | { kind: "missing" }
  | { kind: "no-credentials" }
  | { kind: "unknown"; why: string };

/** This process's looks, by region and workspace: a preview makes one call per workspace however many policies. */
const workspaceLookups = new Map<string, Promise<WorkspaceLookup>>();

async function lookUpWorkspace(
  aws: ResourceContext,
  workspaceId: string,
  region: string | undefined,
  signal: AbortSignal | undefined,
): Promise<WorkspaceLookup> {
  const timeout = AbortSignal.timeout(WORKSPACE_LOOKUP_TIMEOUT_MS);
  try {
    const status = await describe().findWorkspaceByID(
      aws.clientFor(region),
      workspaceId,
      "looking up the workspace",
      signal ? AbortSignal.any([signal, timeout]) : timeout,
    );
    return status === undefined ? { kind: "missing" } : { kind: "found", status };
  } catch (error) {
    const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
    if (awsErrorName(cause) === "CredentialsProviderError") return { kind: "no-credentials" };
    return { kind: "unknown", why: describeCause(cause) };
  }
}

/**
 * The lint warnings as lines, each naming the resource (where known: `pulumi preview --diff` prints warnings
 * apart from the resources), the property and the JSON path. A secret document's warnings quote nothing:
 * each names its rule and what the rule is about, which is what `acceptedWarnings` takes.
 */
function warningLines(
  name: string,
  warnings: readonly PolicyProblem[],
  document: Field & { kind: "string" },
): string[] {
  const prefix = name ? `${name}: ` : "";
  return warnings.map((problem) => {
    const message =
      document.secret && problem.rule
        ? `${LINT_RULES[problem.rule]} (rule ${problem.rule}; policyDocument is secret, so its values are not shown)`
        : document.secret
          ? withoutValuesOf(document.value, problem.message)
          : problem.message;
    return `${prefix}policyDocument ${problem.path}: ${message}`;
  });
}

function unknownPropertyFailures(news: Fields): NamedFailure[] {
  return Object.keys(news)
    .filter((key) => !(CHECKED_KEYS as readonly string[]).includes(key) && news[key]?.kind !== "absent")
    .map((key) => ({
      property: key,
      reason: `${key} is not a property of a ResourcePolicy; it takes workspaceId, policyDocument, region and acceptedWarnings`,
    }));
}

function workspaceIdFailures(field: Field): NamedFailure[] {
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

function regionFailures(field: Field): NamedFailure[] {
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

export interface ResourceDiffRequest {
  /** The state (the last outputs). */
  olds: Fields;
  /** The checked new inputs. */
  news: Fields;
  providerRegion: string | undefined;
}

export interface ResourceDiffResponse {
  /** Each changed property and how; empty when nothing changes. */
  detailedDiff: Record<string, DiffKind>;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/**
 * Compares the state with the checked inputs. A document that grants the same access (formatting, order)
 * is no change; a new workspace or region replaces. A document that grants other access changes `access`
 * too, whose old and new maps the engine shows side by side, so a reviewer reads who gains and loses what
 * under the resource, on stdout and in `--json`. The engine's refresh calls this with AWS's state as the
 * olds and the program's inputs as the news, and turns the answer round itself, so `access` reads from
 * the state to what AWS holds there: the direction is the engine's, never decided here.
 */
export function diff(request: ResourceDiffRequest): ResourceDiffResponse {
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
  if (documentKind && accessChanges(oldDocument, newDocument)) detailedDiff.access = "update";
  const replaces = Object.keys(detailedDiff).filter((key) => detailedDiff[key]?.endsWith("-replace"));
  return {
    detailedDiff,
    replaces,
    // Only the region changes, so the old policy may sit on the very workspace the new one goes to (a region
    // written differently): delete it first, or the create would find it and refuse to overwrite it.
    deleteBeforeReplace: regionKind !== undefined && workspaceKind === undefined,
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

/** True when two documents grant different access, or the new one is not known yet. */
function accessChanges(old: Field, next: Field): boolean {
  if (next.kind !== "string" || old.kind !== "string") return true;
  const before = accessOf(old.value);
  const after = accessOf(next.value);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].some((key) => before[key] !== after[key]);
}

// --- create --------------------------------------------------------------------------------------------

export interface ResourceCreateRequest {
  /** The resource's name in the program, for the import command an existing policy calls for. */
  name: string;
  inputs: Fields;
  options: OperationOptions;
}

/** Puts the policy and waits until it is ACTIVE; the ID is the workspace ID. */
export async function create(
  context: ResourceContext,
  request: ResourceCreateRequest,
): Promise<{ id: string; state: ResourcePolicyOutputs }> {
  const inputs = knownInputs(request.inputs, "creating the resource policy");
  const client = context.clientFor(inputs.region);
  const state = await lifecycle().createResourcePolicy(client, inputs, {
    ...request.options,
    resourceName: request.name,
  });
  return { id: state.workspaceId, state: outputsOf(state) };
}

// --- read ----------------------------------------------------------------------------------------------

export interface ResourceReadRequest {
  id: string;
  /** The state; empty for an import, which has only the ID. */
  state: Fields;
  /** The old inputs (refresh), whose text and region are kept where AWS means the same. */
  inputs: Fields;
  signal?: AbortSignal;
}

export interface ResourceReadResponse {
  id: string;
  state: ResourcePolicyOutputs;
  /** The inputs that reproduce the state: what a program would declare, and the access it grants. */
  inputs: ResourcePolicyReadInputs;
}

/**
 * Import (only an ID: `ws-…` or `ws-…@REGION`) returns the policy as state and as inputs that reproduce it;
 * importing a workspace that has no policy fails and says so. Refresh returns what AWS holds, keeping the
 * state's text where the remote document means the same; a policy gone reads as undefined.
 */
export async function read(
  context: ResourceContext,
  request: ResourceReadRequest,
): Promise<ResourceReadResponse | undefined> {
  return Object.keys(request.state).length === 0
    ? readForImport(context, request)
    : readForRefresh(context, request);
}

async function readForImport(
  context: ResourceContext,
  request: ResourceReadRequest,
): Promise<ResourceReadResponse> {
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
  return {
    id: workspaceId,
    state: outputsOf(state),
    inputs: { ...inputs, access: accessOf(inputs.policyDocument) },
  };
}

async function readForRefresh(
  context: ResourceContext,
  request: ResourceReadRequest,
): Promise<ResourceReadResponse | undefined> {
  const held = stringsOf(request.state);
  const declared = stringsOf(request.inputs);
  const workspaceId = held.workspaceId ?? parseImportId(request.id).workspaceId;
  const client = context.clientFor(held.region);
  const state = await lifecycle().readResourcePolicy(
    client,
    workspaceId,
    {
      ...(held.policyDocument !== undefined ? { policyDocument: held.policyDocument } : {}),
      ...(held.region ? { region: held.region } : {}),
    },
    { signal: request.signal },
  );
  if (!state) return undefined;
  // The old inputs' text may differ from the state's in formatting only; keep it where it means the same.
  const inputDocument = declared.policyDocument;
  const keepInputText = inputDocument !== undefined && equivalent(inputDocument, state.policyDocument);
  const inputs = {
    workspaceId: state.workspaceId,
    policyDocument: keepInputText ? inputDocument : state.policyDocument,
    ...(declared.region ? { region: declared.region } : {}),
  };
  return {
    id: request.id || workspaceId,
    state: outputsOf(state),
    inputs: { ...inputs, access: accessOf(inputs.policyDocument) },
  };
}

// --- update --------------------------------------------------------------------------------------------

export interface ResourceUpdateRequest {
  id: string;
  olds: Fields;
  news: Fields;
  options: OperationOptions;
}

/**
 * Puts the new document over the revision in state and waits until it is ACTIVE. A policy changed outside
 * the program fails with the conflict, which says to run `pulumi refresh`.
 */
export async function update(
  context: ResourceContext,
  request: ResourceUpdateRequest,
): Promise<ResourcePolicyOutputs> {
  const olds = knownState(request.olds, request.id, "updating the resource policy");
  const news = knownInputs(request.news, "updating the resource policy");
  const state = await lifecycle().updateResourcePolicy(
    context.clientFor(olds.region),
    olds,
    news,
    request.options,
  );
  return outputsOf(state);
}

// --- delete --------------------------------------------------------------------------------------------

export interface ResourceDeleteRequest {
  id: string;
  state: Fields;
  options: OperationOptions;
}

/** Deletes the revision in state and waits until it is gone; a policy already gone is success. */
async function deleteResource(context: ResourceContext, request: ResourceDeleteRequest): Promise<void> {
  const state = knownState(request.state, request.id, "deleting the resource policy");
  await lifecycle().deleteResourcePolicy(context.clientFor(state.region), state, request.options);
}

// `delete` is a reserved word: the engine's name for the operation is exported under it.
export { deleteResource as delete };

// --- helpers -------------------------------------------------------------------------------------------

/** The state with the access its document grants: every state the engine receives, a partial write's too. */
export function outputsOf(state: ResourcePolicyState): ResourcePolicyOutputs {
  return { ...state, access: accessOf(state.policyDocument) };
}

/** The inputs, all known; an unknown or missing value outside preview is the engine's mistake, said plainly. */
function knownInputs(fields: Fields, action: string): ResourcePolicyInputs {
  const { region } = stringsOf(fields);
  return {
    workspaceId: requireString(fields, "workspaceId", action),
    policyDocument: requireString(fields, "policyDocument", action),
    ...(region ? { region } : {}),
  };
}

/** The state the engine holds; the ID stands in for a workspaceId missing from it. */
function knownState(fields: Fields, id: string, action: string): ResourcePolicyState {
  const held = stringsOf(fields);
  return {
    workspaceId:
      held.workspaceId ?? (id ? parseImportId(id).workspaceId : requireString(fields, "workspaceId", action)),
    policyDocument: held.policyDocument ?? "",
    policyStatus: held.policyStatus ?? "",
    revisionId: requireString(fields, "revisionId", action),
    ...(held.region ? { region: held.region } : {}),
  };
}

/** The properties of a state or of inputs that hold known strings, read once: the rest are left out. */
function stringsOf(fields: Fields): Partial<Record<keyof ResourcePolicyState, string>> {
  const strings: Partial<Record<keyof ResourcePolicyState, string>> = {};
  for (const key of STATE_KEYS) {
    const value = stringOf(fieldOf(fields, key));
    if (value !== undefined) strings[key] = value;
  }
  return strings;
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

// The look at a workspace loads the AWS SDK only when a preview first makes one.
function describe(): typeof DescribeModule {
  return require("./describe");
}
