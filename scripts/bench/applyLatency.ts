/**
 * Benchmark: how long create and update take beyond the time AWS needs to settle the policy, and how many
 * Describe calls they make, for many chains at once on one client, against a poller on Terraform's schedule.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { type AmpClient, DescribeResourcePolicyCommand, PutResourcePolicyCommand } from "@aws-sdk/client-amp";
import {
  createResourcePolicy,
  DEFAULT_POLL_SCHEDULE,
  type PollSchedule,
  updateResourcePolicy,
} from "@awsamp/core";
import { createAmpClient } from "@awsamp/core/client";
import { AmpEmulator, emulatorClientConfig } from "../../tests/emulator/server";
import { realisticPolicy } from "./fixtures";
import { type BenchSection, type Figure, median } from "./report";

/**
 * The settle times, in seconds: 0.5, 2 and 10, and between them points about 1.6 times apart, so that no
 * schedule does well by landing on chosen points.
 */
const SETTLE_SECONDS = [0.5, 0.8, 1.25, 2, 3.2, 5, 10] as const;

/** Runs of each poller per settle time: the waiter's delays are random, and round trips vary. */
const REPEATS = 25;

/** Chains of one settle time start this far apart, so their polls do not all fall on the same instants. */
const STAGGER_MS = 20;

/** Terraform's StateChangeConf for this resource: first check at once, then 200 ms doubling to 10 s, no jitter. */
const REFERENCE_FIRST_DELAY_MS = 200;
const REFERENCE_MAX_DELAY_MS = 10_000;

type Operation = "create" | "update";
const OPERATIONS: readonly Operation[] = ["create", "update"];

/** Who waits: the core with a poll schedule, or the reference loop. */
type Poller = { kind: "core"; label: string; poll: PollSchedule } | { kind: "reference"; label: string };

const REFERENCE: Poller = { kind: "reference", label: "reference (Terraform's schedule)" };
const CORE_POLLERS: readonly Poller[] = [{ kind: "core", label: "core", poll: DEFAULT_POLL_SCHEDULE }];

/** One operation: the time it took beyond the settle time, and the Describe calls the emulator answered. */
interface Measurement {
  overheadMs: number;
  describes: number;
}

type ChainResult = Record<Operation, Measurement>;

/** The results of one settle time: per poller, every chain's create and update. */
type GroupResult = Map<Poller, ChainResult[]>;

/** Terraform's delays between checks, in milliseconds. */
function* referenceDelaysMs(): Generator<number> {
  for (let delay = REFERENCE_FIRST_DELAY_MS; ; delay = Math.min(delay * 2, REFERENCE_MAX_DELAY_MS))
    yield delay;
}

/** The reference: the same Put the core makes, then Describe on Terraform's schedule until ACTIVE. */
async function referenceApply(
  client: AmpClient,
  workspaceId: string,
  policyDocument: string,
  revisionId: string,
): Promise<string> {
  await client.send(
    new PutResourcePolicyCommand({ workspaceId, policyDocument, revisionId, clientToken: randomUUID() }),
  );
  const delays = referenceDelaysMs();
  for (;;) {
    const out = await client.send(new DescribeResourcePolicyCommand({ workspaceId }));
    if (out.policyStatus === "ACTIVE") return out.revisionId ?? "";
    if (out.policyStatus !== "CREATING" && out.policyStatus !== "UPDATING") {
      throw new Error(`the reference poller on ${workspaceId}: unexpected status ${out.policyStatus}`);
    }
    await sleep(delays.next().value);
  }
}

function describesOf(emulator: AmpEmulator, workspaceId: string): number {
  return emulator.log.entries.filter(
    (entry) => entry.operation === "DescribeResourcePolicy" && entry.workspaceId === workspaceId,
  ).length;
}

async function measure<T>(
  emulator: AmpEmulator,
  workspaceId: string,
  settleMs: number,
  operation: () => Promise<T>,
): Promise<{ result: T; measurement: Measurement }> {
  const describesBefore = describesOf(emulator, workspaceId);
  const started = performance.now();
  const result = await operation();
  const overheadMs = performance.now() - started - settleMs;
  return {
    result,
    measurement: { overheadMs, describes: describesOf(emulator, workspaceId) - describesBefore },
  };
}

/** Creates a policy on a fresh workspace, then updates it, measuring both. */
async function runChain(
  emulator: AmpEmulator,
  client: AmpClient,
  poller: Poller,
  settleMs: number,
): Promise<ChainResult> {
  const { workspaceId, arn } = emulator.createWorkspace();
  const first = realisticPolicy(arn);
  const second = realisticPolicy(arn, { withPartner: true });
  if (poller.kind === "reference") {
    const created = await measure(emulator, workspaceId, settleMs, () =>
      referenceApply(client, workspaceId, first, "NO_POLICY"),
    );
    const updated = await measure(emulator, workspaceId, settleMs, () =>
      referenceApply(client, workspaceId, second, created.result),
    );
    return { create: created.measurement, update: updated.measurement };
  }
  const options = { poll: poller.poll };
  const created = await measure(emulator, workspaceId, settleMs, () =>
    createResourcePolicy(client, { workspaceId, policyDocument: first }, options),
  );
  const updated = await measure(emulator, workspaceId, settleMs, () =>
    updateResourcePolicy(client, created.result, { workspaceId, policyDocument: second }, options),
  );
  return { create: created.measurement, update: updated.measurement };
}

/** Every chain of one settle time at once, each on its own workspace, their starts staggered. */
async function runGroup(
  emulator: AmpEmulator,
  client: AmpClient,
  settleSeconds: number,
): Promise<GroupResult> {
  const settleMs = settleSeconds * 1000;
  emulator.settle.policyCreateMs = settleMs;
  emulator.settle.policyUpdateMs = settleMs;
  const pollers = [REFERENCE, ...CORE_POLLERS].flatMap((poller) => Array<Poller>(REPEATS).fill(poller));
  const results = await Promise.all(
    pollers.map(async (poller, index) => {
      await sleep(index * STAGGER_MS);
      return { poller, chain: await runChain(emulator, client, poller, settleMs) };
    }),
  );
  const group: GroupResult = new Map();
  for (const { poller, chain } of results) group.set(poller, [...(group.get(poller) ?? []), chain]);
  return group;
}

/** The same chains one at a time: how much running them together moved the figures. */
async function runAlone(
  emulator: AmpEmulator,
  client: AmpClient,
  poller: Poller,
  settleSeconds: number,
): Promise<ChainResult> {
  emulator.settle.policyCreateMs = settleSeconds * 1000;
  emulator.settle.policyUpdateMs = settleSeconds * 1000;
  return runChain(emulator, client, poller, settleSeconds * 1000);
}

/** Milliseconds, with a decimal where the value is small enough for it to matter. */
const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

function figuresOf(settleSeconds: number, operation: Operation, group: GroupResult): Figure[] {
  // The reference's schedule is fixed, but its round trips are not: its median is the fair comparison.
  const referenceRuns = (group.get(REFERENCE) ?? []).map((chain) => chain[operation]);
  if (referenceRuns.length === 0) throw new Error("the apply-latency benchmark: the reference has no result");
  const reference = {
    overheadMs: median(referenceRuns.map((run) => run.overheadMs)),
    describes: median(referenceRuns.map((run) => run.describes)),
  };
  const halfOverhead = reference.overheadMs / 2;
  const callBudget = reference.describes * 1.5;
  return CORE_POLLERS.flatMap((poller) => {
    const runs = (group.get(poller) ?? []).map((chain) => chain[operation]);
    const overheads = runs.map((run) => run.overheadMs);
    const calls = runs.map((run) => run.describes);
    const name = `${operation}, settle ${settleSeconds} s, ${poller.label}`;
    return [
      {
        name: `${name}: overhead, median (max) of ${runs.length}`,
        value: `${ms(median(overheads))} (${ms(Math.max(...overheads))})`,
        target: `≤ ${ms(halfOverhead)} (½ × reference's ${ms(reference.overheadMs)})`,
        met: median(overheads) <= halfOverhead,
      },
      {
        name: `${name}: Describe calls, median (max)`,
        value: `${median(calls)} (${Math.max(...calls)})`,
        target: `≤ ${callBudget} (1.5 × reference's ${reference.describes})`,
        met: median(calls) <= callBudget,
      },
    ];
  });
}

/** When the reference checks, in seconds after the Put, up to the first check at or after `until`. */
function referenceCheckTimes(untilSeconds: number): number[] {
  const times = [0];
  const delays = referenceDelaysMs();
  while ((times.at(-1) ?? 0) < untilSeconds) times.push((times.at(-1) ?? 0) + delays.next().value / 1000);
  return times;
}

function explanation(figures: Figure[]): string[] {
  const missed = figures.filter((figure) => figure.met === false);
  const checks = referenceCheckTimes(10)
    .map((t) => t.toFixed(1))
    .join(", ");
  return [
    "How the core meets what no fixed schedule can:",
    "",
    `- The reference checks at ${checks} s after the Put. For polls that grow by a factor q, the lateness ` +
      "averages (q − 1)/ln q − 1 of the settle time over settle times spread evenly on a log scale, and the " +
      "polls number 1/ln q per factor of e: halving Terraform's lateness (q = 2: 0.44 of the settle time) " +
      "needs q ≈ 1.47, about 1.8× its polls, so no schedule fixed in advance meets both targets, and the " +
      "SDK waiter's (minDelay, maxDelay) cannot meet them at 0.5, 2 and 10 s at once (the previous " +
      "figures showed it).",
    "- The core's schedule is not fixed: a wait polls where the writes its client watched settled. The " +
      "first writes on a client find nothing known; while they wait together they search as one (each " +
      "polls a step beyond the furthest any has looked, the step 2^(1/n) − 1 of the time waited for n " +
      "waits, at least 5%), so the first settle seen is found within a small step of the time waited, at " +
      "about one Describe per wait per doubling; then every wait polls halfway between the latest look that " +
      "saw a write settling and the earliest settle, until the two are within 2% (or 10 ms), and then at " +
      "that settle: one Describe. A settle no look saw a write still settling before (polls that waited in " +
      "a throttled client's queue find every write settled) is tested at half its time, down to the " +
      "schedule's first poll, so that it comes back down to AWS's pace.",
    "- Each settle time here follows the last on the same client, as a plugin sees AWS's pace change: the " +
      "settles remembered from the previous group are forgotten as soon as a wait is still settling after " +
      "them, at a cost of one Describe for the waits in flight at that moment.",
    ...(missed.length
      ? [
          "",
          "Not met, and why:",
          "",
          ...missed.map((figure) => `- ${figure.name}: ${figure.value} (target ${figure.target})`),
          "",
          "A create of the first group is the client's first: its waits know nothing, and until one of them " +
            "sees a settle the search's step (5% of the time waited, plus the Describe's round trip) is its " +
            "lateness, where a median of half the reference's leaves 50 ms at a 0.5 s settle. The emulator " +
            "runs in the benchmark's process, so every Describe's round trip grows with the 75 chains at " +
            "once on the same event loop (the reference's own figure shows it).",
        ]
      : []),
  ];
}

export async function benchApplyLatency(): Promise<BenchSection> {
  const emulator = await AmpEmulator.start();
  const client = createAmpClient(emulatorClientConfig(emulator));
  try {
    // One unmeasured chain per poller first: the client's first requests resolve its configuration and
    // open connections, which is no poller's doing.
    for (const poller of [REFERENCE, ...CORE_POLLERS]) await runAlone(emulator, client, poller, 0);
    const groups = new Map<number, GroupResult>();
    for (const settleSeconds of SETTLE_SECONDS) {
      groups.set(settleSeconds, await runGroup(emulator, client, settleSeconds));
    }
    const figures = OPERATIONS.flatMap((operation) =>
      SETTLE_SECONDS.flatMap((settleSeconds) => {
        const group = groups.get(settleSeconds);
        return group ? figuresOf(settleSeconds, operation, group) : [];
      }),
    );
    return {
      title: "Many at once: 25 chains of create and update on one client",
      method:
        `The emulator settles a policy in ${SETTLE_SECONDS.join(", ")} s (create and update alike), one ` +
        "settle time after another, in that order, on one client, as one plugin process would. For each " +
        "settle time, chains run at once, each on its own workspace, starting " +
        `${STAGGER_MS} ms apart: ${REPEATS} with the reference poller and ${REPEATS} with the core. ` +
        "A chain creates a realistic two-statement policy, then updates it with a third statement. The core's " +
        "chains call createResourcePolicy and updateResourcePolicy; the reference " +
        "makes the same Put, then a plain loop over DescribeResourcePolicy on Terraform's schedule for this " +
        "resource (first check at once, then 200 ms doubling to a 10 s cap, no jitter); its polls are " +
        "deterministic, its round trips are not, so its median too is the comparison. Overhead is the " +
        "operation's wall time minus the settle time (it includes the Put's round trip); Describe calls are " +
        "those the emulator logged for the workspace during the operation. The core polls where the writes " +
        "its client has watched settled (provider/core/src/settleTimes.ts), and, before it has seen any settle, " +
        "on its schedule (the lone-apply section). The cache folder the plugin remembers settles in for the " +
        "next process is a fresh one (XDG_CACHE_HOME), so these runs start from nothing.",
      figures,
      details: explanation(figures),
    };
  } finally {
    client.destroy();
    await emulator.close();
  }
}
