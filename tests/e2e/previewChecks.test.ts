/**
 * What a reviewer's `pulumi preview` catches before anything reaches AWS, through the real CLI: policies AMP
 * would refuse (one short line per problem, quoting nothing of a secret), a workspace that does not exist,
 * and lint warnings, named after their resource and said once per command.
 */

import { PutResourcePolicyCommand } from "@aws-sdk/client-amp";
import { createAmpClient } from "@awsamp/core/client";
import { expect, use } from "chai";
import chaiAsPromised from "chai-as-promised";
import { type AmpEmulator, emulatorClientConfig } from "../emulator/server";
import type { PulumiProject } from "../harness/pulumiCli";
import { policyDocument } from "../harness/session";
import { policyUrn, useEndToEnd } from "./emulatorProject";

use(chaiAsPromised);

/** A principal in another account: its grant brings the cross-account KMS reminder, a warning. */
const OTHER_ACCOUNT = "arn:aws:iam::210987654321:root";

describe("end to end: preview checks the policy", function () {
  this.timeout(180_000);
  const e2e = useEndToEnd();
  let emulator: AmpEmulator;
  let project: PulumiProject;

  before(async () => {
    if (!e2e.available) return;
    emulator = e2e.emulator;
    project = await e2e.project({ name: "awsamp-preview-checks" });
  });
  beforeEach(() => {
    emulator.clearLog();
  });

  for (const [what, action, expected] of [
    [
      "a misspelt action, with the one meant",
      "aps:RemoteWrites",
      '"aps:RemoteWrites" is not an action — did you mean aps:RemoteWrite? AMP refuses it',
    ],
    [
      "an action AMP does not take",
      "aps:DeleteWorkspace",
      '"aps:DeleteWorkspace" is not one of the five actions AMP takes',
    ],
    ["a wildcard", "aps:*", '"aps:*" is a wildcard, which AMP refuses; list in Action the actions you mean'],
  ] as const) {
    it(`fails on ${what}, as AMP would at apply, in one short line naming the property and path`, async () => {
      const workspace = emulator.createWorkspace("refused");
      const document = policyDocument(workspace.arn, { actions: ["aps:QueryMetrics", action] });
      await project.config({ workspaceId: workspace.workspaceId, policyDocument: document });

      const result = await project.mustFail(["preview"]);
      const output = result.stdout + result.stderr;
      expect(output).to.include(
        `awsamp:index:ResourcePolicy resource 'policy' has a problem: policyDocument $.Statement[0].Action[1]: ${expected}`,
      );
      expect(output, "the engine does not dump the document before the reason").to.not.include("value {");
      expect(output).to.not.include('"Version"');
      // What the preview stopped, AMP (the emulator, as AMP does) refuses when it is sent anyway.
      const client = createAmpClient({ ...emulatorClientConfig(emulator), maxAttempts: 1 });
      const put = new PutResourcePolicyCommand({
        workspaceId: workspace.workspaceId,
        policyDocument: document,
      });
      await expect(client.send(put)).to.be.rejectedWith(`unsupported action: ${action}`);
      client.destroy();
      expect(emulator.policyOf(workspace.workspaceId)).to.equal(undefined);
    });
  }

  it("fails on a secret document's problem without quoting any of it", async () => {
    const workspace = emulator.createWorkspace("secret");
    const document = policyDocument(workspace.arn, { principal: "12345" });
    await project.config(
      { workspaceId: workspace.workspaceId, secretDocument: "true" },
      { policyDocument: document },
    );

    const result = await project.mustFail(["preview", "--diff"]);
    const output = result.stdout + result.stderr;
    expect(output).to.include(
      'has a problem: policyDocument $.Statement[0].Principal.AWS: "…" is not an AWS account ID',
    );
    expect(output, "not the principal").to.not.include("12345");
    expect(output, "not the document").to.not.include("CrossAccountWrite");
    await project.must(["config", "rm", "policyDocument"]);
    await project.must(["config", "rm", "secretDocument"]);
  });

  it("fails on a Resource that names another workspace, with the JSON path, calling nothing in AWS", async () => {
    const workspace = emulator.createWorkspace("target");
    const other = emulator.createWorkspace("other");
    await project.config({
      workspaceId: workspace.workspaceId,
      policyDocument: policyDocument(other.arn),
    });
    const result = await project.mustFail(["preview"]);
    expect(result.stdout + result.stderr).to.include(
      `awsamp:index:ResourcePolicy resource 'policy' has a problem: policyDocument $.Statement[0].Resource: "${other.arn}" names workspace ${other.workspaceId}, but this policy is for workspace ${workspace.workspaceId}`,
    );
    expect(emulator.log.entries.map((entry) => entry.operation)).to.not.include("PutResourcePolicy");
  });

  it("fails on a workspace that does not exist, with one look at it, as pulumi up would", async () => {
    const missing = "ws-00000000-0000-4000-8000-000000000000";
    const arn = emulator.createWorkspace("elsewhere").arn.replace(/ws-[0-9a-f-]+$/, missing);
    await project.config({ workspaceId: missing, policyDocument: policyDocument(arn) });

    const result = await project.mustFail(["preview"]);
    expect(result.stdout + result.stderr).to.include(
      `has a problem: workspaceId: workspace ${missing} does not exist in ${emulator.region}`,
    );
    expect(emulator.log.entries.map((entry) => entry.operation)).to.deep.equal(["DescribeWorkspace"]);
  });

  it("looks at no workspace with skipWorkspaceCheck, for previews that must not reach AWS", async () => {
    const missing = "ws-00000000-0000-4000-8000-000000000001";
    const arn = emulator.createWorkspace("offline").arn.replace(/ws-[0-9a-f-]+$/, missing);
    await project.config({
      workspaceId: missing,
      policyDocument: policyDocument(arn),
      "awsamp:skipWorkspaceCheck": "true",
    });
    await project.preview();
    expect(emulator.log.entries, "preview calls nothing in AWS").to.deep.equal([]);
    const up = await project.mustFail(["up", "--yes", "--skip-preview"]);
    expect(up.stdout + up.stderr).to.include(`workspace ${missing}: the workspace does not exist`);
    await project.must(["config", "rm", "awsamp:skipWorkspaceCheck"]);
  });

  it("names the resource in a warning, which preview --diff prints apart from it", async () => {
    const workspace = emulator.createWorkspace("warned");
    await project.config({
      workspaceId: workspace.workspaceId,
      policyDocument: policyDocument(workspace.arn, { principal: OTHER_ACCOUNT }),
    });
    const preview = await project.must(["preview", "--diff"]);
    expect(preview.stdout + preview.stderr).to.include(
      "policy: policyDocument $.Statement[0].Principal.AWS: this grants to account 210987654321",
    );
    const planned = await project.preview();
    const warnings = (planned.diagnostics ?? []).filter((d) => d.severity === "warning");
    expect(warnings.map((w) => w.urn)).to.deep.equal([policyUrn("awsamp-preview-checks")]);
  });

  it("says a warning once per command: pulumi up shows it with its preview, not again while it updates", async () => {
    const workspace = emulator.createWorkspace("once");
    await project.config({
      workspaceId: workspace.workspaceId,
      policyDocument: policyDocument(workspace.arn, { principal: OTHER_ACCOUNT }),
    });
    const up = await project.must(["up", "--yes"]);
    const [preview, update] = up.stdout.split(/^Updating \(test\):$/m);
    expect(preview).to.include("this grants to account 210987654321");
    expect(update, "the update phase").to.not.include("this grants to account");
    await project.must(["destroy", "--yes", "--skip-preview"]);
  });

  it("says no warning the resource has accepted (acceptedWarnings)", async () => {
    const workspace = emulator.createWorkspace("accepted");
    await project.config({
      workspaceId: workspace.workspaceId,
      policyDocument: policyDocument(workspace.arn, { principal: OTHER_ACCOUNT }),
      acceptedWarnings: JSON.stringify(["cross-account-kms"]),
    });
    const planned = await project.preview();
    expect((planned.diagnostics ?? []).map((d) => d.message).join("\n")).to.not.include("KMS grants");
    await project.must(["config", "rm", "acceptedWarnings"]);
  });
});
