/** The ResourceProvider gRPC service: each RPC wired to its handler, every failure to a gRPC status. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { RESOURCE_TYPE } from "@awsamp/core/types";
import { EngineLog } from "@awsamp/engine/engineLog";
import { saidOnceInCommand } from "@awsamp/engine/saidOnce";
import { type handleUnaryCall, Server, ServerCredentials, type ServerUnaryCall } from "@grpc/grpc-js";
import type { PluginAttach } from "@pulumi/pulumi/proto/plugin_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { type IResourceProviderServer, ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import {
  type CheckRequest,
  type ConfigureRequest,
  type CreateRequest,
  type DeleteRequest,
  type DiffRequest,
  type GetMappingRequest,
  GetMappingResponse,
  type GetMappingsRequest,
  GetMappingsResponse,
  type GetSchemaRequest,
  GetSchemaResponse,
  type ProviderHandshakeRequest,
  ProviderHandshakeResponse,
  type ReadRequest,
  type UpdateRequest,
} from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Cancellation } from "./cancellation";
import { InvalidRequestError } from "./errors";
import {
  checkRpc,
  createRpc,
  deleteRpc,
  diffRpc,
  type HandlerContext,
  readRpc,
  updateRpc,
  type WaitOptions,
} from "./handlers";
import {
  checkRequestFrom,
  checkResponseOf,
  configureRequestFrom,
  configureResponseOf,
  createRequestFrom,
  createResponseOf,
  deleteRequestFrom,
  diffRequestFrom,
  diffResponseOf,
  readRequestFrom,
  readResponseOf,
  serviceErrorOf,
  updateRequestFrom,
  updateResponseOf,
} from "./protocol";
import { checkConfig, diffConfig, ProviderConfiguration } from "./providerConfig";

/** Messages up to the engine's own limit: a policy is small, but a schema or a state need not be. */
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

/** schema.json, which `make build` copies beside the compiled plugin: the package's one description. */
const SCHEMA: { version: string } = JSON.parse(readFileSync(path.join(__dirname, "schema.json"), "utf8"));

/**
 * The plugin's version, which GetPluginInfo reports and the engine matches against the program's: the
 * schema's, as every SDK's is, so there is one version in one place.
 */
export const PLUGIN_VERSION: string = SCHEMA.version;

function packageSchema(): string {
  return JSON.stringify(SCHEMA);
}

export interface PluginServerOptions {
  /** The engine's address, for log lines; Handshake and Attach may supply it later. */
  engineAddress?: string;
  /** How the operations wait, where not the core's default (a benchmark's reference poller). */
  waits?: WaitOptions;
}

export interface PluginServer {
  port: number;
  /** Stops accepting calls, aborts those in flight, and closes the plugin's clients. */
  stop(): Promise<void>;
}

/** Starts the service on 127.0.0.1 on a free port. */
export async function startPluginServer(options: PluginServerOptions = {}): Promise<PluginServer> {
  const provider = new ProviderService(new EngineLog(options.engineAddress), options.waits ?? {});
  const server = new Server({
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    // Channelz keeps statistics of every call for a debugging service this plugin does not serve: a
    // preview makes two calls per resource one after another, and each pays for the bookkeeping.
    "grpc.enable_channelz": 0,
  });
  server.addService(ResourceProviderService, provider.implementation());
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    port,
    stop: async () => {
      provider.cancellation.cancelAll();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      provider.close();
    },
  };
}

/** The RPCs this plugin serves; the others (Invoke, Call, Construct, Parameterize, List) answer UNIMPLEMENTED. */
type ServedRpcs = Pick<
  IResourceProviderServer,
  | "handshake"
  | "getPluginInfo"
  | "getSchema"
  | "attach"
  | "cancel"
  | "getMapping"
  | "getMappings"
  | "checkConfig"
  | "diffConfig"
  | "configure"
  | "check"
  | "diff"
  | "create"
  | "read"
  | "update"
  | "delete"
>;

class ProviderService {
  readonly cancellation = new Cancellation();
  /** The CLI is the plugin's parent: its preview and update phases start one plugin each. */
  private readonly said = saidOnceInCommand(process.ppid);
  private config = new ProviderConfiguration();

  constructor(
    private readonly log: EngineLog,
    private readonly waits: WaitOptions,
  ) {}

  /** Every RPC the plugin serves: the plugin's own, the provider configuration's, and the resource's. */
  implementation(): ServedRpcs {
    return { ...this.pluginRpcs(), ...this.configRpcs(), ...this.resourceRpcs() };
  }

  private pluginRpcs(): Pick<
    ServedRpcs,
    "handshake" | "getPluginInfo" | "getSchema" | "attach" | "cancel" | "getMapping" | "getMappings"
  > {
    return {
      handshake: this.unary((request: ProviderHandshakeRequest) => {
        this.log.connect(request.getEngineAddress());
        return new ProviderHandshakeResponse()
          .setAcceptSecrets(true)
          .setAcceptResources(false)
          .setAcceptOutputs(false)
          .setSupportsAutonamingConfiguration(false);
      }),
      getPluginInfo: this.unary(() => new PluginInfo().setVersion(PLUGIN_VERSION)),
      getSchema: this.unary((request: GetSchemaRequest) => {
        if (request.getSubpackageName()) {
          throw new InvalidRequestError(`awsamp has no subpackage ${request.getSubpackageName()}`);
        }
        return new GetSchemaResponse().setSchema(packageSchema());
      }),
      attach: this.unary((request: PluginAttach) => {
        this.log.connect(request.getAddress());
        return new Empty();
      }),
      cancel: this.unary(() => {
        this.cancellation.cancelAll();
        return new Empty();
      }),
      getMapping: this.unary((_: GetMappingRequest) => new GetMappingResponse().setProvider("").setData("")),
      getMappings: this.unary((_: GetMappingsRequest) => new GetMappingsResponse()),
    };
  }

  private configRpcs(): Pick<ServedRpcs, "checkConfig" | "diffConfig" | "configure"> {
    return {
      checkConfig: this.unary((request: CheckRequest) =>
        checkResponseOf(checkConfig(checkRequestFrom(request))),
      ),
      diffConfig: this.unary((request: DiffRequest) => diffResponseOf(diffConfig(diffRequestFrom(request)))),
      configure: this.unary((request: ConfigureRequest) => {
        // The previous configuration is not destroyed: a call still in flight may be using its clients.
        this.config = ProviderConfiguration.fromConfigure(configureRequestFrom(request));
        return configureResponseOf({ acceptSecrets: true, supportsPreview: true });
      }),
    };
  }

  private resourceRpcs(): Pick<ServedRpcs, "check" | "diff" | "create" | "read" | "update" | "delete"> {
    return {
      check: this.resourceWithoutWaits(async (context, request: CheckRequest) =>
        checkResponseOf(await checkRpc(context, checkRequestFrom(request))),
      ),
      diff: this.resourceWithoutWaits(async (context, request: DiffRequest) =>
        diffResponseOf(await diffRpc(context, diffRequestFrom(request))),
      ),
      create: this.resource(async (context, request: CreateRequest) =>
        createResponseOf(await createRpc(context, createRequestFrom(request))),
      ),
      read: this.resource(async (context, request: ReadRequest) =>
        readResponseOf(await readRpc(context, readRequestFrom(request))),
      ),
      update: this.resource(async (context, request: UpdateRequest) =>
        updateResponseOf(await updateRpc(context, updateRequestFrom(request))),
      ),
      delete: this.resource(async (context, request: DeleteRequest) => {
        await deleteRpc(context, deleteRequestFrom(request));
        return new Empty();
      }),
    };
  }

  close(): void {
    this.config.destroy();
    this.log.close();
  }

  /**
   * A unary RPC: runs the handler, waits until its log lines reached the engine (so they show before the
   * step completes), then answers with the result or with the failure as a gRPC status.
   */
  private unary<Req, Res>(
    handle: (request: Req, signal: AbortSignal) => Res | Promise<Res>,
  ): handleUnaryCall<Req, Res> {
    return (call: ServerUnaryCall<Req, Res>, callback) => {
      const rpc = new AbortController();
      let answered = false;
      // grpc-js reports every call as cancelled once its status is sent; only a cancel that comes before
      // the answer is the engine giving up on the call.
      call.once("cancelled", () => {
        if (!answered) rpc.abort(new Error("the engine cancelled the call"));
      });
      Promise.resolve()
        .then(() => handle(call.request, rpc.signal))
        .finally(() => this.log.flush())
        .then(
          (response) => {
            answered = true;
            callback(null, response);
          },
          (error: unknown) => {
            answered = true;
            callback(serviceErrorOf(error));
          },
        );
    };
  }

  /**
   * A unary RPC on a resource that never waits (Check, Diff): checks the type, and refuses after Cancel as
   * every operation does, but registers nothing for Cancel to abort, since the handler holds no wait.
   */
  private resourceWithoutWaits<Req extends { getUrn(): string }, Res>(
    handle: (context: HandlerContext, request: Req) => Promise<Res>,
  ): handleUnaryCall<Req, Res> {
    return this.unary((request: Req, signal) => {
      requireResourceType(request.getUrn());
      this.cancellation.refuseAfterCancel();
      return handle(
        { config: this.config, log: this.log, signal, said: this.said, waits: this.waits },
        request,
      );
    });
  }

  /** A unary RPC on a resource: checks the type, and gives the handler a signal Cancel aborts. */
  private resource<Req extends { getUrn(): string }, Res>(
    handle: (context: HandlerContext, request: Req) => Promise<Res>,
  ): handleUnaryCall<Req, Res> {
    return this.unary(async (request: Req, signal) => {
      requireResourceType(request.getUrn());
      const operation = this.cancellation.begin(signal);
      try {
        return await handle(
          {
            config: this.config,
            log: this.log,
            signal: operation.signal,
            said: this.said,
            waits: this.waits,
          },
          request,
        );
      } finally {
        operation.done();
      }
    });
  }
}

/** The resource type in a URN (`urn:pulumi:STACK::PROJECT::[PARENT$]TYPE::NAME`) must be the one this plugin has. */
function requireResourceType(urn: string): void {
  const qualifiedType = urn.split("::")[2];
  const type = qualifiedType?.split("$").pop();
  if (type !== undefined && type !== RESOURCE_TYPE) {
    throw new InvalidRequestError(`awsamp has no resource type ${type}; it has ${RESOURCE_TYPE}`);
  }
}
