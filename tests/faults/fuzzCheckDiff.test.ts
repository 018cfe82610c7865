/** Check and Diff fed 10,000 random inputs through one plugin process: each answers in time, and the plugin lives on. */

import type { PropertyObject } from "@awsamp/plugin/values";
import type { CallOptions, ClientUnaryCall, Metadata as MetadataType, ServiceError } from "@grpc/grpc-js";
import { Metadata, status } from "@grpc/grpc-js";
import type { CheckResponse } from "@pulumi/pulumi/proto/provider_pb";
import { expect } from "chai";
import fc from "fast-check";
import { AmpEmulator } from "../emulator/server";
import { checkRequest, diffRequest, resourceUrn } from "../harness/messages";
import { type PluginSession, startSession } from "../harness/session";
import { idValue, inputsValue, stateValue } from "./badInputs";

/** How many calls, Check and Diff together. */
const CALLS = 10_000;

/**
 * A call that takes longer than this hangs. The bound is for hangs, not speed (the benchmarks measure that):
 * a call's time includes its wait behind the others in flight, and on two cores a garbage collection under
 * 32 calls once put one Diff at 2.01 s.
 */
const CALL_DEADLINE_MS = 5_000;

/** Calls in flight at once: enough to keep the plugin busy, few enough that none waits near its deadline. */
const CONCURRENCY = 32;

const urn = resourceUrn("fuzzed");

/** One random call: Check of new inputs against old ones, or Diff of a state against new inputs. */
type FuzzCall =
  | { rpc: "check"; olds: PropertyObject; news: PropertyObject }
  | { rpc: "diff"; id: string; olds: PropertyObject; news: PropertyObject; oldInputs: PropertyObject };

const fuzzCall: fc.Arbitrary<FuzzCall> = fc.oneof(
  fc.record({ rpc: fc.constant("check" as const), olds: inputsValue, news: inputsValue }),
  fc.record({
    rpc: fc.constant("diff" as const),
    id: idValue,
    olds: stateValue,
    news: inputsValue,
    oldInputs: inputsValue,
  }),
);

/** A call that did not answer as it must, for the failure message. */
interface Misbehaviour {
  call: FuzzCall;
  code: number;
  message: string;
  elapsedMs: number;
}

type Callback<Res> = (error: ServiceError | null, response: Res) => void;

describe("Check and Diff under random inputs", function () {
  this.timeout(60_000);
  let emulator: AmpEmulator;
  let session: PluginSession;

  before(async () => {
    // Check looks up a workspace a policy is first put on; against an emulator, so that look is fuzzed too.
    emulator = await AmpEmulator.start();
    session = await startSession({ emulator });
  });
  after(async () => {
    await session.stop();
    await emulator.close();
  });

  it(`answers ${CALLS} random Check and Diff calls with success or check failures, each within ${CALL_DEADLINE_MS} ms, and keeps serving`, async () => {
    const seed = Date.now() ^ (Math.random() * 0x7fffffff);
    const calls = fc.sample(fuzzCall, { numRuns: CALLS, seed });
    const misbehaviours: Misbehaviour[] = [];
    let checks = 0;
    let checkFailures = 0;

    await runPooled(calls, CONCURRENCY, async (call) => {
      const started = Date.now();
      try {
        if (call.rpc === "check") {
          const response = await unary<CheckResponse>((m, o, cb) =>
            session.plugin.client.check(checkRequest({ urn, ...call }), m, o, cb),
          );
          checks++;
          if (response.getFailuresList().length > 0) checkFailures++;
        } else {
          await unary((m, o, cb) => session.plugin.client.diff(diffRequest({ urn, ...call }), m, o, cb));
        }
      } catch (error) {
        const failure = error as ServiceError;
        misbehaviours.push({
          call,
          code: failure.code,
          message: failure.details,
          elapsedMs: Date.now() - started,
        });
      }
    });

    expect(misbehaviours, `seed ${seed}: ${describeMisbehaviours(misbehaviours)}`).to.deep.equal([]);
    // The inputs must reach the checks: most are refused, some pass.
    expect(checkFailures, "Check refused some inputs").to.be.greaterThan(0);
    expect(checks - checkFailures, "Check accepted some inputs").to.be.greaterThan(0);
    expect(emulator.count("DescribeWorkspace"), "Check looked up some workspaces").to.be.greaterThan(0);
    const info = await session.plugin.getPluginInfo();
    expect(info.getVersion(), "the plugin still answers").to.match(/^\d+\.\d+\.\d+/);
    expect(session.plugin.stderr, "the plugin wrote nothing to stderr").to.equal("");
  });
});

/** Runs `work` over every item, `concurrency` at a time. */
async function runPooled<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** One unary call with the fuzz deadline; a call past it fails with DEADLINE_EXCEEDED. */
function unary<Res>(
  start: (metadata: MetadataType, options: Partial<CallOptions>, callback: Callback<Res>) => ClientUnaryCall,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    start(new Metadata(), { deadline: new Date(Date.now() + CALL_DEADLINE_MS) }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

function describeMisbehaviours(misbehaviours: readonly Misbehaviour[]): string {
  const shown = misbehaviours.slice(0, 5).map(({ call, code, message, elapsedMs }) => {
    const input = JSON.stringify(call).slice(0, 400);
    return `\n  ${call.rpc} answered ${status[code] ?? code} after ${elapsedMs} ms: "${message}" for ${input}`;
  });
  return `${misbehaviours.length} call(s) misbehaved${shown.join("")}`;
}
