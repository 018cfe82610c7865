/** Adopts a policy made outside Pulumi (console, CLI, Terraform): the `import` option reads it into the stack. */
import * as awsamp from "@awsamp/awsamp";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const workspaceId = config.require("workspaceId");

const workspace = aws.amp.getWorkspaceOutput({ workspaceId });
const current = aws.getCallerIdentityOutput({});
// The document must grant what the existing policy grants (formatting and order aside), or the import stops.
const document = aws.iam.getPolicyDocumentOutput({
  statements: [
    {
      effect: "Allow",
      principals: [{ type: "AWS", identifiers: [current.accountId] }],
      actions: ["aps:RemoteWrite", "aps:QueryMetrics"],
      resources: [workspace.arn],
    },
  ],
});

const policy = new awsamp.ResourcePolicy(
  "adopted",
  { workspaceId, policyDocument: document.json },
  { import: workspaceId },
);

export const policyRevision = policy.revisionId;
