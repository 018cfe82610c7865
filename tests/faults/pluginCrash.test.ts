/** A plugin killed while a create waits: the engine's next step (import of the pending create) recovers the policy. */
import { type ServiceError, status } from "@grpc/grpc-js";
import { expect } from "chai";
import { AmpEmulator } from "../emulator/server";
import { FakeEngine } from "../harness/engine";
import {
  checkRequest,
  configureRequest,
  createRequest,
  propertiesOf,
  readRequest,
  resourceUrn,
  updateRequest,
} from "../harness/messages";
import { emulatorConfigArgs, policyDocument } from "../harness/session";
import { launchWatchedPlugin, type WatchedPlugin } from "./watchedPlugin";

describe("a plugin killed during a create", function () {
  this.timeout(30_000);
  const urn = resourceUrn("crashed");
  let emulator: AmpEmulator;
  let engine: FakeEngine;
  const plugins: WatchedPlugin[] = [];

  before(async () => {
    emulator = await AmpEmulator.start();
    engine = await FakeEngine.start();
  });
  after(async () => {
    await Promise.all(plugins.map((plugin) => plugin.stop()));
    await engine.stop();
    await emulator.close();
  });

  async function configuredPlugin(): Promise<WatchedPlugin> {
    const watched = await launchWatchedPlugin({ engineAddress: engine.address });
    plugins.push(watched);
    await watched.plugin.configure(configureRequest({ args: emulatorConfigArgs(emulator) }));
    return watched;
  }

  it("leaves a policy that a restarted plugin imports by workspace ID, and then updates", async () => {
    // Long enough that the kill lands mid-wait and the import still sees CREATING.
    emulator.settle.policyCreateMs = 1_000;
    const { workspaceId, arn } = emulator.createWorkspace();
    const document = policyDocument(arn);
    const crashing = await configuredPlugin();

    const creating = crashing.plugin
      .create(createRequest({ urn, properties: { workspaceId, policyDocument: document } }))
      .then(
        () => undefined,
        (error: ServiceError) => error,
      );
    await engine.waitForLine(
      (line) => line.urn === urn && line.message.includes("to become ACTIVE (CREATING)"),
    );
    crashing.kill();
    const lost = await creating;

    expect(lost?.code, "the engine sees the plugin die, not an answer").to.equal(status.UNAVAILABLE);
    const written = emulator.policyOf(workspaceId);
    expect(written).to.include({ policyDocument: document, policyStatus: "CREATING" });

    // `pulumi refresh --import-pending-creates` (or `pulumi import`): a Read with the ID and no state.
    const restarted = await configuredPlugin();
    const imported = await restarted.plugin.read(readRequest({ urn, id: workspaceId }));
    const outputs = propertiesOf(imported.getProperties());
    const inputs = propertiesOf(imported.getInputs());

    expect(imported.getId()).to.equal(workspaceId);
    const access = { "arn:aws:iam::210987654321:root aps:RemoteWrite": "allow" };
    expect(outputs).to.deep.equal({
      workspaceId,
      policyDocument: document,
      policyStatus: emulator.policyOf(workspaceId)?.policyStatus,
      revisionId: written?.revisionId,
      region: emulator.region,
      access,
    });
    expect(inputs).to.deep.equal({ workspaceId, policyDocument: document, access });
    const checked = await restarted.plugin.check(checkRequest({ urn, olds: inputs, news: inputs }));
    expect(checked.getFailuresList()).to.deep.equal([]);

    const next = policyDocument(arn, { actions: ["aps:RemoteWrite", "aps:QueryMetrics"] });
    const updated = await restarted.plugin.update(
      updateRequest({
        urn,
        id: workspaceId,
        olds: outputs,
        news: { workspaceId, policyDocument: next },
        oldInputs: inputs,
      }),
    );
    const state = propertiesOf(updated.getProperties());

    expect(state).to.include({ workspaceId, policyDocument: next, policyStatus: "ACTIVE" });
    expect(state.access).to.deep.equal({
      ...access,
      "arn:aws:iam::210987654321:root aps:QueryMetrics": "allow",
    });
    expect(emulator.policyOf(workspaceId)).to.deep.equal({
      policyDocument: next,
      policyStatus: "ACTIVE",
      revisionId: state.revisionId,
    });
  });
});
