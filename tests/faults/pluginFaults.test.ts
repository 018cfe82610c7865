/** The plugin over gRPC under AWS faults: each call answers success or a clear error, and the engine's state matches AWS. */

import { type PropertyObject, readField, stringOf } from "@awsamp/plugin/values";
import { type ServiceError, status } from "@grpc/grpc-js";
import { expect } from "chai";
import fc from "fast-check";
import { AmpEmulator } from "../emulator/server";
import {
  configureRequest,
  createRequest,
  deleteRequest,
  initFailureOf,
  propertiesOf,
  resourceUrn,
  updateRequest,
} from "../harness/messages";
import { emulatorConfigArgs, type PluginSession, startSession } from "../harness/session";
import { type LifecycleDriver, type Outcome, type ReportedPolicy, runFaultSchedule } from "./consistency";
import {
  everyAnswerLost,
  type FaultSchedule,
  faultSchedule,
  MAX_FAULT_COUNT,
  PROPERTY_LIMITS,
} from "./faultSchedules";

/** Short transitions, so waits see CREATING and UPDATING and faults can hit their polls. */
const SETTLE = { policyCreateMs: 60, policyUpdateMs: 60, policyDeleteMs: 60 };

/** Plugins run side by side, each configured for its own emulator. */
const LANES = 4;

/** Schedules every run covers: throttling, and answers lost after the write landed, every retry included. */
const EXAMPLE_SCHEDULES: FaultSchedule[][] = [
  [
    { operation: "create", kind: "throttle", perSecond: 1 },
    { operation: "update", kind: "throttle", perSecond: 1 },
    { operation: "create", kind: "dropAfterWrite", count: 3, target: "write" },
    { operation: "delete", kind: "serverError", count: MAX_FAULT_COUNT, target: "every" },
  ],
  [
    everyAnswerLost("create"),
    everyAnswerLost("update"),
    everyAnswerLost("delete"),
    { operation: "create", kind: "drop", count: MAX_FAULT_COUNT, target: "describe" },
  ],
];

const urn = resourceUrn("faulted");

/** One plugin and the emulator it is configured for. */
interface Lane {
  emulator: AmpEmulator;
  session: PluginSession;
}

describe("the plugin under AWS faults", function () {
  this.timeout(60_000);
  const lanes: Lane[] = [];

  before(async () => {
    const started = await Promise.all(
      Array.from({ length: LANES }, async () => {
        const emulator = await AmpEmulator.start({ settle: SETTLE });
        return { emulator, session: await startSession({ emulator }) };
      }),
    );
    lanes.push(...started);
  });
  after(async () => {
    await Promise.all(lanes.map(({ session, emulator }) => session.stop().then(() => emulator.close())));
  });

  it("answers every create, update and delete with success or a clear error, and the state it hands the engine matches AWS", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(faultSchedule, { minLength: LANES, maxLength: LANES }), async (schedules) => {
        await Promise.all(schedules.map((schedule, index) => runSchedule(laneAt(index), schedule)));
      }),
      { ...PROPERTY_LIMITS, numRuns: 4, examples: EXAMPLE_SCHEDULES.map((schedules) => [schedules]) },
    );
  });

  it("is still serving after the faults", async () => {
    for (const { session } of lanes) {
      const info = await session.plugin.getPluginInfo();
      expect(info.getVersion()).to.match(/^\d+\.\d+\.\d+/);
    }
  });

  function laneAt(index: number): Lane {
    const lane = lanes[index];
    if (!lane) throw new Error(`no plugin for lane ${index}; LANES is ${LANES}`);
    return lane;
  }
});

/** The plugin over gRPC, as the engine calls it: the outputs are the engine's record. */
function pluginDriver(session: PluginSession): LifecycleDriver<PropertyObject> {
  return {
    create: (workspaceId, document) => createThroughPlugin(session, workspaceId, document),
    update: async (olds, workspaceId, document) => {
      const news = { workspaceId, policyDocument: document };
      const response = await session.plugin.update(
        updateRequest({ urn, id: workspaceId, olds, news, oldInputs: inputsOf(olds) }),
      );
      return propertiesOf(response.getProperties());
    },
    remove: async (properties, workspaceId) => {
      await session.plugin.delete(deleteRequest({ urn, id: workspaceId, properties }));
    },
    outcomeOf,
    reportedOf,
    recordedFrom: (workspaceId, reported) => ({ workspaceId, ...reported }),
  };
}

/** One schedule on one lane, with a fresh configuration: fresh AWS clients, whose retry quota is whole. */
async function runSchedule({ emulator, session }: Lane, schedule: FaultSchedule): Promise<void> {
  await session.plugin.configure(configureRequest({ args: emulatorConfigArgs(emulator) }));
  await runFaultSchedule(emulator, schedule, pluginDriver(session));
}

async function createThroughPlugin(
  session: PluginSession,
  workspaceId: string,
  document: string,
): Promise<PropertyObject> {
  const response = await session.plugin.create(
    createRequest({ urn, properties: { workspaceId, policyDocument: document } }),
  );
  return propertiesOf(response.getProperties());
}

/**
 * How an RPC ended, as the engine sees it. A failure must be a status the provider chose (not a dead
 * plugin or a missed deadline); ErrorResourceInitFailed's properties are the state the engine records.
 */
async function outcomeOf(call: Promise<PropertyObject | undefined>): Promise<Outcome> {
  try {
    const properties = await call;
    return properties ? { succeeded: true, reported: reportedOf(properties) } : { succeeded: true };
  } catch (error) {
    const failure = error as ServiceError;
    expect(failure.code, `a provider's answer, not a transport failure: ${failure.message}`).to.equal(
      status.UNKNOWN,
    );
    const partial = initFailureOf(failure);
    return partial
      ? { succeeded: false, message: failure.details, reported: reportedOf(partial.properties) }
      : { succeeded: false, message: failure.details };
  }
}

function reportedOf(properties: PropertyObject): ReportedPolicy {
  const text = (key: string) => stringOf(readField(properties, key)) ?? "";
  return {
    policyDocument: text("policyDocument"),
    policyStatus: text("policyStatus"),
    revisionId: text("revisionId"),
  };
}

function inputsOf(outputs: PropertyObject): PropertyObject {
  const { workspaceId = null, policyDocument: document = null } = outputs;
  return { workspaceId, policyDocument: document };
}
