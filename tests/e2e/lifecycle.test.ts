/**
 * A policy's life through the real CLI: up, no-change preview and refresh, an edit reviewed (its access change
 * shown by the engine's own diff) and applied, destroy.
 */
import { expect } from "chai";
import type { AmpEmulator } from "../emulator/server";
import { type PulumiProject, resourcesOfType } from "../harness/pulumiCli";
import { policyDocument } from "../harness/session";
import { POLICY_TYPE, policyUrn, useEndToEnd } from "./emulatorProject";

describe("end to end: a policy's life", function () {
  this.timeout(240_000);
  const e2e = useEndToEnd({
    settle: { policyCreateMs: 300, policyUpdateMs: 300, policyDeleteMs: 300 },
  });
  let emulator: AmpEmulator;
  let project: PulumiProject;

  before(async () => {
    if (!e2e.available) return;
    emulator = e2e.emulator;
    project = await e2e.project({ name: "awsamp-lifecycle" });
  });

  it("creates the policy with up, and then previews and refreshes with no changes", async () => {
    const workspace = emulator.createWorkspace("lifecycle");
    const document = policyDocument(workspace.arn);
    await project.config({ workspaceId: workspace.workspaceId, policyDocument: document });

    const planned = await project.preview();
    expect(planned.steps.filter((s) => s.op === "create").map((s) => s.urn)).to.include(
      policyUrn("awsamp-lifecycle"),
    );
    expect(
      emulator.log.entries.map((entry) => entry.operation),
      "preview writes nothing: it only looks at the workspace the policy goes on",
    ).to.deep.equal(["DescribeWorkspace"]);

    await project.must(["up", "--yes", "--skip-preview"]);
    expect(emulator.policyOf(workspace.workspaceId)).to.include({
      policyDocument: document,
      policyStatus: "ACTIVE",
    });
    const [policy] = resourcesOfType(await project.exportStack(), POLICY_TYPE);
    expect(policy?.id).to.equal(workspace.workspaceId);
    expect(policy?.outputs).to.include({
      policyStatus: "ACTIVE",
      revisionId: emulator.policyOf(workspace.workspaceId)?.revisionId,
    });
    expect(policy?.outputs?.access).to.deep.equal({
      "arn:aws:iam::210987654321:root aps:RemoteWrite": "allow",
    });

    await project.must(["preview", "--expect-no-changes"]);
    emulator.reformatDocuments = true;
    try {
      await project.must(["refresh", "--yes", "--expect-no-changes"]);
    } finally {
      emulator.reformatDocuments = false;
    }
  });

  it("shows an edit's access change in preview --diff, and applies it with a new revision", async () => {
    const [before] = resourcesOfType(await project.exportStack(), POLICY_TYPE);
    const arn = `arn:aws:aps:${emulator.region}:${emulator.accountId}:workspace/${before?.id}`;
    const edited = policyDocument(arn, { actions: ["aps:RemoteWrite", "aps:QueryMetrics"] });
    await project.config({ policyDocument: edited });

    const diff = await project.must(["preview", "--diff"]);
    expect(diff.stdout).to.match(/~ awsamp:index:ResourcePolicy: \(update\)/);
    expect(diff.stdout).to.match(/~ policyDocument:/);
    // The access is a property the engine diffs itself, under the resource on stdout.
    expect(diff.stdout).to.match(/~ access\s*:/);
    expect(diff.stdout).to.match(/\+ arn:aws:iam::210987654321:root aps:QueryMetrics\s*: "allow"/);
    expect(diff.stderr, "no access line of the plugin's own").to.not.include("aps:QueryMetrics");
    const planned = await project.preview();
    const update = planned.steps.find((s) => s.urn.endsWith("::policy"));
    expect(update?.op).to.equal("update");
    expect(update?.diffReasons).to.have.members(["policyDocument", "access"]);

    await project.must(["up", "--yes", "--skip-preview"]);
    const remote = emulator.policyOf(String(before?.id));
    expect(remote?.policyDocument).to.equal(edited);
    expect(remote?.revisionId).to.not.equal(before?.outputs?.revisionId);
    const [after] = resourcesOfType(await project.exportStack(), POLICY_TYPE);
    expect(after?.outputs?.revisionId).to.equal(remote?.revisionId);
    expect(after?.outputs?.access).to.deep.equal({
      "arn:aws:iam::210987654321:root aps:RemoteWrite": "allow",
      "arn:aws:iam::210987654321:root aps:QueryMetrics": "allow",
    });
  });

  it("destroys, leaving the emulator and the state empty", async () => {
    const [policy] = resourcesOfType(await project.exportStack(), POLICY_TYPE);
    await project.must(["destroy", "--yes", "--skip-preview"]);
    expect(emulator.policyOf(String(policy?.id))).to.equal(undefined);
    expect((await project.exportStack()).deployment.resources ?? []).to.deep.equal([]);
  });
});
