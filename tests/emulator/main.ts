/** `make emulator`: runs the AMP emulator alone with one demo workspace, until Ctrl-C. */
import { AmpEmulator, EMULATOR_CREDENTIALS } from "./server";

const USAGE =
  "usage: node build/tests/emulator/main.js [PORT]   (or PORT=... in the environment; default: a free port)";

/** The port from the first argument, else PORT, else 0 (a free one). */
function portFrom(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  const raw = argv[0] ?? env.PORT ?? "0";
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`starting the AMP emulator: port "${raw}" is not a number from 0 to 65535. ${USAGE}`);
  }
  return port;
}

async function main(): Promise<void> {
  const emulator = await AmpEmulator.start({ port: portFrom(process.argv.slice(2), process.env) });
  const workspace = emulator.createWorkspace("demo");
  console.log(`AMP emulator listening at ${emulator.endpoint}`);
  console.log("Point the AWS SDK, CLI or provider at it with:");
  console.log(`  export AWS_ENDPOINT_URL_AMP=${emulator.endpoint}`);
  console.log(`  export AWS_REGION=${emulator.region}`);
  console.log(`  export AWS_ACCESS_KEY_ID=${EMULATOR_CREDENTIALS.accessKeyId}`);
  console.log(`  export AWS_SECRET_ACCESS_KEY=${EMULATOR_CREDENTIALS.secretAccessKey}`);
  console.log(`Demo workspace: ${workspace.workspaceId} (${workspace.arn})`);
  console.log("Press Ctrl-C to stop.");

  const stop = async (): Promise<void> => {
    await emulator.close();
    console.log("AMP emulator stopped.");
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
