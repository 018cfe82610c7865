/** The plugin's entry point: serves the ResourceProvider service and prints its port, as the engine expects. */
import { startPluginServer } from "./server";

/**
 * The engine's address from the launch arguments: the first one that is not a logging or tracing flag
 * (the engine may pass `--logtostderr`, `--logflow`, `-v=N` and `--tracing ENDPOINT` before it).
 */
export function engineAddressFrom(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--tracing") i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return undefined;
}

async function main(): Promise<void> {
  // The engine shows the plugin's stderr to the user; the AWS SDK's notice that future releases will need
  // Node 22 says nothing about this plugin, which pins a release that supports Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
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
