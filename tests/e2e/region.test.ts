/** The region a policy lives in is part of its state: a new provider region never makes refresh drop it. */
import { expect } from "chai";
import type { AmpEmulator } from "../emulator/server";
import { type PulumiProject, resourcesOfType } from "../harness/pulumiCli";
import { policyDocument } from "../harness/session";
import { POLICY_TYPE, policyUrn, useEndToEnd } from "./emulatorProject";

describe("end to end: the policy's region", function () {
  this.timeout(180_000);
  // The emulator is us-east-1: a client for any other region finds none of its workspaces.
  const e2e = useEndToEnd();
  let emulator: AmpEmulator;
  let project: PulumiProject;
  let workspaceId: string;

  before(async () => {
    if (!e2e.available) return;
    emulator = e2e.emulator;
    project = await e2e.project({ name: "awsamp-region" });
    const workspace = emulator.createWorkspace("region");
    workspaceId = workspace.workspaceId;
    await project.config({ workspaceId, policyDocument: policyDocument(workspace.arn) });
  });

  async function trackedPolicy() {
    const [policy] = resourcesOfType(await project.exportStack(), POLICY_TYPE);
    return policy;
  }

  it("records the provider's region in the state of a policy whose program names none", async () => {
    await project.must(["up", "--yes", "--skip-preview"]);
    const policy = await trackedPolicy();
    expect(policy?.inputs).to.not.have.property("region");
    expect(policy?.outputs?.region).to.equal("us-east-1");
  });

  it("keeps tracking the policy in its own region when the provider's region changes, and previews the move as a replacement", async () => {
    await project.config({ "awsamp:region": "eu-west-1" });
    await project.must(["refresh", "--yes", "--expect-no-changes"]);
    expect((await trackedPolicy())?.id, "refresh looked in us-east-1 and kept it").to.equal(workspaceId);

    // The replacement puts the policy on the workspace in eu-west-1, which the preview looks up, and which
    // is not there (the emulator holds us-east-1 only), so the preview fails as pulumi up would.
    const refused = await project.mustFail(["preview"]);
    expect(refused.stdout + refused.stderr).to.include(
      `workspaceId: workspace ${workspaceId} does not exist in eu-west-1`,
    );

    // Without the look, the move shows as what it is.
    await project.config({ "awsamp:skipWorkspaceCheck": "true" });
    try {
      const planned = await project.preview();
      const step = planned.steps.find((s) => s.urn === policyUrn("awsamp-region"));
      expect(step?.op).to.equal("replace");
      expect(step?.replaceReasons).to.deep.equal(["region"]);
    } finally {
      await project.must(["config", "rm", "awsamp:skipWorkspaceCheck"]);
    }
    expect(emulator.policyOf(workspaceId)?.policyStatus, "preview moved nothing").to.equal("ACTIVE");
  });

  it("keeps tracking it when the region comes from AWS_REGION and that changes", async () => {
    await project.must(["config", "rm", "awsamp:region"]);
    await project.must(["refresh", "--yes", "--expect-no-changes"], {
      env: { AWS_REGION: "ap-southeast-2" },
    });
    expect((await trackedPolicy())?.id).to.equal(workspaceId);
    await project.must(["preview", "--expect-no-changes"], { env: { AWS_REGION: "us-east-1" } });
  });
});
