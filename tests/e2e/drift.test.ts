/** Changes made outside the program, through the real CLI: up refuses to overwrite them, refresh picks them up. */
import { expect } from "chai";
import type { AmpEmulator } from "../emulator/server";
import { type PulumiProject, resourcesOfType } from "../harness/pulumiCli";
import { policyDocument } from "../harness/session";
import { POLICY_TYPE, useEndToEnd } from "./emulatorProject";

describe("end to end: changes outside the program", function () {
  this.timeout(180_000);
  const e2e = useEndToEnd();
  let emulator: AmpEmulator;
  let project: PulumiProject;

  before(async () => {
    if (!e2e.available) return;
    emulator = e2e.emulator;
    project = await e2e.project({ name: "awsamp-drift" });
  });

  async function trackedPolicy() {
    const [policy] = resourcesOfType(await project.exportStack(), POLICY_TYPE);
    return policy;
  }

  it("refuses to overwrite a policy changed outside the program, and refresh picks the change up", async () => {
    const workspace = emulator.createWorkspace("changed");
    const programs = policyDocument(workspace.arn);
    await project.config({ workspaceId: workspace.workspaceId, policyDocument: programs });
    await project.must(["up", "--yes", "--skip-preview"]);

    const outside = policyDocument(workspace.arn, { actions: ["aps:QueryMetrics"] });
    const outsideRevision = emulator.putPolicyOutOfBand(workspace.workspaceId, outside);
    await project.config({
      policyDocument: policyDocument(workspace.arn, { actions: ["aps:RemoteWrite", "aps:GetLabels"] }),
    });
    const refused = await project.mustFail(["up", "--yes", "--skip-preview"]);
    expect(refused.stdout + refused.stderr).to.include("pulumi refresh");
    expect(emulator.policyOf(workspace.workspaceId)?.policyDocument, "nothing overwritten").to.equal(outside);

    await project.must(["refresh", "--yes"]);
    expect((await trackedPolicy())?.outputs).to.include({
      policyDocument: outside,
      revisionId: outsideRevision,
    });
    await project.must(["up", "--yes", "--skip-preview"]);
    expect(emulator.policyOf(workspace.workspaceId)?.policyDocument).to.include("aps:GetLabels");
  });

  it("drops on refresh a policy deleted outside the program, and the next up creates it again", async () => {
    const policy = await trackedPolicy();
    const workspaceId = String(policy?.id);
    emulator.deletePolicyOutOfBand(workspaceId);

    await project.must(["refresh", "--yes"]);
    expect(await trackedPolicy(), "refresh drops it").to.equal(undefined);
    await project.must(["up", "--yes", "--skip-preview"]);
    expect(emulator.policyOf(workspaceId)?.policyStatus).to.equal("ACTIVE");
    expect((await trackedPolicy())?.outputs?.revisionId).to.equal(emulator.policyOf(workspaceId)?.revisionId);
  });
});
