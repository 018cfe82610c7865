/** The dynamic provider through the real CLI: up, preview and destroy with no awsamp plugin anywhere. */
import { expect } from "chai";
import { AmpEmulator } from "../emulator/server";
import { findPulumiCli, type PulumiProject, requireCliOrSkip, resourcesOfType } from "../harness/pulumiCli";
import { policyDocument } from "../harness/session";
import { emulatorProject } from "./emulatorProject";

const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/awsamp:ResourcePolicy";

describe("end to end: the dynamic provider", function () {
  this.timeout(180_000);
  let cli: string | undefined;
  let emulator: AmpEmulator;
  let project: PulumiProject;

  before(async () => {
    cli = await findPulumiCli();
    if (!cli) return;
    emulator = await AmpEmulator.start({ settle: { policyCreateMs: 300, policyDeleteMs: 300 } });
    // No plugins block, the plugin's folder not on PATH, and the engine free to look for plugins to download:
    // a run that needed the awsamp plugin would fail.
    project = await emulatorProject(cli, emulator, {
      name: "awsamp-dynamic",
      program: "dynamic",
      pluginPath: false,
      env: { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false" },
    });
  });
  after(async () => {
    await project?.dispose();
    await emulator?.close();
  });
  beforeEach(function () {
    requireCliOrSkip(this, cli);
  });

  it("creates, previews with no changes, and destroys the policy", async () => {
    const workspace = emulator.createWorkspace("dynamic");
    const document = policyDocument(workspace.arn);
    await project.config({ workspaceId: workspace.workspaceId, policyDocument: document });

    const up = await project.must(["up", "--yes"]);
    // Nothing about a plugin, and no notice of the AWS SDK's in the program's output.
    expect(up.stdout + up.stderr).to.not.match(/awsamp.*plugin|resource-awsamp|NodeVersionSupportWarning/i);
    expect(emulator.policyOf(workspace.workspaceId)).to.include({
      policyDocument: document,
      policyStatus: "ACTIVE",
    });
    const [policy] = resourcesOfType(await project.exportStack(), DYNAMIC_TYPE);
    expect(policy?.id).to.equal(workspace.workspaceId);
    expect(policy?.outputs?.revisionId).to.equal(emulator.policyOf(workspace.workspaceId)?.revisionId);

    await project.must(["preview", "--expect-no-changes"]);
    await project.must(["destroy", "--yes"]);
    expect(emulator.policyOf(workspace.workspaceId)).to.equal(undefined);
    expect((await project.exportStack()).deployment.resources ?? []).to.deep.equal([]);
  });
});
