/** @awsamp/core lifecycle: the ResourcePolicy's operations over AMP, named after the behaviour as Terraform names its tests. */
import type { AmpClient } from "@aws-sdk/client-amp";
import {
  createResourcePolicy,
  deleteResourcePolicy,
  readResourcePolicy,
  updateResourcePolicy,
} from "@awsamp/core";
import {
  type PartialWriteError,
  PolicyAlreadyExistsError,
  PolicyConflictError,
  WorkspaceNotFoundError,
} from "@awsamp/core/errors";
import { expect, use } from "chai";
import chaiAsPromised from "chai-as-promised";
import type { AmpEmulator } from "../emulator/server";
import { type CoreFixture, fast, policyDocument, useCoreFixture } from "../harness/coreFixture";

use(chaiAsPromised);

describe("lifecycle", () => {
  const fixture = useCoreFixture();
  let emulator: AmpEmulator;
  let client: AmpClient;
  let workspaceId: string;
  let workspaceArn: string;
  let created: CoreFixture["created"];

  beforeEach(() => {
    ({ emulator, client, workspaceId, workspaceArn, created } = fixture());
  });

  it("basic: creates an ACTIVE policy, reads it back, deletes it", async () => {
    const doc = policyDocument(workspaceArn);
    const result = await createResourcePolicy(
      client,
      { workspaceId, policyDocument: doc, region: "us-east-1" },
      fast,
    );

    expect(result.workspaceId).to.equal(workspaceId);
    expect(result).to.include({
      workspaceId,
      policyDocument: doc,
      policyStatus: "ACTIVE",
      region: "us-east-1",
    });
    expect(result.revisionId).to.equal(emulator.policyOf(workspaceId)?.revisionId);

    const read = await readResourcePolicy(client, workspaceId, result);
    expect(read).to.deep.equal(result);

    await deleteResourcePolicy(client, result, fast);
    expect(emulator.policyOf(workspaceId)).to.equal(undefined);
    expect(await readResourcePolicy(client, workspaceId)).to.equal(undefined);
  });
  it("update: puts the new document over the state's revision and returns the new revision", async () => {
    const state = await created(["aps:RemoteWrite"]);
    const next = policyDocument(workspaceArn, ["aps:RemoteWrite", "aps:QueryMetrics"]);

    const updated = await updateResourcePolicy(client, state, { workspaceId, policyDocument: next }, fast);

    expect(updated.policyStatus).to.equal("ACTIVE");
    expect(updated.policyDocument).to.equal(next);
    expect(updated.revisionId).to.not.equal(state.revisionId);
    expect(emulator.policyOf(workspaceId)).to.include({
      policyDocument: next,
      revisionId: updated.revisionId,
    });
    const put = emulator.log.entries.filter((entry) => entry.operation === "PutResourcePolicy").at(-1);
    expect(put?.body).to.include({ revisionId: state.revisionId });
  });
  it("create over an existing policy: fails with the import command and leaves the policy alone", async () => {
    const theirs = policyDocument(workspaceArn, ["aps:QueryMetrics"]);
    emulator.putPolicyOutOfBand(workspaceId, theirs);

    const create = createResourcePolicy(
      client,
      { workspaceId, policyDocument: policyDocument(workspaceArn) },
      fast,
    );

    await expect(create).to.be.rejectedWith(
      PolicyAlreadyExistsError,
      `pulumi import awsamp:index:ResourcePolicy <name> ${workspaceId}`,
    );
    expect(emulator.policyOf(workspaceId)?.policyDocument).to.equal(theirs);
  });
  it("create over an existing policy: names the resource in the import command when it knows it", async () => {
    emulator.putPolicyOutOfBand(workspaceId, policyDocument(workspaceArn));
    const create = createResourcePolicy(
      client,
      { workspaceId, policyDocument: policyDocument(workspaceArn) },
      { ...fast, resourceName: "grafana-access" },
    );
    await expect(create).to.be.rejectedWith(
      PolicyAlreadyExistsError,
      `pulumi import awsamp:index:ResourcePolicy grafana-access ${workspaceId}`,
    );
  });
  it("create on a workspace that does not exist: fails naming the workspace", async () => {
    const create = createResourcePolicy(
      client,
      {
        workspaceId: "ws-00000000-0000-0000-0000-000000000000",
        policyDocument: policyDocument(workspaceArn),
      },
      fast,
    );
    await expect(create).to.be.rejectedWith(
      WorkspaceNotFoundError,
      /^putting the resource policy on workspace ws-00000000-0000-0000-0000-000000000000: the workspace does not exist/,
    );
  });
  it("disappears: a policy deleted out of band reads as gone", async () => {
    const state = await created();
    emulator.deletePolicyOutOfBand(workspaceId);
    expect(await readResourcePolicy(client, workspaceId, state)).to.equal(undefined);
  });
  it("disappears_Workspace: a deleted workspace reads as gone, and deleting the policy then succeeds", async () => {
    const state = await created();
    emulator.deleteWorkspaceOutOfBand(workspaceId);
    expect(await readResourcePolicy(client, workspaceId, state)).to.equal(undefined);
    await deleteResourcePolicy(client, state, fast);
  });
  it("read: returns the remote text when the remote document means something else", async () => {
    const state = await created(["aps:RemoteWrite"]);
    const theirs = policyDocument(workspaceArn, ["aps:QueryMetrics"]);
    emulator.putPolicyOutOfBand(workspaceId, theirs);

    const read = await readResourcePolicy(client, workspaceId, state);

    expect(read?.policyDocument).to.equal(theirs);
    expect(read?.revisionId).to.not.equal(state.revisionId);
  });
  it("read: keeps the state's text when the remote document only differs in formatting", async () => {
    const doc = policyDocument(workspaceArn);
    const state = await created();
    emulator.putPolicyOutOfBand(workspaceId, JSON.stringify(JSON.parse(doc), null, 4));

    const read = await readResourcePolicy(client, workspaceId, state);

    expect(read?.policyDocument).to.equal(doc);
  });
  it("read: keeps the state's text when AWS returns it reformatted, and reports a real change", async () => {
    const doc = JSON.stringify({
      Version: "2012-10-17",
      Statement: {
        Effect: "Allow",
        Principal: { AWS: "123456789012" },
        Action: "aps:RemoteWrite",
        Resource: workspaceArn,
      },
    });
    const state = await createResourcePolicy(client, { workspaceId, policyDocument: doc }, fast);
    emulator.reformatDocuments = true;

    const unchanged = await readResourcePolicy(client, workspaceId, state);
    expect(unchanged?.policyDocument).to.equal(doc);

    emulator.putPolicyOutOfBand(workspaceId, doc.replace("aps:RemoteWrite", "aps:QueryMetrics"));
    const changed = await readResourcePolicy(client, workspaceId, state);
    expect(changed?.policyDocument).to.include("aps:QueryMetrics").and.not.include("aps:RemoteWrite");
    expect(changed?.policyDocument).to.include("arn:aws:iam::123456789012:root");
  });
  it("delete of an already deleted policy: succeeds", async () => {
    const state = await created();
    emulator.deletePolicyOutOfBand(workspaceId);
    await deleteResourcePolicy(client, state, fast);
    expect(emulator.policyOf(workspaceId)).to.equal(undefined);
  });
  it("update with nothing to write (finishing a create that timed out): waits for it without a second put", async () => {
    emulator.settle.policyCreateMs = 800;
    const inputs = { workspaceId, policyDocument: policyDocument(workspaceArn) };
    const error = await createResourcePolicy(client, inputs, { ...fast, timeoutMs: 200 }).then(
      () => expect.fail("the create should have timed out"),
      (e: unknown) => e,
    );
    const kept = (error as PartialWriteError).state;
    if (!kept) return expect.fail("the timed-out create keeps its state");

    const finished = await updateResourcePolicy(client, kept, inputs, fast);
    expect(finished).to.include({ policyStatus: "ACTIVE", revisionId: kept.revisionId });
    expect(emulator.count("PutResourcePolicy")).to.equal(1);
  });
  it("update with nothing to write, after a change outside the program: fails with the conflict", async () => {
    const state = await created();
    emulator.putPolicyOutOfBand(workspaceId, policyDocument(workspaceArn, ["aps:QueryMetrics"]));
    await expect(
      updateResourcePolicy(client, state, { workspaceId, policyDocument: state.policyDocument }, fast),
    ).to.be.rejectedWith(PolicyConflictError, "changed outside this program");
  });
});
