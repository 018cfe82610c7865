/** The basic policy through the dynamic provider: nothing to install but @awsamp/dynamic, no awsamp plugin. */
import * as dynamic from "@awsamp/dynamic";
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

const policy = new dynamic.ResourcePolicy("example", {
  workspaceId: workspace.id,
  policyDocument: document.json,
});

export const workspaceId = workspace.id;
export const policyRevision = policy.revisionId;
