/** What this process has seen of how long writes take to settle, per client: where a wait's next poll goes. */
import type { AmpClient } from "@aws-sdk/client-amp";

/**
 * How many recent polls of each outcome (settled, still settling) the plan weighs. Recent ones only: AWS's
 * pace drifts, and a handful of waits already pin a settle time down.
 */
const REMEMBERED = 32;

/** A settle time known to within this much is known: closer polls would cost Describes and save little. */
const TOLERANCE_MS = 10;
const TOLERANCE_SHARE = 0.03;

/**
 * A wait that missed a poll placed on another's settle meets settle times that vary: its next such poll is at
 * least this much further out, so that it does not step through every settle seen.
 */
const GROWTH_AFTER_MISS = 1.25;

/** The finest step of a search shared by many waits, as a share of the time waited. */
const MIN_SEARCH_STEP = 0.05;

/**
 * Where polls go while nothing is known: the first about `firstDelayMs` after the write, then each after
 * about as long as the wait has lasted (the delays double), capped at `maxDelayMs`. Every delay is drawn
 * between half and one and a half times that, so waits running at once poll at different moments and what
 * one of them sees settle moves the others' next polls to it.
 */
export interface FallbackSchedule {
  firstDelayMs: number;
  maxDelayMs: number;
}

/** One wait's own view: when it last saw the write still settling, and whether a planned poll missed. */
export interface WaitView {
  /** Milliseconds from the write's answer to the send of the last poll that saw it settling (0: the write). */
  lastSettlingMs: number;
  /** True when its last poll, placed where another wait had seen a settle, found this one still settling. */
  missedPlan: boolean;
  /** The wait's draw for its next fallback delay, between 0.5 and 1.5; fixed until its next poll. */
  jitter: number;
}

/** A wait's next poll, in milliseconds after the write's answer, and what placed it there. */
export interface PlannedPoll {
  atMs: number;
  /** seen: where another wait saw a settle; halfway: between that and a poll that saw none; fallback. */
  basis: "seen" | "halfway" | "fallback";
}

/** The fallback schedule's next poll for a wait: about as long after its last look as the wait has lasted. */
export function fallbackPoll(wait: WaitView, fallback: FallbackSchedule): PlannedPoll {
  const { lastSettlingMs } = wait;
  const delay = Math.min(Math.max(lastSettlingMs, fallback.firstDelayMs), fallback.maxDelayMs);
  return { atMs: lastSettlingMs + delay * wait.jitter, basis: "fallback" };
}

/**
 * The settle times of one kind of wait (ACTIVE after a put, gone after a delete) on one client, as
 * brackets: a write was still settling when a poll went out at `settling`, and settled by the time a later
 * poll answered at `settled`, both in milliseconds after the write's answer. Waits running at once share it,
 * so twenty waits on one settle time locate it twenty times as finely as one, and every later wait polls
 * once, where the writes settle.
 */
export class SettleTimes {
  private readonly settledMs: number[] = [];
  private readonly settlingMs: number[] = [];
  /** Polls sent and not yet answered, by their send time after the write: the others need not repeat them. */
  private readonly probingMs = new Set<number>();
  private readonly inFlight = new Set<WaitView>();
  private listeners = new Set<() => void>();

  /** A wait begins or ends: the waits in flight share the search for a settle time not yet seen. */
  begin(wait: WaitView): void {
    this.inFlight.add(wait);
  }

  end(wait: WaitView): void {
    this.inFlight.delete(wait);
  }

  /** A poll went out; `record` follows with its outcome, `probed` always. */
  probing(elapsedMs: number): void {
    this.probingMs.add(elapsedMs);
    this.notify();
  }

  probed(elapsedMs: number): void {
    this.probingMs.delete(elapsedMs);
  }

  /** Records a poll: its send (when still settling) or its answer (when settled), after the write's answer. */
  record(elapsedMs: number, settled: boolean): void {
    if (settled) {
      remember(this.settledMs, elapsedMs);
    } else {
      remember(this.settlingMs, elapsedMs);
      // A write still settling after a time another settled by means the pace changed or varies: that
      // earlier settle no longer says where this kind of write settles.
      for (let i = this.settledMs.length - 1; i >= 0; i--) {
        if ((this.settledMs[i] ?? 0) <= elapsedMs) this.settledMs.splice(i, 1);
      }
    }
    this.notify();
  }

  private notify(): void {
    const listeners = this.listeners;
    this.listeners = new Set();
    for (const listener of listeners) listener();
  }

  /**
   * When the wait polls next, in milliseconds after the write's answer: at the earliest settle seen beyond
   * its last look, or halfway there from the latest look that still saw a write settling, while that
   * interval is wider than the tolerance; with nothing seen beyond its last look, on the fallback schedule.
   */
  nextPoll(wait: WaitView, fallback: FallbackSchedule): PlannedPoll {
    const { lastSettlingMs } = wait;
    const earliestSettled = minAbove(this.settledMs, lastSettlingMs);
    if (earliestSettled === undefined) return this.searchPoll(wait, fallback);
    const latestSettling = Math.max(lastSettlingMs, maxBelow(this.settlingMs, earliestSettled) ?? 0);
    const width = earliestSettled - latestSettling;
    const poll: PlannedPoll =
      width > Math.max(TOLERANCE_MS, TOLERANCE_SHARE * earliestSettled)
        ? { atMs: latestSettling + width / 2, basis: "halfway" }
        : { atMs: earliestSettled, basis: "seen" };
    return wait.missedPlan
      ? { ...poll, atMs: Math.max(poll.atMs, lastSettlingMs * GROWTH_AFTER_MISS) }
      : poll;
  }

  /**
   * With no settle seen beyond its last look, the waits in flight search together: each polls a step
   * beyond the furthest any of them has looked (or is looking), so one poll per step serves them all. The
   * step shrinks as more waits share it, so that each wait's share of the polls stays about one per
   * doubling of the time waited, as on the fallback schedule alone: 2^(1/n) − 1 of the time waited for n
   * waits, at least MIN_SEARCH_STEP.
   */
  private searchPoll(wait: WaitView, fallback: FallbackSchedule): PlannedPoll {
    let furthest = wait.lastSettlingMs;
    for (const other of this.inFlight) furthest = Math.max(furthest, other.lastSettlingMs);
    for (const probe of this.probingMs) furthest = Math.max(furthest, probe);
    const sharing = this.inFlight.size;
    if (furthest === wait.lastSettlingMs || sharing <= 1) return fallbackPoll(wait, fallback);
    const share = Math.max(MIN_SEARCH_STEP, 2 ** (1 / sharing) - 1);
    const step = Math.min(Math.max(furthest * share, fallback.firstDelayMs * share), fallback.maxDelayMs);
    return { atMs: furthest + step * wait.jitter, basis: "fallback" };
  }

  /** Resolves at the next recorded poll, so a sleeping wait can move its next poll to what it says. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.listeners.add(resolve));
  }
}

/** The kinds of wait a client learns separately. */
export type SettleKind = "ACTIVE" | "deleted";

const byClient = new WeakMap<AmpClient, Record<SettleKind, SettleTimes>>();

/** The settle times this process has seen on this client, for one kind of wait. */
export function settleTimesOf(client: AmpClient, kind: SettleKind): SettleTimes {
  let kinds = byClient.get(client);
  if (!kinds) {
    kinds = { ACTIVE: new SettleTimes(), deleted: new SettleTimes() };
    byClient.set(client, kinds);
  }
  return kinds[kind];
}

/** A fresh draw for a wait's next fallback delay. */
export function drawJitter(random: () => number = Math.random): number {
  return 0.5 + random();
}

function remember(values: number[], value: number): void {
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
