/** @awsamp/core waits: the operations wait for the policy to settle, within their deadline, and can be cancelled. */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { AmpClient } from "@aws-sdk/client-amp";
import { createResourcePolicy, deleteResourcePolicy, updateResourcePolicy } from "@awsamp/core";
import { createAmpClient } from "@awsamp/core/client";
import { PartialWriteError, WaitAbortedError, WaitTimeoutError } from "@awsamp/core/errors";
import { settleTimesOf } from "@awsamp/core/settleTimes";
import { expect, use } from "chai";
import chaiAsPromised from "chai-as-promised";
import { type AmpEmulator, emulatorClientConfig } from "../emulator/server";
import { fast, policyDocument, useCoreFixture } from "../harness/coreFixture";

use(chaiAsPromised);

describe("waits", () => {
  const fixture = useCoreFixture();
  let emulator: AmpEmulator;
  let client: AmpClient;
  let workspaceId: string;
  let workspaceArn: string;

  beforeEach(() => {
    ({ emulator, client, workspaceId, workspaceArn } = fixture());
  });

  it("slow transitions: create, update and delete each wait for the policy to settle", async () => {
    emulator.settle.policyCreateMs = 300;
    emulator.settle.policyUpdateMs = 300;
    emulator.settle.policyDeleteMs = 300;
    const seen: string[] = [];
    const options = { ...fast, onProgress: (p: { status: string }) => seen.push(p.status) };

    let started = Date.now();
    const state = await createResourcePolicy(
      client,
      { workspaceId, policyDocument: policyDocument(workspaceArn) },
      options,
    );
    expect(Date.now() - started).to.be.at.least(300);
    expect(state.policyStatus).to.equal("ACTIVE");

    started = Date.now();
    const updated = await updateResourcePolicy(
      client,
      state,
      { workspaceId, policyDocument: policyDocument(workspaceArn, ["aps:GetSeries"]) },
      options,
    );
    expect(Date.now() - started).to.be.at.least(300);
    expect(updated.policyStatus).to.equal("ACTIVE");

    started = Date.now();
    await deleteResourcePolicy(client, updated, options);
    expect(Date.now() - started).to.be.at.least(300);
    expect(seen).to.include.members(["CREATING", "UPDATING", "DELETING", "ACTIVE", "gone"]);
  });
  it("deadline expiry: fails naming the workspace, the last status and the time waited, and keeps the state", async () => {
    emulator.settle.policyCreateMs = 10_000;
    const create = createResourcePolicy(
      client,
      { workspaceId, policyDocument: policyDocument(workspaceArn) },
      { ...fast, timeoutMs: 400 },
    );
    const error = await create.then(
      () => expect.fail("the create should have timed out"),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(PartialWriteError);
    expect((error as PartialWriteError).reason).to.be.instanceOf(WaitTimeoutError);
    expect((error as Error).message).to.match(
      new RegExp(`workspace ${workspaceId} to become ACTIVE: still CREATING after 0\\.[3-9]s`),
    );
    expect((error as PartialWriteError).state).to.include({
      workspaceId,
      revisionId: emulator.policyOf(workspaceId)?.revisionId,
    });
  });
  it("deadline: a policy that settles between the last scheduled poll and the deadline still succeeds", async () => {
    emulator.settle.policyCreateMs = 450;
    // Polls at 0.3 s; the next scheduled one (0.6 s) would pass the 0.6 s deadline, so the last goes before it.
    const options = { poll: { firstMs: 300, growth: 1, stepMs: 300, maxGapMs: 300 }, timeoutMs: 600 };
    const state = await createResourcePolicy(
      client,
      { workspaceId, policyDocument: policyDocument(workspaceArn) },
      options,
    );
    expect(state.policyStatus).to.equal("ACTIVE");
  });
  it("abort during a wait: stops promptly with the state that exists", async () => {
    emulator.settle.policyCreateMs = 10_000;
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(), 100);
    const create = createResourcePolicy(
      client,
      { workspaceId, policyDocument: policyDocument(workspaceArn) },
      { poll: { firstMs: 1000, growth: 2, maxGapMs: 5000 }, signal: abort.signal },
    );
    const error = await create.then(
      () => expect.fail("the create should have been cancelled"),
      (e: unknown) => e,
    );
    expect(error)
      .to.be.instanceOf(PartialWriteError)
      .and.to.match(/cancelled after/);
    expect((error as PartialWriteError).reason).to.be.instanceOf(WaitAbortedError);
    expect(Date.now() - started).to.be.below(500);
  });

  it("learns from a poll that queued on the client (a throttle's rate limit) what AMP saw when it arrived", async () => {
    emulator.settle.policyCreateMs = 900;
    // Nothing remembered from earlier tests' processes on this endpoint: this client learns from its own polls.
    const cache = await mkdtemp(path.join(tmpdir(), "awsamp-waits-"));
    const before = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = cache;
    const queued = createAmpClient(emulatorClientConfig(emulator));
    // Holds each Describe where the rate limit holds it, before it leaves: AMP sees it 700 ms after its plan.
    queued.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "DescribeResourcePolicyCommand") await sleep(700);
        return next(args);
      },
      { step: "finalizeRequest", priority: "low", name: "queuedLikeARateLimit" },
    );
    try {
      await createResourcePolicy(
        queued,
        { workspaceId, policyDocument: policyDocument(workspaceArn) },
        { poll: { firstMs: 50, growth: 2, maxGapMs: 400 } },
      );
      const { settledMs, settlingMs } = settleTimesOf(queued, "ACTIVE").record;
      // The first poll, planned at 50 ms, left at 750 ms and found the write settling: known until 750 ms,
      // not only until 50 ms.
      expect(settlingMs).to.not.be.empty;
      expect(Math.max(...settlingMs)).to.be.at.least(700);
      // Settled is never learned before AMP settled, however early the poll that saw it was planned.
      expect(settledMs).to.not.be.empty;
      for (const settled of settledMs) expect(settled).to.be.at.least(900);
    } finally {
      queued.destroy();
      if (before === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = before;
      // The wait saves what it learned as it answers, not before: a moment for the file to land.
      await sleep(100);
      await rm(cache, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    }
  });

  describe("what the next process knows", () => {
    let cache: string;
    let before: string | undefined;
    beforeEach(async () => {
      cache = await mkdtemp(path.join(tmpdir(), "awsamp-waits-"));
      before = process.env.XDG_CACHE_HOME;
      process.env.XDG_CACHE_HOME = cache;
    });
    afterEach(async () => {
      if (before === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = before;
      await rm(cache, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    });

    /** Creates a policy on a new workspace through a new client (as a new process makes); its Describes. */
    async function createThroughNewClient(options = fast): Promise<number> {
      const own = createAmpClient(emulatorClientConfig(emulator));
      const { workspaceId: id, arn } = emulator.createWorkspace();
      try {
        await createResourcePolicy(own, { workspaceId: id, policyDocument: policyDocument(arn) }, options);
      } finally {
        own.destroy();
      }
      // The wait saves for the next process as it answers, not before: a moment for the file to land.
      await sleep(100);
      return emulator.log.entries.filter(
        (e) => e.operation === "DescribeResourcePolicy" && e.workspaceId === id,
      ).length;
    }

    it("a new client on the same endpoint polls where the last one saw writes settle: one Describe", async () => {
      emulator.settle.policyCreateMs = 250;
      const schedule = { poll: { firstMs: 20, growth: 1.05, maxGapMs: 100 } };
      // The first learns on its schedule; each next one starts from what the last saved, and soon polls once.
      const describes: number[] = [];
      for (let i = 0; i < 5; i++) describes.push(await createThroughNewClient(schedule));
      expect(describes[0]).to.be.above(5);
      expect(describes.at(-1), `Describes per create: ${describes.join(", ")}`).to.equal(1);
    });

    it("learn: false keeps to the schedule, using nothing remembered", async () => {
      emulator.settle.policyCreateMs = 250;
      const schedule = { poll: { firstMs: 20, growth: 1.05, maxGapMs: 100 } };
      for (let i = 0; i < 3; i++) await createThroughNewClient(schedule);
      expect(await createThroughNewClient({ ...schedule, learn: false })).to.be.above(5);
    });
  });
});
