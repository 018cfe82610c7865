/** What a reviewer's `pulumi preview` catches before anything reaches AWS: lint warnings, and policies AMP would refuse. */
import { expect } from "chai";
import type { AmpEmulator } from "../emulator/server";
import type { PulumiProject } from "../harness/pulumiCli";
import { policyDocument } from "../harness/session";
import { policyUrn, useEndToEnd } from "./emulatorProject";

describe("end to end: preview checks the policy", function () {
  this.timeout(120_000);
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

  it("warns of a misspelt action with the one meant, and still plans the create", async () => {
    const workspace = emulator.createWorkspace("misspelt");
    await project.config({
      workspaceId: workspace.workspaceId,
      policyDocument: policyDocument(workspace.arn, { actions: ["aps:GetMetricsMetadata"] }),
    });

    const planned = await project.preview();
    const warnings = (planned.diagnostics ?? []).filter(
      (d) => d.severity === "warning" && d.urn === policyUrn("awsamp-preview-checks"),
    );
    expect(warnings.map((w) => w.message).join("\n")).to.include(
      'policyDocument $.Statement[0].Action[0]: "aps:GetMetricsMetadata" is not an action — did you mean aps:GetMetricMetadata?',
    );
    expect(planned.steps.find((s) => s.urn === policyUrn("awsamp-preview-checks"))?.op).to.equal("create");
    expect(emulator.log.entries, "preview calls nothing in AWS").to.deep.equal([]);
  });

  it("says a warning once per command: pulumi up shows it with its preview, not again while it updates", async () => {
    const workspace = emulator.createWorkspace("once");
    await project.config({
      workspaceId: workspace.workspaceId,
      policyDocument: policyDocument(workspace.arn, { actions: ["aps:GetMetricsMetadata"] }),
    });
    const up = await project.must(["up", "--yes"]);
    const [preview, update] = up.stdout.split(/^Updating \(test\):$/m);
    expect(preview).to.include("did you mean aps:GetMetricMetadata?");
    expect(update, "the update phase").to.not.include("did you mean");
    await project.must(["destroy", "--yes", "--skip-preview"]);
  });

  it("says no warning the resource has accepted (acceptedWarnings), and still the others", async () => {
    const workspace = emulator.createWorkspace("accepted");
    await project.config({
      workspaceId: workspace.workspaceId,
      policyDocument: policyDocument(workspace.arn, { actions: ["aps:GetMetricsMetadata"] }),
      acceptedWarnings: JSON.stringify(["unknown-action"]),
    });
    const planned = await project.preview();
    const messages = (planned.diagnostics ?? []).map((d) => d.message).join("\n");
    expect(messages).to.not.include("did you mean");
    expect(messages, "the KMS reminder is another rule").to.include("KMS grants");
    await project.must(["config", "rm", "acceptedWarnings"]);
  });

  it("fails on a Resource that names another workspace, with the JSON path, calling nothing in AWS", async () => {
    const workspace = emulator.createWorkspace("target");
    const other = emulator.createWorkspace("other");
    await project.config({
      workspaceId: workspace.workspaceId,
      policyDocument: policyDocument(other.arn),
    });

    const result = await project.mustFail(["preview"]);
    const output = result.stdout + result.stderr;
    // The engine names the resource and the property, quotes the value, then gives the plugin's reason.
    expect(output).to.include("awsamp:index:ResourcePolicy resource 'policy': property policyDocument value");
    expect(output).to.include(
      `has a problem: $.Statement[0].Resource: "${other.arn}" names workspace ${other.workspaceId}, but this policy is for workspace ${workspace.workspaceId}`,
    );
    expect(emulator.log.entries, "preview calls nothing in AWS").to.deep.equal([]);
  });
});
