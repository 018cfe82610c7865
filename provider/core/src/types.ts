/** The shapes that cross the core's boundary: what a program declares and what the engine keeps in state. */

/** The resource's type token. */
export const RESOURCE_TYPE = "awsamp:index:ResourcePolicy";

/** What a program declares for one resource policy. */
export interface ResourcePolicyInputs {
  /** The ID of the workspace the policy is attached to; also the resource's ID. */
  workspaceId: string;
  /** The policy document, as JSON text. */
  policyDocument: string;
  /** The region of the workspace, when it is not the provider's. */
  region?: string;
}

/** What the engine keeps for a resource policy: the inputs and what AWS reported. */
export interface ResourcePolicyState extends ResourcePolicyInputs {
  policyStatus: string;
  revisionId: string;
}

/**
 * What a document grants, one entry per principal and Prometheus-compatible action, valued by its effect
 * (`{"arn:aws:iam::123456789012:root aps:RemoteWrite": "allow"}`): computed, shown to reviewers by the
 * engine's own diff.
 */
export type Access = Record<string, string>;

/** The state as the engine receives it: with the access its document grants. */
export interface ResourcePolicyOutputs extends ResourcePolicyState {
  access: Access;
}

/** The inputs that reproduce a policy (an import's, a refresh's), with the access they grant. */
export interface ResourcePolicyReadInputs extends ResourcePolicyInputs {
  access: Access;
}

/** The outputs only AWS can tell, after a write: a preview plans them as not known yet. */
export const AWS_ONLY_OUTPUTS = [
  "policyStatus",
  "revisionId",
] as const satisfies readonly (keyof ResourcePolicyOutputs)[];

/** What AWS holds for a workspace's policy, as one DescribeResourcePolicy answer. */
export interface RemoteResourcePolicy {
  workspaceId: string;
  policyDocument: string;
  policyStatus: string;
  revisionId: string;
}

/**
 * Answers, for a line or a set of lines, whether this is the first time it is said: what the adapters know of
 * what one `pulumi` command has told the user already (@awsamp/engine's saidOnce.ts).
 */
export interface SaidOnce {
  firstTime(key: string): boolean;
}
