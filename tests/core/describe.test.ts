/** @awsamp/core describe: the one look at AWS, which every operation, wait and retry makes. */
import { findResourcePolicyByWorkspaceID } from "@awsamp/core/describe";
import { AwsRequestError } from "@awsamp/core/errors";
import { expect, use } from "chai";
import chaiAsPromised from "chai-as-promised";
import { policyDocument, useCoreFixture } from "../harness/coreFixture";

use(chaiAsPromised);

describe("describe", () => {
  const fixture = useCoreFixture();

  it("finds the policy AWS holds: its document, status and revision", async () => {
    const { emulator, client, workspaceId, workspaceArn } = fixture();
    const document = policyDocument(workspaceArn);
    const revisionId = emulator.putPolicyOutOfBand(workspaceId, document);
    expect(await findResourcePolicyByWorkspaceID(client, workspaceId)).to.deep.equal({
      workspaceId,
      policyDocument: document,
      policyStatus: "ACTIVE",
      revisionId,
    });
  });

  it("finds nothing where the workspace has no policy, or there is no workspace", async () => {
    const { emulator, client, workspaceId } = fixture();
    expect(await findResourcePolicyByWorkspaceID(client, workspaceId)).to.equal(undefined);
    emulator.deleteWorkspaceOutOfBand(workspaceId);
    expect(await findResourcePolicyByWorkspaceID(client, workspaceId)).to.equal(undefined);
  });

  it("wraps any other failure with what was being done and the workspace", async () => {
    const { emulator, client, workspaceId } = fixture();
    emulator.faults.failNext(10, { operation: "DescribeResourcePolicy" });
    await expect(
      findResourcePolicyByWorkspaceID(client, workspaceId, { action: "reading the resource policy" }),
    ).to.be.rejectedWith(
      AwsRequestError,
      `reading the resource policy on workspace ${workspaceId}: InternalServerException`,
    );
  });
});
