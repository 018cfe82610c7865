/** The dynamic ResourcePolicy: the same resource as the plugin's, for programs that do not install the plugin. */
import * as pulumi from "@pulumi/pulumi";
import { type PolicyDocument, policyDocumentJson } from "./policyDocumentInput";
import { resourcePolicyProviderFor } from "./resourcePolicyProvider";

/** The module and type pulumi.dynamic.Resource is given; it registers `pulumi-nodejs:dynamic/MODULE:TYPE`. */
const MODULE = "awsamp";
const TYPE = "ResourcePolicy";

/** The type token the resource is registered under, as its URN and `pulumi stack export` show it. */
export const DYNAMIC_TYPE = `pulumi-nodejs:dynamic/${MODULE}:${TYPE}`;

/** The set of arguments for constructing a dynamic ResourcePolicy; as awsamp.ResourcePolicy's. */
export interface ResourcePolicyArgs {
  /** The ID of the workspace to attach the policy to. Changing it replaces the resource. */
  workspaceId: pulumi.Input<string>;
  /**
   * The policy document, as JSON text or as a policy document object. Only aps:RemoteWrite,
   * aps:QueryMetrics, aps:GetSeries, aps:GetLabels and aps:GetMetricMetadata take effect, and its resource
   * must be the workspace's ARN. A change that grants the same access shows no diff.
   */
  policyDocument: pulumi.Input<string | PolicyDocument>;
  /** The region of the workspace, when it is not the provider's. Changing it replaces the resource. */
  region?: pulumi.Input<string>;
  /** Lint rules whose warnings this resource has accepted (`["cross-account-kms"]`); nothing in AWS changes. */
  acceptedWarnings?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The resource-based policy of an Amazon Managed Service for Prometheus workspace, managed by a dynamic
 * provider that runs in the Pulumi program's own Node.js: no plugin to install. It reads the stack config
 * `awsamp:region`, `awsamp:endpoint`, `awsamp:profile` and the AWS environment. It cannot be imported, and
 * its operations always use the 5-minute default deadline; use awsamp.ResourcePolicy (the plugin) for those.
 *
 * @example
 * const policy = new awsamp.dynamic.ResourcePolicy("policy", {
 *   workspaceId: workspace.id,
 *   policyDocument: document.json,
 * });
 */
export class ResourcePolicy extends pulumi.dynamic.Resource {
  /**
   * What the policy grants: one entry per principal and Prometheus-compatible action, valued allow or deny;
   * previews show its change.
   */
  declare public readonly access: pulumi.Output<Record<string, string>>;
  /** The policy document as JSON. */
  declare public readonly policyDocument: pulumi.Output<string>;
  /** The status of the policy: CREATING, ACTIVE, UPDATING or DELETING. */
  declare public readonly policyStatus: pulumi.Output<string>;
  /** The region of the workspace, when it is not the provider's. */
  declare public readonly region: pulumi.Output<string | undefined>;
  /** The revision of the policy; updates and deletes name it, so a change made elsewhere is never overwritten. */
  declare public readonly revisionId: pulumi.Output<string>;
  /** The ID of the workspace the policy is attached to. */
  declare public readonly workspaceId: pulumi.Output<string>;

  constructor(name: string, args: ResourcePolicyArgs, opts?: pulumi.CustomResourceOptions) {
    if (args?.policyDocument === undefined) {
      throw new Error("Missing required property 'policyDocument'");
    }
    if (args?.workspaceId === undefined) {
      throw new Error("Missing required property 'workspaceId'");
    }
    const properties = {
      acceptedWarnings: args.acceptedWarnings,
      access: undefined,
      policyDocument: policyDocumentJson(args.policyDocument),
      policyStatus: undefined,
      region: args.region,
      revisionId: undefined,
      workspaceId: args.workspaceId,
    };
    // The engine assigns the URN only once the inputs, the serialized provider among them, are registered,
    // so the provider gets the one the engine will assign, computed as the SDK computes it.
    const urn = pulumi.createUrn(name, DYNAMIC_TYPE, opts?.parent);
    super(resourcePolicyProviderFor(promiseOf(urn)), name, properties, opts, MODULE, TYPE);
  }
}

/** An Output's value as a promise, which Pulumi's closure serialization resolves into the provider's code. */
function promiseOf(output: pulumi.Output<string>): Promise<string> {
  return new Promise((resolve) => output.apply(resolve));
}
