/**
 * Runs Pulumi programs under pulumi.runtime.setMocks, with AWS's workspaces and data sources mocked, and
 * records what they register as the engine would receive it (inputs, options, secrets).
 */
import { createHash } from "node:crypto";
import { accessOf } from "@awsamp/core/policy";
import * as pulumi from "@pulumi/pulumi";
import type {
  ReadResourceRequest,
  ReadResourceResponse,
  RegisterResourceRequest,
  RegisterResourceResponse,
} from "@pulumi/pulumi/proto/resource_pb";

export const ACCOUNT_ID = "111122223333";
export const REGION = "us-east-1";

/** The marker the engine protocol wraps a secret value in. */
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";

/** A secret value as the engine receives it. */
export function wrappedSecret(value: unknown): Record<string, unknown> {
  return { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
}

/** One resource registration (or read, for `get`), as the engine received it. */
export interface RegisteredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** The provider reference (`urn::id`), "" for the default provider. */
  provider: string;
  /** The import option's ID, or the ID `get` reads; "" for neither. */
  id: string;
  /** The version resource option, which tells the engine which plugin version to load. */
  version: string;
  additionalSecretOutputs: string[];
  /** The inputs that reached the engine wrapped as secrets. */
  secretInputs: string[];
  /** The URN the mock gave it. */
  urn: string;
}

export interface FunctionCall {
  token: string;
  args: Record<string, unknown>;
}

export interface ProgramRun {
  resources: RegisteredResource[];
  calls: FunctionCall[];
  /** What the program exports (its stack outputs), resolved. */
  outputs: Record<string, unknown>;
}

export interface RunOptions {
  project?: string;
  /** Stack config, by full key (`project:key`, `awsamp:region`). */
  config?: Record<string, string>;
}

/** The ID the mock gives a workspace named `name`: shaped like AMP's, and the same on every run. */
export function workspaceIdFor(name: string): string {
  const hex = createHash("sha256").update(name).digest("hex");
  return `ws-${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function workspaceArnFor(workspaceId: string): string {
  return `arn:aws:aps:${REGION}:${ACCOUNT_ID}:workspace/${workspaceId}`;
}

/**
 * Sets the mocks, runs `program` (which loads a program module or declares resources and returns what it
 * exports) and resolves once every registration reached the mock engine.
 *
 * @example
 * const run = await runProgram(() => loadProgram("build/examples/basic/index.js"));
 * run.resources.find((r) => r.type === "awsamp:index:ResourcePolicy");
 */
export async function runProgram(program: () => unknown, options: RunOptions = {}): Promise<ProgramRun> {
  const resources: RegisteredResource[] = [];
  const calls: FunctionCall[] = [];
  const requests = new Map<string, RequestOptions>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const request = requests.get(`${args.type}::${args.name}`);
        const id = args.id ?? "";
        const mocked = mockResource(args.type, args.name, args.inputs, id);
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          provider: args.provider ?? "",
          id,
          version: request?.version ?? "",
          additionalSecretOutputs: request?.additionalSecretOutputs ?? [],
          secretInputs: request?.secretInputs ?? [],
          urn: `urn:pulumi:test::${options.project ?? "project"}::${args.type}::${args.name}`,
        });
        return mocked;
      },
      call: (args) => {
        calls.push({ token: args.token, args: args.inputs });
        return mockCall(args.token, args.inputs);
      },
    },
    options.project ?? "project",
    "test",
    false,
  );
  recordRequests(requests);
  pulumi.runtime.setAllConfig(options.config ?? {});
  const exported = program();
  const outputs = await resolveExports(exported);
  await pulumi.runtime.disconnect();
  return { resources, calls, outputs };
}

/** Loads a compiled program afresh (its module runs again), returning its exports. */
export function loadProgram(modulePath: string): unknown {
  const resolved = require.resolve(modulePath);
  delete require.cache[resolved];
  return require(resolved);
}

/** The value an Output resolves to (under mocks every value is known). */
export function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** The only resource of a type; fails when there is none or more than one. */
export function onlyOfType(run: ProgramRun, type: string): RegisteredResource {
  const found = run.resources.filter((resource) => resource.type === type);
  if (found.length !== 1) {
    throw new Error(`expected one ${type}, the program registered ${found.length}: ${describe(run)}`);
  }
  return found[0] as RegisteredResource;
}

function describe(run: ProgramRun): string {
  return run.resources.map((resource) => `${resource.type} ${resource.name}`).join(", ") || "nothing";
}

/**
 * What the mocked AWS returns for a resource: IDs and ARNs shaped like AMP's; the ResourcePolicy ACTIVE, with
 * the access its document grants, as the provider computes it.
 */
function mockResource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  id: string,
): { id: string; state: Record<string, unknown> } {
  switch (type) {
    case "aws:amp/workspace:Workspace": {
      const workspaceId = workspaceIdFor(name);
      return { id: workspaceId, state: { ...inputs, arn: workspaceArnFor(workspaceId) } };
    }
    case "awsamp:index:ResourcePolicy":
    case "pulumi-nodejs:dynamic/awsamp:ResourcePolicy": {
      const workspaceId = id || String(inputs.workspaceId);
      const access = accessOf(inputs.policyDocument as Parameters<typeof accessOf>[0]);
      return {
        id: workspaceId,
        state: { ...inputs, workspaceId, policyStatus: "ACTIVE", revisionId: "rev-1", access },
      };
    }
    default:
      return { id: id || `${name}-id`, state: inputs };
  }
}

function mockCall(token: string, args: Record<string, unknown>): Record<string, unknown> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: ACCOUNT_ID,
        arn: `arn:aws:iam::${ACCOUNT_ID}:user/deployer`,
        id: ACCOUNT_ID,
        userId: "AIDAEXAMPLEUSERID",
      };
    case "aws:iam/getPolicyDocument:getPolicyDocument": {
      const document = policyDocumentOf(args.statements);
      return {
        id: "policy",
        json: JSON.stringify(document, null, 2),
        minifiedJson: JSON.stringify(document),
      };
    }
    case "aws:amp/getWorkspace:getWorkspace": {
      const workspaceId = String(args.workspaceId);
      return {
        id: workspaceId,
        workspaceId,
        arn: workspaceArnFor(workspaceId),
        status: "ACTIVE",
        alias: "adopted",
      };
    }
    default:
      throw new Error(`the mocks do not answer ${token}; add it to tests/sdk/programMocks.ts`);
  }
}

/** What iam.getPolicyDocument writes: a Sid on each statement, one-element lists as strings, principals by type. */
export function policyDocumentOf(statements: unknown): Record<string, unknown> {
  const list = Array.isArray(statements) ? statements : [];
  return {
    Version: "2012-10-17",
    Statement: list.map((statement: Record<string, unknown>) => ({
      Sid: statement.sid ?? "",
      Effect: statement.effect ?? "Allow",
      ...(statement.actions ? { Action: oneOrMany(statement.actions) } : {}),
      ...(statement.resources ? { Resource: oneOrMany(statement.resources) } : {}),
      ...(statement.principals ? { Principal: principalsOf(statement.principals) } : {}),
    })),
  };
}

function principalsOf(principals: unknown): Record<string, unknown> {
  const byType: Record<string, unknown[]> = {};
  for (const principal of Array.isArray(principals) ? principals : []) {
    const { type, identifiers } = principal as { type: string; identifiers: unknown[] };
    byType[type] = [...(byType[type] ?? []), ...identifiers];
  }
  return Object.fromEntries(Object.entries(byType).map(([type, ids]) => [type, oneOrMany(ids)]));
}

function oneOrMany(values: unknown): unknown {
  return Array.isArray(values) && values.length === 1 ? values[0] : values;
}

/** What the engine learns from a request beyond the mocks' arguments. */
interface RequestOptions {
  version: string;
  additionalSecretOutputs: string[];
  secretInputs: string[];
}

type Callback<T> = (error: Error | null, response?: T) => void;

interface RecordedMonitor {
  registerResource(request: RegisterResourceRequest, callback: Callback<RegisterResourceResponse>): void;
  readResource(request: ReadResourceRequest, callback: Callback<ReadResourceResponse>): void;
}

/** Keeps each request's options (version, secrets), which the mocks' arguments leave out, by type and name. */
function recordRequests(requests: Map<string, RequestOptions>): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as RecordedMonitor;
  const register = monitor.registerResource.bind(monitor);
  const read = monitor.readResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    requests.set(`${request.getType()}::${request.getName()}`, optionsOf(request, request.getObject()));
    register(request, callback);
  };
  monitor.readResource = (request, callback) => {
    requests.set(`${request.getType()}::${request.getName()}`, optionsOf(request, request.getProperties()));
    read(request, callback);
  };
}

function optionsOf(
  request: RegisterResourceRequest | ReadResourceRequest,
  properties: { toJavaScript(): Record<string, unknown> } | undefined,
): RequestOptions {
  return {
    version: request.getVersion(),
    additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    secretInputs: secretKeysOf(properties?.toJavaScript() ?? {}),
  };
}

function secretKeysOf(properties: Record<string, unknown>): string[] {
  return Object.entries(properties)
    .filter(([, value]) => {
      const wrapped = value as Record<string, unknown> | null;
      return typeof wrapped === "object" && wrapped !== null && wrapped[SIGNATURE_KEY] === SECRET_SIGNATURE;
    })
    .map(([key]) => key)
    .sort();
}

async function resolveExports(exported: unknown): Promise<Record<string, unknown>> {
  if (typeof exported !== "object" || exported === null) return {};
  const entries = await Promise.all(
    Object.entries(exported).map(async ([key, value]) => [
      key,
      pulumi.Output.isInstance(value) ? await resolved(value) : value,
    ]),
  );
  return Object.fromEntries(entries);
}
