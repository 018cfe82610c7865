/** @awsamp/core lifecycle: the ResourcePolicy's operations over AMP, against the emulator, named after the behaviour as Terraform names its tests. */
import type { AmpClient } from "@aws-sdk/client-amp";
import {
  createResourcePolicy,
  deleteResourcePolicy,
  type OperationOptions,
  readResourcePolicy,
  updateResourcePolicy,
} from "@awsamp/core";
import { createAmpClient } from "@awsamp/core/client";
import {
  PartialWriteError,
  PolicyAlreadyExistsError,
  PolicyConflictError,
  WaitAbortedError,
  WaitTimeoutError,
  WorkspaceNotFoundError,
  WriteRefusedError,
} from "@awsamp/core/errors";
import type { ResourcePolicyState } from "@awsamp/core/types";
import { expect, use } from "chai";
import chaiAsPromised from "chai-as-promised";
import { AmpEmulator, emulatorClientConfig } from "./emulator/server";

use(chaiAsPromised);

/** Polls fast, so tests of waits take milliseconds rather than seconds. */
const fast: OperationOptions = { poll: { minDelaySeconds: 0.02, maxDelaySeconds: 0.1 } };

function policyDocument(workspaceArn: string, actions: string[] = ["aps:RemoteWrite"]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: actions,
        Resource: workspaceArn,
      },
    ],
  });
}

describe("lifecycle", () => {
  let emulator: AmpEmulator;
  let client: AmpClient;
  let workspaceId: string;
  let workspaceArn: string;

  before(async () => {
    emulator = await AmpEmulator.start();
    client = createAmpClient(emulatorClientConfig(emulator));
  });
  after(async () => {
    client.destroy();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    ({ workspaceId, arn: workspaceArn } = emulator.createWorkspace());
  });

  async function created(actions?: string[]): Promise<ResourcePolicyState> {
    const state = await createResourcePolicy(
      client,
      { workspaceId, policyDocument: policyDocument(workspaceArn, actions) },
      fast,
    );
    return state;
  }

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

  it("basic: creates with revision NO_POLICY and a client token", async () => {
    await created();
    const put = emulator.log.entries.find((entry) => entry.operation === "PutResourcePolicy");
    expect(put?.body).to.include({ revisionId: "NO_POLICY" });
    expect(put?.body?.clientToken).to.be.a("string").with.length.greaterThan(0);
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

  it("update that AMP keeps refusing while the policy is ACTIVE at our revision: says AMP refused, not that it changed", async () => {
    const state = await created();
    emulator.faults.failNext(10, { operation: "PutResourcePolicy", answer: "conflict" });
    const update = updateResourcePolicy(
      client,
      state,
      { workspaceId, policyDocument: policyDocument(workspaceArn, ["aps:QueryMetrics"]) },
      fast,
    );
    const error = await update.then(
      () => expect.fail("the update should have been refused"),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(WriteRefusedError);
    const message = (error as Error).message;
    expect(message).to.match(
      new RegExp(`^putting the resource policy on workspace ${workspaceId}: AMP refused`),
    );
    expect(message).to.include(`the policy was ACTIVE at revision ${state.revisionId}`);
    expect(message).to.not.include("changed outside");
    expect(message.match(/putting the resource policy/g), "the action is said once").to.have.length(1);
    expect(emulator.policyOf(workspaceId)?.revisionId).to.equal(state.revisionId);
  });

  it("update refused once while AMP settles: tried again and applied", async () => {
    const state = await created();
    emulator.faults.failNext(1, { operation: "PutResourcePolicy", answer: "conflict" });
    const next = policyDocument(workspaceArn, ["aps:GetSeries"]);
    const updated = await updateResourcePolicy(client, state, { workspaceId, policyDocument: next }, fast);
    expect(updated.revisionId).to.not.equal(state.revisionId);
    expect(emulator.policyOf(workspaceId)?.policyDocument).to.equal(next);
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

  it("update after an out-of-band change: fails with the conflict and `pulumi refresh`, overwriting nothing", async () => {
    const state = await created(["aps:RemoteWrite"]);
    const theirs = policyDocument(workspaceArn, ["aps:QueryMetrics"]);
    emulator.putPolicyOutOfBand(workspaceId, theirs);

    const update = updateResourcePolicy(
      client,
      state,
      { workspaceId, policyDocument: policyDocument(workspaceArn, ["aps:GetLabels"]) },
      fast,
    );

    await expect(update).to.be.rejectedWith(
      PolicyConflictError,
      /changed outside this program.*pulumi refresh/s,
    );
    expect(emulator.policyOf(workspaceId)?.policyDocument).to.equal(theirs);
  });

  it("update while UPDATING: waits for ACTIVE, then succeeds", async () => {
    const state = await created(["aps:RemoteWrite"]);
    emulator.settle.policyUpdateMs = 400;
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    const interrupted = updateResourcePolicy(
      client,
      state,
      { workspaceId, policyDocument: policyDocument(workspaceArn, ["aps:GetSeries"]) },
      { ...fast, signal: abort.signal },
    );
    const error = await interrupted.then(
      () => expect.fail("the first update should have been cancelled"),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(PartialWriteError);
    expect((error as PartialWriteError).reason).to.be.instanceOf(WaitAbortedError);
    const partial = (error as PartialWriteError).state;
    expect(partial?.policyStatus).to.equal("UPDATING");
    expect(emulator.policyOf(workspaceId)?.policyStatus).to.equal("UPDATING");

    const next = policyDocument(workspaceArn, ["aps:GetLabels"]);
    const updated = await updateResourcePolicy(
      client,
      partial as ResourcePolicyState,
      { workspaceId, policyDocument: next },
      fast,
    );

    expect(updated.policyStatus).to.equal("ACTIVE");
    expect(emulator.policyOf(workspaceId)?.policyDocument).to.equal(next);
  });

  it("delete of an already deleted policy: succeeds", async () => {
    const state = await created();
    emulator.deletePolicyOutOfBand(workspaceId);
    await deleteResourcePolicy(client, state, fast);
    expect(emulator.policyOf(workspaceId)).to.equal(undefined);
  });

  it("delete after an out-of-band change: fails with the conflict and keeps their policy", async () => {
    const state = await created();
    emulator.putPolicyOutOfBand(workspaceId, policyDocument(workspaceArn, ["aps:QueryMetrics"]));
    await expect(deleteResourcePolicy(client, state, fast)).to.be.rejectedWith(
      PolicyConflictError,
      /pulumi refresh/,
    );
    expect(emulator.policyOf(workspaceId)).to.not.equal(undefined);
  });

  it("slow transitions: create, update and delete each wait for the policy to settle", async () => {
    emulator.settle.policyCreateMs = 300;
    emulator.settle.policyUpdateMs = 300;
    emulator.settle.policyDeleteMs = 300;
    const seen: string[] = [];
    const options = { ...fast, onProgress: (p: { status: string }) => seen.push(p.status) };

    let started = Date.now();
    const state = await createResourcePolicy(
      client,
      { workspaceId, policyDocument: policyDocument(workspaceArn) },
      options,
    );
    expect(Date.now() - started).to.be.at.least(300);
    expect(state.policyStatus).to.equal("ACTIVE");

    started = Date.now();
    const updated = await updateResourcePolicy(
      client,
      state,
      { workspaceId, policyDocument: policyDocument(workspaceArn, ["aps:GetSeries"]) },
      options,
    );
    expect(Date.now() - started).to.be.at.least(300);
    expect(updated.policyStatus).to.equal("ACTIVE");

    started = Date.now();
    await deleteResourcePolicy(client, updated, options);
    expect(Date.now() - started).to.be.at.least(300);
    expect(seen).to.include.members(["CREATING", "UPDATING", "DELETING", "ACTIVE", "gone"]);
  });

  it("deadline expiry: fails naming the workspace, the last status and the time waited, and keeps the state", async () => {
    emulator.settle.policyCreateMs = 10_000;
    const create = createResourcePolicy(
      client,
      { workspaceId, policyDocument: policyDocument(workspaceArn) },
      { ...fast, timeoutMs: 400 },
    );
    const error = await create.then(
      () => expect.fail("the create should have timed out"),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(PartialWriteError);
    expect((error as PartialWriteError).reason).to.be.instanceOf(WaitTimeoutError);
    expect((error as Error).message).to.match(
      new RegExp(`workspace ${workspaceId} to become ACTIVE: still CREATING after 0\\.[3-9]s`),
    );
    expect((error as PartialWriteError).state).to.include({
      workspaceId,
      revisionId: emulator.policyOf(workspaceId)?.revisionId,
    });
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

  it("deadline: a policy that settles between the last scheduled poll and the deadline still succeeds", async () => {
    emulator.settle.policyCreateMs = 450;
    // Polls at 0, ~0.3 s; the next scheduled one would pass the 0.6 s deadline, so the waiter stops early.
    const options = { poll: { minDelaySeconds: 0.3, maxDelaySeconds: 0.3 }, timeoutMs: 600 };
    const state = await createResourcePolicy(
      client,
      { workspaceId, policyDocument: policyDocument(workspaceArn) },
      options,
    );
    expect(state.policyStatus).to.equal("ACTIVE");
  });

  it("throttling and 500s: retried by the SDK until the operation succeeds", async () => {
    emulator.faults.failNext(2);
    const state = await created();
    expect(state.policyStatus).to.equal("ACTIVE");
    expect(emulator.log.entries.filter((entry) => entry.status === 500)).to.have.length(2);

    emulator.faults.throttleAbove(3);
    const updated = await updateResourcePolicy(
      client,
      state,
      { workspaceId, policyDocument: policyDocument(workspaceArn, ["aps:GetSeries"]) },
      fast,
    );
    emulator.faults.clear();
    expect(updated.policyStatus).to.equal("ACTIVE");
    expect(emulator.policyOf(workspaceId)?.revisionId).to.equal(updated.revisionId);
  });

  it("abort during a wait: stops promptly with the state that exists", async () => {
    emulator.settle.policyCreateMs = 10_000;
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(), 100);
    const create = createResourcePolicy(
      client,
      { workspaceId, policyDocument: policyDocument(workspaceArn) },
      { poll: { minDelaySeconds: 1, maxDelaySeconds: 5 }, signal: abort.signal },
    );
    const error = await create.then(
      () => expect.fail("the create should have been cancelled"),
      (e: unknown) => e,
    );
    expect(error)
      .to.be.instanceOf(PartialWriteError)
      .and.to.match(/cancelled after/);
    expect((error as PartialWriteError).reason).to.be.instanceOf(WaitAbortedError);
    expect(Date.now() - started).to.be.below(500);
  });
});
