/** What the core's specifications share: an emulator, a client over it, a fresh workspace per test, a fast poll. */
import type { AmpClient } from "@aws-sdk/client-amp";
import { createResourcePolicy, type OperationOptions } from "@awsamp/core";
import { createAmpClient } from "@awsamp/core/client";
import type { ResourcePolicyState } from "@awsamp/core/types";
import { AmpEmulator, emulatorClientConfig } from "../emulator/server";

/** Polls fast, so tests of waits take milliseconds rather than seconds. */
export const fast: OperationOptions = { poll: { firstMs: 20, growth: 2, maxGapMs: 100 } };

/** A policy for the workspace: the account 123456789012 may do `actions`. */
export function policyDocument(workspaceArn: string, actions: string[] = ["aps:RemoteWrite"]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: actions,
        Resource: workspaceArn,
      },
    ],
  });
}

/** The fixture of the test running now. */
export interface CoreFixture {
  emulator: AmpEmulator;
  client: AmpClient;
  workspaceId: string;
  workspaceArn: string;
  /** Creates the test's policy and returns its state. */
  created(actions?: string[]): Promise<ResourcePolicyState>;
}

/**
 * Registers the suite's hooks (an emulator and a client for the suite, a reset emulator and a new
 * workspace for each test) and hands each test its fixture. Call it at the top of a `describe`.
 */
export function useCoreFixture(): () => CoreFixture {
  let emulator: AmpEmulator;
  let client: AmpClient;
  let current: CoreFixture | undefined;
  before(async () => {
    emulator = await AmpEmulator.start();
    client = createAmpClient(emulatorClientConfig(emulator));
  });
  after(async () => {
    client.destroy();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    const { workspaceId, arn: workspaceArn } = emulator.createWorkspace();
    current = {
      emulator,
      client,
      workspaceId,
      workspaceArn,
      created: (actions) =>
        createResourcePolicy(
          client,
          { workspaceId, policyDocument: policyDocument(workspaceArn, actions) },
          fast,
        ),
    };
  });
  return () => {
    if (!current) throw new Error("the core fixture is made before each test");
    return current;
  };
}
