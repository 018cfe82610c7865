/**
 * The dynamic ResourcePolicy end to end: its serialized provider, run by the dynamic-provider plugin
 * @pulumi/pulumi ships, driven over gRPC as the engine drives it, against the AMP emulator.
 */

import { type PropertyObject, UNKNOWN } from "@awsamp/plugin/values";
import type { ServiceError } from "@grpc/grpc-js";
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
  updateRequest,
} from "../harness/messages";
import type { PluginSession } from "../harness/session";
import { dynamicInputs, dynamicUrn, serializedProvider, startDynamicSession } from "./dynamicPlugin";

const URN = dynamicUrn("policy");

/** What documentFor grants by default, as the computed `access` property holds it. */
const ACCESS = { "arn:aws:iam::210987654321:root aps:RemoteWrite": "allow" };

function documentFor(
  workspaceArn: string,
  principal = "arn:aws:iam::210987654321:root",
  actions = ["aps:RemoteWrite"],
) {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: actions, Resource: workspaceArn }],
  });
}

/** The same grant written another way: other key order, an account ID for its root ARN, a one-element list. */
function sameGrantRewritten(workspaceArn: string): string {
  return JSON.stringify(
    {
      Statement: {
        Resource: workspaceArn,
        Action: "aps:RemoteWrite",
        Principal: { AWS: "210987654321" },
        Effect: "Allow",
      },
      Version: "2012-10-17",
    },
    null,
    2,
  );
}

describe("dynamic ResourcePolicy (pulumi-resource-pulumi-nodejs)", function () {
  // One plugin process for the block; starting it and loading the AWS SDK in it takes a second or two.
  this.timeout(20_000);

  let emulator: AmpEmulator;
  let session: PluginSession;
  let provider: string;
  let workspaceId: string;
  let workspaceArn: string;

  before(async () => {
    emulator = await AmpEmulator.start();
    [session, provider] = await Promise.all([startDynamicSession(emulator), serializedProvider()]);
  });
  after(async () => {
    await session?.stop();
    await emulator?.close();
  });
  beforeEach(() => {
    emulator.reset();
    ({ workspaceId, arn: workspaceArn } = emulator.createWorkspace("dynamic"));
  });

  function inputs(overrides: { policyDocument?: string; workspaceId?: string; region?: string } = {}) {
    return dynamicInputs(provider, {
      workspaceId: overrides.workspaceId ?? workspaceId,
      policyDocument: overrides.policyDocument ?? documentFor(workspaceArn),
      ...(overrides.region ? { region: overrides.region } : {}),
    });
  }

  async function created(document = documentFor(workspaceArn)): Promise<PropertyObject> {
    const response = await session.plugin.create(
      createRequest({ urn: URN, properties: inputs({ policyDocument: document }) }),
    );
    return propertiesOf(response.getProperties());
  }

  it("check accepts a valid policy and hands back the inputs as they were, with the access it grants", async () => {
    const news = inputs();
    const response = await session.plugin.check(checkRequest({ urn: URN, news }));

    expect(response.getFailuresList()).to.deep.equal([]);
    expect(propertiesOf(response.getInputs())).to.deep.equal({ ...news, access: ACCESS });
  });

  it("check refuses a malformed document, naming the JSON path of each problem", async () => {
    const document = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Permit",
          Principal: { AWS: "210987654321" },
          Action: "aps:RemoteWrite",
          Resource: workspaceArn,
        },
      ],
    });
    const response = await session.plugin.check(
      checkRequest({ urn: URN, news: inputs({ policyDocument: document }) }),
    );

    const reasons = response.getFailuresList().map((failure) => failure.getReason());
    expect(reasons).to.have.length.greaterThan(0);
    expect(reasons.every((reason) => reason.startsWith("policyDocument "))).to.equal(true);
    expect(reasons).to.satisfy((all: string[]) =>
      all.some((reason) => reason.startsWith("policyDocument $.Statement[0].Effect: ")),
    );
  });

  it("check says a lint warning under the URN its provider carries, naming the resource, and once", async () => {
    // Another account than the workspace's: the KMS reminder, a warning that stays a warning.
    const document = documentFor(workspaceArn, "arn:aws:iam::999988887777:root");
    session.engine.clear();

    await session.plugin.check(checkRequest({ urn: URN, news: inputs({ policyDocument: document }) }));
    await session.plugin.check(checkRequest({ urn: URN, news: inputs({ policyDocument: document }) }));

    const warnings = session.engine.lines.filter((line) => line.severity === "warning");
    expect(warnings.map((line) => line.urn)).to.deep.equal([URN]);
    expect(warnings[0]?.message).to.match(/^policy: policyDocument \$\.Statement\[0\]\.Principal\.AWS: /);
    expect(warnings[0]?.message).to.include("999988887777").and.include("KMS");
  });

  it("check refuses a missing workspaceId and lets values a preview does not know yet through", async () => {
    const missing = await session.plugin.check(
      checkRequest({ urn: URN, news: { __provider: provider, policyDocument: documentFor(workspaceArn) } }),
    );
    expect(missing.getFailuresList().map((failure) => failure.getReason())).to.satisfy(
      (reasons: string[]) => reasons.length === 1 && reasons[0]?.startsWith("workspaceId "),
    );

    const unknown = await session.plugin.check(
      checkRequest({
        urn: URN,
        news: { __provider: provider, workspaceId: UNKNOWN, policyDocument: UNKNOWN },
      }),
    );
    expect(unknown.getFailuresList()).to.deep.equal([]);
  });

  it("create puts the policy, waits until it is ACTIVE and returns the state with the provider", async () => {
    const response = await session.plugin.create(createRequest({ urn: URN, properties: inputs() }));

    const state = propertiesOf(response.getProperties());
    expect(response.getId()).to.equal(workspaceId);
    expect(state).to.deep.equal({
      __provider: provider,
      workspaceId,
      policyDocument: documentFor(workspaceArn),
      policyStatus: "ACTIVE",
      revisionId: emulator.policyOf(workspaceId)?.revisionId,
      region: emulator.region,
      access: ACCESS,
    });
    expect(emulator.policyOf(workspaceId)?.policyDocument).to.equal(documentFor(workspaceArn));
  });

  it("create on a workspace that already has a policy fails, and says the dynamic provider cannot import it", async () => {
    emulator.putPolicyOutOfBand(workspaceId, documentFor(workspaceArn));

    const error = await rejectionOf(session.plugin.create(createRequest({ urn: URN, properties: inputs() })));
    expect(error.details).to.include(
      `on workspace ${workspaceId}: the workspace already has a resource policy`,
    );
    expect(error.details).to.include("The dynamic provider cannot import it");
  });

  it("create keeps a policy it wrote when the wait after it fails, so the engine tracks it", async () => {
    emulator.settle.policyCreateMs = 1_000;
    const creating = rejectionOf(session.plugin.create(createRequest({ urn: URN, properties: inputs() })));
    await until(() => emulator.policyOf(workspaceId) !== undefined);
    const { revisionId } = emulator.policyOf(workspaceId) ?? {};
    emulator.deletePolicyOutOfBand(workspaceId);

    const failure = initFailureOf((await creating) as ServiceError);
    expect(failure?.id).to.equal(workspaceId);
    expect(failure?.properties).to.include({ workspaceId, revisionId, __provider: provider });
  });

  it("diff sees no change in a document that grants the same, however it is written", async () => {
    const state = await created();
    const response = await session.plugin.diff(
      diffRequest({
        urn: URN,
        id: workspaceId,
        olds: state,
        news: inputs({ policyDocument: sameGrantRewritten(workspaceArn) }),
      }),
    );

    expect(changesOf(response)).to.equal("DIFF_NONE");
  });

  it("diff updates a document that grants something else, and replaces the policy for another workspace", async () => {
    const state = await created();
    const wider = documentFor(workspaceArn, undefined, ["aps:RemoteWrite", "aps:QueryMetrics"]);
    const update = await session.plugin.diff(
      diffRequest({ urn: URN, id: workspaceId, olds: state, news: inputs({ policyDocument: wider }) }),
    );
    expect(changesOf(update)).to.equal("DIFF_SOME");
    expect(update.getReplacesList()).to.deep.equal([]);

    const other = emulator.createWorkspace("other");
    const replace = await session.plugin.diff(
      diffRequest({
        urn: URN,
        id: workspaceId,
        olds: state,
        news: inputs({ workspaceId: other.workspaceId }),
      }),
    );
    expect(changesOf(replace)).to.equal("DIFF_SOME");
    expect(replace.getReplacesList()).to.deep.equal(["workspaceId"]);
    // Another workspace holds no policy of ours: the new one is created first, as the plugin does.
    expect(replace.getDeletebeforereplace()).to.equal(false);
  });

  it("update puts the new document over the revision in state", async () => {
    const state = await created();
    const wider = documentFor(workspaceArn, undefined, ["aps:RemoteWrite", "aps:QueryMetrics"]);
    const response = await session.plugin.update(
      updateRequest({ urn: URN, id: workspaceId, olds: state, news: inputs({ policyDocument: wider }) }),
    );

    const updated = propertiesOf(response.getProperties());
    expect(emulator.policyOf(workspaceId)?.policyDocument).to.equal(wider);
    expect(updated).to.include({ policyDocument: wider, policyStatus: "ACTIVE", __provider: provider });
    expect(updated.revisionId)
      .to.equal(emulator.policyOf(workspaceId)?.revisionId)
      .and.not.equal(state.revisionId);
  });

  it("update fails with the refresh hint when the policy changed outside the program", async () => {
    const state = await created();
    emulator.putPolicyOutOfBand(workspaceId, documentFor(workspaceArn, "arn:aws:iam::999999999999:root"));
    const wider = documentFor(workspaceArn, undefined, ["aps:RemoteWrite", "aps:QueryMetrics"]);

    const error = await rejectionOf(
      session.plugin.update(
        updateRequest({ urn: URN, id: workspaceId, olds: state, news: inputs({ policyDocument: wider }) }),
      ),
    );
    expect(error.details).to.include("changed outside this program").and.include("pulumi refresh");
  });

  it("read returns the policy as AWS holds it, keeping the state's text where it grants the same", async () => {
    const state = await created();
    const response = await session.plugin.read(readRequest({ urn: URN, id: workspaceId, properties: state }));

    expect(response.getId()).to.equal(workspaceId);
    expect(propertiesOf(response.getProperties())).to.deep.equal(state);
    expect(propertiesOf(response.getInputs())).to.deep.equal({
      __provider: provider,
      workspaceId,
      policyDocument: state.policyDocument,
      region: emulator.region,
      access: ACCESS,
    });

    const changed = documentFor(workspaceArn, "arn:aws:iam::999999999999:root");
    emulator.putPolicyOutOfBand(workspaceId, changed);
    const drifted = await session.plugin.read(readRequest({ urn: URN, id: workspaceId, properties: state }));
    expect(propertiesOf(drifted.getProperties()).policyDocument).to.equal(changed);
  });

  it("read answers a blank ID for a policy that is gone, so refresh drops it", async () => {
    const state = await created();
    emulator.deletePolicyOutOfBand(workspaceId);

    const response = await session.plugin.read(readRequest({ urn: URN, id: workspaceId, properties: state }));
    expect(response.getId()).to.equal("");
  });

  it("delete removes the policy, and succeeds for one already gone", async () => {
    const state = await created();
    await session.plugin.delete(deleteRequest({ urn: URN, id: workspaceId, properties: state }));
    expect(emulator.policyOf(workspaceId)).to.equal(undefined);

    await session.plugin.delete(deleteRequest({ urn: URN, id: workspaceId, properties: state }));
    expect(emulator.policyOf(workspaceId)).to.equal(undefined);
  });
});

/** Resolves once `condition` holds, polling every 10 ms; fails after 5 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("waiting for the emulator: the condition never held");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
