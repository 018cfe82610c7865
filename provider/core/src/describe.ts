/**
 * Describes a workspace's policy, the one look at AWS that every operation, wait and retry makes, and the
 * workspace itself, which a preview looks at before a policy is first put on it.
 */
import { type AmpClient, DescribeResourcePolicyCommand, DescribeWorkspaceCommand } from "@aws-sdk/client-amp";
import { AwsRequestError, awsErrorName } from "./errors";
import type { RemoteResourcePolicy } from "./types";

/** What a Describe is part of, and what it tells its caller on the way. */
export interface DescribeOptions {
  /** What was being done, for the error ("describing the resource policy" unless said). */
  action?: string;
  signal?: AbortSignal;
  /**
   * Called as each attempt leaves for AWS: after the client's rate limit let it go (rateLimiter.ts), so a
   * wait can tell its time in that queue from AMP's.
   */
  onSent?: () => void;
}

/** Describes the policy; undefined when there is none or no workspace. Other failures are wrapped. */
export async function findResourcePolicyByWorkspaceID(
  client: AmpClient,
  workspaceId: string,
  { action = "describing the resource policy", signal, onSent }: DescribeOptions = {},
): Promise<RemoteResourcePolicy | undefined> {
  try {
    const command = new DescribeResourcePolicyCommand({ workspaceId });
    if (onSent) {
      // The deserialize step runs for each attempt after the client's finalizeRequest middleware (the rate
      // limit's turn among them), right before the request is sent.
      command.middlewareStack.add(
        (next) => (args) => {
          onSent();
          return next(args);
        },
        { step: "deserialize", priority: "low", name: "awsampSent" },
      );
    }
    const out = await client.send(command, { abortSignal: signal });
    return {
      workspaceId,
      policyDocument: out.policyDocument ?? "",
      policyStatus: out.policyStatus ?? "",
      revisionId: out.revisionId ?? "",
    };
  } catch (error) {
    if (awsErrorName(error) === "ResourceNotFoundException") return undefined;
    throw new AwsRequestError(action, workspaceId, error);
  }
}

/** Describes the workspace; its status (ACTIVE, CREATING…), or undefined when there is no such workspace. */
export async function findWorkspaceByID(
  client: AmpClient,
  workspaceId: string,
  action: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    const out = await client.send(new DescribeWorkspaceCommand({ workspaceId }), { abortSignal: signal });
    return out.workspace?.status?.statusCode ?? "";
  } catch (error) {
    if (awsErrorName(error) === "ResourceNotFoundException") return undefined;
    throw new AwsRequestError(action, workspaceId, error);
  }
}
