/** Describes a workspace's policy: the one look at AWS that every operation, wait and retry makes. */
import { type AmpClient, DescribeResourcePolicyCommand } from "@aws-sdk/client-amp";
import { AwsRequestError, awsErrorName } from "./errors";
import type { RemoteResourcePolicy } from "./types";

/** Describes the policy; undefined when there is none or no workspace. Other failures are wrapped. */
export async function findResourcePolicyByWorkspaceID(
  client: AmpClient,
  workspaceId: string,
  action = "describing the resource policy",
  signal?: AbortSignal,
): Promise<RemoteResourcePolicy | undefined> {
  try {
    const out = await client.send(new DescribeResourcePolicyCommand({ workspaceId }), {
      abortSignal: signal,
    });
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
