/** The policy written as a typed object instead of JSON: the compiler checks its shape, the provider turns it into JSON. */
import * as awsamp from "@awsamp/awsamp";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const workspace = new aws.amp.Workspace("example", { alias: "example-workspace" });
const current = aws.getCallerIdentityOutput({});

const document: awsamp.types.input.PolicyDocumentArgs = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "OwnAccountWritesAndQueries",
      Effect: "Allow",
      Principal: { AWS: [pulumi.interpolate`arn:aws:iam::${current.accountId}:root`] },
      Action: [
        "aps:RemoteWrite",
        "aps:QueryMetrics",
        "aps:GetSeries",
        "aps:GetLabels",
        "aps:GetMetricMetadata",
      ],
      Resource: [workspace.arn],
    },
    {
      Sid: "GrafanaQueries",
      Effect: "Allow",
      Principal: { Service: ["grafana.amazonaws.com"] },
      Action: ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"],
      Resource: [workspace.arn],
    },
  ],
};

const policy = new awsamp.ResourcePolicy("typed", {
  workspaceId: workspace.id,
  policyDocument: document,
});

export const workspaceId = workspace.id;
export const policyJson = policy.policyDocument;
