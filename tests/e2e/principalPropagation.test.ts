/** A role created moments before its policy, through the real CLI: the put is retried until IAM knows it. */
import { expect } from "chai";
import type { AmpEmulator } from "../emulator/server";
import type { PulumiProject } from "../harness/pulumiCli";
import { policyDocument } from "../harness/session";
import { useEndToEnd } from "./emulatorProject";

const NEW_ROLE = "arn:aws:iam::210987654321:role/created-moments-ago";

describe("end to end: a principal IAM has not propagated yet", function () {
  this.timeout(120_000);
  const e2e = useEndToEnd();
  let emulator: AmpEmulator;
  let project: PulumiProject;

  before(async () => {
    if (!e2e.available) return;
    emulator = e2e.emulator;
    project = await e2e.project({ name: "awsamp-propagation" });
  });

  it("retries the put until AWS accepts the principal, and pulumi up succeeds", async () => {
    const workspace = emulator.createWorkspace("propagating");
    await project.config({
      workspaceId: workspace.workspaceId,
      policyDocument: policyDocument(workspace.arn, { principal: NEW_ROLE }),
    });
    // Longer than the CLI takes to start the program and the plugin, so the first put is refused.
    emulator.principalValidAfter(NEW_ROLE, 8_000);
    emulator.clearLog();

    await project.must(["up", "--yes", "--skip-preview"]);
    expect(emulator.policyOf(workspace.workspaceId)?.policyStatus).to.equal("ACTIVE");
    expect(
      emulator.count("PutResourcePolicy"),
      "refused while IAM propagated, then accepted",
    ).to.be.greaterThan(1);
    await project.must(["destroy", "--yes", "--skip-preview"]);
  });

  it("fails after the operation's deadline saying why, quoting nothing of a secret document", async () => {
    const workspace = emulator.createWorkspace("never-propagated");
    await project.config(
      { workspaceId: workspace.workspaceId, secretDocument: "true", createTimeout: "4s" },
      { policyDocument: policyDocument(workspace.arn, { principal: NEW_ROLE }) },
    );
    emulator.principalValidAfter(NEW_ROLE, 600_000);

    const result = await project.mustFail(["up", "--yes", "--skip-preview"]);
    const output = result.stdout + result.stderr;
    expect(output).to.include("AWS still refuses a principal after");
    expect(output).to.include("A principal must exist in IAM before a policy can name it");
    expect(output, "not the secret document's principal").to.not.include("created-moments-ago");
    expect(emulator.policyOf(workspace.workspaceId)).to.equal(undefined);
  });
});
