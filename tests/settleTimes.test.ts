/** @awsamp/core settleTimes: where a wait polls next, from what the waits on one client have seen settle. */
import { type FallbackSchedule, SettleTimes, type WaitView } from "@awsamp/core/settleTimes";
import { expect } from "chai";

const FALLBACK: FallbackSchedule = { firstDelayMs: 250, maxDelayMs: 5000 };

/** A wait that last saw its write settling `lastSettlingMs` after the write, with the middle jitter. */
function wait(lastSettlingMs = 0, overrides: Partial<WaitView> = {}): WaitView {
  return { lastSettlingMs, missedPlan: false, jitter: 1, ...overrides };
}

describe("settleTimes", () => {
  describe("with nothing seen", () => {
    it("polls first about the fallback's first delay after the write, as the jitter draws", () => {
      const times = new SettleTimes();
      expect(times.nextPoll(wait(0, { jitter: 0.5 }), FALLBACK)).to.deep.equal({
        atMs: 125,
        basis: "fallback",
      });
      expect(times.nextPoll(wait(0, { jitter: 1.5 }), FALLBACK).atMs).to.equal(375);
    });

    it("then waits about as long again as it has waited (delays double), up to the cap", () => {
      const times = new SettleTimes();
      expect(times.nextPoll(wait(1000), FALLBACK).atMs).to.equal(2000);
      expect(times.nextPoll(wait(20_000), FALLBACK).atMs).to.equal(25_000);
    });
  });

  describe("with settles seen", () => {
    it("polls halfway between the latest look that saw a write settling and the earliest settle", () => {
      const times = new SettleTimes();
      times.record(400, false);
      times.record(1000, true);
      expect(times.nextPoll(wait(), FALLBACK)).to.deep.equal({ atMs: 700, basis: "halfway" });
    });

    it("polls at the earliest settle once that interval is within the tolerance", () => {
      const times = new SettleTimes();
      times.record(990, false);
      times.record(1000, true);
      expect(times.nextPoll(wait(), FALLBACK)).to.deep.equal({ atMs: 1000, basis: "seen" });
    });

    it("forgets a settle that a later wait contradicts: still settling after it", () => {
      const times = new SettleTimes();
      times.record(1000, true);
      times.record(1100, false);
      expect(times.nextPoll(wait(1100), FALLBACK).basis).to.equal("fallback");
    });

    it("goes at least a quarter further out after missing a poll placed on another's settle", () => {
      const times = new SettleTimes();
      times.record(2000, false);
      times.record(2010, true);
      times.record(2040, true);
      const missed = wait(2000, { missedPlan: true });
      // Unmissed, the earliest settle beyond its look would do; missed, settle times vary.
      expect(times.nextPoll(wait(2000), FALLBACK).atMs).to.equal(2010);
      expect(times.nextPoll(missed, FALLBACK).atMs).to.equal(2500);
    });

    it("remembers only the recent polls, as AWS's pace drifts", () => {
      const times = new SettleTimes();
      times.record(100, true);
      for (let i = 0; i < 40; i++) times.record(5000 + i, true);
      expect(times.nextPoll(wait(), FALLBACK).atMs).to.be.at.least(2500);
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
      expect(times.nextPoll(behind, FALLBACK).atMs).to.be.closeTo(2000 * 2 ** 0.5, 0.001);
      for (let i = 0; i < 48; i++) times.begin(wait(0));
      expect(times.nextPoll(behind, FALLBACK).atMs).to.be.closeTo(2100, 0.001);
      times.end(ahead);
      expect(times.nextPoll(behind, FALLBACK).basis).to.equal("fallback");
    });

    it("count a poll still on its way as looked, so that no two send the same one", () => {
      const times = new SettleTimes();
      const first = wait(0);
      const second = wait(0);
      times.begin(first);
      times.begin(second);
      times.probing(3000);
      expect(times.nextPoll(second, FALLBACK).atMs).to.be.above(3000);
      times.probed(3000);
      expect(times.nextPoll(second, FALLBACK).atMs).to.equal(250);
    });

    it("wake each other: a sleeping wait learns of every poll recorded or sent", async () => {
      const times = new SettleTimes();
      const recorded = times.changed();
      times.record(500, true);
      await recorded;
      const sent = times.changed();
      times.probing(600);
      await sent;
    });
  });
});
