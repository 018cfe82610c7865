/** The plugin's entry point: serves the ResourceProvider service and prints its port, as the engine expects. */
import { engineAddressFrom } from "@awsamp/engine/engineLog";
import { watchEngine } from "./engineWatch";
import { startPluginServer } from "./server";

async function main(): Promise<void> {
  const engineAddress = engineAddressFrom(process.argv.slice(2));
  const server = await startPluginServer({ engineAddress });
  // The engine reads the first stdout line as the port; nothing may be printed before it.
  process.stdout.write(`${server.port}\n`);
  const stop = () => {
    // Calls in flight get a moment to answer their cancellation; then the process goes regardless.
    setTimeout(() => process.exit(0), 2000).unref();
    void server.stop().finally(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  // A CLI killed (SIGKILL from a CI timeout, SIGPIPE from `pulumi preview | head`) sends no signal: without
  // this the plugin would wait forever. Waits in flight are cancelled, as at a Cancel; nothing can reach the
  // engine any more, so its state stays as it last recorded it.
  watchEngine({ parentPid: process.ppid, ...(engineAddress ? { engineAddress } : {}), onGone: stop });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`awsamp: the provider plugin could not start: ${message}\n`);
    process.exit(1);
  });
}
