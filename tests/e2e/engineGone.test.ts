/**
 * Nothing outlives its CLI: killed (SIGKILL) or cut off (SIGPIPE), the CLI's awsamp plugin exits within
 * seconds, and so do the language host and the program it started.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "chai";
import type { AmpEmulator } from "../emulator/server";
import { processesCarrying } from "../harness/processes";
import type { PulumiProject } from "../harness/pulumiCli";
import { policyDocument } from "../harness/session";
import { useEndToEnd } from "./emulatorProject";

/** The processes whose environment carries `mark` (the CLI's descendants), by PID; only plugins if asked. */
function processesMarked(mark: string, only?: "plugins"): number[] {
  return processesCarrying("AWSAMP_TEST_MARK", mark)
    .filter(({ command }) => only !== "plugins" || command.includes("plugin/bin/main.js"))
    .map(({ pid }) => pid);
}

/** Waits up to `ms` for `check` to hold, polling. */
async function eventually(ms: number, check: () => boolean): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(100)) if (check()) return true;
  return check();
}

/** The plugin, and then everything else the CLI started, exit within ten seconds each. */
async function expectAllExit(mark: string): Promise<void> {
  const plugins = await eventually(10_000, () => processesMarked(mark, "plugins").length === 0);
  expect(plugins, "the plugin exited").to.equal(true);
  const all = await eventually(10_000, () => processesMarked(mark).length === 0);
  expect(all, `nothing the CLI started is left: ${processesMarked(mark).join(", ")}`).to.equal(true);
}

describe("end to end: the plugin exits when its CLI is gone", function () {
  this.timeout(120_000);
  const e2e = useEndToEnd({ settle: { policyCreateMs: 20_000 } });
  let emulator: AmpEmulator;
  let project: PulumiProject;

  before(async function () {
    if (process.platform !== "linux") this.skip(); // The processes are found through /proc.
    if (!e2e.available) return;
    emulator = e2e.emulator;
    project = await e2e.project({ name: "awsamp-engine-gone" });
  });

  /** Starts `up` on a new workspace whose create takes a minute, and waits until its plugin is waiting. */
  async function upWaitingOnCreate(
    mark: string,
    start: (env: Record<string, string>) => number,
  ): Promise<number> {
    const workspace = emulator.createWorkspace();
    await project.config({
      workspaceId: workspace.workspaceId,
      policyDocument: policyDocument(workspace.arn),
    });
    const pid = start({ AWSAMP_TEST_MARK: mark });
    const waiting = await eventually(60_000, () => emulator.policyOf(workspace.workspaceId) !== undefined);
    expect(waiting, "the create reached AWS").to.equal(true);
    expect(processesMarked(mark, "plugins"), "the plugin is running").to.have.length.greaterThan(0);
    return pid;
  }

  it("after the CLI is SIGKILLed mid-create", async () => {
    const mark = randomUUID();
    const cli = await upWaitingOnCreate(mark, (env) => {
      const up = project.spawn(["up", "--yes", "--skip-preview"], { env });
      return up.pid ?? 0;
    });
    process.kill(cli, "SIGKILL");
    await expectAllExit(mark);
    await project.must(["cancel", "--yes"]);
  });

  it("after the CLI dies of SIGPIPE, its reader gone as when `pulumi up | head` ends", async () => {
    const mark = randomUUID();
    let up: ReturnType<PulumiProject["spawn"]> | undefined;
    await upWaitingOnCreate(mark, (env) => {
      up = project.spawn(["up", "--yes", "--skip-preview"], { env });
      return up.pid ?? 0;
    });
    const exited = new Promise((resolve) => up?.once("exit", (_code, signal) => resolve(signal)));
    // The reader goes away; the CLI's next line (at the latest, the create's end) meets a closed pipe.
    up?.stdout?.destroy();
    expect(await exited, "the CLI died of SIGPIPE").to.equal("SIGPIPE");
    await expectAllExit(mark);
    await project.must(["cancel", "--yes"]);
  });
});
