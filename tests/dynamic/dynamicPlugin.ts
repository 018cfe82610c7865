/**
 * The dynamic-provider plugin @pulumi/pulumi ships (pulumi-resource-pulumi-nodejs), launched as the engine
 * launches it and driven through tests/harness, and the serialized provider a program registers.
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as dynamic from "@awsamp/dynamic";
import type { PropertyObject } from "@awsamp/plugin/values";
import { secret } from "@awsamp/plugin/values";
import { type AmpEmulator, EMULATOR_CREDENTIALS } from "../emulator/server";
import { configureRequest } from "../harness/messages";
import { REPO_ROOT } from "../harness/plugin";
import { type PluginSession, startSession } from "../harness/session";
import { onlyOfType, runProgram } from "../sdk/programMocks";

/** The dynamic resource's type token, which the engine routes to pulumi-resource-pulumi-nodejs. */
export const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/awsamp:ResourcePolicy";

/** A URN for a dynamic ResourcePolicy named `name`. */
export function dynamicUrn(name: string): string {
  return `urn:pulumi:test::awsamp-test::${DYNAMIC_TYPE}::${name}`;
}

/**
 * Writes the launcher the Pulumi CLI ships as pulumi-resource-pulumi-nodejs: node on the program's own
 * @pulumi/pulumi/cmd/dynamic-provider, with the engine's address as its argument.
 */
function writeLauncher(): string {
  const directory = mkdtempSync(path.join(tmpdir(), "awsamp-dynamic-"));
  const launcher = path.join(directory, "pulumi-resource-pulumi-nodejs");
  writeFileSync(launcher, '#!/bin/sh\nexec node ./node_modules/@pulumi/pulumi/cmd/dynamic-provider "$@"\n');
  chmodSync(launcher, 0o755);
  return launcher;
}

/**
 * An engine and the dynamic-provider plugin, started in the repository (the program's directory, where
 * @awsamp/awsamp is installed) and configured as the engine configures dynamic providers: every stack config
 * key with its namespace, here `awsamp:*` pointing at the emulator.
 */
export async function startDynamicSession(emulator: AmpEmulator): Promise<PluginSession> {
  const session = await startSession({ launch: { command: writeLauncher(), cwd: REPO_ROOT } });
  await session.plugin.configure(
    configureRequest({
      args: {
        "awsamp:region": emulator.region,
        "awsamp:endpoint": emulator.endpoint,
        "awsamp:accessKey": secret(EMULATOR_CREDENTIALS.accessKeyId),
        "awsamp:secretKey": secret(EMULATOR_CREDENTIALS.secretAccessKey),
        "awsamp-test:unrelated": "other projects' config reaches dynamic providers too",
      },
    }),
  );
  return session;
}

/**
 * The `__provider` input a program's dynamic ResourcePolicy named `policy` registers: the provider's
 * serialized code, which carries the resource's URN, dynamicUrn("policy").
 */
export async function serializedProvider(): Promise<string> {
  const run = await runProgram(
    () => {
      new dynamic.ResourcePolicy("policy", { workspaceId: "ws-serialized", policyDocument: "{}" });
    },
    { project: "awsamp-test" },
  );
  const provider = onlyOfType(run, DYNAMIC_TYPE).inputs.__provider;
  if (typeof provider !== "string") throw new Error("the dynamic ResourcePolicy registered no __provider");
  return provider;
}

/** The inputs a program sends for a dynamic ResourcePolicy, the serialized provider included. */
export function dynamicInputs(
  provider: string,
  inputs: { workspaceId: string; policyDocument: string; region?: string },
): PropertyObject {
  return { __provider: provider, ...inputs };
}
