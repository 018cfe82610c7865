/**
 * Check and Diff through the plugin: validation with the property and JSON path in each reason, the access a
 * document grants, lint lines to the engine, the look at a workspace a policy is first put on, semantic diffs.
 */

import { randomUUID } from "node:crypto";
import { DeleteWorkspaceCommand } from "@aws-sdk/client-amp";
import { createAmpClient } from "@awsamp/core/client";
import { isSecret, type PropertyObject, secret, UNKNOWN, unwrapSecret } from "@awsamp/plugin/values";
import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { AmpEmulator, emulatorClientConfig } from "../emulator/server";
import { FakeEngine } from "../harness/engine";
import {
  changesOf,
  checkRequest,
  configureRequest,
  detailedDiffOf,
  diffRequest,
  propertiesOf,
  rejectionOf,
  resourceUrn,
} from "../harness/messages";
import {
  emulatorConfigArgs,
  type PluginSession,
  policyDocument,
  reformatted,
  startSession,
} from "../harness/session";

const WORKSPACE_ID = "ws-12345678-90ab-cdef-1234-567890abcdef";
const WORKSPACE_ARN = `arn:aws:aps:us-east-1:123456789012:workspace/${WORKSPACE_ID}`;
/** A principal in the workspace's own account, so the document draws no cross-account warning. */
const SAME_ACCOUNT = "arn:aws:iam::123456789012:role/writer";

function document(actions: string[] = ["aps:RemoteWrite"], principal = SAME_ACCOUNT): string {
  return policyDocument(WORKSPACE_ARN, { principal, actions });
}

/** A document AMP accepts but that deserves a look: no Version, and a grant to anyone without a Condition. */
const LINTED_DOCUMENT = JSON.stringify({
  Statement: [{ Effect: "Allow", Principal: "*", Action: "aps:RemoteWrite", Resource: WORKSPACE_ARN }],
});

/** A document with two errors: an Effect that is neither Allow nor Deny, and a principal that is none. */
const INVALID_DOCUMENT = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Maybe", Principal: { AWS: "x" }, Action: "aps:RemoteWrite", Resource: WORKSPACE_ARN },
  ],
});

describe("Check through the plugin", function () {
  this.timeout(20_000);
  let session: PluginSession;
  // Each test checks a resource of its own: the plugin says a resource's warnings once per document.
  let checked = 0;
  let name = "checked";
  let urn = resourceUrn(name);

  before(async () => {
    // These specs are of the inputs alone; the look at the workspace has its describe below.
    session = await startSession({ config: { region: "us-east-1", skipWorkspaceCheck: "true" } });
  });
  after(async () => {
    await session.stop();
  });
  beforeEach(() => {
    session.engine.clear();
    name = `checked-${++checked}`;
    urn = resourceUrn(name);
  });

  async function check(news: PropertyObject, olds: PropertyObject = {}) {
    const response = await session.plugin.check(checkRequest({ urn, olds, news }));
    return {
      inputs: propertiesOf(response.getInputs()),
      failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  it("accepts valid inputs and returns them as given, with the access the document grants", async () => {
    const news = { workspaceId: WORKSPACE_ID, policyDocument: document(), region: "us-east-1" };
    const result = await check(news);
    expect(result.failures).to.deep.equal([]);
    expect(result.inputs).to.deep.equal({
      ...news,
      access: { [`${SAME_ACCOUNT} aps:RemoteWrite`]: "allow" },
    });
    expect(session.engine.lines).to.deep.equal([]);
  });

  it("names in access each principal and action the document allows or denies, with who and on what condition", async () => {
    const granting = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: SAME_ACCOUNT },
          Action: ["aps:RemoteWrite", "aps:QueryMetrics"],
          Resource: WORKSPACE_ARN,
        },
        {
          Effect: "Allow",
          Principal: "*",
          Action: "aps:GetSeries",
          Resource: WORKSPACE_ARN,
          Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } },
        },
        {
          Effect: "Deny",
          Principal: { AWS: SAME_ACCOUNT },
          Action: "aps:QueryMetrics",
          Resource: WORKSPACE_ARN,
        },
      ],
    });
    const result = await check({ workspaceId: WORKSPACE_ID, policyDocument: granting });
    expect(result.failures).to.deep.equal([]);
    expect(result.inputs.access).to.deep.equal({
      "* aps:GetSeries": "allow (anyone) (with conditions)",
      [`${SAME_ACCOUNT} aps:QueryMetrics`]: "allow; deny",
      [`${SAME_ACCOUNT} aps:RemoteWrite`]: "allow",
    });
  });

  // The engine prints a named property's whole value before the reason: the document on one long line, or a
  // secret. So no failure names one, and each reason starts with the property (and the path in the document).
  it("reports each problem of the policy in a reason that starts with policyDocument and its JSON path, naming no property for the engine", async () => {
    const result = await check({ workspaceId: WORKSPACE_ID, policyDocument: INVALID_DOCUMENT });
    expect(result.failures.map((f) => f.property)).to.deep.equal(["", ""]);
    expect(result.failures[0]?.reason).to.match(
      /^policyDocument \$\.Statement\[0\]\.Effect: Effect must be "Allow" or "Deny"/,
    );
    expect(result.failures[1]?.reason).to.match(
      /^policyDocument \$\.Statement\[0\]\.Principal\.AWS: "x" is not an AWS principal/,
    );
    expect(result.inputs, "no access is read from a document with errors").to.not.have.property("access");
  });

  it("reports a document that is not JSON at the document's root", async () => {
    const result = await check({ workspaceId: WORKSPACE_ID, policyDocument: "{not json" });
    expect(result.failures).to.have.length(1);
    expect(result.failures[0]?.property).to.equal("");
    expect(result.failures[0]?.reason).to.match(/^policyDocument \$: the document is not valid JSON/);
  });

  it("requires workspaceId and policyDocument", async () => {
    const result = await check({});
    expect(result.failures.map((f) => f.property)).to.deep.equal(["", ""]);
    expect(result.failures[0]?.reason).to.match(/^workspaceId is required: /);
    expect(result.failures[1]?.reason).to.match(/^policyDocument is required: /);
  });

  it("refuses a workspaceId not shaped like ws-…, a region not shaped like us-east-1, and unknown properties", async () => {
    const result = await check({
      workspaceId: "my-workspace",
      policyDocument: document(),
      region: "east",
      tags: {},
    });
    expect(result.failures.map((f) => f.property)).to.deep.equal(["", "", ""]);
    expect(result.failures[0]?.reason).to.match(/^tags is not a property of a ResourcePolicy/);
    expect(result.failures[1]?.reason).to.match(/^workspaceId: "my-workspace" is not a workspace ID/);
    expect(result.failures[2]?.reason).to.match(/^region: .*us-east-1/);
  });

  it("refuses, as AMP does, every action but the five, wildcards and misspellings, each at its JSON path", async () => {
    const actions = ["aps:RemoteWrite", "aps:ListRules", "aps:*", "aps:Get*", "*", "aps:GetSeriess"];
    const result = await check({ workspaceId: WORKSPACE_ID, policyDocument: document(actions) });
    expect(result.failures.map((f) => f.reason)).to.deep.equal([
      'policyDocument $.Statement[0].Action[1]: "aps:ListRules" is not one of the five actions AMP takes (aps:RemoteWrite, aps:QueryMetrics, aps:GetSeries, aps:GetLabels, aps:GetMetricMetadata); AMP refuses it, so remove it',
      'policyDocument $.Statement[0].Action[2]: "aps:*" is a wildcard, which AMP refuses; list in Action the actions you mean (of the five AMP takes it covers all)',
      'policyDocument $.Statement[0].Action[3]: "aps:Get*" is a wildcard, which AMP refuses; list in Action the actions you mean (of the five AMP takes it covers aps:GetSeries, aps:GetLabels and aps:GetMetricMetadata)',
      'policyDocument $.Statement[0].Action[4]: "*" is a wildcard, which AMP refuses; list in Action the actions you mean (of the five AMP takes it covers all)',
      'policyDocument $.Statement[0].Action[5]: "aps:GetSeriess" is not an action — did you mean aps:GetSeries? AMP refuses it',
    ]);
    expect(session.engine.lines, "errors, not warnings").to.deep.equal([]);
  });

  it("accepts the five actions in any case, as IAM reads them, and names them in access as AWS spells them", async () => {
    const result = await check({
      workspaceId: WORKSPACE_ID,
      policyDocument: document(["APS:remotewrite", "aps:getmetricmetadata"]),
    });
    expect(result.failures).to.deep.equal([]);
    expect(result.inputs.access).to.deep.equal({
      [`${SAME_ACCOUNT} aps:GetMetricMetadata`]: "allow",
      [`${SAME_ACCOUNT} aps:RemoteWrite`]: "allow",
    });
  });

  it("refuses acceptedWarnings naming a rule that became an error, since an error cannot be accepted", async () => {
    const result = await check({
      workspaceId: WORKSPACE_ID,
      policyDocument: document(),
      acceptedWarnings: ["public-grant", "wildcard-action", "unknown-action", "ignored-action"],
    });
    expect(result.failures.map((f) => f.property)).to.deep.equal(["", "", ""]);
    expect(result.failures.map((f) => f.reason)).to.deep.equal(
      ["wildcard-action", "unknown-action", "ignored-action"].map(
        (rule, index) =>
          `acceptedWarnings[${index + 1}]: "${rule}" is no longer a warning: AMP refuses such actions, so they are errors, which cannot be accepted; remove it and fix the actions`,
      ),
    );
  });

  describe("a policyDocument given as an object (the SDKs' PolicyDocument type)", () => {
    const arn = WORKSPACE_ARN;
    // The engine sends an object's keys sorted, which is how they arrive here.
    const typed = {
      Statement: [
        {
          Action: ["aps:QueryMetrics"],
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:root" },
          Resource: arn,
        },
      ],
      Version: "2012-10-17",
    };

    it("becomes JSON text in the checked inputs, in IAM's order, and is checked as that text", async () => {
      const result = await check({ workspaceId: WORKSPACE_ID, policyDocument: typed });
      expect(result.failures).to.deep.equal([]);
      expect(result.inputs.policyDocument).to.equal(
        `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["aps:QueryMetrics"],"Resource":"${arn}"}]}`,
      );
      expect(result.inputs.workspaceId).to.equal(WORKSPACE_ID);
      expect(result.inputs.access).to.deep.equal({
        "arn:aws:iam::123456789012:root aps:QueryMetrics": "allow",
      });
    });

    it("is secret as a whole when any part of it is", async () => {
      const statement = {
        ...typed.Statement[0],
        Principal: { AWS: secret("arn:aws:iam::123456789012:root") },
      };
      const result = await check({
        workspaceId: WORKSPACE_ID,
        policyDocument: { ...typed, Statement: [statement] },
      });
      expect(result.failures).to.deep.equal([]);
      const document = result.inputs.policyDocument;
      expect(isSecret(document)).to.equal(true);
      expect(JSON.parse(String((document as PropertyObject).value)).Statement[0].Principal.AWS).to.equal(
        "arn:aws:iam::123456789012:root",
      );
      expect(isSecret(result.inputs.access), "the access, read from a secret").to.equal(true);
      expect(unwrapSecret(result.inputs.access ?? null)).to.deep.equal({
        "arn:aws:iam::123456789012:root aps:QueryMetrics": "allow",
      });
    });

    it("is not known yet while any part of it is not (the workspace's ARN in a first preview), nor is its access", async () => {
      const statement = { ...typed.Statement[0], Resource: UNKNOWN };
      const result = await check({
        workspaceId: UNKNOWN,
        policyDocument: { ...typed, Statement: [statement] },
      });
      expect(result.failures).to.deep.equal([]);
      expect(result.inputs.policyDocument).to.equal(UNKNOWN);
      expect(result.inputs.access).to.equal(UNKNOWN);
    });

    it("reports its problems at the same JSON paths as the text's", async () => {
      const statement = { ...typed.Statement[0], Effect: "Permit" };
      const result = await check({
        workspaceId: WORKSPACE_ID,
        policyDocument: { ...typed, Statement: [statement] },
      });
      expect(result.failures.map((f) => f.reason)).to.have.length(1);
      expect(result.failures[0]?.reason).to.match(
        /^policyDocument \$\.Statement\[0\]\.Effect: Effect must be "Allow" or "Deny"/,
      );
    });
  });

  it("refuses a policyDocument that is neither JSON text nor an object", async () => {
    const result = await check({ workspaceId: WORKSPACE_ID, policyDocument: 42 });
    expect(result.failures).to.deep.equal([
      {
        property: "",
        reason:
          "policyDocument must be a string, not a number: the policy as JSON text, such as JSON.stringify(policy), or as a PolicyDocument object",
      },
    ]);
  });

  it("sends lint warnings to the engine as WARNING lines on the resource's URN, each naming the resource, without failing", async () => {
    const result = await check({ workspaceId: WORKSPACE_ID, policyDocument: LINTED_DOCUMENT });
    expect(result.failures).to.deep.equal([]);
    const warnings = session.engine.linesFor(urn, "warning").map((line) => line.message);
    expect(warnings).to.have.length(2);
    // `pulumi preview --diff` prints warnings apart from their resource, so each line names it.
    expect(warnings[0]).to.match(new RegExp(`^${name}: policyDocument \\$\\.Version: there is no Version`));
    expect(warnings[1]).to.match(
      new RegExp(
        `^${name}: policyDocument \\$\\.Statement\\[0\\]\\.Principal: Allow to "\\*" with no Condition`,
      ),
    );
  });

  it("says no warning of a rule the resource has accepted, and the others still", async () => {
    await check({
      workspaceId: WORKSPACE_ID,
      policyDocument: LINTED_DOCUMENT,
      acceptedWarnings: ["no-version"],
    });
    const warnings = session.engine.linesFor(urn, "warning").map((line) => line.message);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(new RegExp(`^${name}: policyDocument \\$\\.Statement\\[0\\]\\.Principal: `));
  });

  it("lets values not known yet through (a preview that creates the workspace in the same run)", async () => {
    expect((await check({ workspaceId: UNKNOWN, policyDocument: UNKNOWN })).failures).to.deep.equal([]);
    expect((await check({ workspaceId: UNKNOWN, policyDocument: document() })).failures).to.deep.equal([]);
    const regionUnknown = await check({
      workspaceId: WORKSPACE_ID,
      policyDocument: UNKNOWN,
      region: UNKNOWN,
    });
    expect(regionUnknown.failures).to.deep.equal([]);
    expect(regionUnknown.inputs.access, "the access of a document not known yet").to.equal(UNKNOWN);
  });

  it("checks a secret document inside its wrapper, quoting none of its values, and keeps it and its access secret", async () => {
    const invalid = await check({ workspaceId: WORKSPACE_ID, policyDocument: secret(INVALID_DOCUMENT) });
    expect(invalid.failures.map((f) => f.property)).to.deep.equal(["", ""]);
    expect(invalid.failures[0]?.reason).to.match(/^policyDocument \$\.Statement\[0\]\.Effect: /);
    expect(invalid.failures[0]?.reason).to.not.include("Maybe");
    expect(invalid.failures[1]?.reason).to.match(
      /^policyDocument \$\.Statement\[0\]\.Principal\.AWS: "…" is not an AWS principal/,
    );
    expect(invalid.failures[1]?.reason).to.not.include('"x"');

    const valid = await check({ workspaceId: WORKSPACE_ID, policyDocument: secret(LINTED_DOCUMENT) });
    expect(valid.failures).to.deep.equal([]);
    expect(isSecret(valid.inputs.policyDocument)).to.equal(true);
    expect(isSecret(valid.inputs.access)).to.equal(true);
    expect(unwrapSecret(valid.inputs.access ?? null)).to.deep.equal({
      "* aps:RemoteWrite": "allow (anyone)",
    });
    const warnings = session.engine.linesFor(urn, "warning").map((line) => line.message);
    expect(warnings).to.deep.equal([
      `${name}: policyDocument $.Version: a document without Version (rule no-version; policyDocument is secret, so its values are not shown)`,
      `${name}: policyDocument $.Statement[0].Principal: an Allow to anyone without a Condition (rule public-grant; policyDocument is secret, so its values are not shown)`,
    ]);
  });

  it("says a document's warnings once: not when it is checked again, nor when the old inputs already had it", async () => {
    const news = { workspaceId: WORKSPACE_ID, policyDocument: LINTED_DOCUMENT };
    await check(news);
    expect(session.engine.linesFor(urn, "warning")).to.have.length(2);

    session.engine.clear();
    await check(news);
    expect(session.engine.linesFor(urn, "warning"), "the update after a preview").to.deep.equal([]);

    urn = resourceUrn(`checked-${++checked}`);
    await check(news, news);
    expect(session.engine.linesFor(urn, "warning"), "a preview after an import").to.deep.equal([]);

    await check(
      { ...news, policyDocument: LINTED_DOCUMENT.replace("aps:RemoteWrite", "aps:QueryMetrics") },
      news,
    );
    expect(session.engine.linesFor(urn, "warning").length, "a changed document").to.be.greaterThan(0);
  });

  it("sends its lines to the engine named by Attach", async () => {
    const other = await FakeEngine.start();
    try {
      await session.plugin.attach(other.address);
      await check({ workspaceId: WORKSPACE_ID, policyDocument: LINTED_DOCUMENT });
      expect(other.linesFor(urn, "warning")).to.have.length(2);
      expect(session.engine.lines).to.deep.equal([]);
    } finally {
      await session.plugin.attach(session.engine.address);
      await other.stop();
    }
  });
});

describe("Check's look at the workspace a policy is first put on", function () {
  this.timeout(30_000);
  let emulator: AmpEmulator;
  let session: PluginSession;
  let looked = 0;
  let name = "looked";
  let urn = resourceUrn(name);
  const off = "(awsamp:skipWorkspaceCheck true turns this look off)";

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
    name = `looked-${++looked}`;
    urn = resourceUrn(name);
  });

  interface Workspace {
    workspaceId: string;
    arn: string;
  }

  /** A workspace no one made. The plugin remembers its looks for its lifetime, so each spec takes new IDs. */
  function missingWorkspace(): Workspace {
    const workspaceId = `ws-${randomUUID()}`;
    return {
      workspaceId,
      arn: `arn:aws:aps:${emulator.region}:${emulator.accountId}:workspace/${workspaceId}`,
    };
  }

  /** Inputs with a document that draws no lint warning, so every line the engine gets is the look's. */
  function inputsFor(workspace: Workspace, overrides: PropertyObject = {}): PropertyObject {
    return {
      workspaceId: workspace.workspaceId,
      policyDocument: policyDocument(workspace.arn, { principal: SAME_ACCOUNT }),
      ...overrides,
    };
  }

  async function check(news: PropertyObject, olds: PropertyObject = {}, through = session) {
    const response = await through.plugin.check(checkRequest({ urn, olds, news }));
    return response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
  }

  /** The workspaces described, in order of the calls. */
  function described(): string[] {
    return emulator.log.entries
      .filter((entry) => entry.operation === "DescribeWorkspace")
      .map((entry) => entry.workspaceId ?? "");
  }

  it("fails on a workspace that does not exist, as pulumi up would, after one DescribeWorkspace and no other call", async () => {
    const missing = missingWorkspace();
    expect(await check(inputsFor(missing))).to.deep.equal([
      {
        property: "",
        reason: `workspaceId: workspace ${missing.workspaceId} does not exist in ${emulator.region} (or these credentials cannot see it), so pulumi up would fail; check workspaceId and region ${off}`,
      },
    ]);
    expect(emulator.log.entries.map((entry) => entry.operation)).to.deep.equal(["DescribeWorkspace"]);
    expect(described()).to.deep.equal([missing.workspaceId]);
  });

  it("passes a workspace that is ACTIVE, or still CREATING (the create waits for it), saying nothing", async () => {
    const active = emulator.createWorkspace();
    const creating = emulator.createWorkspace(undefined, { settleMs: 60_000 });
    expect(emulator.workspaceOf(creating.workspaceId)?.status).to.equal("CREATING");

    expect(await check(inputsFor(active))).to.deep.equal([]);
    expect(await check(inputsFor(creating))).to.deep.equal([]);
    expect(described()).to.deep.equal([active.workspaceId, creating.workspaceId]);
    expect(session.engine.lines).to.deep.equal([]);
  });

  it("fails on a workspace being deleted, which AMP puts no policy on", async () => {
    const deleting = emulator.createWorkspace();
    emulator.settle.workspaceDeleteMs = 60_000;
    const client = createAmpClient(emulatorClientConfig(emulator));
    try {
      await client.send(new DeleteWorkspaceCommand({ workspaceId: deleting.workspaceId }));
    } finally {
      client.destroy();
    }

    expect(await check(inputsFor(deleting))).to.deep.equal([
      {
        property: "",
        reason: `workspaceId: workspace ${deleting.workspaceId} in ${emulator.region} is DELETING, and AMP puts no policy on it; check workspaceId ${off}`,
      },
    ]);
  });

  it("looks once per workspace in a process: a second policy on it, and the update after the preview, ask nothing again", async () => {
    const workspace = emulator.createWorkspace();
    const missing = missingWorkspace();
    expect(await check(inputsFor(workspace))).to.deep.equal([]);
    expect(await check(inputsFor(missing))).to.have.length(1);
    expect(await check(inputsFor(workspace)), "the update after the preview").to.deep.equal([]);

    urn = resourceUrn(`${name}-second`);
    expect(await check(inputsFor(workspace))).to.deep.equal([]);
    expect(await check(inputsFor(missing)), "the answer remembered is still a failure").to.have.length(1);
    expect(described()).to.deep.equal([workspace.workspaceId, missing.workspaceId]);
  });

  it("looks once per region: a resource naming the provider's region shares the look, another region looks there", async () => {
    const workspace = emulator.createWorkspace();
    expect(await check(inputsFor(workspace))).to.deep.equal([]);
    expect(await check(inputsFor(workspace, { region: emulator.region }))).to.deep.equal([]);
    expect(described()).to.have.length(1);

    // The emulator holds one region, so the workspace is not in eu-west-1, as it would not be in AWS.
    expect(await check(inputsFor(workspace, { region: "eu-west-1" }))).to.deep.equal([
      {
        property: "",
        reason: `workspaceId: workspace ${workspace.workspaceId} does not exist in eu-west-1 (or these credentials cannot see it), so pulumi up would fail; check workspaceId and region ${off}`,
      },
    ]);
    expect(described()).to.have.length(2);
  });

  it("looks at no workspace the policy is already on, but at one it moves to", async () => {
    const missing = missingWorkspace();
    const moved = missingWorkspace();
    // A workspace deleted since: pulumi up would not put the policy anew, and refresh is what finds it gone.
    expect(await check(inputsFor(missing), inputsFor(missing))).to.deep.equal([]);
    expect(described()).to.deep.equal([]);

    expect(await check(inputsFor(moved), inputsFor(missing))).to.have.length(1);
    expect(described()).to.deep.equal([moved.workspaceId]);
  });

  it("does not look while the region is not known yet", async () => {
    expect(await check(inputsFor(missingWorkspace(), { region: UNKNOWN }))).to.deep.equal([]);
    expect(emulator.log.entries).to.deep.equal([]);
  });

  it("lets the preview go on when the look fails for another reason, with a warning that names the resource", async () => {
    const workspace = emulator.createWorkspace();
    // As many failures as the client makes attempts, so the look gives up.
    emulator.faults.failNext(6, { operation: "DescribeWorkspace" });
    expect(await check(inputsFor(workspace))).to.deep.equal([]);
    const warnings = session.engine.linesFor(urn, "warning").map((line) => line.message);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(
      new RegExp(`^${name}: could not check that workspace ${workspace.workspaceId} exists: .+`),
    );
    expect(warnings[0]?.endsWith(off)).to.equal(true);
  });

  it("does not look with skipWorkspaceCheck, given as a boolean or as text, and looks with false", async () => {
    const skipping = await startSession({ emulator, config: { skipWorkspaceCheck: true } });
    try {
      expect(await check(inputsFor(missingWorkspace()), {}, skipping)).to.deep.equal([]);
      await skipping.plugin.configure(
        configureRequest({ args: { ...emulatorConfigArgs(emulator), skipWorkspaceCheck: "true" } }),
      );
      expect(await check(inputsFor(missingWorkspace()), {}, skipping)).to.deep.equal([]);
      expect(emulator.log.entries, "no call reached AWS").to.deep.equal([]);

      await skipping.plugin.configure(
        configureRequest({ args: { ...emulatorConfigArgs(emulator), skipWorkspaceCheck: false } }),
      );
      expect(await check(inputsFor(missingWorkspace()), {}, skipping)).to.have.length(1);
      expect(described()).to.have.length(1);
    } finally {
      await skipping.stop();
    }
  });

  it("says nothing without credentials, so an offline preview goes on", async () => {
    const offline = await startSession({
      config: { region: emulator.region, endpoint: emulator.endpoint },
      // No AWS_* variable reaches the plugin; these keep the shared files of whoever runs the tests out too.
      launch: { env: { AWS_SHARED_CREDENTIALS_FILE: "/nonexistent", AWS_CONFIG_FILE: "/nonexistent" } },
    });
    try {
      expect(await check(inputsFor(missingWorkspace()), {}, offline)).to.deep.equal([]);
      expect(offline.engine.lines).to.deep.equal([]);
      expect(emulator.log.entries).to.deep.equal([]);
    } finally {
      await offline.stop();
    }
  });
});

describe("Diff through the plugin", function () {
  this.timeout(20_000);
  let session: PluginSession;
  const urn = resourceUrn("diffed");

  /** The state the engine keeps after a create: the inputs and what AWS reported. */
  function state(overrides: PropertyObject = {}): PropertyObject {
    return {
      workspaceId: WORKSPACE_ID,
      policyDocument: document(),
      policyStatus: "ACTIVE",
      revisionId: "rev-1",
      ...overrides,
    };
  }

  function inputs(overrides: PropertyObject = {}): PropertyObject {
    return { workspaceId: WORKSPACE_ID, policyDocument: document(), ...overrides };
  }

  before(async () => {
    session = await startSession();
    await session.plugin.configure(configureRequest({ args: { region: "us-east-1" } }));
  });
  after(async () => {
    await session.stop();
  });
  beforeEach(() => session.engine.clear());

  function diff(olds: PropertyObject, news: PropertyObject) {
    return session.plugin.diff(diffRequest({ urn, id: WORKSPACE_ID, olds, news, oldInputs: inputs() }));
  }

  it("reports no change for a document that differs only in formatting and order", async () => {
    const response = await diff(state(), inputs({ policyDocument: reformatted(document()) }));
    expect(changesOf(response)).to.equal("DIFF_NONE");
    expect(response.getDiffsList()).to.deep.equal([]);
    expect(session.engine.lines).to.deep.equal([]);
  });

  // The engine shows the old and new access side by side under the resource, so no line of the plugin's says it.
  it("updates a changed policy in place, with access among the changes when it grants other access", async () => {
    const response = await diff(state(), inputs({ policyDocument: document(["aps:QueryMetrics"]) }));
    expect(changesOf(response)).to.equal("DIFF_SOME");
    expect(detailedDiffOf(response)).to.deep.equal({ policyDocument: "UPDATE", access: "UPDATE" });
    expect(response.getDiffsList()).to.have.members(["policyDocument", "access"]);
    expect(response.getReplacesList()).to.deep.equal([]);
    expect(session.engine.lines).to.deep.equal([]);
  });

  it("changes only policyDocument when a changed policy grants the same access", async () => {
    const renamed = JSON.stringify({ ...JSON.parse(document()), Id: "renamed" });
    const response = await diff(state(), inputs({ policyDocument: renamed }));
    expect(detailedDiffOf(response)).to.deep.equal({ policyDocument: "UPDATE" });
    expect(session.engine.lines).to.deep.equal([]);
  });

  it("replaces for another workspace, with DIFF_SOME, creating the new policy first", async () => {
    const other = "ws-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    const response = await diff(state(), inputs({ workspaceId: other }));
    expect(changesOf(response)).to.equal("DIFF_SOME");
    expect(detailedDiffOf(response)).to.deep.equal({ workspaceId: "UPDATE_REPLACE" });
    expect(response.getReplacesList()).to.deep.equal(["workspaceId"]);
    expect(response.getDeletebeforereplace()).to.equal(false);
  });

  it("replaces for another region, deleting the old policy first", async () => {
    const response = await diff(state({ region: "us-east-1" }), inputs({ region: "eu-west-1" }));
    expect(changesOf(response)).to.equal("DIFF_SOME");
    expect(detailedDiffOf(response)).to.deep.equal({ region: "UPDATE_REPLACE" });
    expect(response.getReplacesList()).to.deep.equal(["region"]);
    expect(response.getDeletebeforereplace()).to.equal(true);
  });

  it("sees no change when the region written out is the provider's", async () => {
    const response = await diff(state(), inputs({ region: "us-east-1" }));
    expect(changesOf(response)).to.equal("DIFF_NONE");
  });

  it("lists a new value not known yet as a change: an update for the document and its access, a replace for the workspace", async () => {
    const documentUnknown = await diff(state(), inputs({ policyDocument: UNKNOWN, access: UNKNOWN }));
    expect(changesOf(documentUnknown)).to.equal("DIFF_SOME");
    expect(detailedDiffOf(documentUnknown)).to.deep.equal({ policyDocument: "UPDATE", access: "UPDATE" });

    const workspaceUnknown = await diff(state(), inputs({ workspaceId: UNKNOWN }));
    expect(changesOf(workspaceUnknown)).to.equal("DIFF_SOME");
    expect(workspaceUnknown.getReplacesList()).to.deep.equal(["workspaceId"]);
  });

  it("compares secret documents inside their wrappers, their access too, and logs nothing of them", async () => {
    const same = await diff(
      state({ policyDocument: secret(document()) }),
      inputs({ policyDocument: secret(reformatted(document())) }),
    );
    expect(changesOf(same)).to.equal("DIFF_NONE");

    const renamed = JSON.stringify({ ...JSON.parse(document()), Id: "renamed" });
    const sameAccess = await diff(
      state({ policyDocument: secret(document()) }),
      inputs({ policyDocument: secret(renamed) }),
    );
    expect(detailedDiffOf(sameAccess)).to.deep.equal({ policyDocument: "UPDATE" });

    const changed = await diff(
      state({ policyDocument: secret(document()) }),
      inputs({ policyDocument: secret(document(["aps:GetLabels"])) }),
    );
    expect(detailedDiffOf(changed)).to.deep.equal({ policyDocument: "UPDATE", access: "UPDATE" });
    expect(session.engine.lines).to.deep.equal([]);
  });
});

describe("Check and Diff after Cancel", function () {
  this.timeout(20_000);
  let session: PluginSession;

  before(async () => {
    session = await startSession();
    await session.plugin.configure(configureRequest({ args: { region: "us-east-1" } }));
  });
  after(async () => {
    await session.stop();
  });

  it("answer until Cancel, and are refused as CANCELLED after it, as every operation is", async () => {
    const urn = resourceUrn("after-cancel");
    const news = { workspaceId: WORKSPACE_ID, policyDocument: document() };
    const state = { ...news, policyStatus: "ACTIVE", revisionId: "rev-1" };
    const diff = () =>
      session.plugin.diff(diffRequest({ urn, id: WORKSPACE_ID, olds: state, news, oldInputs: news }));
    expect(
      (await session.plugin.check(checkRequest({ urn, olds: news, news }))).getFailuresList(),
    ).to.deep.equal([]);
    expect(changesOf(await diff())).to.equal("DIFF_NONE");

    await session.plugin.cancel();
    const checkRefused = await rejectionOf(session.plugin.check(checkRequest({ urn, olds: news, news })));
    const diffRefused = await rejectionOf(diff());
    for (const refused of [checkRefused, diffRefused]) {
      expect(refused.code).to.equal(status.CANCELLED);
      expect(refused.details).to.match(/cancel/);
    }
  });
});
