/** Amazon Managed Grafana may query the workspace: Terraform's "Service-Specific Access". */
import * as awsamp from "@awsamp/awsamp";
import * as aws from "@pulumi/aws";

const workspace = new aws.amp.Workspace("example", { alias: "example-workspace" });
const serviceAccess = aws.iam.getPolicyDocumentOutput({
  statements: [
    {
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["grafana.amazonaws.com"] }],
      actions: ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"],
      resources: [workspace.arn],
    },
  ],
});

const policy = new awsamp.ResourcePolicy("service_access", {
  workspaceId: workspace.id,
  policyDocument: serviceAccess.json,
});

export const workspaceId = workspace.id;
export const policyRevision = policy.revisionId;
