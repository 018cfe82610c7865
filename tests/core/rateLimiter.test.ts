/** @awsamp/core rateLimiter: no limit until AMP throttles, then the rate AMP admitted, and creeping back up. */
import { DescribeResourcePolicyCommand } from "@aws-sdk/client-amp";
import { AdmittedRateLimiter } from "@awsamp/core/rateLimiter";
import { expect } from "chai";
import { useCoreFixture } from "../harness/coreFixture";

const THROTTLED = { errorType: "THROTTLING" };

function answered(limiter: AdmittedRateLimiter, count: number): void {
  for (let i = 0; i < count; i++) limiter.answered();
}

describe("rateLimiter", () => {
  it("sets no limit before the first throttle", async () => {
    const limiter = new AdmittedRateLimiter();
    answered(limiter, 50);
    await Promise.all(Array.from({ length: 100 }, () => limiter.turn()));
    expect(limiter.limit).to.equal(undefined);
  });

  it("at a throttle, limits to just below the answers AMP gave in the last second", () => {
    const limiter = new AdmittedRateLimiter();
    answered(limiter, 20);
    limiter.updateClientSendingRate(THROTTLED);
    expect(limiter.limit).to.equal(19);
  });

  it("counts the answers of the same burst that come back after its throttles", () => {
    const limiter = new AdmittedRateLimiter();
    answered(limiter, 3);
    limiter.updateClientSendingRate(THROTTLED);
    expect(limiter.limit).to.be.closeTo(2.85, 1e-9);
    answered(limiter, 17);
    expect(limiter.limit).to.equal(19);
  });

  it("cuts one burst's limit to no less than 0.7 of what it was, however few answers it counted", () => {
    const limiter = new AdmittedRateLimiter();
    answered(limiter, 20);
    limiter.updateClientSendingRate(THROTTLED);
    const clock = { now: Date.now() + 5000 };
    const realNow = Date.now;
    Date.now = () => clock.now;
    try {
      limiter.updateClientSendingRate(THROTTLED);
      expect(limiter.limit).to.be.closeTo(19 * 0.7, 1e-9);
    } finally {
      Date.now = realNow;
    }
  });

  it("ignores outcomes other than throttles in the retry strategy's reports", () => {
    const limiter = new AdmittedRateLimiter();
    answered(limiter, 5);
    limiter.updateClientSendingRate({});
    limiter.updateClientSendingRate({ errorType: "TRANSIENT" });
    expect(limiter.limit).to.equal(undefined);
  });

  describe("on a client, against AMP's throttle", () => {
    const fixture = useCoreFixture();

    it("spaces a burst of 40 Describes at what AMP admits: every one answered, few throttled", async function () {
      // 40 requests at 10 a second take 4 s on the real clock.
      this.timeout(20_000);
      const { emulator, client, workspaceId } = fixture();
      emulator.clearLog();
      emulator.faults.throttleAbove(10);
      try {
        const describes = Array.from({ length: 40 }, () =>
          client.send(new DescribeResourcePolicyCommand({ workspaceId })).catch((error: unknown) => error),
        );
        const outcomes = await Promise.all(describes);
        // No policy on the workspace: each Describe's answer is ResourceNotFoundException, none a throttle.
        expect(outcomes.map((outcome) => (outcome as Error).name)).to.deep.equal(
          Array(40).fill("ResourceNotFoundException"),
        );
        const throttled = emulator.log.entries.filter((entry) => entry.status === 429).length;
        // The first burst is throttled beyond 10 (30 of them); once limited, the retries fit the window,
        // but for at most one as the limit creeps up.
        expect(throttled).to.be.within(30, 31);
      } finally {
        emulator.faults.throttleAbove(undefined);
      }
    });
  });
});
