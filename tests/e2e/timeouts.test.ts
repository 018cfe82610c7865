/** customTimeouts through the real CLI: a create that outlives its deadline is kept in state, and the next up finishes it. */
import { expect } from "chai";
import type { AmpEmulator } from "../emulator/server";
import { type PulumiProject, resourcesOfType } from "../harness/pulumiCli";
import { policyDocument } from "../harness/session";
import { POLICY_TYPE, useEndToEnd } from "./emulatorProject";

describe("end to end: custom timeouts", function () {
  this.timeout(120_000);
  const e2e = useEndToEnd({ settle: { policyCreateMs: 6_000 } });
  let emulator: AmpEmulator;
  let project: PulumiProject;

  before(async () => {
    if (!e2e.available) return;
    emulator = e2e.emulator;
    project = await e2e.project({
      name: "awsamp-timeouts",
      config: { createTimeout: "2s" },
    });
  });

  it("fails a create that outlives customTimeouts.create, keeps the policy with its init error, and finishes it next time", async () => {
    const workspace = emulator.createWorkspace("slow");
    const document = policyDocument(workspace.arn);
    await project.config({ workspaceId: workspace.workspaceId, policyDocument: document });

    const failed = await project.mustFail(["up", "--yes", "--skip-preview"]);
    // The wait gave up at the 2 s deadline, long before the 6 s settle.
    expect(failed.stdout + failed.stderr).to.match(/still CREATING after [12]\.\ds/);
    const [kept] = resourcesOfType(await project.exportStack(), POLICY_TYPE);
    expect(kept?.id).to.equal(workspace.workspaceId);
    expect(kept?.outputs).to.include({ policyDocument: document, policyStatus: "CREATING" });
    expect(kept?.initErrors?.join("\n")).to.include("still CREATING");

    await project.must(["up", "--yes", "--skip-preview"]);
    expect(emulator.count("PutResourcePolicy"), "no second create").to.equal(1);
    const [finished] = resourcesOfType(await project.exportStack(), POLICY_TYPE);
    expect(finished?.initErrors ?? []).to.deep.equal([]);
    expect(finished?.outputs).to.include({ policyStatus: "ACTIVE" });
    expect(emulator.policyOf(workspace.workspaceId)?.policyStatus).to.equal("ACTIVE");
  });
});
