/** AMP's workspace and resource-policy operations as the emulator serves them: routes, checks and answers. */
import { conflictError, notFoundError, type ResourceType, validationError } from "./apiErrors";
import { reformatPolicyDocument } from "./reformat";
import { type AmpState, type PolicyView, partitionOf, type SettleTimes, type WorkspaceView } from "./state";

export type OperationName =
  | "CreateWorkspace"
  | "DescribeWorkspace"
  | "ListWorkspaces"
  | "DeleteWorkspace"
  | "PutResourcePolicy"
  | "DescribeResourcePolicy"
  | "DeleteResourcePolicy"
  | "UnknownOperation";

/** Which operation a request is, and the workspace its path names. */
export interface Route {
  operation: OperationName;
  workspaceId?: string;
}

export interface ApiRequest {
  route: Route;
  query: URLSearchParams;
  body: string;
}

/** A successful answer; `workspaceId` is the workspace it concerns, for the request log. */
export interface Answer {
  status: number;
  body?: Record<string, unknown>;
  workspaceId?: string;
}

/** The settings the operations read on every request, so a test can change them between requests. */
export interface ServiceSettings {
  readonly settle: SettleTimes;
  readonly reformatDocuments: boolean;
  readonly maxPolicyDocumentBytes: number;
}

/** The revision ID that makes a put succeed only where the workspace has no policy yet. */
export const NO_POLICY = "NO_POLICY";

const WORKSPACE_ID = /^[0-9A-Za-z][-.0-9A-Z_a-z]*$/;
const CLIENT_TOKEN = /^[!-~]{1,64}$/;
const MAX_ALIAS_LENGTH = 100;
const DEFAULT_MAX_RESULTS = 100;
const MAX_MAX_RESULTS = 1000;

/** The actions AMP accepts in a resource policy, lower-cased: IAM compares action names without case. */
const PROMETHEUS_COMPATIBLE_ACTIONS: ReadonlySet<string> = new Set(
  ["aps:RemoteWrite", "aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"].map(
    (action) => action.toLowerCase(),
  ),
);

/** One statement of a policy document, as parsed. */
type Statement = Readonly<Record<string, unknown>>;

/** A policy document that passed the checks AMP makes of its text, and its statements. */
interface CheckedDocument {
  text: string;
  statements: readonly Statement[];
}

/** Maps a method and path to an operation, as the client's HTTP bindings lay them out. */
export function routeOf(method: string, path: string): Route {
  const segments = path.split("/").filter((segment) => segment.length > 0);
  if (segments[0] !== "workspaces" || segments.length > 3) return { operation: "UnknownOperation" };
  if (segments.length === 1) {
    if (method === "POST") return { operation: "CreateWorkspace" };
    if (method === "GET") return { operation: "ListWorkspaces" };
    return { operation: "UnknownOperation" };
  }
  const workspaceId = decodeSegment(segments[1] ?? "");
  const operation = segments.length === 2 ? workspaceOperation(method) : policyOperation(method, segments[2]);
  return { operation, workspaceId };
}

function workspaceOperation(method: string): OperationName {
  if (method === "GET") return "DescribeWorkspace";
  if (method === "DELETE") return "DeleteWorkspace";
  return "UnknownOperation";
}

function policyOperation(method: string, segment: string | undefined): OperationName {
  if (segment !== "policy") return "UnknownOperation";
  if (method === "PUT") return "PutResourcePolicy";
  if (method === "GET") return "DescribeResourcePolicy";
  if (method === "DELETE") return "DeleteResourcePolicy";
  return "UnknownOperation";
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The service: AMP's checks over the state, with client-token idempotency for every write. */
export class AmpService {
  /** The first answer to each (operation, client token), and a fingerprint of the request it answered. */
  private readonly answered = new Map<string, { fingerprint: string; answer: Answer }>();

  constructor(
    private readonly state: AmpState,
    private readonly settings: ServiceSettings,
  ) {}

  /** Answers one request, or throws the ApiError AMP would answer with. */
  handle(request: ApiRequest): Answer {
    switch (request.route.operation) {
      case "CreateWorkspace":
        return this.createWorkspace(request);
      case "DescribeWorkspace":
        return this.describeWorkspace(request);
      case "ListWorkspaces":
        return this.listWorkspaces(request);
      case "DeleteWorkspace":
        return this.deleteWorkspace(request);
      case "PutResourcePolicy":
        return this.putResourcePolicy(request);
      case "DescribeResourcePolicy":
        return this.describeResourcePolicy(request);
      case "DeleteResourcePolicy":
        return this.deleteResourcePolicy(request);
      case "UnknownOperation":
        throw validationError(
          "The emulator serves only the workspace and resource-policy operations of AMP; this method and path " +
            "match none of them.",
          "UNKNOWN_OPERATION",
        );
    }
  }

  /** Forgets every client token. */
  clearClientTokens(): void {
    this.answered.clear();
  }

  private createWorkspace(request: ApiRequest): Answer {
    const input = parseBody(request.body);
    const alias = optionalAlias(input);
    const tags = optionalTags(input);
    const kmsKeyArn = optionalString(input, "kmsKeyArn");
    const clientToken = optionalClientToken(input.clientToken);
    return this.once("CreateWorkspace", clientToken, [alias, tags, kmsKeyArn], "Workspace", () => {
      const workspace = this.state.addWorkspace({
        alias,
        tags,
        kmsKeyArn,
        settleMs: this.settings.settle.workspaceCreateMs,
      });
      const body = {
        workspaceId: workspace.workspaceId,
        arn: workspace.arn,
        status: { statusCode: "CREATING" },
        tags: workspace.tags,
        ...(kmsKeyArn === undefined ? {} : { kmsKeyArn }),
      };
      return { status: 202, body, workspaceId: workspace.workspaceId };
    });
  }

  private describeWorkspace(request: ApiRequest): Answer {
    const workspace = this.existingWorkspace(request, "describing the workspace");
    return { status: 200, body: { workspace: workspaceJson(workspace) }, workspaceId: workspace.workspaceId };
  }

  /** Lists workspaces whose alias starts with the `alias` query, a page of `maxResults` at a time. */
  private listWorkspaces(request: ApiRequest): Answer {
    const aliasPrefix = request.query.get("alias");
    const maxResults = queryInteger(request.query, "maxResults", DEFAULT_MAX_RESULTS, 1, MAX_MAX_RESULTS);
    const start = queryInteger(request.query, "nextToken", 0, 0, Number.MAX_SAFE_INTEGER);
    const matching = this.state
      .allWorkspaces()
      .filter((workspace) => aliasPrefix === null || (workspace.alias ?? "").startsWith(aliasPrefix));
    const page = matching.slice(start, start + maxResults);
    const next = start + maxResults < matching.length ? { nextToken: String(start + maxResults) } : {};
    return { status: 200, body: { workspaces: page.map(workspaceJson), ...next } };
  }

  private deleteWorkspace(request: ApiRequest): Answer {
    const workspaceId = requireWorkspaceId(request.route);
    const clientToken = optionalClientToken(request.query.get("clientToken") ?? undefined);
    return this.once("DeleteWorkspace", clientToken, [workspaceId], "Workspace", () => {
      this.activeWorkspace(request, "deleting the workspace");
      this.state.beginWorkspaceDeletion(workspaceId, this.settings.settle.workspaceDeleteMs);
      return { status: 202, workspaceId };
    });
  }

  private putResourcePolicy(request: ApiRequest): Answer {
    const workspaceId = requireWorkspaceId(request.route);
    const input = parseBody(request.body);
    const document = validPolicyDocument(input.policyDocument, this.settings.maxPolicyDocumentBytes);
    const revisionId = optionalString(input, "revisionId");
    const clientToken = optionalClientToken(input.clientToken);
    const fingerprint = [workspaceId, document.text, revisionId];
    return this.once("PutResourcePolicy", clientToken, fingerprint, "ResourcePolicy", () => {
      const action = "putting the resource policy";
      this.activeWorkspace(request, action);
      // Inside `once`, so a put refused while a principal propagates can be retried with its client token.
      this.checkPrincipalsValid(document.statements);
      this.checkPolicyWritable(workspaceId, revisionId, action);
      const written = this.state.writePolicy(workspaceId, document.text, this.settings.settle);
      return {
        status: 202,
        body: { policyStatus: written.policyStatus, revisionId: written.revisionId },
        workspaceId,
      };
    });
  }

  private describeResourcePolicy(request: ApiRequest): Answer {
    const workspace = this.existingWorkspace(request, "describing the resource policy");
    const policy = this.existingPolicy(workspace.workspaceId, "describing the resource policy");
    const policyDocument = this.settings.reformatDocuments
      ? reformattedOrAsStored(policy.policyDocument, partitionOf(this.state.region))
      : policy.policyDocument;
    return { status: 200, body: { ...policy, policyDocument }, workspaceId: workspace.workspaceId };
  }

  private deleteResourcePolicy(request: ApiRequest): Answer {
    const workspaceId = requireWorkspaceId(request.route);
    const clientToken = optionalClientToken(request.query.get("clientToken") ?? undefined);
    const revisionId = request.query.get("revisionId") ?? undefined;
    return this.once("DeleteResourcePolicy", clientToken, [workspaceId, revisionId], "ResourcePolicy", () => {
      const action = "deleting the resource policy";
      this.activeWorkspace(request, action);
      this.existingPolicy(workspaceId, action);
      this.checkPolicyWritable(workspaceId, revisionId, action);
      this.state.beginPolicyDeletion(workspaceId, this.settings.settle.policyDeleteMs);
      return { status: 202, workspaceId };
    });
  }

  /**
   * Runs a write once per client token. The same token with the same request gets the first answer back
   * without writing again; with a different request it is refused. AMP documents no mismatch exception, so
   * this answers ConflictException, as AWS services with AMP's error model do. Refused writes are not
   * remembered, so a retry after fixing the cause goes through.
   */
  private once(
    operation: OperationName,
    clientToken: string | undefined,
    request: unknown[],
    resourceType: ResourceType,
    write: () => Answer,
  ): Answer {
    if (clientToken === undefined) return write();
    const key = `${operation}\n${clientToken}`;
    const fingerprint = JSON.stringify(request);
    const first = this.answered.get(key);
    if (first === undefined) {
      const answer = write();
      this.answered.set(key, { fingerprint, answer });
      return answer;
    }
    if (first.fingerprint !== fingerprint) {
      throw conflictError(
        `${operation}: client token ${clientToken} was already used with different parameters. ` +
          `Send a new client token for a new request, or resend the first request unchanged.`,
        first.answer.workspaceId ?? "",
        resourceType,
      );
    }
    return first.answer;
  }

  private existingWorkspace(request: ApiRequest, action: string): WorkspaceView {
    const workspaceId = requireWorkspaceId(request.route);
    const workspace = this.state.workspace(workspaceId);
    if (!workspace) {
      throw notFoundError(`${action}: workspace ${workspaceId} does not exist.`, workspaceId, "Workspace");
    }
    return workspace;
  }

  private activeWorkspace(request: ApiRequest, action: string): WorkspaceView {
    const workspace = this.existingWorkspace(request, action);
    if (workspace.status !== "ACTIVE") {
      throw conflictError(
        `${action}: workspace ${workspace.workspaceId} is ${workspace.status}; retry once it is ACTIVE.`,
        workspace.workspaceId,
        "Workspace",
      );
    }
    return workspace;
  }

  private existingPolicy(workspaceId: string, action: string): PolicyView {
    const policy = this.state.policy(workspaceId);
    if (!policy) {
      throw notFoundError(
        `${action}: workspace ${workspaceId} has no resource policy.`,
        workspaceId,
        "ResourcePolicy",
      );
    }
    return policy;
  }

  /** AMP asks IAM for each AWS principal, and IAM does not know one it has not propagated yet. */
  private checkPrincipalsValid(statements: readonly Statement[]): void {
    for (const statement of statements) {
      const principal = statement.Principal;
      if (principal === null || typeof principal !== "object" || Array.isArray(principal)) continue;
      for (const arn of valuesOf((principal as Statement).AWS)) {
        if (typeof arn === "string" && !this.state.principalValid(arn)) {
          throw validationError(
            `Invalid principal in policy: "AWS":"${arn}"`,
            "FIELD_VALIDATION_FAILED",
            "policyDocument",
          );
        }
      }
    }
  }

  /** A write needs an ACTIVE policy (or none) and, when a revision is named, that revision to be current. */
  private checkPolicyWritable(workspaceId: string, revisionId: string | undefined, action: string): void {
    const current = this.state.policy(workspaceId);
    const conflict = (why: string) => conflictError(`${action}: ${why}`, workspaceId, "ResourcePolicy");
    if (current && current.policyStatus !== "ACTIVE") {
      throw conflict(
        `the policy of workspace ${workspaceId} is ${current.policyStatus}; retry once it is ACTIVE.`,
      );
    }
    if (revisionId === undefined) return;
    if (revisionId === NO_POLICY && current) {
      throw conflict(
        `revision ${NO_POLICY} asks for a workspace without a policy, but workspace ${workspaceId} has ` +
          `revision ${current.revisionId}.`,
      );
    }
    if (revisionId !== NO_POLICY && revisionId !== current?.revisionId) {
      const found = current ? `the current revision is ${current.revisionId}` : "the workspace has no policy";
      throw conflict(
        `revision ${revisionId} is not the current one (${found}). Describe the policy and retry.`,
      );
    }
  }
}

/** A workspace as DescribeWorkspace and ListWorkspaces carry it; times in epoch seconds. */
function workspaceJson(workspace: WorkspaceView): Record<string, unknown> {
  return {
    workspaceId: workspace.workspaceId,
    arn: workspace.arn,
    status: { statusCode: workspace.status },
    createdAt: workspace.createdAt.getTime() / 1000,
    prometheusEndpoint: workspace.prometheusEndpoint,
    tags: workspace.tags,
    ...(workspace.alias === undefined ? {} : { alias: workspace.alias }),
    ...(workspace.kmsKeyArn === undefined ? {} : { kmsKeyArn: workspace.kmsKeyArn }),
  };
}

/** A document put out of band need not be JSON; such a one comes back as it was stored. */
function reformattedOrAsStored(policyDocument: string, partition: string): string {
  try {
    return reformatPolicyDocument(policyDocument, partition);
  } catch {
    return policyDocument;
  }
}

function requireWorkspaceId(route: Route): string {
  const workspaceId = route.workspaceId ?? "";
  if (workspaceId.length > 64 || !WORKSPACE_ID.test(workspaceId)) {
    throw validationError(
      `workspaceId "${workspaceId}" is malformed: it must be 1 to 64 letters, digits, '-', '.' or '_', ` +
        `starting with a letter or digit.`,
      "FIELD_VALIDATION_FAILED",
      "workspaceId",
    );
  }
  return workspaceId;
}

/** The JSON object of a request body; an absent body is an empty object. */
function parseBody(body: string): Record<string, unknown> {
  if (body.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw validationError(`The request body is not JSON: ${(error as Error).message}`, "CANNOT_PARSE");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw validationError("The request body must be a JSON object.", "CANNOT_PARSE");
  }
  return parsed as Record<string, unknown>;
}

function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string")
    throw validationError(`${field} must be a string.`, "FIELD_VALIDATION_FAILED", field);
  return value;
}

function optionalClientToken(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !CLIENT_TOKEN.test(value)) {
    throw validationError(
      "clientToken must be 1 to 64 printable ASCII characters without spaces.",
      "FIELD_VALIDATION_FAILED",
      "clientToken",
    );
  }
  return value;
}

/** AMP strips blanks around an alias, then wants 1 to 100 characters. */
function optionalAlias(input: Record<string, unknown>): string | undefined {
  const alias = optionalString(input, "alias")?.trim();
  if (alias !== undefined && (alias.length === 0 || alias.length > MAX_ALIAS_LENGTH)) {
    throw validationError(
      `alias must be 1 to ${MAX_ALIAS_LENGTH} characters.`,
      "FIELD_VALIDATION_FAILED",
      "alias",
    );
  }
  return alias;
}

function optionalTags(input: Record<string, unknown>): Record<string, string> {
  const tags = input.tags;
  if (tags === undefined || tags === null) return {};
  const valid =
    typeof tags === "object" &&
    !Array.isArray(tags) &&
    Object.values(tags).every((v) => typeof v === "string");
  if (!valid) throw validationError("tags must map strings to strings.", "FIELD_VALIDATION_FAILED", "tags");
  return { ...(tags as Record<string, string>) };
}

function queryInteger(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw validationError(
      `${name} must be an integer from ${min} to ${max}.`,
      "FIELD_VALIDATION_FAILED",
      name,
    );
  }
  return value;
}

/**
 * AMP's checks on a policy document: present, within the size limit, JSON, with a Statement, granting only
 * Prometheus-compatible actions.
 */
function validPolicyDocument(value: unknown, maxBytes: number): CheckedDocument {
  const refuse = (why: string) =>
    validationError(`policyDocument ${why}`, "FIELD_VALIDATION_FAILED", "policyDocument");
  if (typeof value !== "string" || value.length === 0)
    throw refuse("is required and must be a non-empty string.");
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > maxBytes) throw refuse(`is ${bytes} bytes long; the limit is ${maxBytes} bytes.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw refuse(`is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw refuse("must be a JSON object.");
  }
  const statement = (parsed as Record<string, unknown>).Statement;
  const hasStatement = Array.isArray(statement)
    ? statement.length > 0
    : statement !== null && typeof statement === "object";
  if (!hasStatement) throw refuse("must have a Statement: an object or a non-empty array of them.");
  const statements = (Array.isArray(statement) ? statement : [statement]).filter(
    (each): each is Statement => each !== null && typeof each === "object" && !Array.isArray(each),
  );
  checkActions(statements);
  return { text: value, statements };
}

/**
 * AMP's API reference says actions other than the five "will be ignored", but a public test of the real
 * service (Classmethod's engineering blog, January 2026) found them refused, `*` included: a double that
 * accepted them would pass a policy here that AWS refuses.
 */
function checkActions(statements: readonly Statement[]): void {
  for (const statement of statements) {
    for (const action of [...valuesOf(statement.Action), ...valuesOf(statement.NotAction)]) {
      if (typeof action === "string" && PROMETHEUS_COMPATIBLE_ACTIONS.has(action.toLowerCase())) continue;
      const named = typeof action === "string" ? action : JSON.stringify(action);
      throw validationError(
        `Policy document contains unsupported action: ${named}. Only Prometheus-compatible actions are ` +
          "supported.",
        "FIELD_VALIDATION_FAILED",
        "policyDocument",
      );
    }
  }
}

/** A policy element's values: IAM allows one value or a list of them. */
function valuesOf(element: unknown): readonly unknown[] {
  if (element === undefined) return [];
  return Array.isArray(element) ? element : [element];
}
