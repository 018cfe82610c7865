/** Another account may write metrics to the workspace and query them: Terraform's "Cross-Account Access". */
import * as awsamp from "@awsamp/awsamp";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const trustedAccountId = config.get("trustedAccountId") ?? "123456789012";

const workspace = new aws.amp.Workspace("example", { alias: "example-workspace" });
const crossAccount = aws.iam.getPolicyDocumentOutput({
  statements: [
    {
      effect: "Allow",
      principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${trustedAccountId}:root`] }],
      actions: ["aps:RemoteWrite", "aps:QueryMetrics"],
      resources: [workspace.arn],
    },
  ],
});

const policy = new awsamp.ResourcePolicy("cross_account", {
  workspaceId: workspace.id,
  policyDocument: crossAccount.json,
  // The workspace uses AWS's own key, so the trusted account needs no KMS grant: stop the reminder.
  acceptedWarnings: ["cross-account-kms"],
});

export const workspaceId = workspace.id;
export const policyRevision = policy.revisionId;
