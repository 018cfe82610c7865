/** The AMP API emulator: an HTTP server that speaks AMP's REST-JSON protocol over in-memory state, for tests. */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { AmpClientConfig, StaticCredentials } from "@awsamp/core/client";
import { ApiError, accessDeniedError, internalError, notFoundError } from "./apiErrors";
import { Faults } from "./faults";
import { AmpService, type ApiRequest, type OperationName, routeOf } from "./operations";
import { RequestLog, type RequestLogEntry } from "./requestLog";
import { AmpState, INSTANT_SETTLE, type PolicyView, type SettleTimes, type WorkspaceView } from "./state";

export type { DropOptions, FaultScope, Faults } from "./faults";
export type { OperationName } from "./operations";
export type { RequestLog, RequestLogEntry } from "./requestLog";
export type { PolicyView, SettleTimes, WorkspaceView } from "./state";

/**
 * The default largest policy document PutResourcePolicy accepts, in UTF-8 bytes. AWS documents no limit
 * for AMP's resource policies, so this value is chosen, not copied: 10 KiB, enough for any realistic policy
 * and small enough for a test to exceed it. Change it per emulator with `maxPolicyDocumentBytes`.
 */
export const DEFAULT_MAX_POLICY_DOCUMENT_BYTES = 10_240;

export const DEFAULT_REGION = "us-east-1";
export const DEFAULT_ACCOUNT_ID = "123456789012";

/** Dummy keys: the emulator checks that requests are signed, not with what. */
export const EMULATOR_CREDENTIALS: Readonly<StaticCredentials> = {
  accessKeyId: "AKIDEMULATOR",
  secretAccessKey: "emulator-secret",
};

/** A SigV4 Authorization header, as the SDK sends it; the signature itself is not verified. */
const SIGV4_AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=\S+/;

/** The region in a SigV4 credential scope: Credential=KEY/DATE/REGION/SERVICE/aws4_request. */
const SIGNED_REGION = /Credential=[^/]+\/\d{8}\/([^/]+)\//;

export interface AmpEmulatorOptions {
  /** The port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  region?: string;
  accountId?: string;
  /** Transition times; every one absent is 0 (instant). */
  settle?: Partial<SettleTimes>;
  /** Describe returns documents re-serialized (see `reformatDocuments`); off by default. */
  reformatDocuments?: boolean;
  maxPolicyDocumentBytes?: number;
  /** Refuse requests without a SigV4 Authorization header (403); on by default. */
  requireSignature?: boolean;
  /** The time in milliseconds; statuses, the throttling window and log times follow it. Date.now by default. */
  clock?: () => number;
}

/** A workspace made directly by a test. */
export interface OutOfBandWorkspace {
  tags?: Record<string, string>;
  /** Stay CREATING this long; 0 (the default) makes the workspace ACTIVE at once. */
  settleMs?: number;
}

/** One HTTP answer. */
interface Reply {
  status: number;
  headers: Record<string, string>;
  body?: Record<string, unknown>;
  workspaceId?: string;
}

/**
 * An AMP endpoint on 127.0.0.1 that a real AmpClient talks to. Statuses move with time, computed when
 * asked; out-of-band helpers play "someone else" changing AWS; `faults` injects failures; `log` records
 * every request.
 *
 * @example
 * const emulator = await AmpEmulator.start({ settle: { policyCreateMs: 200 } });
 * const client = createAmpClient(emulatorClientConfig(emulator));
 * const { workspaceId } = emulator.createWorkspace("demo");
 * // ... PutResourcePolicy through the client, then:
 * emulator.policyOf(workspaceId); // { policyDocument, policyStatus: "CREATING", revisionId }
 * await emulator.close();
 */
export class AmpEmulator {
  /** The base URL for the client's `endpoint`: http://127.0.0.1:PORT. */
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  /** Transition times, read at each transition's start: change a field to affect the next ones. */
  readonly settle: SettleTimes;
  readonly faults = new Faults();
  readonly log = new RequestLog();
  /**
   * When on, DescribeResourcePolicy returns the document as AWS may: keys reordered, whitespace changed,
   * account IDs among AWS principals written as root ARNs. The meaning is kept.
   */
  reformatDocuments: boolean;
  maxPolicyDocumentBytes: number;
  requireSignature: boolean;

  private readonly state: AmpState;
  private readonly service: AmpService;
  private readonly clock: () => number;
  private readonly closing = new AbortController();

  private constructor(
    private readonly server: Server,
    port: number,
    private readonly options: AmpEmulatorOptions,
  ) {
    this.endpoint = `http://127.0.0.1:${port}`;
    this.region = options.region ?? DEFAULT_REGION;
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    this.clock = options.clock ?? Date.now;
    this.settle = { ...INSTANT_SETTLE, ...options.settle };
    this.reformatDocuments = options.reformatDocuments ?? false;
    this.maxPolicyDocumentBytes = options.maxPolicyDocumentBytes ?? DEFAULT_MAX_POLICY_DOCUMENT_BYTES;
    this.requireSignature = options.requireSignature ?? true;
    this.state = new AmpState(this.region, this.accountId, this.clock);
    this.service = new AmpService(this.state, this);
  }

  /** Starts an emulator listening on 127.0.0.1. */
  static async start(options: AmpEmulatorOptions = {}): Promise<AmpEmulator> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const emulator = new AmpEmulator(server, port, options);
    server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      void emulator.serve(request, response);
    });
    return emulator;
  }

  /** How many requests the log holds, of one operation or of all. */
  count(operation?: OperationName): number {
    return this.log.count(operation);
  }

  clearLog(): void {
    this.log.clear();
  }

  /** Makes a workspace directly, ACTIVE at once unless `settleMs` says how long it stays CREATING. */
  createWorkspace(alias?: string, options: OutOfBandWorkspace = {}): WorkspaceView {
    return this.state.addWorkspace({
      ...(alias === undefined ? {} : { alias }),
      ...(options.tags === undefined ? {} : { tags: options.tags }),
      settleMs: options.settleMs ?? 0,
    });
  }

  /** A change made by someone else: stores a new revision, ACTIVE at once, whatever the policy's status. */
  putPolicyOutOfBand(workspaceId: string, policyDocument: string): string {
    this.requireWorkspace(workspaceId, "putting a policy out of band");
    return this.state.writePolicy(workspaceId, policyDocument, { policyCreateMs: 0, policyUpdateMs: 0 })
      .revisionId;
  }

  /** Removes a workspace's policy at once; nothing happens when it has none. */
  deletePolicyOutOfBand(workspaceId: string): void {
    this.requireWorkspace(workspaceId, "deleting a policy out of band");
    this.state.removePolicy(workspaceId);
  }

  /** Removes a workspace and its policy at once. */
  deleteWorkspaceOutOfBand(workspaceId: string): void {
    this.requireWorkspace(workspaceId, "deleting a workspace out of band");
    this.state.removeWorkspace(workspaceId);
  }

  /**
   * A principal made moments ago, which IAM has not propagated yet: until `ms` have passed on the emulator's
   * clock, PutResourcePolicy refuses a document that names it in a statement's Principal.AWS with AMP's
   * ValidationException `Invalid principal in policy: "AWS":"ARN"`. Principals never named here are valid.
   */
  principalValidAfter(principalArn: string, ms: number): void {
    this.state.addPropagatingPrincipal(principalArn, ms);
  }

  /** A workspace's policy as stored, with its status as of now; undefined when it has none. */
  policyOf(workspaceId: string): PolicyView | undefined {
    return this.state.policy(workspaceId);
  }

  /** A workspace with its status as of now; undefined when it does not exist. */
  workspaceOf(workspaceId: string): WorkspaceView | undefined {
    return this.state.workspace(workspaceId);
  }

  /**
   * Forgets every workspace, policy, propagating principal, client token and log entry, switches faults off,
   * and puts the settings (settle times, reformatting, size limit, signature check) back to those given at
   * start.
   */
  reset(): void {
    this.state.clear();
    this.service.clearClientTokens();
    this.log.clear();
    this.faults.clear();
    Object.assign(this.settle, INSTANT_SETTLE, this.options.settle);
    this.reformatDocuments = this.options.reformatDocuments ?? false;
    this.maxPolicyDocumentBytes = this.options.maxPolicyDocumentBytes ?? DEFAULT_MAX_POLICY_DOCUMENT_BYTES;
    this.requireSignature = this.options.requireSignature ?? true;
  }

  /** Stops listening and closes every connection, keep-alive ones included, so the process can exit. */
  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://emulator.invalid");
    const method = request.method ?? "GET";
    const route = routeOf(method, url.pathname);
    const entry = this.log.record({
      operation: route.operation,
      method,
      path: url.pathname,
      status: 0,
      at: this.clock(),
      ...(route.workspaceId === undefined ? {} : { workspaceId: route.workspaceId }),
    });
    try {
      const body = await readBody(request);
      Object.assign(entry, loggedBody(body), loggedQuery(url.searchParams));
      const drop = this.faults.takeDrop(route.operation);
      if (drop === "beforeHandling") return void request.socket.destroy();
      const reply = this.reply(request, { route, query: url.searchParams, body });
      if (drop === "afterHandling") return void request.socket.destroy();
      const delayMs = this.faults.delayFor(route.operation);
      if (delayMs > 0) await sleep(delayMs, undefined, { signal: this.closing.signal });
      entry.status = reply.status;
      if (reply.workspaceId !== undefined) entry.workspaceId = reply.workspaceId;
      send(response, reply);
    } catch {
      // The client went away, or the emulator is closing: there is no one left to answer.
      request.socket.destroy();
    }
  }

  /** The answer to one request: the signature check and faults first, then the operation. */
  private reply(request: IncomingMessage, apiRequest: ApiRequest): Reply {
    try {
      this.checkSignature(request.headers.authorization);
      this.checkRegion(request.headers.authorization, apiRequest.route.workspaceId);
      this.faults.admit(this.clock());
      this.faults.takeFailure(apiRequest.route.operation, apiRequest.route.workspaceId);
      const answer = this.service.handle(apiRequest);
      return {
        status: answer.status,
        headers: {},
        ...(answer.body === undefined ? {} : { body: answer.body }),
        ...(answer.workspaceId === undefined ? {} : { workspaceId: answer.workspaceId }),
      };
    } catch (error) {
      const apiError =
        error instanceof ApiError ? error : internalError(`The emulator failed: ${(error as Error).message}`);
      return {
        status: apiError.status,
        headers: { "x-amzn-errortype": apiError.type, ...apiError.headers },
        body: apiError.body(),
      };
    }
  }

  private checkSignature(authorization: string | undefined): void {
    if (!this.requireSignature) return;
    if (authorization === undefined || !SIGV4_AUTHORIZATION.test(authorization)) {
      throw accessDeniedError(
        "Missing Authentication Token: the request carries no SigV4 Authorization header " +
          "(AWS4-HMAC-SHA256 Credential=...). Sign requests with AWS credentials; any keys do for the emulator.",
      );
    }
  }

  /**
   * The emulator is one region: as in AWS, a request signed for another region (a client configured for
   * it) finds none of its workspaces.
   */
  private checkRegion(authorization: string | undefined, workspaceId: string | undefined): void {
    const signed = SIGNED_REGION.exec(authorization ?? "")?.[1];
    if (signed === undefined || signed === this.region || workspaceId === undefined) return;
    throw notFoundError(
      `workspace ${workspaceId} does not exist in ${signed} (the emulator holds ${this.region}).`,
      workspaceId,
      "Workspace",
    );
  }

  private requireWorkspace(workspaceId: string, action: string): void {
    if (!this.state.workspace(workspaceId)) {
      throw new Error(
        `${action}: workspace ${workspaceId} does not exist in the emulator; make it with createWorkspace().`,
      );
    }
  }
}

/**
 * The client configuration that points @awsamp/core's createAmpClient at an emulator.
 *
 * @example const client = createAmpClient({ ...emulatorClientConfig(emulator), maxAttempts: 1 });
 */
export function emulatorClientConfig(
  emulator: Pick<AmpEmulator, "region" | "endpoint">,
): Required<Pick<AmpClientConfig, "region" | "endpoint" | "credentials">> {
  return { region: emulator.region, endpoint: emulator.endpoint, credentials: { ...EMULATOR_CREDENTIALS } };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** The body for the log, when it is a JSON object. */
function loggedBody(body: string): Pick<RequestLogEntry, "body"> {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
      return { body: parsed as Record<string, unknown> };
    }
  } catch {
    // Not JSON: the log keeps no body, and the operation answers the parse error.
  }
  return {};
}

/** The query for the log, without presigning parameters, which carry a credential and a signature. */
function loggedQuery(query: URLSearchParams): Pick<RequestLogEntry, "query"> {
  const kept = [...query].filter(([name]) => !name.toLowerCase().startsWith("x-amz-"));
  return kept.length === 0 ? {} : { query: Object.fromEntries(kept) };
}

function send(response: ServerResponse, reply: Reply): void {
  const payload = reply.body === undefined ? "" : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    "x-amzn-requestid": randomUUID(),
    ...reply.headers,
  });
  response.end(payload);
}
