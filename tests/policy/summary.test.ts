/** summarizeAccessChange: the grants a preview shows reviewers, added and removed. */

import { type Grant, grantsOf, summarizeAccessChange } from "@awsamp/core/policy";
import { expect } from "chai";
import { documentText, type Json, statement, WORKSPACE_ARN } from "./documents";

const ROOT = "arn:aws:iam::111122223333:root";
const OTHER_ROOT = "arn:aws:iam::123456789012:root";

function doc(...statements: Record<string, Json>[]): string {
  return documentText(...statements);
}

const writer = statement({ Sid: "Write", Principal: { AWS: "111122223333" }, Action: "aps:RemoteWrite" });

describe("summarizeAccessChange", () => {
  it("shows every grant as added when there is no old document (a create)", () => {
    const change = summarizeAccessChange(
      undefined,
      doc(statement({ Action: ["aps:RemoteWrite", "aps:QueryMetrics"] })),
    );
    expect(change.lines).to.deep.equal([
      `+ allow ${ROOT} aps:QueryMetrics`,
      `+ allow ${ROOT} aps:RemoteWrite`,
    ]);
    expect(change.removed).to.deep.equal([]);
    expect(change.added).to.deep.equal([
      { effect: "allow", principal: ROOT, action: "aps:QueryMetrics", conditional: false },
      { effect: "allow", principal: ROOT, action: "aps:RemoteWrite", conditional: false },
    ]);
  });

  it("shows every grant as removed when there is no new document (a delete)", () => {
    const change = summarizeAccessChange(doc(writer), undefined);
    expect(change.lines).to.deep.equal([`- allow ${ROOT} aps:RemoteWrite`]);
    expect(change.added).to.deep.equal([]);
  });

  it("shows nothing when access does not change, however the document is rewritten", () => {
    const rewritten = JSON.stringify({
      Statement: {
        Action: ["APS:remotewrite"],
        Effect: "Allow",
        Principal: { AWS: [ROOT] },
        Resource: [WORKSPACE_ARN],
        Sid: "",
      },
      Version: "2012-10-17",
    });
    expect(summarizeAccessChange(doc(writer), rewritten)).to.deep.equal({
      added: [],
      removed: [],
      lines: [],
    });
  });

  it("shows an added principal", () => {
    const after = doc(
      statement({ Principal: { AWS: ["111122223333", OTHER_ROOT] }, Action: "aps:RemoteWrite" }),
    );
    expect(summarizeAccessChange(doc(writer), after).lines).to.deep.equal([
      `+ allow ${OTHER_ROOT} aps:RemoteWrite`,
    ]);
  });

  it("shows a removed service principal with its kind", () => {
    const before = doc(
      statement({
        Principal: { AWS: "111122223333", Service: "grafana.amazonaws.com" },
        Action: "aps:QueryMetrics",
      }),
    );
    const after = doc(statement({ Principal: { AWS: "111122223333" }, Action: "aps:QueryMetrics" }));
    expect(summarizeAccessChange(before, after).lines).to.deep.equal([
      "- allow service:grafana.amazonaws.com aps:QueryMetrics",
    ]);
  });

  it("shows added and removed actions, sorted by principal then action", () => {
    const before = doc(
      statement({
        Principal: { AWS: ["111122223333", OTHER_ROOT] },
        Action: ["aps:RemoteWrite", "aps:GetLabels"],
      }),
    );
    const after = doc(
      statement({
        Principal: { AWS: ["111122223333", OTHER_ROOT] },
        Action: ["aps:RemoteWrite", "aps:QueryMetrics"],
      }),
    );
    expect(summarizeAccessChange(before, after).lines).to.deep.equal([
      `- allow ${ROOT} aps:GetLabels`,
      `+ allow ${ROOT} aps:QueryMetrics`,
      `- allow ${OTHER_ROOT} aps:GetLabels`,
      `+ allow ${OTHER_ROOT} aps:QueryMetrics`,
    ]);
  });

  it("expands wildcards over the five Prometheus-compatible actions", () => {
    const change = summarizeAccessChange(doc(writer), doc(statement({ Action: "aps:Get*" })));
    expect(change.lines).to.deep.equal([
      `+ allow ${ROOT} aps:GetLabels`,
      `+ allow ${ROOT} aps:GetMetricMetadata`,
      `+ allow ${ROOT} aps:GetSeries`,
      `- allow ${ROOT} aps:RemoteWrite`,
    ]);
  });

  it("shows nothing for actions AMP ignores", () => {
    const after = doc(
      statement({
        Principal: { AWS: "111122223333" },
        Action: ["aps:RemoteWrite", "aps:CreateWorkspace", "s3:GetObject"],
      }),
    );
    expect(summarizeAccessChange(doc(writer), after).lines).to.deep.equal([]);
  });

  it('marks "*" as anyone and conditional statements as such', () => {
    const after = doc(
      statement({
        Principal: "*",
        Action: "aps:QueryMetrics",
        Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } },
      }),
      statement({ Sid: "Any", Principal: { AWS: "*" }, Action: "aps:GetSeries" }),
    );
    expect(summarizeAccessChange(undefined, after).lines).to.deep.equal([
      "+ allow * (anyone) aps:QueryMetrics (with conditions)",
      "+ allow aws:* (anyone) aps:GetSeries",
    ]);
  });

  it("shows a grant gaining a condition as one removed and one added", () => {
    const after = doc({ ...writer, Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } } });
    expect(summarizeAccessChange(doc(writer), after).lines).to.deep.equal([
      `- allow ${ROOT} aps:RemoteWrite`,
      `+ allow ${ROOT} aps:RemoteWrite (with conditions)`,
    ]);
  });

  it("expresses NotPrincipal and NotAction honestly", () => {
    const after = doc(
      statement({
        Principal: undefined,
        NotPrincipal: { AWS: [OTHER_ROOT, "111122223333"] },
        Action: "aps:RemoteWrite",
      }),
      statement({
        Sid: "DenyReads",
        Effect: "Deny",
        Principal: { AWS: OTHER_ROOT },
        Action: undefined,
        NotAction: "aps:Get*",
      }),
    );
    expect(summarizeAccessChange(undefined, after).lines).to.deep.equal([
      `+ deny ${OTHER_ROOT} aps:QueryMetrics`,
      `+ deny ${OTHER_ROOT} aps:RemoteWrite`,
      `+ allow everyone except ${ROOT}, ${OTHER_ROOT} aps:RemoteWrite`,
    ]);
  });

  it("shows account IDs as root ARNs in the partition of the resources", () => {
    const chinaArn = WORKSPACE_ARN.replace("arn:aws:", "arn:aws-cn:");
    const lines = summarizeAccessChange(undefined, doc(statement({ Resource: chinaArn }))).lines;
    expect(lines).to.deep.equal(["+ allow arn:aws-cn:iam::111122223333:root aps:RemoteWrite"]);
  });

  it("shows account IDs in the other document's partition where a document's ARNs name none", () => {
    const govRoot = "arn:aws-us-gov:iam::111122223333:root";
    const bare = doc(statement({ Resource: "*" }));
    const gov = doc(statement({ Principal: { AWS: govRoot }, Resource: "*" }));
    expect(summarizeAccessChange(bare, gov).lines).to.deep.equal([]);
    expect(summarizeAccessChange(gov, bare).lines).to.deep.equal([]);
    const china = doc(statement({ Principal: { AWS: "arn:aws-cn:iam::111122223333:root" }, Resource: "*" }));
    expect(summarizeAccessChange(gov, china).lines).to.deep.equal([
      "+ allow arn:aws-cn:iam::111122223333:root aps:RemoteWrite",
      `- allow ${govRoot} aps:RemoteWrite`,
    ]);
  });

  it("treats text that is not JSON as granting nothing", () => {
    expect(summarizeAccessChange("{", doc(writer)).lines).to.deep.equal([`+ allow ${ROOT} aps:RemoteWrite`]);
  });
});

describe("grantsOf", () => {
  it("shows account IDs in the partition of the principal ARNs where the resources name none", () => {
    const govRole = "arn:aws-us-gov:iam::444455556666:role/writer";
    const grants = grantsOf(doc(statement({ Principal: { AWS: ["111122223333", govRole] }, Resource: "*" })));
    expect(grants.map((grant) => grant.principal)).to.deep.equal([
      "arn:aws-us-gov:iam::111122223333:root",
      govRole,
    ]);
  });

  it("lists each grant once, sorted, for a document object", () => {
    const grants: Grant[] = grantsOf({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: ["111122223333", ROOT] },
          Action: ["aps:RemoteWrite", "aps:remotewrite"],
        },
        { Effect: "Deny", Principal: { Service: "grafana.amazonaws.com" }, Action: "aps:GetLabels" },
      ],
    });
    expect(grants).to.deep.equal([
      { effect: "allow", principal: ROOT, action: "aps:RemoteWrite", conditional: false },
      {
        effect: "deny",
        principal: "service:grafana.amazonaws.com",
        action: "aps:GetLabels",
        conditional: false,
      },
    ]);
  });
});
