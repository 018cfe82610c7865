/** `make demo`: a resource policy's whole life through the core, against the embedded AMP emulator. */
import { createAmpClient } from "../provider/client";
import {
  createResourcePolicy,
  deleteResourcePolicy,
  readResourcePolicy,
  updateResourcePolicy,
} from "../provider/resourcePolicy";
import { AmpEmulator, emulatorClientConfig } from "../tests/emulator/server";

function policyFor(accountId: string, workspaceArn: string, actions: string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: actions,
        Resource: workspaceArn,
      },
    ],
  });
}

async function main(): Promise<void> {
  // Half a second per transition, so the waits are real but the demo stays quick.
  const emulator = await AmpEmulator.start({
    settle: { policyCreateMs: 500, policyUpdateMs: 500, policyDeleteMs: 500 },
  });
  try {
    const client = createAmpClient(emulatorClientConfig(emulator));
    const workspace = emulator.createWorkspace("demo");
    const { workspaceId } = workspace;
    console.log(`AMP emulator at ${emulator.endpoint}; workspace ${workspaceId}`);
    const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const started = Date.now();
      const result = await run();
      console.log(`${name.padEnd(7)} ${Date.now() - started} ms`);
      return result;
    };
    const onProgress = (p: { status: string; elapsedMs: number }) =>
      console.log(`          status ${p.status} after ${p.elapsedMs} ms`);

    const reader = policyFor("111122223333", workspace.arn, ["aps:QueryMetrics", "aps:GetSeries"]);
    const { state: created } = await step("create", () =>
      createResourcePolicy(client, { workspaceId, policyDocument: reader }, { onProgress }),
    );
    console.log(`          ${created.policyStatus}, revision ${created.revisionId}`);

    const read = await step("read", () => readResourcePolicy(client, workspaceId, created));
    console.log(`          ${read?.policyStatus}, the state's text kept: ${read?.policyDocument === reader}`);

    const writer = policyFor("111122223333", workspace.arn, [
      "aps:QueryMetrics",
      "aps:GetSeries",
      "aps:RemoteWrite",
    ]);
    const updated = await step("update", () =>
      updateResourcePolicy(client, created, { workspaceId, policyDocument: writer }, { onProgress }),
    );
    console.log(`          ${updated.policyStatus}, revision ${updated.revisionId}`);

    await step("delete", () => deleteResourcePolicy(client, updated, { onProgress }));
    const gone = await readResourcePolicy(client, workspaceId);
    console.log(`          policy gone: ${gone === undefined}`);
  } finally {
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
