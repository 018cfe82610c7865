/** An end-to-end program: the policy through the dynamic provider, which needs no awsamp plugin. */
import * as dynamic from "@awsamp/dynamic";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const policy = new dynamic.ResourcePolicy("policy", {
  workspaceId: config.require("workspaceId"),
  policyDocument: config.require("policyDocument"),
});

export const revisionId = policy.revisionId;
