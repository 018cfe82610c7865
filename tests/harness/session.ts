/** One engine and one plugin for a describe block, configured for an AMP emulator, plus shared fixtures. */

import { type PropertyObject, secret } from "@awsamp/plugin/values";
import { EMULATOR_CREDENTIALS } from "../emulator/server";
import { FakeEngine } from "./engine";
import { configureRequest } from "./messages";
import { type PluginLaunch, PluginProcess } from "./plugin";

/** Where an AMP endpoint is: what Configure needs to reach an emulator. */
export interface EmulatorAddress {
  endpoint: string;
  region: string;
}

/** The provider's inputs (Configure's args) for an emulator, credentials secret as the engine sends them. */
export function emulatorConfigArgs(emulator: EmulatorAddress): PropertyObject {
  return {
    region: emulator.region,
    endpoint: emulator.endpoint,
    accessKey: secret(EMULATOR_CREDENTIALS.accessKeyId),
    secretKey: secret(EMULATOR_CREDENTIALS.secretAccessKey),
  };
}

/** The same configuration as stack config variables (`awsamp:config:key`), as older engines send it. */
export function emulatorConfigVariables(emulator: EmulatorAddress): Record<string, string> {
  return {
    "awsamp:config:region": emulator.region,
    "awsamp:config:endpoint": emulator.endpoint,
    "awsamp:config:accessKey": EMULATOR_CREDENTIALS.accessKeyId,
    "awsamp:config:secretKey": EMULATOR_CREDENTIALS.secretAccessKey,
  };
}

/** A policy granting `principal` the given actions on a workspace. */
export function policyDocument(
  workspaceArn: string,
  options: { principal?: string; actions?: string[] } = {},
): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CrossAccountWrite",
        Effect: "Allow",
        Principal: { AWS: options.principal ?? "arn:aws:iam::210987654321:root" },
        Action: options.actions ?? ["aps:RemoteWrite"],
        Resource: workspaceArn,
      },
    ],
  });
}

/** The same document with another layout and key order: it means the same. */
export function reformatted(document: string): string {
  const parsed: unknown = JSON.parse(document);
  return JSON.stringify(reverseKeys(parsed), null, 4);
}

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, inner]) => [key, reverseKeys(inner)]),
    );
  }
  return value;
}

/** An engine and a plugin launched against it. */
export interface PluginSession {
  engine: FakeEngine;
  plugin: PluginProcess;
  stop(): Promise<void>;
}

/**
 * Starts an engine and a plugin; with `emulator`, Configure points the plugin at it through the provider's
 * inputs (endpoint, region, secret credentials), as a program's provider configuration would. `config`
 * adds to those inputs (or is all of them, without `emulator`), such as `skipWorkspaceCheck: "true"`.
 */
export async function startSession(
  options: {
    emulator?: EmulatorAddress;
    config?: PropertyObject;
    launch?: Omit<PluginLaunch, "engineAddress">;
  } = {},
): Promise<PluginSession> {
  const engine = await FakeEngine.start();
  const plugin = await PluginProcess.launch({ ...options.launch, engineAddress: engine.address });
  if (options.emulator || options.config) {
    const args = { ...(options.emulator ? emulatorConfigArgs(options.emulator) : {}), ...options.config };
    await plugin.configure(configureRequest({ args }));
  }
  return {
    engine,
    plugin,
    stop: async () => {
      await plugin.stop();
      await engine.stop();
    },
  };
}
