/** `pulumi up` killed mid-create: the next run resolves the pending create as the CLI offers, tracking the policy once. */
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "chai";
import type { AmpEmulator } from "../emulator/server";
import { type PulumiProject, resourcesOfType } from "../harness/pulumiCli";
import { policyDocument } from "../harness/session";
import { POLICY_TYPE, policyUrn, useEndToEnd } from "./emulatorProject";

describe("end to end: pulumi up killed during a create", function () {
  this.timeout(180_000);
  const e2e = useEndToEnd({ settle: { policyCreateMs: 8_000 } });
  let emulator: AmpEmulator;
  let project: PulumiProject;

  before(async () => {
    if (!e2e.available) return;
    emulator = e2e.emulator;
    project = await e2e.project({ name: "awsamp-interrupted" });
  });

  it("leaves a pending create that refresh clears and import adopts, tracking the policy once, and the next up writes nothing", async () => {
    const workspace = emulator.createWorkspace("interrupted");
    const document = policyDocument(workspace.arn);
    await project.config({ workspaceId: workspace.workspaceId, policyDocument: document });

    // The CLI and its plugins in a process group of their own, killed together as a crash would.
    const up = project.spawn(["up", "--yes", "--skip-preview"], { detached: true });
    const exited = new Promise((resolve) => up.once("close", resolve));
    while (emulator.count("PutResourcePolicy") === 0) await sleep(50);
    await sleep(300);
    process.kill(-(up.pid ?? 0), "SIGKILL");
    await exited;
    expect(emulator.policyOf(workspace.workspaceId)?.policyStatus, "AWS has the policy").to.equal("CREATING");

    // The killed CLI left its lock on the file backend, and the create pending in the state.
    await project.must(["cancel", "--yes"]);
    const urn = policyUrn("awsamp-interrupted");
    const pending = (await project.exportStack()).deployment.pending_operations ?? [];
    expect(pending.map((p) => [p.type, p.resource.urn])).to.deep.equal([["creating", urn]]);

    // What the CLI offers: refresh with a pending-create option, then adopt the policy by its ID. CLI v3.248.0
    // turns `--import-pending-creates URN ID` into a pending import that no step reads, so it loses the
    // create as `--clear-pending-creates` does; `pulumi import` then adopts what AWS holds.
    await project.must(["refresh", "--yes", "--clear-pending-creates"]);
    expect((await project.exportStack()).deployment.pending_operations ?? []).to.deep.equal([]);
    await project.must([
      "import",
      POLICY_TYPE,
      "policy",
      workspace.workspaceId,
      "--yes",
      "--generate-code=false",
    ]);
    const policies = resourcesOfType(await project.exportStack(), POLICY_TYPE);
    expect(policies.map((p) => [p.urn, p.id])).to.deep.equal([[urn, workspace.workspaceId]]);
    expect(policies[0]?.outputs?.revisionId).to.equal(emulator.policyOf(workspace.workspaceId)?.revisionId);

    await project.must(["preview", "--expect-no-changes"]);
    await project.must(["up", "--yes", "--skip-preview"]);
    expect(emulator.count("PutResourcePolicy"), "nothing written twice").to.equal(1);
    expect(resourcesOfType(await project.exportStack(), POLICY_TYPE)).to.have.length(1);
  });
});
