/** An end-to-end program that adopts an existing policy with the `import` resource option. */
import * as awsamp from "@awsamp/awsamp";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const workspaceId = config.require("workspaceId");

const policy = new awsamp.ResourcePolicy(
  "adopted",
  { workspaceId, policyDocument: config.require("policyDocument") },
  { import: workspaceId },
);

export const revisionId = policy.revisionId;
