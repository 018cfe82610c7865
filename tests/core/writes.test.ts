/** @awsamp/core writes: puts and deletes guarded by a revision, and the retries while AMP settles. */
import type { AmpClient } from "@aws-sdk/client-amp";
import {
  createResourcePolicy,
  deleteResourcePolicy,
  type OperationOptions,
  updateResourcePolicy,
  type WaitProgress,
} from "@awsamp/core";
import {
  AwsRequestError,
  PartialWriteError,
  PolicyConflictError,
  PrincipalNotPropagatedError,
  WaitAbortedError,
  WriteRefusedError,
} from "@awsamp/core/errors";
import type { ResourcePolicyState } from "@awsamp/core/types";
import { DEFAULT_PRINCIPAL_PROPAGATION } from "@awsamp/core/writes";
import { expect, use } from "chai";
import chaiAsPromised from "chai-as-promised";
import type { AmpEmulator } from "../emulator/server";
import { type CoreFixture, fast, policyDocument, useCoreFixture } from "../harness/coreFixture";

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

  describe("a put naming a principal IAM has not propagated yet", () => {
    const newRole = "arn:aws:iam::111122223333:role/new";
    /** Tries again within milliseconds, so these specs run in well under a second. */
    const propagating: OperationOptions = {
      ...fast,
      principalPropagation: { maxWaitSeconds: 5, minDelaySeconds: 0.02, maxDelaySeconds: 0.08 },
    };
    const naming = (principal: string, actions = ["aps:RemoteWrite"]) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: principal }, Action: actions, Resource: workspaceArn },
        ],
      });
    const puts = () => emulator.log.entries.filter((entry) => entry.operation === "PutResourcePolicy");
    const principalRefusals = (progress: readonly WaitProgress[]) =>
      progress.filter((seen) => seen.target === "principal propagated");

    it("create: tries the put again, each time with NO_POLICY and a fresh client token, until IAM knows the principal, reporting progress meanwhile", async () => {
      emulator.principalValidAfter(newRole, 300);
      const progress: WaitProgress[] = [];

      const state = await createResourcePolicy(
        client,
        { workspaceId, policyDocument: naming(newRole) },
        { ...propagating, onProgress: (seen) => progress.push(seen) },
      );

      expect(state.policyStatus).to.equal("ACTIVE");
      expect(emulator.policyOf(workspaceId)?.policyDocument).to.equal(naming(newRole));
      const attempts = puts();
      expect(attempts.length).to.be.greaterThan(2);
      expect(attempts.slice(0, -1).map((entry) => entry.status)).to.satisfy((codes: number[]) =>
        codes.every((code) => code === 400),
      );
      expect(attempts.map((entry) => entry.body?.revisionId)).to.satisfy((revisions: unknown[]) =>
        revisions.every((revision) => revision === "NO_POLICY"),
      );
      expect(new Set(attempts.map((entry) => entry.body?.clientToken)).size).to.equal(attempts.length);
      const refusals = principalRefusals(progress);
      expect(refusals, "one progress report per refused put").to.have.length(attempts.length - 1);
      expect(refusals[0]).to.deep.include({ workspaceId, status: "principal refused" });
      const elapsed = refusals.map((seen) => seen.elapsedMs);
      expect(elapsed).to.deep.equal([...elapsed].sort((a, b) => a - b));
    });

    it("update: tries the put again over the state's revision until IAM knows the principal", async () => {
      const state = await created();
      emulator.clearLog();
      emulator.principalValidAfter(newRole, 200);

      const updated = await updateResourcePolicy(
        client,
        state,
        { workspaceId, policyDocument: naming(newRole) },
        propagating,
      );

      expect(updated.revisionId).to.not.equal(state.revisionId);
      expect(emulator.policyOf(workspaceId)?.policyDocument).to.equal(naming(newRole));
      const attempts = puts();
      expect(attempts.length).to.be.greaterThan(1);
      expect(attempts.map((entry) => entry.body?.revisionId)).to.satisfy((revisions: unknown[]) =>
        revisions.every((revision) => revision === state.revisionId),
      );
    });

    it("with the defaults, tries again about a second after the first refusal", async function () {
      this.timeout(5000);
      emulator.principalValidAfter(newRole, 200);

      await createResourcePolicy(client, { workspaceId, policyDocument: naming(newRole) }, fast);

      const [first, second, ...more] = puts();
      expect(more).to.be.empty;
      expect((second?.at ?? 0) - (first?.at ?? 0)).to.be.within(900, 1500);
      expect(DEFAULT_PRINCIPAL_PROPAGATION).to.deep.equal({
        maxWaitSeconds: 120,
        minDelaySeconds: 1,
        maxDelaySeconds: 10,
      });
    });

    it("fails after the bound with PrincipalNotPropagatedError: what was being done, AWS's refusal, and what to check; nothing written", async () => {
      emulator.principalValidAfter(newRole, 60_000);
      const options: OperationOptions = {
        ...propagating,
        principalPropagation: { maxWaitSeconds: 0.3, minDelaySeconds: 0.02, maxDelaySeconds: 0.08 },
      };
      const started = Date.now();

      const create = createResourcePolicy(client, { workspaceId, policyDocument: naming(newRole) }, options);

      await expect(create).to.be.rejectedWith(
        PrincipalNotPropagatedError,
        new RegExp(
          `^putting the resource policy on workspace ${workspaceId}: AWS still refuses a principal after 0\\.[3-9]s: ` +
            `ValidationException \\(HTTP 400\\): Invalid principal in policy: "AWS":"${newRole}"\\. ` +
            "A principal must exist in IAM before a policy can name it; .*propagate.*otherwise check the ARN\\.$",
        ),
      );
      expect(Date.now() - started).to.be.within(300, 1000);
      expect(emulator.policyOf(workspaceId)).to.equal(undefined);
    });

    it("says how long it tried in minutes past a minute, as in `after 2m0s`", () => {
      const refusal = new Error(`Invalid principal in policy: "AWS":"${newRole}"`);
      refusal.name = "ValidationException";
      const error = new PrincipalNotPropagatedError(
        "putting the resource policy",
        workspaceId,
        120_400,
        refusal,
      );
      expect(error.message).to.include(
        `AWS still refuses a principal after 2m0s: ValidationException: Invalid`,
      );
      expect(error.cause).to.equal(refusal);
    });

    it("never tries past the operation's deadline", async () => {
      emulator.principalValidAfter(newRole, 60_000);
      const started = Date.now();

      const create = createResourcePolicy(
        client,
        { workspaceId, policyDocument: naming(newRole) },
        { ...fast, timeoutMs: 400 },
      );

      await expect(create).to.be.rejectedWith(PrincipalNotPropagatedError, /Invalid principal in policy/);
      expect(Date.now() - started).to.be.within(350, 900);
      expect(puts()).to.have.length(2);
    });

    it("stops promptly when the operation is aborted between attempts", async () => {
      emulator.principalValidAfter(newRole, 60_000);
      const abort = new AbortController();
      const progress: WaitProgress[] = [];
      const options: OperationOptions = {
        ...fast,
        signal: abort.signal,
        onProgress: (seen) => {
          progress.push(seen);
          if (seen.target === "principal propagated") setTimeout(() => abort.abort(), 50);
        },
      };
      const started = Date.now();

      const create = createResourcePolicy(client, { workspaceId, policyDocument: naming(newRole) }, options);

      await expect(create).to.be.rejectedWith(
        WaitAbortedError,
        /cancelled after .*Invalid principal in policy/,
      );
      expect(Date.now() - started).to.be.below(500);
      expect(puts()).to.have.length(1);
      expect(emulator.policyOf(workspaceId)).to.equal(undefined);
    });

    it("another ValidationException is not tried again", async () => {
      emulator.maxPolicyDocumentBytes = 10;

      const create = createResourcePolicy(
        client,
        { workspaceId, policyDocument: naming(newRole) },
        propagating,
      );

      await expect(create).to.be.rejectedWith(
        AwsRequestError,
        new RegExp(
          `^putting the resource policy on workspace ${workspaceId}: ValidationException .*bytes long`,
        ),
      );
      expect(puts()).to.have.length(1);
    });
  });
});
