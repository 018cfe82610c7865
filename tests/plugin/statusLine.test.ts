/** The status lines the plugin sends the engine while an operation waits on AWS. */
import { statusLine } from "@awsamp/plugin/handlers";
import { expect } from "chai";
import { AmpEmulator } from "../emulator/server";
import { createRequest, propertiesOf, resourceUrn } from "../harness/messages";
import { type PluginSession, policyDocument, startSession } from "../harness/session";

describe("statusLine", () => {
  it("names the status a wait for the policy saw, and how long it has waited", () => {
    expect(
      statusLine({ workspaceId: "ws-1", target: "ACTIVE", status: "UPDATING", elapsedMs: 12_900 }),
    ).to.equal("waiting for the resource policy on ws-1 to become ACTIVE (UPDATING), 12s");
    expect(statusLine({ workspaceId: "ws-1", target: "deleted", status: "DELETING", elapsedMs: 0 })).to.equal(
      "waiting for the resource policy on ws-1 to be deleted (DELETING), 0s",
    );
  });

  it("says a put refused for a principal waits for IAM to propagate it", () => {
    expect(
      statusLine({
        workspaceId: "ws-1",
        target: "principal propagated",
        status: "principal refused",
        elapsedMs: 12_000,
      }),
    ).to.equal("waiting for IAM to propagate a principal named in the resource policy on ws-1, 12s");
  });

  describe("through the plugin", function () {
    this.timeout(20_000);
    const urn = resourceUrn("policy");
    let emulator: AmpEmulator;
    let session: PluginSession;

    before(async () => {
      emulator = await AmpEmulator.start();
      session = await startSession({ emulator });
    });
    after(async () => {
      await session.stop();
      await emulator.close();
    });

    it("a create whose principal IAM has not propagated yet is sent as a status line, then succeeds", async () => {
      const newRole = "arn:aws:iam::111122223333:role/new";
      const { workspaceId, arn } = emulator.createWorkspace();
      emulator.principalValidAfter(newRole, 500);
      const properties = { workspaceId, policyDocument: policyDocument(arn, { principal: newRole }) };

      const response = await session.plugin.create(createRequest({ urn, properties }));

      expect(propertiesOf(response.getProperties())).to.include({ policyStatus: "ACTIVE" });
      const lines = session.engine.linesFor(urn, "info", { ephemeral: true }).map((line) => line.message);
      expect(lines).to.include(
        `waiting for IAM to propagate a principal named in the resource policy on ${workspaceId}, 0s`,
      );
    });
  });
});
