/**
 * An end-to-end program whose second provider is configured from an output of the first policy, so a
 * first preview does not know that provider's endpoint: the engine then leaves the provider unconfigured.
 */
import * as awsamp from "@awsamp/awsamp";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();

const first = new awsamp.ResourcePolicy("first", {
  workspaceId: config.require("workspaceId"),
  policyDocument: config.require("policyDocument"),
});

const later = new awsamp.Provider("later", {
  region: config.require("providerRegion"),
  endpoint: first.revisionId.apply(() => config.require("providerEndpoint")),
  accessKey: config.requireSecret("providerAccessKey"),
  secretKey: config.requireSecret("providerSecretKey"),
});

const second = new awsamp.ResourcePolicy(
  "second",
  {
    workspaceId: config.require("secondWorkspaceId"),
    policyDocument: config.require("secondPolicyDocument"),
  },
  { provider: later },
);

export const revisions = [first.revisionId, second.revisionId];
