/** @awsamp/core waits: the operations wait for the policy to settle, within their deadline, and can be cancelled. */
import type { AmpClient } from "@aws-sdk/client-amp";
import { createResourcePolicy, deleteResourcePolicy, updateResourcePolicy } from "@awsamp/core";
import { PartialWriteError, WaitAbortedError, WaitTimeoutError } from "@awsamp/core/errors";
import { expect, use } from "chai";
import chaiAsPromised from "chai-as-promised";
import type { AmpEmulator } from "./emulator/server";
import { fast, policyDocument, useCoreFixture } from "./harness/coreFixture";

use(chaiAsPromised);

describe("waits", () => {
  const fixture = useCoreFixture();
  let emulator: AmpEmulator;
  let client: AmpClient;
  let workspaceId: string;
  let workspaceArn: string;

  beforeEach(() => {
    ({ emulator, client, workspaceId, workspaceArn } = fixture());
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
