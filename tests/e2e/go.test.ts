/**
 * examples/go, a Go program of the generated Go SDK, through the real CLI and its Go language host: up writes
 * the typed document as the JSON the plugin makes of it, a preview after shows no changes, destroy removes it.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import type { AmpEmulator } from "../emulator/server";
import { REPO_ROOT } from "../harness/plugin";
import { type PulumiProject, resourcesOfType } from "../harness/pulumiCli";
import { POLICY_TYPE, policyUrn, useEndToEnd } from "./emulatorProject";

const run = promisify(execFile);

const EXAMPLE = path.join(REPO_ROOT, "examples", "go");
const SDK = path.join(REPO_ROOT, "sdk", "go");
const SDK_MODULE = "github.com/awsamp/awsamp/sdk/go";
const PROJECT = "awsamp-go";
const MONITORING_ACCOUNT = "210987654321";
const READ_ACTIONS = ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"];

/** The go command's version line, or why there is none. */
async function goVersion(): Promise<{ version: string } | { missing: string }> {
  try {
    const { stdout } = await run("go", ["version"]);
    return { version: stdout.trim() };
  } catch (error) {
    return { missing: `no go command on PATH (${(error as Error).message})` };
  }
}

describe("end to end: a Go program of the Go SDK (examples/go)", function () {
  // Each `pulumi up` and `pulumi preview` builds the program: the first up took 6-7 s here with Go's build
  // cache warm, and the build alone 81 s with it empty (2 cores, the module cache warm).
  this.timeout(180_000);
  const e2e = useEndToEnd({
    settle: { policyCreateMs: 300, policyUpdateMs: 300, policyDeleteMs: 300 },
  });
  let emulator: AmpEmulator;
  let project: PulumiProject;
  let workspaceId: string;
  let goMissing: string | undefined;

  before(async () => {
    if (!e2e.available) return;
    const go = await goVersion();
    if ("missing" in go) {
      goMissing = go.missing;
      return;
    }
    emulator = e2e.emulator;
    project = await e2e.project({ name: PROJECT, program: EXAMPLE, runtime: { name: "go" } });
    // The copy's `replace … => ../../sdk/go` names nothing from the temporary folder: point it at this
    // checkout's SDK, as a user whose program lives elsewhere would.
    await run("go", ["mod", "edit", `-replace=${SDK_MODULE}=${SDK}`], { cwd: project.dir });
    const workspace = emulator.createWorkspace("go");
    workspaceId = workspace.workspaceId;
    await project.config({
      workspaceId,
      workspaceArn: workspace.arn,
      monitoringAccount: MONITORING_ACCOUNT,
    });
  });

  beforeEach(function () {
    if (!goMissing) return;
    const why = `${goMissing}: the Go program cannot be built`;
    if (process.env.CI === "true") throw new Error(`under CI=true the end-to-end tests must run, but ${why}`);
    if (this.currentTest) this.currentTest.title += ` (skipped: ${why})`;
    this.skip();
  });

  it("creates the policy with up, the typed document written as JSON by the plugin", async () => {
    const up = await project.must(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).to.match(/\+ 2 created/);
    // The plugin's Check judged the document it made: the reminder for another account's principals.
    expect(up.stdout).to.include(
      `$.Statement[0].Principal.AWS[0]: this grants to account ${MONITORING_ACCOUNT}, not the workspace's account`,
    );

    const arn = emulator.workspaceOf(workspaceId)?.arn;
    // The plugin's Check turns the object into JSON, in IAM's key order.
    const expected = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "MonitoringAccountReads",
          Effect: "Allow",
          Principal: { AWS: [MONITORING_ACCOUNT] },
          Action: READ_ACTIONS,
          Resource: [arn],
        },
      ],
    });
    const remote = emulator.policyOf(workspaceId);
    expect(remote).to.include({ policyDocument: expected, policyStatus: "ACTIVE" });

    const [policy, ...others] = resourcesOfType(await project.exportStack(), POLICY_TYPE);
    expect(others).to.deep.equal([]);
    expect(policy?.urn).to.equal(policyUrn(PROJECT, "monitoring"));
    expect(policy?.id).to.equal(workspaceId);
    expect(policy?.outputs).to.include({
      workspaceId,
      policyDocument: expected,
      policyStatus: "ACTIVE",
      revisionId: remote?.revisionId,
    });
    const outputs = JSON.parse((await project.must(["stack", "output", "--json"])).stdout) as Record<
      string,
      unknown
    >;
    expect(outputs).to.deep.equal({
      policyDocument: expected,
      policyStatus: "ACTIVE",
      revisionId: remote?.revisionId,
    });
  });

  it("previews no changes after up", async () => {
    const puts = emulator.count("PutResourcePolicy");
    await project.must(["preview", "--expect-no-changes"]);
    const planned = await project.preview();
    expect(planned.changeSummary).to.deep.equal({ same: 2 });
    expect(emulator.count("PutResourcePolicy"), "preview writes nothing").to.equal(puts);
  });

  it("destroys, leaving the emulator and the state empty", async () => {
    await project.must(["destroy", "--yes", "--skip-preview"]);
    expect(emulator.policyOf(workspaceId)).to.equal(undefined);
    expect((await project.exportStack()).deployment.resources ?? []).to.deep.equal([]);
  });
});
