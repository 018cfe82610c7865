/** The core with a real AmpClient under 500s, dropped connections and throttling: state and AWS stay in step. */
import type { AmpClient } from "@aws-sdk/client-amp";
import {
  createResourcePolicy,
  deleteResourcePolicy,
  type OperationOptions,
  updateResourcePolicy,
} from "@awsamp/core";
import { createAmpClient } from "@awsamp/core/client";
import { AwsampError, AwsRequestError, PartialWriteError } from "@awsamp/core/errors";
import type { ResourcePolicyState } from "@awsamp/core/types";
import { expect, use } from "chai";
import chaiAsPromised from "chai-as-promised";
import fc from "fast-check";
import { AmpEmulator, emulatorClientConfig, type OperationName } from "../emulator/server";
import { policyDocument } from "../harness/session";
import { type LifecycleDriver, type Outcome, runFaultSchedule } from "./consistency";
import {
  everyAnswerLost,
  type FaultSchedule,
  faultSchedule,
  MAX_FAULT_COUNT,
  PROPERTY_LIMITS,
} from "./faultSchedules";

use(chaiAsPromised);

/** Polls fast and gives up long before mocha would, so a stuck wait fails as a timeout of the operation. */
const FAST: OperationOptions = { poll: { firstMs: 20, growth: 2, maxGapMs: 80 }, timeoutMs: 15_000 };

/** Short transitions, so waits see CREATING, UPDATING and DELETING and faults can hit their polls. */
const SETTLE = { policyCreateMs: 60, policyUpdateMs: 60, policyDeleteMs: 60 };

/** Schedules run side by side, each against its own emulator (faults are per emulator). */
const LANES = 5;

/**
 * Schedules every run covers, whatever the random draws: throttling of each operation, and answers lost
 * after the write landed, every retry included (the SDK retries with the same client token, then gives up).
 */
const EXAMPLE_SCHEDULES: FaultSchedule[][] = [
  [
    { operation: "create", kind: "throttle", perSecond: 1 },
    { operation: "update", kind: "throttle", perSecond: 1 },
    { operation: "delete", kind: "throttle", perSecond: 1 },
    { operation: "create", kind: "dropAfterWrite", count: 3, target: "write" },
    { operation: "update", kind: "serverError", count: MAX_FAULT_COUNT, target: "every" },
  ],
  [
    everyAnswerLost("create"),
    everyAnswerLost("update"),
    everyAnswerLost("delete"),
    { operation: "create", kind: "drop", count: MAX_FAULT_COUNT, target: "describe" },
    { operation: "update", kind: "dropAfterWrite", count: MAX_FAULT_COUNT, target: "every" },
  ],
];

describe("the core under AWS faults", function () {
  this.timeout(60_000);
  const lanes: AmpEmulator[] = [];

  before(async () => {
    for (let i = 0; i < LANES; i++) lanes.push(await AmpEmulator.start({ settle: SETTLE }));
  });
  after(async () => {
    await Promise.all(lanes.map((emulator) => emulator.close()));
  });

  describe("randomized fault schedules", () => {
    it("ends every create, update and delete in success or a clear error, with state and AWS in step", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(faultSchedule, { minLength: LANES, maxLength: LANES }),
          async (schedules) => {
            await Promise.all(schedules.map((schedule, lane) => runSchedule(laneAt(lane), schedule)));
          },
        ),
        { ...PROPERTY_LIMITS, numRuns: 4, examples: EXAMPLE_SCHEDULES.map((schedules) => [schedules]) },
      );
    });
  });

  describe("answers lost after AWS applied the write", () => {
    let emulator: AmpEmulator;
    let client: AmpClient;
    let workspaceId: string;
    let workspaceArn: string;

    beforeEach(() => {
      emulator = laneAt(0);
      emulator.reset();
      ({ workspaceId, arn: workspaceArn } = emulator.createWorkspace());
      client = createAmpClient(emulatorClientConfig(emulator));
    });
    afterEach(() => client.destroy());

    it("create: retries a lost answer with the same client token, so AWS applies the put once", async () => {
      const document = policyDocument(workspaceArn);
      emulator.faults.dropNext(3, { operation: "PutResourcePolicy", afterWrite: true });

      const state = await createResourcePolicy(client, { workspaceId, policyDocument: document }, FAST);

      const puts = emulator.log.entries.filter((entry) => entry.operation === "PutResourcePolicy");
      expect(puts).to.have.length(4);
      expect(new Set(puts.map((put) => put.body?.clientToken)).size).to.equal(1);
      expect(emulator.policyOf(workspaceId)).to.deep.equal({
        policyDocument: document,
        policyStatus: "ACTIVE",
        revisionId: state.revisionId,
      });
    });

    it("create: when every answer is lost, adopts the policy AWS holds with the same document (error.state)", async () => {
      const document = policyDocument(workspaceArn);
      emulator.faults.dropNext(8, { operation: "PutResourcePolicy", afterWrite: true });

      const error = await createResourcePolicy(client, { workspaceId, policyDocument: document }, FAST).then(
        () => undefined,
        (failure: unknown) => failure,
      );

      expect(error).to.be.instanceOf(PartialWriteError);
      const failure = error as PartialWriteError;
      expect(failure.reason).to.be.instanceOf(AwsRequestError);
      expect(failure.message).to.match(
        new RegExp(`^putting the resource policy on workspace ${workspaceId}: `),
      );
      expect(failure.state).to.include({ workspaceId, policyDocument: document });
      expect(failure.state?.revisionId).to.equal(emulator.policyOf(workspaceId)?.revisionId);
    });

    it("create on a workspace still CREATING: when every answer to the put after the wait is lost, adopts the policy (error.state)", async () => {
      const settling = emulator.createWorkspace("settling", { settleMs: 300 });
      const document = policyDocument(settling.arn);
      // The first put is refused (workspace CREATING) and answered; the put that follows the workspace wait
      // lands, and every answer to it is lost.
      const armed = armOnceSeen(emulator, "DescribeWorkspace", () =>
        emulator.faults.dropNext(8, { operation: "PutResourcePolicy", afterWrite: true }),
      );

      const error = await createResourcePolicy(
        client,
        { workspaceId: settling.workspaceId, policyDocument: document },
        FAST,
      ).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      armed.stop();

      expect(armed.fired, "the create waited for the workspace").to.equal(true);
      expect(error).to.be.instanceOf(PartialWriteError);
      expect((error as PartialWriteError).reason).to.be.instanceOf(AwsRequestError);
      const held = emulator.policyOf(settling.workspaceId);
      expect(held?.policyDocument, "the put landed").to.equal(document);
      const { state } = error as PartialWriteError;
      expect(state, "the failure reports the policy (error.state), so it is not orphaned").to.not.equal(
        undefined,
      );
      expect(state).to.include({ policyDocument: document, revisionId: held?.revisionId });
    });

    // The put is guarded by the state's revision, so one that landed shows as a new revision holding this
    // document; unless the failure reports it, the state keeps a revision AWS no longer has.
    it("update: when every answer is lost, reports the revision AWS now holds (error.state)", async () => {
      const state = await createResourcePolicy(
        client,
        { workspaceId, policyDocument: policyDocument(workspaceArn) },
        FAST,
      );
      const next = policyDocument(workspaceArn, { actions: ["aps:QueryMetrics"] });
      emulator.faults.dropNext(8, { operation: "PutResourcePolicy", afterWrite: true });

      const error = await updateResourcePolicy(
        client,
        state,
        { workspaceId, policyDocument: next },
        FAST,
      ).then(
        () => undefined,
        (failure: unknown) => failure,
      );

      expect(error).to.be.instanceOf(PartialWriteError);
      expect((error as PartialWriteError).reason).to.be.instanceOf(AwsRequestError);
      const held = emulator.policyOf(workspaceId);
      expect(held?.policyDocument, "the put landed").to.equal(next);
      const { state: reported } = error as PartialWriteError;
      expect(reported, "the failure reports the new revision (error.state)").to.not.equal(undefined);
      expect(reported).to.include({ policyDocument: next, revisionId: held?.revisionId });
    });

    it("delete: when every answer is lost, the policy is gone and the next delete succeeds", async () => {
      const state = await createResourcePolicy(
        client,
        { workspaceId, policyDocument: policyDocument(workspaceArn) },
        FAST,
      );
      emulator.faults.dropNext(8, { operation: "DeleteResourcePolicy", afterWrite: true });

      await expect(deleteResourcePolicy(client, state, FAST)).to.be.rejectedWith(
        AwsRequestError,
        `deleting the resource policy on workspace ${workspaceId}: `,
      );
      emulator.faults.clear();
      await deleteResourcePolicy(client, state, FAST);
      expect(emulator.policyOf(workspaceId)).to.equal(undefined);
    });
  });

  function laneAt(index: number): AmpEmulator {
    const emulator = lanes[index];
    if (!emulator) throw new Error(`no emulator for lane ${index}; LANES is ${LANES}`);
    return emulator;
  }
});

/** Runs `arm` as soon as the emulator has received a request of `operation` (polled every few milliseconds). */
function armOnceSeen(
  emulator: AmpEmulator,
  operation: OperationName,
  arm: () => void,
): { readonly fired: boolean; stop(): void } {
  let fired = false;
  const timer = setInterval(() => {
    if (fired || emulator.count(operation) === 0) return;
    fired = true;
    arm();
  }, 2);
  return {
    get fired() {
      return fired;
    },
    stop: () => clearInterval(timer),
  };
}

/** The core in process, as the plugin and the dynamic provider call it: the state is the engine's record. */
function coreDriver(client: AmpClient, freshClient: AmpClient): LifecycleDriver<ResourcePolicyState> {
  // The next step gets a client whose retry quota the faults have not drained, as a next `pulumi up` would.
  let current = client;
  return {
    create: (workspaceId, policyDocument) =>
      createResourcePolicy(current, { workspaceId, policyDocument }, FAST),
    update: (recorded, workspaceId, policyDocument) =>
      updateResourcePolicy(current, { ...recorded, workspaceId }, { workspaceId, policyDocument }, FAST),
    remove: (recorded) => deleteResourcePolicy(current, recorded, FAST),
    outcomeOf,
    reportedOf: (recorded) => recorded,
    recordedFrom: (workspaceId, reported) => ({ workspaceId, ...reported }),
    recover: () => {
      current = freshClient;
    },
  };
}

/** One schedule on its own emulator, with clients of its own. */
async function runSchedule(emulator: AmpEmulator, schedule: FaultSchedule): Promise<void> {
  const client = createAmpClient(emulatorClientConfig(emulator));
  const freshClient = createAmpClient(emulatorClientConfig(emulator));
  try {
    await runFaultSchedule(emulator, schedule, coreDriver(client, freshClient));
  } finally {
    client.destroy();
    freshClient.destroy();
  }
}

/** How a core call ended; a failure must be one of the core's typed errors. */
async function outcomeOf(call: Promise<ResourcePolicyState | undefined>): Promise<Outcome> {
  try {
    const state = await call;
    return state ? { succeeded: true, reported: state } : { succeeded: true };
  } catch (error) {
    expect(error, "the core fails only with its typed errors").to.be.instanceOf(AwsampError);
    const failure = error as AwsampError;
    return failure instanceof PartialWriteError
      ? { succeeded: false, message: failure.message, reported: failure.state }
      : { succeeded: false, message: failure.message };
  }
}
