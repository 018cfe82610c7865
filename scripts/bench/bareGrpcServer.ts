/**
 * The floor for plugin start-up: a node process that only starts a @grpc/grpc-js server answering
 * GetPluginInfo through the same proto stubs as the plugin, and prints its port as the plugin does.
 */
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { type IResourceProviderServer, ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";

const service: Pick<IResourceProviderServer, "getPluginInfo"> = {
  getPluginInfo: (_call, callback) => callback(null, new PluginInfo().setVersion("0.0.0")),
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
