/**
 * Benchmark: 200 policies created, updated and deleted through the plugin against an AMP that throttles
 * above 20 requests a second: failures, total time against the bound the throttle sets, requests, memory.
 */
import { performance } from "node:perf_hooks";
import type { PropertyObject } from "@awsamp/plugin/values";
import type { CreateResponse, UpdateResponse } from "@pulumi/pulumi/proto/provider_pb";
import { AmpEmulator } from "../../tests/emulator/server";
import { FakeEngine } from "../../tests/harness/engine";
import {
  configureRequest,
  createRequest,
  deleteRequest,
  propertiesOf,
  resourceUrn,
  updateRequest,
} from "../../tests/harness/messages";
import { emulatorConfigArgs } from "../../tests/harness/session";
import { realisticPolicy } from "./fixtures";
import type { BenchSection, Figure } from "./report";
import { launchServer, PLUGIN_LAUNCHER, type ServerProcess } from "./serverProcess";

const POLICIES = 200;
const IN_FLIGHT = [10, 50] as const;
const THROTTLE_PER_SECOND = 20;
/** Two settle times, so that no poll schedule does well by being tuned to one. */
const SETTLE_SECONDS = [1, 3] as const;
const DESCRIBES_TARGET = 1.3;
const TIME_TARGET_FACTOR = 1.3;
const RSS_TARGET_MB = 150;

type Phase = "create" | "update" | "delete";
const PHASES: readonly Phase[] = ["create", "update", "delete"];

/** One policy as the engine tracks it between phases. */
interface Tracked {
  urn: string;
  workspaceId: string;
  inputs: PropertyObject;
  nextInputs: PropertyObject;
  outputs?: PropertyObject;
}

interface PhaseResult {
  seconds: number;
  failures: number;
  /** Operations not run because their policy's earlier operation failed. */
  skipped: number;
  firstError?: string;
}

interface RunResult {
  inFlight: number;
  settleSeconds: number;
  phases: Record<Phase, PhaseResult>;
  totalSeconds: number;
  requests: { total: number; throttled: number; byOperation: Record<string, number> };
  peakRssBytes: number;
}

/**
 * The lower bound on one phase's time. Each operation needs at least its write (Put or Delete) and one
 * Describe that sees it settled: 2 requests, so a phase needs 2 × 200 admitted requests, at most 20 a
 * second. Each operation also lasts at least the settle time, and only `inFlight` run at once. A phase takes
 * the longer of the two.
 */
function phaseBoundSeconds(inFlight: number, settleSeconds: number): number {
  return Math.max((2 * POLICIES) / THROTTLE_PER_SECOND, Math.ceil(POLICIES / inFlight) * settleSeconds);
}

/** Runs `operation` on every item, `inFlight` at a time; counts failures instead of stopping. */
async function runPhase<T>(
  items: readonly T[],
  inFlight: number,
  operation: (item: T) => Promise<boolean>,
): Promise<PhaseResult> {
  let next = 0;
  const result: PhaseResult = { seconds: 0, failures: 0, skipped: 0 };
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item === undefined) continue;
      try {
        if (!(await operation(item))) result.skipped++;
      } catch (error) {
        result.failures++;
        result.firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

function trackedPolicies(emulator: AmpEmulator): Tracked[] {
  return Array.from({ length: POLICIES }, (_, index) => {
    const { workspaceId, arn } = emulator.createWorkspace(`scale-${index}`);
    return {
      urn: resourceUrn(`policy-${index}`),
      workspaceId,
      inputs: { workspaceId, policyDocument: realisticPolicy(arn) },
      nextInputs: { workspaceId, policyDocument: realisticPolicy(arn, { withPartner: true }) },
    };
  });
}

async function createPolicy(plugin: ServerProcess, policy: Tracked): Promise<boolean> {
  const request = createRequest({ urn: policy.urn, properties: policy.inputs });
  const response = await plugin.call<CreateResponse>((metadata, options, callback) =>
    plugin.client.create(request, metadata, options, callback),
  );
  policy.outputs = propertiesOf(response.getProperties());
  return true;
}

async function updatePolicy(plugin: ServerProcess, policy: Tracked): Promise<boolean> {
  if (!policy.outputs) return false;
  const request = updateRequest({
    urn: policy.urn,
    id: policy.workspaceId,
    olds: policy.outputs,
    news: policy.nextInputs,
    oldInputs: policy.inputs,
  });
  const response = await plugin.call<UpdateResponse>((metadata, options, callback) =>
    plugin.client.update(request, metadata, options, callback),
  );
  policy.outputs = propertiesOf(response.getProperties());
  return true;
}

async function deletePolicy(plugin: ServerProcess, policy: Tracked): Promise<boolean> {
  if (!policy.outputs) return false;
  const request = deleteRequest({ urn: policy.urn, id: policy.workspaceId, properties: policy.outputs });
  await plugin.call((metadata, options, callback) =>
    plugin.client.delete(request, metadata, options, callback),
  );
  return true;
}

/** One run: a fresh emulator, engine and plugin; create, update and delete all policies, `inFlight` at a time. */
async function runScale(inFlight: number, settleSeconds: number): Promise<RunResult> {
  const settleMs = settleSeconds * 1000;
  const settle = { policyCreateMs: settleMs, policyUpdateMs: settleMs, policyDeleteMs: settleMs };
  const emulator = await AmpEmulator.start({ settle });
  const engine = await FakeEngine.start();
  const plugin = await launchServer({ file: PLUGIN_LAUNCHER, args: [engine.address] });
  try {
    await plugin.call((metadata, options, callback) =>
      plugin.client.configure(
        configureRequest({ args: emulatorConfigArgs(emulator) }),
        metadata,
        options,
        callback,
      ),
    );
    const policies = trackedPolicies(emulator);
    emulator.clearLog();
    emulator.faults.throttleAbove(THROTTLE_PER_SECOND);
    const operations: Record<Phase, (policy: Tracked) => Promise<boolean>> = {
      create: (policy) => createPolicy(plugin, policy),
      update: (policy) => updatePolicy(plugin, policy),
      delete: (policy) => deletePolicy(plugin, policy),
    };
    const phases = {} as Record<Phase, PhaseResult>;
    for (const phase of PHASES) phases[phase] = await runPhase(policies, inFlight, operations[phase]);
    const byOperation: Record<string, number> = {};
    for (const entry of emulator.log.entries)
      byOperation[entry.operation] = (byOperation[entry.operation] ?? 0) + 1;
    return {
      inFlight,
      settleSeconds,
      phases,
      totalSeconds: PHASES.reduce((sum, phase) => sum + phases[phase].seconds, 0),
      requests: {
        total: emulator.log.entries.length,
        throttled: emulator.log.entries.filter((entry) => entry.status === 429).length,
        byOperation,
      },
      peakRssBytes: plugin.peakRssBytes(),
    };
  } finally {
    await plugin.stop();
    await engine.stop();
    await emulator.close();
  }
}

function labelOf(run: RunResult): string {
  return `settle ${run.settleSeconds} s, ${run.inFlight} in flight`;
}

function describesPerOperation(run: RunResult): number {
  return (run.requests.byOperation.DescribeResourcePolicy ?? 0) / (PHASES.length * POLICIES);
}

function figuresOf(run: RunResult): Figure[] {
  const bound = phaseBoundSeconds(run.inFlight, run.settleSeconds);
  const failures = failedOperations(run);
  const label = labelOf(run);
  const worst = Math.max(...PHASES.map((phase) => run.phases[phase].seconds));
  const phaseTimes = PHASES.map((phase) => `${phase} ${run.phases[phase].seconds.toFixed(1)} s`).join(", ");
  const describes = describesPerOperation(run);
  return [
    {
      name: `${label}: failed operations (of ${PHASES.length * POLICIES})`,
      value: String(failures),
      target: "0",
      met: failures === 0,
    },
    {
      name: `${label}: each phase's time`,
      value: `${phaseTimes}; the slowest ${(worst / bound).toFixed(2)}× the bound`,
      target: `≤ ${(bound * TIME_TARGET_FACTOR).toFixed(0)} s each (${TIME_TARGET_FACTOR} × the bound, ${bound} s)`,
      met: worst <= bound * TIME_TARGET_FACTOR,
    },
    {
      name: `${label}: Describes per operation`,
      value: describes.toFixed(2),
      target: `≤ ${DESCRIBES_TARGET}`,
      met: describes <= DESCRIBES_TARGET,
    },
    {
      name: `${label}: requests made (throttled ones included)`,
      value: `${run.requests.total} (${run.requests.throttled} throttled; ${(run.requests.total / (PHASES.length * POLICIES)).toFixed(1)} per operation)`,
      target: `— (at least ${2 * PHASES.length * POLICIES})`,
      met: undefined,
    },
    {
      name: `${label}: plugin's peak RSS (VmHWM)`,
      value: `${(run.peakRssBytes / 1e6).toFixed(0)} MB`,
      target: `< ${RSS_TARGET_MB} MB`,
      met: run.peakRssBytes / 1e6 < RSS_TARGET_MB,
    },
  ];
}

function requestTable(runs: readonly RunResult[]): string[] {
  const lines = [
    "Requests the emulator received, by operation:",
    "",
    "| settle | in flight | Put | Describe | Delete | throttled (429) | admitted ÷ 20/s | run's time | first failure |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const run of runs) {
    const count = (operation: string) => run.requests.byOperation[operation] ?? 0;
    const firstError = PHASES.map((phase) => run.phases[phase].firstError).find(
      (error) => error !== undefined,
    );
    lines.push(
      `| ${run.settleSeconds} s | ${run.inFlight} | ${count("PutResourcePolicy")} | ` +
        `${count("DescribeResourcePolicy")} | ${count("DeleteResourcePolicy")} | ${run.requests.throttled} | ` +
        `${admittedSeconds(run).toFixed(1)} s | ${run.totalSeconds.toFixed(1)} s | ${tableCell(firstError ?? "none")} |`,
    );
  }
  return lines;
}

/** Text that cannot break a Markdown table row. */
function tableCell(text: string): string {
  return text.replace(/[|\r\n]+/g, " ");
}

/** How long the run's admitted requests take at the throttle's rate: the floor for this run's requests. */
function admittedSeconds(run: RunResult): number {
  return (run.requests.total - run.requests.throttled) / THROTTLE_PER_SECOND;
}

function failedOperations(run: RunResult): number {
  return PHASES.reduce((sum, phase) => sum + run.phases[phase].failures + run.phases[phase].skipped, 0);
}

/** Whether operations failed under the throttle, and what that says. */
function failureNote(runs: readonly RunResult[]): string[] {
  const failing = runs.filter((run) => failedOperations(run) > 0);
  if (failing.length === 0) {
    return [
      "Every operation succeeded: the SDK's 6 attempts per request and its adaptive retry mode absorb the " +
        "throttling (see the throttled answers above).",
    ];
  }
  const counts = failing.map((run) => `${failedOperations(run)} at ${labelOf(run)}`).join(", ");
  return [
    `Operations failed under the throttle (${counts}; the first failure is in the table above). A request ` +
      "throttled 6 times in a row fails its operation: more attempts (maxAttempts), or fewer requests per " +
      "operation so that fewer compete for the window, would fix it.",
  ];
}

/** Why a run missed its targets, from its own counts. */
function missExplanation(runs: readonly RunResult[]): string[] {
  const missed = runs.flatMap(figuresOf).filter((figure) => figure.met === false);
  if (missed.length === 0) return [];
  return [
    "Not met:",
    "",
    ...missed.map((figure) => `- ${figure.name}: ${figure.value} (target ${figure.target})`),
    "",
    "A phase takes at least its admitted requests ÷ 20 a second; each Describe beyond one per operation " +
      "and each retried write spends the throttle's capacity, and each poll that lands after the policy " +
      "settled holds an operation (and the slot it takes of those in flight) past the settle time.",
  ];
}

export async function benchScale(): Promise<BenchSection> {
  // The runs go at once, each with its own emulator, throttle, engine and plugin: they share only the
  // machine's two cores, which 4 × 20 requests a second leave mostly idle.
  const runs = await Promise.all(
    SETTLE_SECONDS.flatMap((settleSeconds) => IN_FLIGHT.map((inFlight) => runScale(inFlight, settleSeconds))),
  );
  const bounds = runs
    .map((run) => `${phaseBoundSeconds(run.inFlight, run.settleSeconds)} s at ${labelOf(run)}`)
    .join(", ");
  return {
    title: "Scale: 200 policies through the plugin under a 20-requests-a-second throttle",
    method:
      `${POLICIES} workspaces, each given a realistic policy: the plugin (started through ` +
      "bin/pulumi-resource-awsamp, configured for the emulator) creates all of them, then updates all of them " +
      `(a third statement), then deletes all of them, through gRPC Create, Update and Delete, with ` +
      `${IN_FLIGHT.join(" and ")} operations in flight, at settle times of ${SETTLE_SECONDS.join(" and ")} s: ` +
      `${runs.length} runs, at once, each with a fresh emulator, engine and plugin of its own. Each emulator ` +
      "settles every create, update and delete in its settle time and answers ThrottlingException (429, with " +
      `Retry-After) to every request beyond ${THROTTLE_PER_SECOND} in any one-second window; throttled ` +
      "requests do not count against the window. The plugin's AmpClient makes up to 6 attempts per request " +
      "with the SDK's adaptive retry mode, and waits as the core does by default. A phase's bound: each " +
      `operation needs at least its write and one Describe, so each phase needs ${2 * POLICIES} admitted ` +
      `requests, ${(2 * POLICIES) / THROTTLE_PER_SECOND} s at ${THROTTLE_PER_SECOND} a second; each ` +
      "operation also lasts at least the settle time, so with n in flight a phase takes at least " +
      `ceil(${POLICIES}/n) × the settle time; the bound is the larger (${bounds}). Describes per operation ` +
      "count every Describe the emulator answered, throttled ones included. Peak RSS is the plugin " +
      "process's VmHWM, read from /proc at the end of the run.",
    figures: runs.flatMap(figuresOf),
    details: [...requestTable(runs), "", ...failureNote(runs), "", ...missExplanation(runs)],
  };
}
