/**
 * Describes a workspace's policy, the one look at AWS that every operation, wait and retry makes, and the
 * workspace itself, which a preview looks at before a policy is first put on it.
 */
import { type AmpClient, DescribeResourcePolicyCommand, DescribeWorkspaceCommand } from "@aws-sdk/client-amp";
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
