/**
 * The floor for plugin start-up: a node process that only starts a @grpc/grpc-js server through the same
 * proto stubs as the plugin, prints its port as the plugin does, and answers each call with no work.
 */
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { type IResourceProviderServer, ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import {
  CheckResponse,
  ConfigureResponse,
  CreateResponse,
  DiffResponse,
  ProviderHandshakeResponse,
} from "@pulumi/pulumi/proto/provider_pb";

/**
 * GetPluginInfo is all a spawn-level start needs. The rest is what the engine calls in `pulumi preview` of
 * one new resource (Handshake first, then the provider's config, then Check and a preview Create), answered
 * without looking at the request, so that the engine-level floor's preview runs to its end as awsamp's does.
 */
const service: Pick<
  IResourceProviderServer,
  "handshake" | "getPluginInfo" | "checkConfig" | "configure" | "check" | "diff" | "create"
> = {
  handshake: (_call, callback) =>
    callback(null, new ProviderHandshakeResponse().setAcceptSecrets(true).setAcceptResources(false)),
  getPluginInfo: (_call, callback) => callback(null, new PluginInfo().setVersion("0.0.0")),
  checkConfig: (call, callback) => callback(null, new CheckResponse().setInputs(call.request.getNews())),
  configure: (_call, callback) =>
    callback(null, new ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true)),
  check: (call, callback) => callback(null, new CheckResponse().setInputs(call.request.getNews())),
  diff: (_call, callback) =>
    callback(null, new DiffResponse().setChanges(DiffResponse.DiffChanges.DIFF_NONE)),
  create: (call, callback) =>
    callback(null, new CreateResponse().setId("").setProperties(call.request.getProperties())),
};

const server = new Server();
server.addService(ResourceProviderService, service);
server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    process.stderr.write(`bare gRPC server: could not listen: ${error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${port}\n`);
});
process.once("SIGTERM", () => server.tryShutdown(() => process.exit(0)));
