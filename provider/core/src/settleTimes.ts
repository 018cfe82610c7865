/** Where a wait polls next: on its schedule, or where the writes this process (or an earlier one) watched settled. */
import type { AmpClient } from "@aws-sdk/client-amp";
import { recallSettles, rememberSettles, type SettleKind, type SettleRecord } from "./settleMemory";

/**
 * Where a wait polls while nothing is known: first `firstMs` after the write (0: at once), then each poll
 * `growth` times as long after the write as the one before, plus `stepMs`, never more than `maxGapMs` after
 * it, and never sooner than `firstMs` after the write.
 */
export interface PollSchedule {
  firstMs: number;
  growth: number;
  stepMs?: number;
  maxGapMs: number;
}

/**
 * Three polls per doubling of the time waited (each 26% after the last) from half a second: as many
 * Describes per doubling as Terraform's schedule spends on the first seconds, where most writes settle, and
 * a poll never more than 26% of the time waited after the settle, where Terraform's can be 100%.
 */
export const DEFAULT_POLL_SCHEDULE: PollSchedule = { firstMs: 500, growth: 2 ** (1 / 3), maxGapMs: 10_000 };

/** Terraform's StateChangeConf for this resource: at once, then 200 ms doubling to 10 s (0, 0.2, 0.6, 1.4 s…). */
export const TERRAFORM_POLL_SCHEDULE: PollSchedule = { firstMs: 0, growth: 2, stepMs: 200, maxGapMs: 10_000 };

/** The schedule's next poll after a look at `lastLookMs` (undefined: none yet), in ms after the write. */
export function scheduledPoll(schedule: PollSchedule, lastLookMs: number | undefined): number {
  if (lastLookMs === undefined) return schedule.firstMs;
  const grown = lastLookMs * schedule.growth + (schedule.stepMs ?? 0);
  return Math.min(Math.max(grown, schedule.firstMs, lastLookMs + 1), lastLookMs + schedule.maxGapMs);
}

/** A settle time known to within this much is known: closer polls would cost Describes and save little. */
const TOLERANCE_MS = 10;
const TOLERANCE_SHARE = 0.02;

/** A wait that missed a poll placed on another's settle goes at least this much further out next. */
const GROWTH_AFTER_MISS = 1.25;

/** The finest step of a search shared by many waits, as a share of the time waited. */
const MIN_SEARCH_STEP = 0.05;

/** How many recent looks of each outcome are kept: AWS's pace drifts, and a few waits pin a settle down. */
const REMEMBERED = 32;

/** One wait's own view: when it last saw its write settling, and whether a poll placed on a settle missed. */
export interface WaitView {
  /** Ms from the write's answer to the send of the last poll that saw it settling; undefined before any. */
  lastSettlingMs: number | undefined;
  /** True when its last poll, placed where another wait had seen a settle, found this one still settling. */
  missedPlan: boolean;
  /** Between 0.5 and 1.5, drawn at each poll: spreads the polls of waits that search together. */
  jitter: number;
}

/** A wait's next poll, in ms after the write's answer, and what placed it there. */
export interface PlannedPoll {
  atMs: number;
  /**
   * seen: where a write settled; halfway: between that and a look that saw one settling; below: half a
   * settle no look bounds from below; near: just after a seen poll that missed; schedule.
   */
  basis: "seen" | "halfway" | "below" | "near" | "schedule";
}

/**
 * The one place that decides where a wait polls next: from what `known` holds (the settle times of its
 * kind of wait on its client), or, with nothing known beyond its last look, on its schedule.
 */
export function planNextPoll(view: WaitView, schedule: PollSchedule, known?: SettleTimes): PlannedPoll {
  return (
    known?.nextPoll(view, schedule) ?? {
      atMs: scheduledPoll(schedule, view.lastSettlingMs),
      basis: "schedule",
    }
  );
}

/**
 * The settle times of one kind of wait (ACTIVE after a put, gone after a delete) on one client, as
 * brackets: a write was still settling when a poll went out at `settling`, and had settled by the time a
 * later poll was answered at `settled`, both in ms after the write's answer. Waits running at once share
 * them, and so does the next process on this machine (settleMemory.ts), so that a write polls once, where
 * writes settle.
 */
export class SettleTimes {
  private readonly settledMs: number[];
  private readonly settlingMs: number[];
  /** Polls sent and not yet answered, by their send time after the write: the others need not repeat them. */
  private readonly probingMs = new Set<number>();
  private readonly inFlight = new Set<WaitView>();
  private listeners = new Set<() => void>();

  constructor(remembered: SettleRecord = { settledMs: [], settlingMs: [] }) {
    this.settledMs = [...remembered.settledMs];
    this.settlingMs = [...remembered.settlingMs];
  }

  /** What is known, to remember for the next process. */
  get record(): SettleRecord {
    return { settledMs: [...this.settledMs], settlingMs: [...this.settlingMs] };
  }

  /** A wait begins or ends: the waits in flight share the search for a settle time not yet seen. */
  begin(wait: WaitView): void {
    this.inFlight.add(wait);
  }

  end(wait: WaitView): void {
    this.inFlight.delete(wait);
  }

  /** A poll went out; `saw` follows with its outcome, `probed` always. */
  probing(elapsedMs: number): void {
    this.probingMs.add(elapsedMs);
    this.notify();
  }

  probed(elapsedMs: number): void {
    this.probingMs.delete(elapsedMs);
  }

  /** Records a poll: its send (when still settling) or its answer (when settled), in ms after the write. */
  saw(elapsedMs: number, settled: boolean): void {
    if (settled) {
      keepRecent(this.settledMs, elapsedMs);
    } else {
      keepRecent(this.settlingMs, elapsedMs);
      // Still settling after a time another write settled by: AWS's pace changed, that settle says no more.
      for (let i = this.settledMs.length - 1; i >= 0; i--) {
        if ((this.settledMs[i] ?? 0) <= elapsedMs) this.settledMs.splice(i, 1);
      }
    }
    this.notify();
  }

  /**
   * At the earliest settle seen beyond the wait's last look, or halfway there from the latest look that saw
   * a write settling while that interval is wider than the tolerance, or at half of it where no look saw a
   * write settling before it; with nothing seen beyond its last look, the search the waits in flight share,
   * or its schedule.
   */
  nextPoll(wait: WaitView, schedule: PollSchedule): PlannedPoll {
    const lastMs = wait.lastSettlingMs ?? 0;
    const earliestSettled = minAbove(this.settledMs, lastMs);
    // A poll placed where writes settled that found this one still settling, with nothing seen later: it
    // is most likely a little late, so one more poll a tolerance after, before the schedule's 26% step.
    if (earliestSettled === undefined && wait.missedPlan) {
      return { atMs: lastMs + Math.max(TOLERANCE_MS, TOLERANCE_SHARE * lastMs), basis: "near" };
    }
    if (earliestSettled === undefined) return this.searchPoll(wait, schedule);
    const latestSettling = Math.max(lastMs, maxBelow(this.settlingMs, earliestSettled) ?? 0);
    const tolerance = Math.max(TOLERANCE_MS, TOLERANCE_SHARE * earliestSettled);
    // A settle no look has bounded from below may be far later than AWS's pace: polls that waited in the
    // client's queue (a throttle) find every write settled when they finally leave, and a poll placed there
    // would find it settled again, for ever. It is tested at half its time, never before the schedule's
    // first poll: a poll that finds the write settled there costs nothing more, one that finds it settling
    // bounds it.
    const below = Math.max(schedule.firstMs, earliestSettled / 2);
    let poll: PlannedPoll;
    if (latestSettling > 0 && earliestSettled - latestSettling > tolerance) {
      poll = { atMs: latestSettling + (earliestSettled - latestSettling) / 2, basis: "halfway" };
    } else if (latestSettling === 0 && earliestSettled - below > tolerance) {
      poll = { atMs: below, basis: "below" };
    } else {
      poll = { atMs: earliestSettled, basis: "seen" };
    }
    return wait.missedPlan ? { ...poll, atMs: Math.max(poll.atMs, lastMs * GROWTH_AFTER_MISS) } : poll;
  }

  /**
   * With no settle seen beyond its last look, waits in flight together search as one: each polls a step
   * beyond the furthest any of them has looked (or is looking), so one poll per step serves them all. The
   * step, 2^(1/n) − 1 of the time waited for n waits (at least MIN_SEARCH_STEP), keeps each wait's share
   * of the polls at about one per doubling. A wait alone, or the furthest, follows its schedule.
   */
  private searchPoll(wait: WaitView, schedule: PollSchedule): PlannedPoll {
    const own = wait.lastSettlingMs ?? 0;
    let furthest = own;
    for (const other of this.inFlight) furthest = Math.max(furthest, other.lastSettlingMs ?? 0);
    for (const probe of this.probingMs) furthest = Math.max(furthest, probe);
    const sharing = this.inFlight.size;
    if (furthest === own || sharing <= 1) {
      return { atMs: scheduledPoll(schedule, wait.lastSettlingMs), basis: "schedule" };
    }
    const share = Math.max(MIN_SEARCH_STEP, 2 ** (1 / sharing) - 1);
    const step = Math.min(Math.max(furthest, schedule.firstMs) * share, schedule.maxGapMs);
    return { atMs: furthest + step * wait.jitter, basis: "schedule" };
  }

  /** Resolves at the next poll recorded or sent, so a sleeping wait can move its next poll to it. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.listeners.add(resolve));
  }

  private notify(): void {
    const listeners = this.listeners;
    this.listeners = new Set();
    for (const listener of listeners) listener();
  }
}

/** Where a client's waits are remembered across processes (settleMemory.ts): its endpoint and region. */
const placeOfClient = new WeakMap<AmpClient, string>();
const byClient = new WeakMap<AmpClient, Partial<Record<SettleKind, SettleTimes>>>();

/** Marks a client's waits as worth remembering for the next process, under `place`. */
export function rememberSettlesOf(client: AmpClient, place: string): void {
  placeOfClient.set(client, place);
}

/** The settle times known for this client and kind of wait: this process's, begun from the last process's. */
export function settleTimesOf(client: AmpClient, kind: SettleKind): SettleTimes {
  const kinds = byClient.get(client) ?? {};
  byClient.set(client, kinds);
  const place = placeOfClient.get(client);
  kinds[kind] ??= new SettleTimes(place === undefined ? undefined : recallSettles(place, kind));
  return kinds[kind];
}

/** Saves what the client's waits of this kind know, for the next process; never fails. */
export async function saveSettleTimes(client: AmpClient, kind: SettleKind): Promise<void> {
  const place = placeOfClient.get(client);
  const known = byClient.get(client)?.[kind];
  if (place !== undefined && known) await rememberSettles(place, kind, known.record);
}

/** A fresh draw for a wait's jitter. */
export function drawJitter(random: () => number = Math.random): number {
  return 0.5 + random();
}

function keepRecent(values: number[], value: number): void {
  values.push(value);
  if (values.length > REMEMBERED) values.shift();
}

function minAbove(values: readonly number[], floor: number): number | undefined {
  let found: number | undefined;
  for (const value of values) if (value > floor && (found === undefined || value < found)) found = value;
  return found;
}

function maxBelow(values: readonly number[], ceiling: number): number | undefined {
  let found: number | undefined;
  for (const value of values) if (value < ceiling && (found === undefined || value > found)) found = value;
  return found;
}
