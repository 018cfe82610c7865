/**
 * The awsamp plugin with Terraform's poll schedule in place of the core's waits (learning nothing): the
 * reference the lone-apply benchmark runs side by side with the plugin, so that only the waits differ.
 */

import { TERRAFORM_POLL_SCHEDULE } from "@awsamp/core/settleTimes";
import { engineAddressFrom } from "@awsamp/engine/engineLog";
import { startPluginServer } from "@awsamp/plugin/server";

async function main(): Promise<void> {
  const server = await startPluginServer({
    engineAddress: engineAddressFrom(process.argv.slice(2)),
    waits: { poll: TERRAFORM_POLL_SCHEDULE, learn: false },
  });
  process.stdout.write(`${server.port}\n`);
  const stop = () => void server.stop().finally(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`the reference plugin could not start: ${String(error)}\n`);
  process.exit(1);
});
