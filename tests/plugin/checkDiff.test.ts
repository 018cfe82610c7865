/** Check and Diff through the plugin: validation on property paths, lint and access lines to the engine, semantic diffs. */

import { isSecret, type PropertyObject, secret, UNKNOWN } from "@awsamp/plugin/values";
import { status } from "@grpc/grpc-js";
import { expect } from "chai";
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
import { type PluginSession, policyDocument, reformatted, startSession } from "../harness/session";

const WORKSPACE_ID = "ws-12345678-90ab-cdef-1234-567890abcdef";
const WORKSPACE_ARN = `arn:aws:aps:us-east-1:123456789012:workspace/${WORKSPACE_ID}`;
/** A principal in the workspace's own account, so the document draws no cross-account warning. */
const SAME_ACCOUNT = "arn:aws:iam::123456789012:role/writer";

function document(actions: string[] = ["aps:RemoteWrite"], principal = SAME_ACCOUNT): string {
  return policyDocument(WORKSPACE_ARN, { principal, actions });
}

/** A document AMP accepts but that deserves a look: an action AMP ignores, and a grant to anyone. */
const LINTED_DOCUMENT = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: "*",
      Action: ["aps:ListRules", "aps:RemoteWrite"],
      Resource: WORKSPACE_ARN,
    },
  ],
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
  let urn = resourceUrn("checked");

  before(async () => {
    session = await startSession();
  });
  after(async () => {
    await session.stop();
  });
  beforeEach(() => {
    session.engine.clear();
    urn = resourceUrn(`checked-${++checked}`);
  });

  async function check(news: PropertyObject, olds: PropertyObject = {}) {
    const response = await session.plugin.check(checkRequest({ urn, olds, news }));
    return {
      inputs: propertiesOf(response.getInputs()),
      failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  it("accepts valid inputs and returns them as given", async () => {
    const news = { workspaceId: WORKSPACE_ID, policyDocument: document(), region: "us-east-1" };
    const result = await check(news);
    expect(result.failures).to.deep.equal([]);
    expect(result.inputs).to.deep.equal(news);
    expect(session.engine.lines).to.deep.equal([]);
  });

  it("reports each problem of the policy on policyDocument, with its JSON path in the reason", async () => {
    const result = await check({ workspaceId: WORKSPACE_ID, policyDocument: INVALID_DOCUMENT });
    expect(result.failures.map((f) => f.property)).to.deep.equal(["policyDocument", "policyDocument"]);
    expect(result.failures[0]?.reason).to.match(
      /^\$\.Statement\[0\]\.Effect: Effect must be "Allow" or "Deny"/,
    );
    expect(result.failures[1]?.reason).to.match(
      /^\$\.Statement\[0\]\.Principal\.AWS: "x" is not an AWS principal/,
    );
  });

  it("reports a document that is not JSON at the document's root", async () => {
    const result = await check({ workspaceId: WORKSPACE_ID, policyDocument: "{not json" });
    expect(result.failures).to.have.length(1);
    expect(result.failures[0]?.property).to.equal("policyDocument");
    expect(result.failures[0]?.reason).to.match(/^\$: the document is not valid JSON/);
  });

  it("requires workspaceId and policyDocument", async () => {
    const result = await check({});
    expect(result.failures.map((f) => f.property)).to.deep.equal(["workspaceId", "policyDocument"]);
    expect(result.failures[0]?.reason).to.include("workspaceId is required");
  });

  it("refuses a workspaceId not shaped like ws-…, a region not shaped like us-east-1, and unknown properties", async () => {
    const result = await check({
      workspaceId: "my-workspace",
      policyDocument: document(),
      region: "east",
      tags: {},
    });
    expect(result.failures.map((f) => f.property)).to.deep.equal(["tags", "workspaceId", "region"]);
    expect(result.failures[1]?.reason).to.include("is not a workspace ID");
    expect(result.failures[2]?.reason).to.include("us-east-1");
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
    });

    it("is not known yet while any part of it is not (the workspace's ARN in a first preview)", async () => {
      const statement = { ...typed.Statement[0], Resource: UNKNOWN };
      const result = await check({
        workspaceId: UNKNOWN,
        policyDocument: { ...typed, Statement: [statement] },
      });
      expect(result.failures).to.deep.equal([]);
      expect(result.inputs.policyDocument).to.equal(UNKNOWN);
    });

    it("reports its problems at the same JSON paths as the text's", async () => {
      const statement = { ...typed.Statement[0], Effect: "Permit" };
      const result = await check({
        workspaceId: WORKSPACE_ID,
        policyDocument: { ...typed, Statement: [statement] },
      });
      expect(result.failures.map((f) => f.reason)).to.have.length(1);
      expect(result.failures[0]?.reason).to.match(
        /^\$\.Statement\[0\]\.Effect: Effect must be "Allow" or "Deny"/,
      );
    });
  });

  it("refuses a policyDocument that is neither JSON text nor an object", async () => {
    const result = await check({ workspaceId: WORKSPACE_ID, policyDocument: 42 });
    expect(result.failures).to.deep.equal([
      {
        property: "policyDocument",
        reason:
          "policyDocument must be a string, not a number: the policy as JSON text, such as JSON.stringify(policy), or as a PolicyDocument object",
      },
    ]);
  });

  it("sends lint warnings to the engine as WARNING lines on the resource's URN, without failing", async () => {
    const result = await check({ workspaceId: WORKSPACE_ID, policyDocument: LINTED_DOCUMENT });
    expect(result.failures).to.deep.equal([]);
    const warnings = session.engine.linesFor(urn, "warning").map((line) => line.message);
    expect(warnings).to.have.length(2);
    expect(warnings[0]).to.match(
      /^policyDocument \$\.Statement\[0\]\.Action\[0\]: "aps:ListRules" is not one of/,
    );
    expect(warnings[1]).to.match(/^policyDocument \$\.Statement\[0\]\.Principal: Allow to "\*"/);
  });

  it("lets values not known yet through (a preview that creates the workspace in the same run)", async () => {
    expect((await check({ workspaceId: UNKNOWN, policyDocument: UNKNOWN })).failures).to.deep.equal([]);
    expect((await check({ workspaceId: UNKNOWN, policyDocument: document() })).failures).to.deep.equal([]);
    expect(
      (await check({ workspaceId: WORKSPACE_ID, policyDocument: UNKNOWN, region: UNKNOWN })).failures,
    ).to.deep.equal([]);
  });

  it("checks a secret document inside its wrapper and keeps it secret in the returned inputs", async () => {
    const invalid = await check({ workspaceId: WORKSPACE_ID, policyDocument: secret(INVALID_DOCUMENT) });
    expect(invalid.failures.map((f) => f.property)).to.deep.equal(["policyDocument", "policyDocument"]);

    const valid = await check({ workspaceId: WORKSPACE_ID, policyDocument: secret(LINTED_DOCUMENT) });
    expect(valid.failures).to.deep.equal([]);
    expect(isSecret(valid.inputs.policyDocument)).to.equal(true);
    const warnings = session.engine.linesFor(urn, "warning").map((line) => line.message);
    expect(warnings).to.deep.equal(["policyDocument is secret, so its 2 lint warning(s) are not shown"]);
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

    await check({ ...news, policyDocument: LINTED_DOCUMENT.replace("aps:", "aps:Get") }, news);
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

  it("updates a changed policy in place and sends who gains or loses what as INFO lines", async () => {
    const response = await diff(state(), inputs({ policyDocument: document(["aps:QueryMetrics"]) }));
    expect(changesOf(response)).to.equal("DIFF_SOME");
    expect(detailedDiffOf(response)).to.deep.equal({ policyDocument: "UPDATE" });
    expect(response.getDiffsList()).to.deep.equal(["policyDocument"]);
    expect(response.getReplacesList()).to.deep.equal([]);
    expect(session.engine.linesFor(urn, "info").map((line) => line.message)).to.deep.equal([
      `+ allow ${SAME_ACCOUNT} aps:QueryMetrics`,
      `- allow ${SAME_ACCOUNT} aps:RemoteWrite`,
    ]);
  });

  it("says so when a changed policy grants the same access", async () => {
    const renamed = JSON.stringify({ ...JSON.parse(document()), Id: "renamed" });
    const response = await diff(state(), inputs({ policyDocument: renamed }));
    expect(detailedDiffOf(response)).to.deep.equal({ policyDocument: "UPDATE" });
    expect(session.engine.linesFor(urn, "info").map((line) => line.message)).to.deep.equal([
      "policyDocument changes, but it grants and denies the same access",
    ]);
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

  it("lists a new value not known yet as a change: an update for the document, a replace for the workspace", async () => {
    const documentUnknown = await diff(state(), inputs({ policyDocument: UNKNOWN }));
    expect(changesOf(documentUnknown)).to.equal("DIFF_SOME");
    expect(detailedDiffOf(documentUnknown)).to.deep.equal({ policyDocument: "UPDATE" });

    const workspaceUnknown = await diff(state(), inputs({ workspaceId: UNKNOWN }));
    expect(changesOf(workspaceUnknown)).to.equal("DIFF_SOME");
    expect(workspaceUnknown.getReplacesList()).to.deep.equal(["workspaceId"]);
  });

  it("compares secret documents inside their wrappers without summarizing their access", async () => {
    const same = await diff(
      state({ policyDocument: secret(document()) }),
      inputs({ policyDocument: secret(reformatted(document())) }),
    );
    expect(changesOf(same)).to.equal("DIFF_NONE");

    const changed = await diff(
      state({ policyDocument: secret(document()) }),
      inputs({ policyDocument: secret(document(["aps:GetLabels"])) }),
    );
    expect(detailedDiffOf(changed)).to.deep.equal({ policyDocument: "UPDATE" });
    expect(session.engine.linesFor(urn, "info").map((line) => line.message)).to.deep.equal([
      "policyDocument is secret, so the access it grants is not summarized",
    ]);
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
