/** @awsamp/dynamic operations: the dynamic provider's check and diff rules, in process. */

import { checkDynamic, diffDynamic } from "@awsamp/dynamic/operations";
import { DYNAMIC_TYPE } from "@awsamp/dynamic/resourcePolicy";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";

const WORKSPACE_ID = "ws-12345678-90ab-cdef-1234-567890abcdef";
// A grant to the workspace's own account: no lint warning, which check would send to an engine, and this
// process has none.
const DOCUMENT = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: "aps:RemoteWrite",
      Resource: `arn:aws:aps:us-east-1:123456789012:workspace/${WORKSPACE_ID}`,
    },
  ],
});
const URN = `urn:pulumi:test::awsamp-test::${DYNAMIC_TYPE}::policy`;
const STATE = {
  workspaceId: WORKSPACE_ID,
  policyDocument: DOCUMENT,
  policyStatus: "ACTIVE",
  revisionId: "r1",
};

describe("dynamic provider operations", () => {
  it("check refuses a region that is not text, naming the property in the reason", async () => {
    const result = await checkDynamic(
      undefined,
      URN,
      {},
      { workspaceId: WORKSPACE_ID, policyDocument: DOCUMENT, region: 7 },
    );

    expect(result.failures?.map((failure) => failure.reason)).to.satisfy(
      (reasons: string[]) => reasons.length === 1 && reasons[0]?.startsWith("region "),
    );
  });

  it("check refuses text that is not JSON, with the place of the syntax error", async () => {
    const result = await checkDynamic(
      undefined,
      URN,
      {},
      { workspaceId: WORKSPACE_ID, policyDocument: '{"Version": ' },
    );

    expect(result.failures).to.have.length(1);
    expect(result.failures?.[0]?.reason).to.match(/^policyDocument \$/);
  });

  it("diff replaces the policy, deleting first, when the region changes; an absent region is no region", async () => {
    const moved = await diffDynamic({}, STATE, {
      workspaceId: WORKSPACE_ID,
      policyDocument: DOCUMENT,
      region: "eu-west-1",
    });
    expect(moved).to.deep.equal({ changes: true, replaces: ["region"], deleteBeforeReplace: true });

    const same = await diffDynamic(
      {},
      { ...STATE, region: "" },
      { workspaceId: WORKSPACE_ID, policyDocument: DOCUMENT },
    );
    expect(same).to.deep.equal({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("diff keeps a policy in the region its state records while that is the provider's, and replaces it when the provider's moves", async () => {
    const recorded = { ...STATE, region: "us-east-1" };
    const inputs = { workspaceId: WORKSPACE_ID, policyDocument: DOCUMENT };

    expect((await diffDynamic({ region: "us-east-1" }, recorded, inputs)).changes).to.equal(false);
    expect(await diffDynamic({ region: "eu-west-1" }, recorded, inputs)).to.deep.equal({
      changes: true,
      replaces: ["region"],
      deleteBeforeReplace: true,
    });
  });

  it("diff treats values a preview does not know yet as changes: a workspace ID replaces, a document updates", async () => {
    const unknown = pulumi.runtime.unknownValue;

    const workspace = await diffDynamic({}, STATE, { workspaceId: unknown, policyDocument: DOCUMENT });
    expect(workspace.replaces).to.deep.equal(["workspaceId"]);

    const document = await diffDynamic({}, STATE, { workspaceId: WORKSPACE_ID, policyDocument: unknown });
    expect(document).to.deep.equal({ changes: true, replaces: [], deleteBeforeReplace: false });
  });
});
