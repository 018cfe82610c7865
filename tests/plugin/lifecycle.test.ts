/** A ResourcePolicy through the plugin against the AMP emulator: create, read (import, refresh), update, delete. */

import { isSecret, type PropertyObject, secret, UNKNOWN, unwrapSecret } from "@awsamp/plugin/values";
import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { AmpEmulator } from "../emulator/server";
import {
  changesOf,
  checkRequest,
  createRequest,
  deleteRequest,
  diffRequest,
  initFailureOf,
  propertiesOf,
  readRequest,
  rejectionOf,
  resourceUrn,
  updateRequest,
} from "../harness/messages";
import { type PluginSession, policyDocument, reformatted, startSession } from "../harness/session";

/** The principal policyDocument() grants to by default. */
const GRANTEE = "arn:aws:iam::210987654321:root";

/** The access a policyDocument() granting `actions` to GRANTEE has: what the outputs' `access` holds. */
function accessOf(actions: string[] = ["aps:RemoteWrite"]): PropertyObject {
  return Object.fromEntries(actions.map((action) => [`${GRANTEE} ${action}`, "allow"]));
}

/** `waiting for the resource policy on ws-… to become ACTIVE (CREATING), 0s` */
const STATUS_LINE =
  /^waiting for the resource policy on ws-\S+ to become ACTIVE \((CREATING|UPDATING)\), \d+s$/;

describe("ResourcePolicy lifecycle through the plugin", function () {
  this.timeout(20_000);
  let emulator: AmpEmulator;
  let session: PluginSession;
  let workspaceId: string;
  let workspaceArn: string;
  const urn = resourceUrn("policy");

  before(async () => {
    emulator = await AmpEmulator.start();
    session = await startSession({ emulator });
  });
  after(async () => {
    await session.stop();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    session.engine.clear();
    ({ workspaceId, arn: workspaceArn } = emulator.createWorkspace());
  });

  function inputs(overrides: PropertyObject = {}): PropertyObject {
    return { workspaceId, policyDocument: policyDocument(workspaceArn), ...overrides };
  }

  /** Creates through the plugin and returns the outputs, as the engine would keep them. */
  async function created(properties: PropertyObject = inputs()): Promise<PropertyObject> {
    const response = await session.plugin.create(createRequest({ urn, properties }));
    return propertiesOf(response.getProperties());
  }

  /** The inputs as Check returns them to the engine, which hands them to Create and Update. */
  async function checked(news: PropertyObject, olds: PropertyObject = {}): Promise<PropertyObject> {
    const response = await session.plugin.check(checkRequest({ urn, olds, news }));
    expect(response.getFailuresList()).to.deep.equal([]);
    return propertiesOf(response.getInputs());
  }

  describe("Create", () => {
    it("puts the policy and returns the state and the access it grants, with the workspace ID as the resource ID", async () => {
      const response = await session.plugin.create(createRequest({ urn, properties: inputs() }));
      const properties = propertiesOf(response.getProperties());

      expect(response.getId()).to.equal(workspaceId);
      expect(properties).to.deep.equal({
        ...inputs(),
        policyStatus: "ACTIVE",
        revisionId: emulator.policyOf(workspaceId)?.revisionId,
        region: emulator.region,
        access: accessOf(),
      });
    });

    it("records the provider's region in the state when the inputs name none", async () => {
      const properties = await created();
      expect(inputs()).to.not.have.property("region");
      expect(properties.region).to.equal(emulator.region);
    });

    it("keeps a secret document, and the access read from it, secret in the outputs", async () => {
      const properties = await created(inputs({ policyDocument: secret(policyDocument(workspaceArn)) }));
      expect(isSecret(properties.policyDocument)).to.equal(true);
      expect(unwrapSecret(properties.policyDocument ?? null)).to.equal(policyDocument(workspaceArn));
      expect(isSecret(properties.access)).to.equal(true);
      expect(unwrapSecret(properties.access ?? null)).to.deep.equal(accessOf());
      expect(isSecret(properties.revisionId)).to.equal(false);
    });

    it("sends status lines to the engine while it waits for a slow create", async () => {
      emulator.settle.policyCreateMs = 700;
      await created();
      const statusLines = session.engine.linesFor(urn, "info", { ephemeral: true });
      expect(statusLines).to.not.be.empty;
      for (const line of statusLines) expect(line.message).to.match(STATUS_LINE);
      expect(statusLines[0]?.message).to.include(`on ${workspaceId} to become ACTIVE (CREATING)`);
    });

    it("stops within the request's timeout and hands the engine what exists (ErrorResourceInitFailed)", async () => {
      emulator.settle.policyCreateMs = 30_000;
      const started = Date.now();
      const error = await rejectionOf(
        session.plugin.create(createRequest({ urn, properties: inputs(), timeout: 1 })),
      );
      const elapsed = Date.now() - started;

      // The wait gives up when its next poll would pass the deadline, so it ends at or a little before it.
      expect(elapsed).to.be.below(1500);
      expect(error.details).to.include(`waiting for the resource policy on workspace ${workspaceId}`);
      expect(error.details).to.include("still CREATING");
      const failure = initFailureOf(error);
      expect(failure?.id).to.equal(workspaceId);
      expect(failure?.properties).to.include({ workspaceId, policyStatus: "CREATING" });
      expect(failure?.properties.revisionId).to.equal(emulator.policyOf(workspaceId)?.revisionId);
      expect(failure?.properties.access, "the state exists, so does what it grants").to.deep.equal(
        accessOf(),
      );
      expect(failure?.inputs).to.deep.equal(inputs());
      expect(failure?.reasons).to.deep.equal([error.details]);
    });

    it("plans a create in preview: the checked inputs, the access among them, and what only AWS knows unknown", async () => {
      emulator.clearLog();
      const planned = await checked(inputs());
      expect(planned.access).to.deep.equal(accessOf());
      expect(
        emulator.log.entries.map((entry) => entry.operation),
        "Check's look at the workspace",
      ).to.deep.equal(["DescribeWorkspace"]);

      emulator.clearLog();
      const response = await session.plugin.create(
        createRequest({ urn, properties: planned, preview: true }),
      );
      expect(propertiesOf(response.getProperties())).to.deep.equal({
        ...planned,
        policyStatus: UNKNOWN,
        revisionId: UNKNOWN,
      });
      expect(emulator.log.entries, "the preview's Create calls nothing in AWS").to.deep.equal([]);
    });

    it("plans a create in preview with the access not known yet where the document is not", async () => {
      emulator.clearLog();
      const planned = await checked(inputs({ workspaceId: UNKNOWN, policyDocument: UNKNOWN }));
      expect(planned.access).to.equal(UNKNOWN);
      const response = await session.plugin.create(
        createRequest({ urn, properties: planned, preview: true }),
      );
      expect(propertiesOf(response.getProperties())).to.deep.equal({
        workspaceId: UNKNOWN,
        policyDocument: UNKNOWN,
        access: UNKNOWN,
        policyStatus: UNKNOWN,
        revisionId: UNKNOWN,
      });
      expect(emulator.log.entries).to.deep.equal([]);
    });

    it("refuses, outside preview, an input that is still unknown", async () => {
      const error = await rejectionOf(
        session.plugin.create(createRequest({ urn, properties: inputs({ workspaceId: UNKNOWN }) })),
      );
      expect(error.code).to.equal(status.INVALID_ARGUMENT);
      expect(error.details).to.include("workspaceId is not known yet");
    });

    it("refuses to overwrite a policy the program does not manage, naming the import command with the resource's name", async () => {
      emulator.putPolicyOutOfBand(workspaceId, policyDocument(workspaceArn));
      const error = await rejectionOf(session.plugin.create(createRequest({ urn, properties: inputs() })));
      expect(error.details).to.include(`pulumi import awsamp:index:ResourcePolicy policy ${workspaceId}`);
      expect(initFailureOf(error)).to.equal(undefined);
    });
  });

  describe("Read", () => {
    it("imports by workspace ID: ID, state and inputs that reproduce the policy, each with the access it grants", async () => {
      const document = policyDocument(workspaceArn);
      const revisionId = emulator.putPolicyOutOfBand(workspaceId, document);
      const response = await session.plugin.read(readRequest({ urn, id: workspaceId }));

      expect(response.getId()).to.equal(workspaceId);
      expect(propertiesOf(response.getProperties())).to.deep.equal({
        workspaceId,
        policyDocument: document,
        policyStatus: "ACTIVE",
        revisionId,
        region: emulator.region,
        access: accessOf(),
      });
      expect(propertiesOf(response.getInputs())).to.deep.equal({
        workspaceId,
        policyDocument: document,
        access: accessOf(),
      });
    });

    it("imports inputs that pass Check and, against the program's own text, show no diff", async () => {
      emulator.reformatDocuments = true;
      const programInputs = inputs();
      emulator.putPolicyOutOfBand(workspaceId, policyDocument(workspaceArn));
      const imported = await session.plugin.read(readRequest({ urn, id: workspaceId }));
      const importedInputs = propertiesOf(imported.getInputs());
      expect(importedInputs.policyDocument).to.not.equal(programInputs.policyDocument);

      const checked = await session.plugin.check(
        checkRequest({ urn, olds: importedInputs, news: programInputs }),
      );
      expect(checked.getFailuresList()).to.deep.equal([]);
      const diffed = await session.plugin.diff(
        diffRequest({
          urn,
          id: imported.getId(),
          olds: propertiesOf(imported.getProperties()),
          news: propertiesOf(checked.getInputs()),
          oldInputs: importedInputs,
        }),
      );
      expect(changesOf(diffed)).to.equal("DIFF_NONE");
    });

    it("imports ws-…@REGION with the region in the inputs and the workspace ID as the ID", async () => {
      // The provider works in us-east-1; the workspace lives in the emulator's other region.
      const ireland = await AmpEmulator.start({ region: "eu-west-1" });
      const elsewhere = await startSession({ emulator: { region: "us-east-1", endpoint: ireland.endpoint } });
      try {
        const workspace = ireland.createWorkspace();
        ireland.putPolicyOutOfBand(workspace.workspaceId, policyDocument(workspace.arn));
        const response = await elsewhere.plugin.read(
          readRequest({ urn, id: `${workspace.workspaceId}@eu-west-1` }),
        );

        expect(response.getId()).to.equal(workspace.workspaceId);
        expect(propertiesOf(response.getInputs())).to.include({
          workspaceId: workspace.workspaceId,
          region: "eu-west-1",
        });
        expect(propertiesOf(response.getProperties())).to.include({ region: "eu-west-1" });
      } finally {
        await elsewhere.stop();
        await ireland.close();
      }
    });

    it("refuses to import a workspace that has no policy, and says so", async () => {
      const error = await rejectionOf(session.plugin.read(readRequest({ urn, id: workspaceId })));
      expect(error.code).to.equal(status.NOT_FOUND);
      expect(error.details).to.include(`workspace ${workspaceId}: the workspace has no resource policy`);
    });

    it("refuses an import ID that is not a workspace ID", async () => {
      const error = await rejectionOf(session.plugin.read(readRequest({ urn, id: "my-policy" })));
      expect(error.code).to.equal(status.INVALID_ARGUMENT);
      expect(error.details).to.include("ws-…@REGION");
    });

    it("refreshes a policy deleted outside the program to a blank ID", async () => {
      const state = await created();
      emulator.deletePolicyOutOfBand(workspaceId);
      const response = await session.plugin.read(
        readRequest({ urn, id: workspaceId, properties: state, inputs: inputs() }),
      );
      expect(response.getId()).to.equal("");
      expect(response.hasProperties()).to.equal(false);
    });

    it("keeps the state's text on refresh when AWS returns the document reformatted", async () => {
      const state = await created();
      emulator.reformatDocuments = true;
      const response = await session.plugin.read(
        readRequest({ urn, id: workspaceId, properties: state, inputs: inputs() }),
      );

      expect(propertiesOf(response.getProperties())).to.deep.equal(state);
      expect(propertiesOf(response.getInputs())).to.deep.equal({ ...inputs(), access: accessOf() });
    });

    it("reports on refresh a document changed outside the program, and the access it grants, in state and inputs", async () => {
      const state = await created();
      const changed = policyDocument(workspaceArn, { actions: ["aps:QueryMetrics"] });
      const revisionId = emulator.putPolicyOutOfBand(workspaceId, changed);
      const response = await session.plugin.read(
        readRequest({ urn, id: workspaceId, properties: state, inputs: inputs() }),
      );

      const properties = propertiesOf(response.getProperties());
      expect(properties).to.include({ policyDocument: changed, revisionId });
      expect(properties.access).to.deep.equal(accessOf(["aps:QueryMetrics"]));
      expect(propertiesOf(response.getInputs())).to.deep.equal({
        workspaceId,
        policyDocument: changed,
        access: accessOf(["aps:QueryMetrics"]),
      });
    });

    it("keeps a secret document's access secret on refresh, in state and inputs", async () => {
      const secretInputs = inputs({ policyDocument: secret(policyDocument(workspaceArn)) });
      const state = await created(secretInputs);
      emulator.putPolicyOutOfBand(workspaceId, policyDocument(workspaceArn, { actions: ["aps:GetLabels"] }));
      const response = await session.plugin.read(
        readRequest({ urn, id: workspaceId, properties: state, inputs: secretInputs }),
      );

      for (const read of [propertiesOf(response.getProperties()), propertiesOf(response.getInputs())]) {
        expect(isSecret(read.policyDocument)).to.equal(true);
        expect(isSecret(read.access)).to.equal(true);
        expect(unwrapSecret(read.access ?? null)).to.deep.equal(accessOf(["aps:GetLabels"]));
      }
    });

    it("keeps the old inputs' text on refresh where it means the same as the state's", async () => {
      const state = await created();
      const programText = reformatted(policyDocument(workspaceArn));
      const response = await session.plugin.read(
        readRequest({
          urn,
          id: workspaceId,
          properties: state,
          inputs: inputs({ policyDocument: programText }),
        }),
      );
      expect(propertiesOf(response.getInputs())).to.include({ policyDocument: programText });
    });
  });

  describe("Update", () => {
    it("puts the new document over the state's revision and waits until ACTIVE", async () => {
      const state = await created();
      emulator.settle.policyUpdateMs = 400;
      const news = inputs({
        policyDocument: policyDocument(workspaceArn, { actions: ["aps:QueryMetrics"] }),
      });
      const response = await session.plugin.update(
        updateRequest({ urn, id: workspaceId, olds: state, news, oldInputs: inputs() }),
      );
      const properties = propertiesOf(response.getProperties());

      expect(properties).to.include({ policyDocument: news.policyDocument, policyStatus: "ACTIVE" });
      expect(properties.access).to.deep.equal(accessOf(["aps:QueryMetrics"]));
      expect(properties.revisionId).to.not.equal(state.revisionId);
      expect(properties.revisionId).to.equal(emulator.policyOf(workspaceId)?.revisionId);
      const statusLines = session.engine
        .linesFor(urn, "info", { ephemeral: true })
        .map((line) => line.message);
      expect(statusLines.some((line) => line.includes("to become ACTIVE (UPDATING)"))).to.equal(true);
    });

    it("plans an update in preview from the checked inputs, the access not known yet with the document, calling nothing in AWS", async () => {
      const state = await created();
      emulator.clearLog();
      const news = await checked(inputs({ policyDocument: UNKNOWN }), inputs());
      expect(news.access).to.equal(UNKNOWN);
      const response = await session.plugin.update(
        updateRequest({ urn, id: workspaceId, olds: state, news, oldInputs: inputs(), preview: true }),
      );

      expect(propertiesOf(response.getProperties())).to.deep.equal({
        ...news,
        policyStatus: UNKNOWN,
        revisionId: UNKNOWN,
      });
      expect(emulator.log.entries).to.deep.equal([]);
    });

    it("fails after a change outside the program with a conflict that says to run pulumi refresh", async () => {
      const state = await created();
      emulator.putPolicyOutOfBand(workspaceId, policyDocument(workspaceArn, { actions: ["aps:GetLabels"] }));
      const news = inputs({
        policyDocument: policyDocument(workspaceArn, { actions: ["aps:QueryMetrics"] }),
      });
      const error = await rejectionOf(
        session.plugin.update(
          updateRequest({ urn, id: workspaceId, olds: state, news, oldInputs: inputs() }),
        ),
      );

      expect(error.details).to.include("changed outside this program");
      expect(error.details).to.include("pulumi refresh");
      expect(initFailureOf(error)).to.equal(undefined);
    });

    it("hands the engine the new state when the wait after the put runs out", async () => {
      const state = await created();
      emulator.settle.policyUpdateMs = 30_000;
      const news = inputs({
        policyDocument: policyDocument(workspaceArn, { actions: ["aps:QueryMetrics"] }),
      });
      const error = await rejectionOf(
        session.plugin.update(
          updateRequest({ urn, id: workspaceId, olds: state, news, oldInputs: inputs(), timeout: 1 }),
        ),
      );

      const failure = initFailureOf(error);
      expect(failure?.properties).to.include({
        policyDocument: news.policyDocument,
        policyStatus: "UPDATING",
      });
      expect(failure?.properties.access).to.deep.equal(accessOf(["aps:QueryMetrics"]));
      expect(failure?.properties.revisionId).to.equal(emulator.policyOf(workspaceId)?.revisionId);
    });
  });

  describe("Delete", () => {
    it("deletes the policy and waits until it is gone", async () => {
      const state = await created();
      emulator.settle.policyDeleteMs = 300;
      await session.plugin.delete(deleteRequest({ urn, id: workspaceId, properties: state }));

      expect(emulator.policyOf(workspaceId)).to.equal(undefined);
      const statusLines = session.engine
        .linesFor(urn, "info", { ephemeral: true })
        .map((line) => line.message);
      expect(statusLines.some((line) => line.includes("to be deleted (DELETING)"))).to.equal(true);
    });

    it("succeeds for a policy already deleted outside the program", async () => {
      const state = await created();
      emulator.deletePolicyOutOfBand(workspaceId);
      await session.plugin.delete(deleteRequest({ urn, id: workspaceId, properties: state }));
      expect(emulator.policyOf(workspaceId)).to.equal(undefined);
    });

    it("stops within the request's timeout with the core's message", async () => {
      const state = await created();
      emulator.settle.policyDeleteMs = 30_000;
      const error = await rejectionOf(
        session.plugin.delete(deleteRequest({ urn, id: workspaceId, properties: state, timeout: 1 })),
      );
      expect(error.details).to.include("to become deleted: still DELETING");
    });
  });
});

describe("Cancel during a wait", function () {
  this.timeout(20_000);
  let emulator: AmpEmulator;
  let session: PluginSession;

  before(async () => {
    emulator = await AmpEmulator.start({ settle: { policyCreateMs: 60_000 } });
    session = await startSession({ emulator });
  });
  after(async () => {
    await session.stop();
    await emulator.close();
  });

  it("stops the wait promptly, reports what exists, and refuses later operations", async () => {
    const { workspaceId, arn } = emulator.createWorkspace();
    const urn = resourceUrn("cancelled");
    const properties = { workspaceId, policyDocument: policyDocument(arn) };
    const creating = rejectionOf(session.plugin.create(createRequest({ urn, properties })));
    await session.engine.waitForLine((line) => line.urn === urn && line.ephemeral);

    const cancelledAt = Date.now();
    await session.plugin.cancel();
    const error = await creating;

    expect(Date.now() - cancelledAt).to.be.below(1000);
    expect(error.details).to.include("cancelled");
    expect(initFailureOf(error)?.properties).to.include({ workspaceId, policyStatus: "CREATING" });

    const other = emulator.createWorkspace();
    const later = await rejectionOf(
      session.plugin.create(
        createRequest({
          urn,
          properties: { workspaceId: other.workspaceId, policyDocument: policyDocument(other.arn) },
        }),
      ),
    );
    expect(later.details).to.match(/cancel/);
  });
});
