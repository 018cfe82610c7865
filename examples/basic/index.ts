/** The caller's own account may write to and query the workspace: Terraform's "Basic Resource Policy". */
import * as awsamp from "@awsamp/awsamp";
import * as aws from "@pulumi/aws";

const workspace = new aws.amp.Workspace("example", { alias: "example-workspace" });
const current = aws.getCallerIdentityOutput({});
const document = aws.iam.getPolicyDocumentOutput({
  statements: [
    {
      effect: "Allow",
      principals: [{ type: "AWS", identifiers: [current.accountId] }],
      actions: [
        "aps:RemoteWrite",
        "aps:QueryMetrics",
        "aps:GetSeries",
        "aps:GetLabels",
        "aps:GetMetricMetadata",
      ],
      resources: [workspace.arn],
    },
  ],
});

const policy = new awsamp.ResourcePolicy("example", {
  workspaceId: workspace.id,
  policyDocument: document.json,
});

export const workspaceId = workspace.id;
export const policyRevision = policy.revisionId;
