/** The dynamic provider through the real CLI: up, preview and destroy with no awsamp plugin anywhere. */
import { expect } from "chai";
import type { AmpEmulator } from "../emulator/server";
import { type PulumiProject, resourcesOfType } from "../harness/pulumiCli";
import { policyDocument } from "../harness/session";
import { useEndToEnd } from "./emulatorProject";

const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/awsamp:ResourcePolicy";

describe("end to end: the dynamic provider", function () {
  this.timeout(180_000);
  const e2e = useEndToEnd({ settle: { policyCreateMs: 300, policyDeleteMs: 300 } });
  let emulator: AmpEmulator;
  let project: PulumiProject;
  let workspace: { workspaceId: string; arn: string };
  let document: string;

  before(async () => {
    if (!e2e.available) return;
    emulator = e2e.emulator;
    // No plugins block, the plugin's folder not on PATH and nothing to download it from: a run that needed
    // the awsamp plugin would fail.
    project = await e2e.project({
      name: "awsamp-dynamic",
      program: "dynamic",
      pluginPath: false,
      // What a program that uses the dynamic provider installs: the package and Pulumi.
      packages: ["@awsamp/dynamic", "@pulumi/pulumi", "typescript"],
    });
    workspace = emulator.createWorkspace("dynamic");
    document = policyDocument(workspace.arn);
    await project.config({ workspaceId: workspace.workspaceId, policyDocument: document });
  });

  it("needs no plugin: the language host finds none that the program's packages ask for", async () => {
    // The engine's own log says what the language host answered; with @awsamp/awsamp installed it is not 0.
    const logged = await project.must(["preview", "-v=7", "--logtostderr"]);
    const answer = /GetRequiredPlugins\([^)]*\) success: #versions=(\d+)/.exec(logged.stderr)?.[1];
    expect(answer, "the language host's answer, from the engine's log").to.equal("0");
  });

  it("creates, previews with no changes, and destroys the policy", async () => {
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

  it("says a lint warning under the resource, once per command: in preview --json with its URN, once in all of up", async () => {
    const name = "awsamp-dynamic-warnings";
    const warned = await e2e.project({
      name,
      program: "dynamic",
      pluginPath: false,
      packages: ["@awsamp/dynamic", "@pulumi/pulumi", "typescript"],
    });
    const target = emulator.createWorkspace("warnings");
    // Another account than the workspace's: the KMS reminder, a warning that stays a warning.
    await warned.config({
      workspaceId: target.workspaceId,
      policyDocument: policyDocument(target.arn, { principal: "arn:aws:iam::999988887777:root" }),
    });
    const urn = `urn:pulumi:test::${name}::${DYNAMIC_TYPE}::policy`;
    const reminder = "this grants to account 999988887777";

    const preview = await warned.preview();
    const warnings = (preview.diagnostics ?? []).filter((diagnostic) => diagnostic.severity === "warning");
    expect(warnings.map((warning) => warning.urn)).to.deep.equal([urn]);
    expect(warnings[0]?.message).to.include(reminder).and.not.include("ResourcePolicy: ");

    // `pulumi up` starts the dynamic-provider process twice, for its preview and for its update. The --diff
    // display prints each diagnostic the engine gets once; the default one repeats it in progress rows.
    const up = await warned.must(["up", "--yes", "--diff"]);
    const output = up.stdout + up.stderr;
    expect(output.split(reminder).length - 1, output).to.equal(1);
    expect(output).to.not.include("warning: ResourcePolicy: ");
  });

  it("fails the preview of a policy on a workspace that does not exist, as the plugin does", async () => {
    const missing = "ws-00000000-0000-4000-8000-00000000000d";
    await project.config({
      workspaceId: missing,
      policyDocument: policyDocument(workspace.arn.replace(workspace.workspaceId, missing)),
    });
    const result = await project.mustFail(["preview"]);
    expect(result.stdout + result.stderr).to.include(`workspaceId: workspace ${missing} does not exist`);
    await project.config({ workspaceId: workspace.workspaceId, policyDocument: document });
  });
});
