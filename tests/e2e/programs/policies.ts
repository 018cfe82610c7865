/**
 * An end-to-end program: a ResourcePolicy for each entry of the stack config's `policies` object, named by
 * its key, on the workspace it names, with its document as the entry gives it (JSON text or an object).
 */
import * as awsamp from "@awsamp/awsamp";
import * as pulumi from "@pulumi/pulumi";

interface Entry {
  workspaceId: string;
  policyDocument: string | awsamp.types.input.PolicyDocumentArgs;
}

const policies = new pulumi.Config().requireObject<Record<string, Entry>>("policies");

export const revisions = Object.fromEntries(
  Object.entries(policies).map(([name, entry]) => [
    name,
    new awsamp.ResourcePolicy(name, { workspaceId: entry.workspaceId, policyDocument: entry.policyDocument })
      .revisionId,
  ]),
);
