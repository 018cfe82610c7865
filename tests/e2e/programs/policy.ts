/**
 * An end-to-end program: one ResourcePolicy on a workspace the stack config names (no AWS provider can run
 * here to make one). Stack config chooses the document and, where a test needs them, the region, the
 * accepted warnings, the create timeout, an explicit provider, and whether the document is secret.
 */
import * as awsamp from "@awsamp/awsamp";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const region = config.get("region");
const acceptedWarnings = config.getObject<string[]>("acceptedWarnings");
const createTimeout = config.get("createTimeout");

// `explicitProvider: true` declares the provider in the program, from this project's own config keys.
const provider = config.getBoolean("explicitProvider")
  ? new awsamp.Provider("explicit", {
      region: config.require("providerRegion"),
      endpoint: config.require("providerEndpoint"),
      accessKey: config.requireSecret("providerAccessKey"),
      secretKey: config.requireSecret("providerSecretKey"),
    })
  : undefined;

const policy = new awsamp.ResourcePolicy(
  config.get("resourceName") ?? "policy",
  {
    workspaceId: config.require("workspaceId"),
    // `secretDocument: true` passes the document as a secret, as pulumi.secret(...) would.
    policyDocument: config.getBoolean("secretDocument")
      ? config.requireSecret("policyDocument")
      : config.require("policyDocument"),
    ...(region ? { region } : {}),
    ...(acceptedWarnings ? { acceptedWarnings } : {}),
  },
  {
    ...(provider ? { provider } : {}),
    ...(createTimeout ? { customTimeouts: { create: createTimeout } } : {}),
  },
);

export const revisionId = policy.revisionId;
export const policyStatus = policy.policyStatus;
