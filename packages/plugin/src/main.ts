/** The plugin's entry point: serves the ResourceProvider service and prints its port, as the engine expects. */
import { engineAddressFrom } from "@awsamp/core/engineLog";
import { startPluginServer } from "./server";

async function main(): Promise<void> {
  const server = await startPluginServer({ engineAddress: engineAddressFrom(process.argv.slice(2)) });
  // The engine reads the first stdout line as the port; nothing may be printed before it.
  process.stdout.write(`${server.port}\n`);
  const stop = () => {
    // Calls in flight get a moment to answer their cancellation; then the process goes regardless.
    setTimeout(() => process.exit(0), 2000).unref();
    void server.stop().finally(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`awsamp: the provider plugin could not start: ${message}\n`);
    process.exit(1);
  });
}
