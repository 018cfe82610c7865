/** @awsamp/core settleTimes: where a wait polls next, from its schedule and what waits have seen settle. */
import {
  DEFAULT_POLL_SCHEDULE,
  type PollSchedule,
  planNextPoll,
  SettleTimes,
  scheduledPoll,
  TERRAFORM_POLL_SCHEDULE,
  type WaitView,
} from "@awsamp/core/settleTimes";
import { expect } from "chai";

const SCHEDULE: PollSchedule = DEFAULT_POLL_SCHEDULE;

/** A wait that last saw its write settling `lastSettlingMs` after the write, with the middle jitter. */
function wait(lastSettlingMs?: number, overrides: Partial<WaitView> = {}): WaitView {
  return { lastSettlingMs, missedPlan: false, jitter: 1, ...overrides };
}

/** A schedule's polls, in ms after the write, up to `untilMs`. */
function pollsOf(schedule: PollSchedule, untilMs: number): number[] {
  const polls: number[] = [];
  for (let at = scheduledPoll(schedule, undefined); at <= untilMs; at = scheduledPoll(schedule, at)) {
    polls.push(Math.round(at));
  }
  return polls;
}

describe("settleTimes", () => {
  describe("schedules", () => {
    it("the default polls half a second after the write, then three times per doubling of the time waited", () => {
      expect(pollsOf(SCHEDULE, 2100)).to.deep.equal([500, 630, 794, 1000, 1260, 1587, 2000]);
    });

    it("the default is never more than 26% of the time waited late, and never more than 10 s apart", () => {
      const polls = pollsOf(SCHEDULE, 300_000);
      for (let i = 1; i < polls.length; i++) {
        const gap = (polls[i] ?? 0) - (polls[i - 1] ?? 0);
        expect(gap).to.be.at.most(Math.min(0.26 * (polls[i - 1] ?? 0), 10_000) + 1);
      }
    });

    it("Terraform's checks at once, then 200 ms doubling to a 10 s cap", () => {
      expect(pollsOf(TERRAFORM_POLL_SCHEDULE, 23_000)).to.deep.equal([
        0, 200, 600, 1400, 3000, 6200, 12_600, 22_600,
      ]);
    });

    it("after a look of its own at once (a wait for another's write), the first poll stays the schedule's first", () => {
      expect(scheduledPoll(SCHEDULE, 2)).to.equal(500);
    });
  });

  describe("with nothing seen", () => {
    it("a wait alone polls on its schedule", () => {
      const times = new SettleTimes();
      expect(planNextPoll(wait(), SCHEDULE, times)).to.deep.equal({ atMs: 500, basis: "schedule" });
      expect(planNextPoll(wait(1000), SCHEDULE, times).atMs).to.be.closeTo(1260, 1);
    });

    it("a wait that learns nothing polls on its schedule alone", () => {
      expect(planNextPoll(wait(), TERRAFORM_POLL_SCHEDULE)).to.deep.equal({ atMs: 0, basis: "schedule" });
    });
  });

  describe("with settles seen", () => {
    it("polls halfway between the latest look that saw a write settling and the earliest settle", () => {
      const times = new SettleTimes();
      times.saw(400, false);
      times.saw(1000, true);
      expect(planNextPoll(wait(), SCHEDULE, times)).to.deep.equal({ atMs: 700, basis: "halfway" });
    });

    it("tests a settle no look bounds from below at half its time, never before the schedule's first poll", () => {
      const times = new SettleTimes();
      times.saw(1600, true);
      expect(planNextPoll(wait(), SCHEDULE, times)).to.deep.equal({ atMs: 800, basis: "below" });
      times.saw(700, true);
      expect(planNextPoll(wait(), SCHEDULE, times)).to.deep.equal({ atMs: 500, basis: "below" });
      // Within the tolerance of the schedule's first poll, the settle is where the poll goes.
      times.saw(505, true);
      expect(planNextPoll(wait(), SCHEDULE, times)).to.deep.equal({ atMs: 505, basis: "seen" });
    });

    it("comes back down from settles that queued polls recorded late, to AWS's pace", () => {
      // Under a throttle, the first polls of 50 writes waited in the client's queue and left 4.3 s after
      // their writes: every one found its write settled, none settling. AMP settles in 1 s.
      const times = new SettleTimes({
        settledMs: Array.from({ length: 32 }, (_, i) => 4305 + i),
        settlingMs: [],
      });
      const AMP_SETTLES_MS = 1000;
      const plans: number[] = [];
      for (let poll = 0; poll < 12; poll++) {
        const plan = planNextPoll(wait(), SCHEDULE, times);
        plans.push(Math.round(plan.atMs));
        if (plan.basis === "seen") break;
        times.saw(plan.atMs, plan.atMs >= AMP_SETTLES_MS);
      }
      expect(plans[0]).to.equal(2153);
      expect(plans.at(-1)).to.be.within(AMP_SETTLES_MS, AMP_SETTLES_MS * 1.03);
      expect(plans.length, plans.join(", ")).to.be.at.most(10);
    });

    it("polls at the earliest settle once that interval is within the tolerance (2%, at least 10 ms)", () => {
      const times = new SettleTimes();
      times.saw(990, false);
      times.saw(1000, true);
      expect(planNextPoll(wait(), SCHEDULE, times)).to.deep.equal({ atMs: 1000, basis: "seen" });
    });

    it("forgets a settle that a later wait contradicts: still settling after it", () => {
      const times = new SettleTimes();
      times.saw(1000, true);
      times.saw(1100, false);
      expect(planNextPoll(wait(1100), SCHEDULE, times).basis).to.equal("schedule");
    });

    it("after missing a poll on a settle seen, with nothing seen later, polls once more just after it", () => {
      const times = new SettleTimes();
      times.saw(1000, true);
      times.saw(1000, false);
      expect(planNextPoll(wait(1000, { missedPlan: true }), SCHEDULE, times)).to.deep.equal({
        atMs: 1020,
        basis: "near",
      });
      expect(planNextPoll(wait(1020), SCHEDULE, times)).to.deep.include({ basis: "schedule" });
    });

    it("goes at least a quarter further out after missing a poll placed on another's settle", () => {
      const times = new SettleTimes();
      times.saw(2000, false);
      times.saw(2010, true);
      times.saw(2040, true);
      // Unmissed, the earliest settle beyond its look would do; missed, settle times vary.
      expect(planNextPoll(wait(2000), SCHEDULE, times).atMs).to.equal(2010);
      expect(planNextPoll(wait(2000, { missedPlan: true }), SCHEDULE, times).atMs).to.equal(2500);
    });

    it("keeps only the recent looks, as AWS's pace drifts", () => {
      const times = new SettleTimes();
      times.saw(100, true);
      for (let i = 0; i < 40; i++) times.saw(5000 + i, true);
      expect(times.record.settledMs).to.have.length(32).and.not.include(100);
    });

    it("begins from what an earlier process remembered, and gives back what it knows to remember", () => {
      const times = new SettleTimes({ settledMs: [1500], settlingMs: [1490] });
      expect(planNextPoll(wait(), SCHEDULE, times)).to.deep.equal({ atMs: 1500, basis: "seen" });
      times.saw(1700, false);
      expect(times.record).to.deep.equal({ settledMs: [], settlingMs: [1490, 1700] });
    });
  });

  describe("waits in flight together", () => {
    it("search as one: each polls a step beyond the furthest look of any, the step shrinking with their number", () => {
      const times = new SettleTimes();
      const ahead = wait(2000);
      const behind = wait(0);
      times.begin(ahead);
      times.begin(behind);
      // Two waits: a step of 2^(1/2) − 1 of the time waited, with the middle jitter.
      expect(planNextPoll(behind, SCHEDULE, times).atMs).to.be.closeTo(2000 * 2 ** 0.5, 0.001);
      for (let i = 0; i < 48; i++) times.begin(wait(0));
      expect(planNextPoll(behind, SCHEDULE, times).atMs).to.be.closeTo(2100, 0.001);
      times.end(ahead);
      expect(planNextPoll(behind, SCHEDULE, times).basis).to.equal("schedule");
    });

    it("count a poll still on its way as looked, so that no two send the same one", () => {
      const times = new SettleTimes();
      const first = wait();
      const second = wait();
      times.begin(first);
      times.begin(second);
      times.probing(3000);
      expect(planNextPoll(second, SCHEDULE, times).atMs).to.be.above(3000);
      times.probed(3000);
      expect(planNextPoll(second, SCHEDULE, times).atMs).to.equal(500);
    });

    it("wake each other: a sleeping wait learns of every poll recorded or sent", async () => {
      const times = new SettleTimes();
      const recorded = times.changed();
      times.saw(500, true);
      await recorded;
      const sent = times.changed();
      times.probing(600);
      await sent;
    });
  });
});
