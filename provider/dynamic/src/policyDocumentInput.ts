/** A policy document as a program writes it (JSON text, or an object whose values may be Outputs) and its JSON. */

import type * as policy from "@awsamp/core/policy/types";
import * as pulumi from "@pulumi/pulumi";

/**
 * T with every value, at any depth, allowed to be a pulumi.Input, since pulumi.output() resolves them all:
 * a statement's Resource may be a workspace's `arn` Output.
 */
export type DeepInput<T> = pulumi.Input<T extends object ? { [K in keyof T]: DeepInput<T[K]> } : T>;

/**
 * A resource policy document as an object, spelled as IAM spells it; any value in it may be an Output.
 *
 * @example
 * const document: PolicyDocument = {
 *   Version: "2012-10-17",
 *   Statement: [{ Effect: "Allow", Principal: { AWS: accountId }, Action: ["aps:RemoteWrite"], Resource: workspace.arn }],
 * };
 */
export type PolicyDocument = DeepInput<policy.PolicyDocument>;

/** One statement of a PolicyDocument; any value in it may be an Output. */
export type PolicyStatement = DeepInput<policy.PolicyStatement>;

/**
 * The JSON text a provider receives for a policy document: text as it is, an object as JSON once every
 * Output in it has resolved.
 */
export function policyDocumentJson(document: pulumi.Input<string | PolicyDocument>): pulumi.Output<string> {
  return pulumi
    .output(document)
    .apply((resolved) => (typeof resolved === "string" ? resolved : JSON.stringify(resolved)));
}
