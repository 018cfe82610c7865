/** Two programs managing the same workspace's policy from the same state: one change wins, the other conflicts loudly. */
import type { AmpClient } from "@aws-sdk/client-amp";
import { createResourcePolicy, type OperationOptions, updateResourcePolicy } from "@awsamp/core";
import { createAmpClient } from "@awsamp/core/client";
import { PartialWriteError, PolicyAlreadyExistsError, PolicyConflictError } from "@awsamp/core/errors";
import type { ResourcePolicyState } from "@awsamp/core/types";
import type { PropertyObject } from "@awsamp/plugin/values";
import type { ServiceError } from "@grpc/grpc-js";
import { expect, use } from "chai";
import chaiAsPromised from "chai-as-promised";
import { AmpEmulator, emulatorClientConfig } from "../emulator/server";
import { createRequest, initFailureOf, propertiesOf, resourceUrn, updateRequest } from "../harness/messages";
import { type PluginSession, policyDocument, startSession } from "../harness/session";

use(chaiAsPromised);

const FAST: OperationOptions = { poll: { firstMs: 20, growth: 2, maxGapMs: 80 }, timeoutMs: 15_000 };

/** Rounds of truly concurrent updates: each interleaving of the two puts and their waits is a new chance to lose one. */
const ROUNDS = 6;

/** How one of two concurrent calls ended. */
type Settled<T> = { won: true; value: T } | { won: false; error: unknown };

async function settled<T>(call: Promise<T>): Promise<Settled<T>> {
  return call.then(
    (value) => ({ won: true, value }),
    (error: unknown) => ({ won: false, error }),
  );
}

/** The winner and the loser of two concurrent calls; fails unless exactly one succeeded. */
function oneWinner<T>(results: readonly [Settled<T>, Settled<T>]): {
  winner: 0 | 1;
  value: T;
  error: unknown;
} {
  const [first, second] = results;
  expect(
    [first.won, second.won],
    `exactly one succeeds: ${results.map((r) => (r.won ? "success" : String((r as { error: unknown }).error))).join(" / ")}`,
  ).to.have.members([true, false]);
  if (first.won && !second.won) return { winner: 0, value: first.value, error: second.error };
  if (second.won && !first.won) return { winner: 1, value: second.value, error: first.error };
  throw new Error("unreachable: exactly one of the two calls succeeded");
}

describe("two programs on one workspace's policy", function () {
  this.timeout(30_000);
  let emulator: AmpEmulator;

  before(async () => {
    emulator = await AmpEmulator.start({ settle: { policyCreateMs: 30, policyUpdateMs: 30 } });
  });
  after(async () => {
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  describe("through the core, one client each", () => {
    let first: AmpClient;
    let second: AmpClient;

    beforeEach(() => {
      first = createAmpClient(emulatorClientConfig(emulator));
      second = createAmpClient(emulatorClientConfig(emulator));
    });
    afterEach(() => {
      first.destroy();
      second.destroy();
    });

    /** A policy created by the first program, whose state both programs then start from. */
    async function sharedState(): Promise<{ state: ResourcePolicyState; arn: string }> {
      const { workspaceId, arn } = emulator.createWorkspace();
      const state = await createResourcePolicy(
        first,
        { workspaceId, policyDocument: policyDocument(arn) },
        FAST,
      );
      return { state, arn };
    }

    it("fails the second update with PolicyConflictError naming `pulumi refresh`, and keeps the first's document", async () => {
      const { state, arn } = await sharedState();
      const { workspaceId } = state;
      const firstDocument = policyDocument(arn, { actions: ["aps:QueryMetrics"] });
      const secondDocument = policyDocument(arn, { actions: ["aps:GetSeries"] });

      const updated = await updateResourcePolicy(
        first,
        state,
        { workspaceId, policyDocument: firstDocument },
        FAST,
      );
      await expect(
        updateResourcePolicy(second, state, { workspaceId, policyDocument: secondDocument }, FAST),
      ).to.be.rejectedWith(PolicyConflictError, /Run `pulumi refresh`/);

      expect(emulator.policyOf(workspaceId)).to.deep.equal({
        policyDocument: firstDocument,
        policyStatus: "ACTIVE",
        revisionId: updated.revisionId,
      });
    });

    it("lets exactly one of two concurrent updates win; the other gets the conflict and AWS holds the winner's document", async () => {
      for (let round = 0; round < ROUNDS; round++) {
        emulator.reset();
        const { state, arn } = await sharedState();
        const { workspaceId } = state;
        const documents = [
          policyDocument(arn, { actions: ["aps:QueryMetrics"] }),
          policyDocument(arn, { actions: ["aps:GetSeries"] }),
        ] as const;

        const results = await Promise.all([
          settled(updateResourcePolicy(first, state, { workspaceId, policyDocument: documents[0] }, FAST)),
          settled(updateResourcePolicy(second, state, { workspaceId, policyDocument: documents[1] }, FAST)),
        ]);
        const { winner, value, error } = oneWinner(results);

        expect(error, `round ${round}`).to.be.instanceOf(PolicyConflictError);
        expect((error as PolicyConflictError).message).to.include("Run `pulumi refresh`");
        expect(emulator.policyOf(workspaceId), `round ${round}`).to.deep.equal({
          policyDocument: documents[winner],
          policyStatus: "ACTIVE",
          revisionId: value.revisionId,
        });
      }
    });

    it("lets exactly one of two concurrent creates win; the other is told to import the policy", async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const { workspaceId, arn } = emulator.createWorkspace();
        const documents = [
          policyDocument(arn, { actions: ["aps:QueryMetrics"] }),
          policyDocument(arn, { actions: ["aps:GetSeries"] }),
        ] as const;

        const results = await Promise.all([
          settled(createResourcePolicy(first, { workspaceId, policyDocument: documents[0] }, FAST)),
          settled(createResourcePolicy(second, { workspaceId, policyDocument: documents[1] }, FAST)),
        ]);
        const { winner, value, error } = oneWinner(results);

        expect(error, `round ${round}`).to.be.instanceOf(PolicyAlreadyExistsError);
        expect(error, "the loser adopts nothing").to.not.be.instanceOf(PartialWriteError);
        expect(emulator.policyOf(workspaceId), `round ${round}`).to.deep.equal({
          policyDocument: documents[winner],
          policyStatus: "ACTIVE",
          revisionId: value.revisionId,
        });
      }
    });
  });

  describe("through two plugin processes", () => {
    const urn = resourceUrn("shared");
    let sessions: [PluginSession, PluginSession];

    before(async () => {
      sessions = await Promise.all([startSession({ emulator }), startSession({ emulator })]);
    });
    after(async () => {
      await Promise.all(sessions.map((session) => session.stop()));
    });

    /** The outputs of a create by the first plugin: the state both programs then hold. */
    async function sharedOutputs(): Promise<{ outputs: PropertyObject; workspaceId: string; arn: string }> {
      const { workspaceId, arn } = emulator.createWorkspace();
      const response = await sessions[0].plugin.create(
        createRequest({ urn, properties: { workspaceId, policyDocument: policyDocument(arn) } }),
      );
      return { outputs: propertiesOf(response.getProperties()), workspaceId, arn };
    }

    function update(session: PluginSession, olds: PropertyObject, document: string): Promise<PropertyObject> {
      const workspaceId = String(olds.workspaceId);
      return session.plugin
        .update(
          updateRequest({
            urn,
            id: workspaceId,
            olds,
            news: { workspaceId, policyDocument: document },
            oldInputs: { workspaceId, policyDocument: olds.policyDocument ?? null },
          }),
        )
        .then((response) => propertiesOf(response.getProperties()));
    }

    function expectConflict(error: unknown, workspaceId: string): void {
      const failure = error as ServiceError;
      expect(failure.details).to.match(
        new RegExp(
          `^putting the resource policy on workspace ${workspaceId}: the policy was changed outside`,
        ),
      );
      expect(failure.details).to.include("Run `pulumi refresh`");
      expect(initFailureOf(failure), "the loser's state is left as it was").to.equal(undefined);
    }

    it("fails the second plugin's update with an error naming `pulumi refresh`, and keeps the first's document", async () => {
      const { outputs, workspaceId, arn } = await sharedOutputs();
      const firstDocument = policyDocument(arn, { actions: ["aps:QueryMetrics"] });

      const updated = await update(sessions[0], outputs, firstDocument);
      const error = await update(
        sessions[1],
        outputs,
        policyDocument(arn, { actions: ["aps:GetSeries"] }),
      ).then(
        () => undefined,
        (failure: unknown) => failure,
      );

      expect(error, "the second update fails").to.not.equal(undefined);
      expectConflict(error, workspaceId);
      expect(emulator.policyOf(workspaceId)).to.deep.equal({
        policyDocument: firstDocument,
        policyStatus: "ACTIVE",
        revisionId: updated.revisionId,
      });
    });

    it("lets exactly one of two concurrent plugin updates win; the other gets the conflict", async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const { outputs, workspaceId, arn } = await sharedOutputs();
        const documents = [
          policyDocument(arn, { actions: ["aps:QueryMetrics"] }),
          policyDocument(arn, { actions: ["aps:GetSeries"] }),
        ] as const;

        const results = await Promise.all([
          settled(update(sessions[0], outputs, documents[0])),
          settled(update(sessions[1], outputs, documents[1])),
        ]);
        const { winner, value, error } = oneWinner(results);

        expectConflict(error, workspaceId);
        expect(emulator.policyOf(workspaceId), `round ${round}`).to.deep.equal({
          policyDocument: documents[winner],
          policyStatus: "ACTIVE",
          revisionId: value.revisionId,
        });
      }
    });
  });
});
