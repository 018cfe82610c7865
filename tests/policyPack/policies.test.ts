/**
 * The pack's policies as the engine meets them: its analyzer, run as the language host runs it, given
 * resource inputs. This is where aws:amp/resourcePolicy:ResourcePolicy is proven: the @pulumi/aws plugin
 * cannot be had here, so no program can declare one through the CLI (tests/e2e/policyPack.test.ts does
 * awsamp's resources that way).
 */
import { checkPolicyDocument } from "@awsamp/core/policy";
import { expect } from "chai";
import {
  documentText,
  type Json,
  OTHER_WORKSPACE_ARN,
  statement,
  WORKSPACE_ACCOUNT,
  WORKSPACE_ID,
} from "../core/policy/documents";
import { type PackConfig, PolicyPackProcess, type Reported, UNKNOWN } from "../harness/policyPack";
import { ORG, orgCondition, PARTNER_ACCOUNT } from "./rules";

const AWS_TYPE = "aws:amp/resourcePolicy:ResourcePolicy";
const AWSAMP_TYPE = "awsamp:index:ResourcePolicy";

const CONFIG: PackConfig = {
  "allowed-principals": {
    enforcementLevel: "mandatory",
    accounts: [WORKSPACE_ACCOUNT, PARTNER_ACCOUNT],
    organizations: [ORG],
    services: ["grafana.amazonaws.com"],
  },
  "prometheus-actions": "mandatory",
  "resource-is-workspace": "mandatory",
};

/** A policy every rule passes: the workspace's own account writes, the organisation reads. */
const COMPLIANT: Json[] = [
  statement({ Sid: "Write" }),
  statement({ Sid: "Read", Principal: "*", Action: ["aps:QueryMetrics"], Condition: orgCondition(ORG) }),
];

function inputs(...statements: Json[]): Record<string, unknown> {
  return { workspaceId: WORKSPACE_ID, policyDocument: documentText(...statements) };
}

function summary(reported: Reported[]): string[] {
  return reported.map(({ policyName, enforcementLevel }) => `${enforcementLevel} ${policyName}`).sort();
}

/** The violation's own line: @pulumi/policy puts the policy's description before it. */
function violationOf(reported: Reported | undefined): string {
  const message = reported?.message ?? "";
  return message.slice(message.indexOf("\n") + 1);
}

describe("policy pack: the policies, through the pack's analyzer", function () {
  this.timeout(30_000);
  let pack: PolicyPackProcess;

  before(async () => {
    pack = await PolicyPackProcess.launch();
    await pack.configure(CONFIG);
  });
  after(() => pack?.stop());

  it("passes a compliant policy of either type", async () => {
    expect(await pack.analyze(AWS_TYPE, inputs(...COMPLIANT))).to.deep.equal([]);
    expect(await pack.analyze(AWSAMP_TYPE, inputs(...COMPLIANT))).to.deep.equal([]);
  });

  it("reads a document given as an object as well as JSON text", async () => {
    const document = JSON.parse(documentText(statement({ Principal: "*" })));
    const reported = await pack.analyze(AWS_TYPE, { workspaceId: WORKSPACE_ID, policyDocument: document });
    expect(summary(reported)).to.deep.equal(["mandatory allowed-principals", "mandatory no-public-grant"]);
  });

  it("reports each rule at the level the config gives it, with the property and the JSON path", async () => {
    const reported = await pack.analyze(
      AWS_TYPE,
      inputs(
        statement({ Sid: "Anyone", Principal: "*", Action: ["aps:QueryMetrics"] }),
        statement({ Sid: "Stranger", Principal: { AWS: "999988887777" }, Action: ["aps:GetLabels"] }),
        statement({
          Sid: "Grafana",
          Principal: { Service: "grafana.amazonaws.com" },
          Action: ["aps:QueryMetrics", "aps:RemoteWrite"],
        }),
        statement({
          Sid: "Partner",
          Principal: { AWS: PARTNER_ACCOUNT },
          Action: ["aps:QueryMetrics"],
          Resource: "*",
        }),
      ),
    );
    const byPolicy = (name: string) => reported.filter((r) => r.policyName === name).map((r) => r.message);
    expect(summary(reported)).to.deep.equal([
      "advisory cross-account-kms",
      "advisory cross-account-kms",
      "mandatory allowed-principals",
      "mandatory allowed-principals",
      "mandatory no-public-grant",
      "mandatory prometheus-actions",
      "mandatory resource-is-workspace",
    ]);
    expect(byPolicy("no-public-grant").join("\n")).to.include(
      'policyDocument $.Statement[0].Principal: "*" grants aps:QueryMetrics to anyone with an AWS account',
    );
    expect(byPolicy("allowed-principals").join("\n")).to.include(
      'policyDocument $.Statement[1].Principal.AWS: "999988887777" is not an allowed account',
    );
    expect(byPolicy("prometheus-actions").join("\n")).to.include(
      'policyDocument $.Statement[2].Action[1]: "aps:RemoteWrite" gives write access to "grafana.amazonaws.com"',
    );
    expect(byPolicy("resource-is-workspace").join("\n")).to.include(
      'policyDocument $.Statement[3].Resource: Resource "*":',
    );
    expect(byPolicy("cross-account-kms").join("\n")).to.include(
      "policyDocument $.Statement[1].Principal.AWS: this grants to account 999988887777",
    );
  });

  it("refuses a document AMP would refuse, as a mandatory violation by default", async () => {
    const reported = await pack.analyze(AWS_TYPE, {
      workspaceId: WORKSPACE_ID,
      policyDocument: '{"Statement": [',
    });
    expect(summary(reported)).to.deep.equal(["mandatory valid-policy-document"]);
    expect(reported[0]?.message).to.match(/policyDocument \$: .*JSON/);
  });

  it("reports an action AMP refuses as valid-policy-document only, with Check's message and JSON path", async () => {
    // aws.amp.ResourcePolicy has no Check of awsamp's before AWS, so the pack is where these are caught.
    const text = documentText(
      statement({ Sid: "Wildcard", Action: ["aps:QueryMetrics", "aps:*"] }),
      statement({ Sid: "Others", Action: ["aps:CreateWorkspace", "aps:QueryMetric"] }),
    );
    const check = checkPolicyDocument(text, { workspaceId: WORKSPACE_ID });
    expect(check.errors.map(({ path }) => path)).to.deep.equal([
      "$.Statement[0].Action[1]",
      "$.Statement[1].Action[0]",
      "$.Statement[1].Action[1]",
    ]);
    const expected = check.errors.map(({ path, message }) => `policyDocument ${path}: ${message}`);
    for (const type of [AWS_TYPE, AWSAMP_TYPE]) {
      const reported = await pack.analyze(type, { workspaceId: WORKSPACE_ID, policyDocument: text });
      expect(summary(reported), type).to.deep.equal(Array(3).fill("mandatory valid-policy-document"));
      expect(reported.map(violationOf).sort(), type).to.deep.equal([...expected].sort());
    }
    expect(expected[0]).to.match(
      /^policyDocument \$\.Statement\[0\]\.Action\[1\]: "aps:\*" is a wildcard, which AMP refuses/,
    );
  });

  it("reports a refused action at the level the config gives valid-policy-document", async () => {
    await pack.configure({ ...CONFIG, "valid-policy-document": "advisory" });
    try {
      const reported = await pack.analyze(AWS_TYPE, inputs(statement({ Action: "aps:*" })));
      expect(summary(reported)).to.deep.equal(["advisory valid-policy-document"]);
      expect(violationOf(reported[0])).to.match(
        /^policyDocument \$\.Statement\[0\]\.Action: "aps:\*" is a wildcard, which AMP refuses/,
      );
    } finally {
      await pack.configure(CONFIG);
    }
  });

  it("says once, at advisory level, that a document not known in preview waits for the update", async () => {
    const reported = await pack.analyze(AWS_TYPE, { workspaceId: WORKSPACE_ID, policyDocument: UNKNOWN });
    expect(summary(reported)).to.deep.equal(["advisory valid-policy-document"]);
    expect(reported[0]?.message).to.include("can't be known during preview");
  });

  it("checks a document whose workspace is not known yet, all but the workspace it names", async () => {
    const document = documentText(statement({ Principal: "*", Resource: OTHER_WORKSPACE_ARN }));
    const reported = await pack.analyze(AWS_TYPE, { workspaceId: UNKNOWN, policyDocument: document });
    expect(summary(reported)).to.deep.equal(["mandatory allowed-principals", "mandatory no-public-grant"]);
  });

  it("leaves other resource types alone", async () => {
    const reported = await pack.analyze(
      "aws:s3/bucketPolicy:BucketPolicy",
      inputs(statement({ Principal: "*" })),
    );
    expect(reported).to.deep.equal([]);
  });

  it("says nothing for a disabled rule", async () => {
    await pack.configure({ ...CONFIG, "no-public-grant": "disabled", "allowed-principals": "disabled" });
    try {
      expect(await pack.analyze(AWS_TYPE, inputs(statement({ Principal: "*" })))).to.deep.equal([]);
    } finally {
      await pack.configure(CONFIG);
    }
  });
});
