/**
 * examples/basic's policy on a workspace the stack config names: what `make demo` runs against the AMP
 * emulator, where @pulumi/aws cannot run to make the workspace or look up the caller's account. Setting
 * `monitoringAccount` is the edit a pull request would make: that account may query too.
 */
import * as awsamp from "@awsamp/awsamp";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const workspaceId = config.require("workspaceId");
const workspaceArn = config.require("workspaceArn");
const monitoringAccount = config.get("monitoringAccount");

const statements: awsamp.types.input.PolicyStatementArgs[] = [
  {
    Effect: "Allow",
    Principal: { AWS: [config.require("accountId")] },
    Action: [
      "aps:RemoteWrite",
      "aps:QueryMetrics",
      "aps:GetSeries",
      "aps:GetLabels",
      "aps:GetMetricMetadata",
    ],
    Resource: [workspaceArn],
  },
];
if (monitoringAccount) {
  statements.push({
    Effect: "Allow",
    Principal: { AWS: [monitoringAccount] },
    Action: ["aps:QueryMetrics"],
    Resource: [workspaceArn],
  });
}

const policy = new awsamp.ResourcePolicy("basic", {
  workspaceId,
  policyDocument: { Version: "2012-10-17", Statement: statements },
});

export const policyRevision = policy.revisionId;
