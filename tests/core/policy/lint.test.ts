/** lintPolicyDocument and checkPolicyDocument: warnings about documents AMP accepts but that mislead. */

import {
  checkPolicyDocument,
  LINT_RULES,
  lintPolicyDocument,
  type PolicyContext,
  type PolicyDocument,
  PROMETHEUS_COMPATIBLE_ACTIONS,
} from "@awsamp/core/policy";
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

// Validation refuses every action but the five (ampActions.test.ts); the lint reads actions only to say
// what Allow with NotAction grants.
const actionCases: LintCase[] = [
  {
    name: "is silent on the five Prometheus-compatible actions, in any case",
    statements: [
      statement({ Action: [...PROMETHEUS_COMPATIBLE_ACTIONS] }),
      statement({ Sid: "Cased", Action: ["APS:remotewrite", "aps:GETSERIES"] }),
    ],
    warnings: [],
  },
  {
    name: "warns of Allow with NotAction, saying which of the five it grants",
    statements: [statement({ Action: undefined, NotAction: "aps:RemoteWrite" })],
    warnings: [
      [
        `${S0}.NotAction`,
        /^Allow with NotAction grants every action except these; among the five Prometheus-compatible actions \(aps:RemoteWrite, aps:QueryMetrics, aps:GetSeries, aps:GetLabels and aps:GetMetricMetadata\), the only ones AMP takes, that is aps:QueryMetrics, aps:GetSeries, aps:GetLabels and aps:GetMetricMetadata\. List the actions you mean in Action instead$/,
      ],
    ],
  },
  {
    name: "reads NotAction in any case",
    statements: [statement({ Action: undefined, NotAction: ["APS:remotewrite", "aps:getseries"] })],
    warnings: [[`${S0}.NotAction`, /that is aps:QueryMetrics, aps:GetLabels and aps:GetMetricMetadata\./]],
  },
  {
    name: "says so when Allow with NotAction grants none of the five",
    statements: [statement({ Action: undefined, NotAction: [...PROMETHEUS_COMPATIBLE_ACTIONS] })],
    warnings: [[`${S0}.NotAction`, /that is none of them\./]],
  },
  {
    name: "is silent on Deny with NotAction",
    statements: [statement({ Effect: "Deny", Action: undefined, NotAction: "aps:RemoteWrite" })],
    warnings: [],
  },
  {
    name: "says nothing of the actions validation refuses, which are errors, not warnings",
    statements: [
      statement({ Action: ["*", "aps:Get*", "aps:CreateWorkspace", "aps:RemoteWrites", "s3:GetObject"] }),
      statement({ Sid: "Deny", Effect: "Deny", Action: undefined, NotAction: "aps:RemoteWrit" }),
    ],
    warnings: [],
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
});

describe("checkPolicyDocument", () => {
  it("returns validation errors and warnings, and no document, when the document is invalid", () => {
    const verdict = checkPolicyDocument(
      JSON.stringify({ Statement: [statement({ Effect: "allow" })] }),
      CONTEXT,
    );
    expect(verdict.errors.map((e) => e.path)).to.deep.equal([`${S0}.Effect`]);
    expect(verdict.warnings.map((w) => w.path)).to.deep.equal(["$.Version"]);
    expect(verdict.document).to.equal(undefined);
  });

  it("gives no lint warnings for a document validation refuses", () => {
    const verdict = checkPolicyDocument(documentText(statement({ Sid: 7, Principal: "*" })), CONTEXT);
    expect(verdict.errors.map((e) => e.path)).to.deep.equal([`${S0}.Sid`]);
    expect(verdict.warnings).to.deep.equal([]);
  });

  it("returns the document with validation and lint warnings together when it is valid", () => {
    const text = JSON.stringify({ Statement: [statement({ Principal: "*" })] });
    const verdict = checkPolicyDocument(text, CONTEXT);
    expect(verdict.errors).to.deep.equal([]);
    expect(verdict.warnings.map((w) => [w.path, w.rule])).to.deep.equal([
      ["$.Version", "no-version"],
      [`${S0}.Principal`, "public-grant"],
    ]);
    expect(verdict.document).to.deep.equal(JSON.parse(text));
  });

  it("reports a syntax error as an error at the root", () => {
    expect(checkPolicyDocument("{", { workspaceArn: WORKSPACE_ARN }).errors.map((e) => e.path)).to.deep.equal(
      ["$"],
    );
  });
});
