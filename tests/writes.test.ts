/** @awsamp/core writes: puts and deletes guarded by a revision, and the retries while AMP settles. */
import type { AmpClient } from "@aws-sdk/client-amp";
import { deleteResourcePolicy, updateResourcePolicy } from "@awsamp/core";
import {
  PartialWriteError,
  PolicyConflictError,
  WaitAbortedError,
  WriteRefusedError,
} from "@awsamp/core/errors";
import type { ResourcePolicyState } from "@awsamp/core/types";
import { expect, use } from "chai";
import chaiAsPromised from "chai-as-promised";
import type { AmpEmulator } from "./emulator/server";
import { type CoreFixture, fast, policyDocument, useCoreFixture } from "./harness/coreFixture";

use(chaiAsPromised);

describe("writes", () => {
  const fixture = useCoreFixture();
  let emulator: AmpEmulator;
  let client: AmpClient;
  let workspaceId: string;
  let workspaceArn: string;
  let created: CoreFixture["created"];

  beforeEach(() => {
    ({ emulator, client, workspaceId, workspaceArn, created } = fixture());
  });

  it("basic: creates with revision NO_POLICY and a client token", async () => {
    await created();
    const put = emulator.log.entries.find((entry) => entry.operation === "PutResourcePolicy");
    expect(put?.body).to.include({ revisionId: "NO_POLICY" });
    expect(put?.body?.clientToken).to.be.a("string").with.length.greaterThan(0);
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
  it("delete after an out-of-band change: fails with the conflict and keeps their policy", async () => {
    const state = await created();
    emulator.putPolicyOutOfBand(workspaceId, policyDocument(workspaceArn, ["aps:QueryMetrics"]));
    await expect(deleteResourcePolicy(client, state, fast)).to.be.rejectedWith(
      PolicyConflictError,
      /pulumi refresh/,
    );
    expect(emulator.policyOf(workspaceId)).to.not.equal(undefined);
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
});
