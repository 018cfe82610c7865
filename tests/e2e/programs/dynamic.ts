/** An end-to-end program: the policy through the dynamic provider, which needs no awsamp plugin. */
import * as awsamp from "@awsamp/awsamp";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const policy = new awsamp.dynamic.ResourcePolicy("policy", {
  workspaceId: config.require("workspaceId"),
  policyDocument: config.require("policyDocument"),
});

export const revisionId = policy.revisionId;
