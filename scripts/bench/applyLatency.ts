/**
 * Benchmark: how long create and update take beyond the time AWS needs to settle the policy, and how many
 * Describe calls they make, for the core's waiter (the default poll schedule and the previous one) against a
 * poller on Terraform's schedule.
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

/** The settle times the issue asks for, in seconds. */
const SETTLE_SECONDS = [0, 0.5, 2, 10] as const;

/** Runs of each poller per settle time: the waiter's delays are random, and round trips vary. */
const REPEATS = 25;

/** Chains of one settle time start this far apart, so their polls do not all fall on the same instants. */
const STAGGER_MS = 20;

/** Terraform's StateChangeConf for this resource: first check at once, then 200 ms doubling to 10 s, no jitter. */
const REFERENCE_FIRST_DELAY_MS = 200;
const REFERENCE_MAX_DELAY_MS = 10_000;

/** The core's first default, kept beside the default these figures chose (see the section's details for why). */
const PREVIOUS_POLL_SCHEDULE: PollSchedule = { minDelaySeconds: 0.1, maxDelaySeconds: 2 };

type Operation = "create" | "update";
const OPERATIONS: readonly Operation[] = ["create", "update"];

/** Who waits: the core with a poll schedule, or the reference loop. */
type Poller = { kind: "core"; label: string; poll: PollSchedule } | { kind: "reference"; label: string };

const REFERENCE: Poller = { kind: "reference", label: "reference (Terraform's schedule)" };
const CORE_POLLERS: readonly Poller[] = [
  { kind: "core", label: "default", poll: DEFAULT_POLL_SCHEDULE },
  { kind: "core", label: "previous default", poll: PREVIOUS_POLL_SCHEDULE },
];

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

function concurrencyCheck(
  groups: Map<number, GroupResult>,
  alone: { settleSeconds: number; poller: Poller; chains: ChainResult[] }[],
): string[] {
  const lines = [
    "Concurrency check: the same chains run one at a time after the concurrent runs (overhead of create / " +
      "update; for the core's schedules the median of the runs):",
    "",
    "| poller | settle | alone | concurrent |",
    "| --- | --- | --- | --- |",
  ];
  for (const { settleSeconds, poller, chains } of alone) {
    const together = groups.get(settleSeconds)?.get(poller) ?? [];
    const pair = (runs: ChainResult[]) =>
      OPERATIONS.map((operation) => ms(median(runs.map((chain) => chain[operation].overheadMs)))).join(" / ");
    lines.push(`| ${poller.label} | ${settleSeconds} s | ${pair(chains)} | ${pair(together)} |`);
  }
  return lines;
}

function explanation(figures: Figure[]): string[] {
  const missed = figures.filter((figure) => figure.met === false).map((figure) => figure.name);
  const checks = referenceCheckTimes(10)
    .map((t) => t.toFixed(1))
    .join(", ");
  return [
    `Why targets are missed (${missed.length} of ${figures.length} figures not met), and why the recommendation:`,
    "",
    "- At 0 s the policy is ACTIVE at the first Describe, so every poller pays the Put and one Describe " +
      "round trip and nothing else; the reference's overhead is those two round trips, and half of it is " +
      "below what any poller can do. The figures at 0 s show that the core adds nothing to the round trips.",
    `- The reference checks at ${checks} s after the Put: 0.1 s late at 0.5 s, 1.0 s at 2 s, 2.6 s at 10 s. ` +
      "@smithy/util-waiter waits exactly minDelay before the second poll, then draws each delay uniformly " +
      "between minDelay and a ceiling that doubles per attempt, and waits exactly maxDelay once that ceiling " +
      "passes maxDelay. With the previous default (0.1 s, 2 s) the polls near 0.5 s are 0.1 to 0.8 s apart " +
      "(a median of about 0.1 s late, as late as the reference), and from about 2 s on exactly 2 s apart: " +
      "a settle just after a poll costs up to 2 s, and 10 s usually takes 11 polls where the budget is 10.5.",
    "- Half the reference's lateness at 0.5 s (about 55 ms) with at most 4 polls needs a poll between 0.50 " +
      "and 0.55 s; of the waiter's delays only the first is not random, so minDelay must be 0.5 s. Then, for " +
      "a maxDelay M from 1 to 2 s, the polls come at 0, 0.5 s, T between 1.0 and 1.5 s, then every M: at " +
      "2 s the lateness is T + M − 2 (a median of M − 0.75 s, at most 0.5 s only for M ≤ 1.25 s), and at " +
      "10 s the polls number 3 + ceil((10 − T)/M) (at most 10 only for M ≥ 1.25 s). No (minDelay, maxDelay) " +
      "meets both; M = 1.25 s sits on the edge of both and flips from run to run.",
    "- Across settle times, not only at these four, half the reference's lateness with at most 1.5× its " +
      "polls cannot be had: for polls that grow by a factor q, the lateness averages (q − 1)/ln q − 1 of the " +
      "settle time over settle times spread evenly on a log scale, and the polls number 1/ln q per factor " +
      "of e. Halving Terraform's (q = 2: 0.44 of the settle time) needs q ≈ 1.47, about 1.8× its polls.",
    `- The default, chosen from these figures: minDelay ${DEFAULT_POLL_SCHEDULE.minDelaySeconds} s, maxDelay ` +
      `${DEFAULT_POLL_SCHEDULE.maxDelaySeconds} s. It polls at 0, 0.5 s, 1.0 to 1.5 s, then every 1.5 s: ` +
      "it meets the targets at 0.5 s and 10 s with room to spare and makes fewer polls than the previous " +
      "default from 0.5 s on; at 2 s it is 0.5 to 1.0 s late (a median of about 0.75 s), below the " +
      "reference's 1.0 s but not half of it. Its costs: a policy that settles within 0.1 s is seen ACTIVE " +
      "at 0.5 s (by the previous default at about 0.1 s, by the reference at 0.2 s), and one that takes minutes is " +
      "polled every 1.5 s (by the previous default every 2 s, by Terraform every 10 s). Its figure at 0.5 s " +
      "flatters it: its second poll lands on that settle time exactly, and a policy that settles at 0.6 s " +
      "is seen at 1.0 to 1.5 s, where Terraform's poll at 0.6 s sees it at once.",
    ...(missed.length ? ["", "Not met:", "", ...missed.map((name) => `- ${name}`)] : []),
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
    const alone: { settleSeconds: number; poller: Poller; chains: ChainResult[] }[] = [];
    for (const settleSeconds of [0, 0.5, 2]) {
      alone.push({
        settleSeconds,
        poller: REFERENCE,
        chains: [await runAlone(emulator, client, REFERENCE, settleSeconds)],
      });
    }
    for (const poller of CORE_POLLERS) {
      const chains: ChainResult[] = [];
      for (let run = 0; run < 3; run++) chains.push(await runAlone(emulator, client, poller, 0));
      alone.push({ settleSeconds: 0, poller, chains });
    }
    const figures = OPERATIONS.flatMap((operation) =>
      SETTLE_SECONDS.flatMap((settleSeconds) => {
        const group = groups.get(settleSeconds);
        return group ? figuresOf(settleSeconds, operation, group) : [];
      }),
    );
    return {
      title: "Apply latency: create and update beyond the settle time",
      method:
        `The emulator settles a policy in ${SETTLE_SECONDS.join(", ")} s (create and update alike). For each ` +
        "settle time, chains run at once, each on its own workspace, starting " +
        `${STAGGER_MS} ms apart: ${REPEATS} with the reference poller and ${REPEATS} with each of the core's ` +
        "schedules. " +
        "A chain creates a realistic two-statement policy, then updates it with a third statement. The core's " +
        "chains call createResourcePolicy and updateResourcePolicy with the schedule as `poll`; the reference " +
        "makes the same Put, then a plain loop over DescribeResourcePolicy on Terraform's schedule for this " +
        "resource (first check at once, then 200 ms doubling to a 10 s cap, no jitter); its polls are " +
        "deterministic, its round trips are not, so its median too is the comparison. Overhead is the " +
        "operation's wall time minus the settle time (it " +
        "includes the Put's round trip); Describe calls are those the emulator logged for the workspace during " +
        "the operation. Default: " +
        `minDelay ${DEFAULT_POLL_SCHEDULE.minDelaySeconds} s, maxDelay ${DEFAULT_POLL_SCHEDULE.maxDelaySeconds} s; ` +
        `previous default: minDelay ${PREVIOUS_POLL_SCHEDULE.minDelaySeconds} s, ` +
        `maxDelay ${PREVIOUS_POLL_SCHEDULE.maxDelaySeconds} s (both first poll at once, then ` +
        "@smithy/util-waiter's backoff with its jitter).",
      figures,
      details: [...concurrencyCheck(groups, alone), "", ...explanation(figures)],
    };
  } finally {
    client.destroy();
    await emulator.close();
  }
}
