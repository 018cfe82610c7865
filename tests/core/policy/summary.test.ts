/** summarizeAccessChange, grantsOf and accessOf: the grants a preview shows reviewers, and what changes. */

import { accessOf, type Grant, grantsOf, summarizeAccessChange } from "@awsamp/core/policy";
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

describe("accessOf", () => {
  const ORG = { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } };

  it("maps each principal and action a new document grants to its effect", () => {
    const text = doc(
      statement({
        Principal: { AWS: ["111122223333", OTHER_ROOT] },
        Action: ["aps:RemoteWrite", "aps:QueryMetrics"],
      }),
      statement({ Sid: "Grafana", Principal: { Service: "grafana.amazonaws.com" }, Action: "aps:GetLabels" }),
      statement({ Sid: "NoWrites", Effect: "Deny", Principal: { AWS: OTHER_ROOT }, Action: "aps:GetSeries" }),
    );
    expect(accessOf(text)).to.deep.equal({
      [`${ROOT} aps:QueryMetrics`]: "allow",
      [`${ROOT} aps:RemoteWrite`]: "allow",
      [`${OTHER_ROOT} aps:QueryMetrics`]: "allow",
      [`${OTHER_ROOT} aps:RemoteWrite`]: "allow",
      [`${OTHER_ROOT} aps:GetSeries`]: "deny",
      "service:grafana.amazonaws.com aps:GetLabels": "allow",
    });
  });

  it("reads a document object as it reads the same document's text", () => {
    const object = JSON.parse(doc(writer, statement({ Sid: "Read", Action: "aps:QueryMetrics" })));
    expect(accessOf(object)).to.deep.equal({
      [`${ROOT} aps:QueryMetrics`]: "allow",
      [`${ROOT} aps:RemoteWrite`]: "allow",
    });
  });

  it("is empty for no document, text that is not JSON, and JSON that is not a policy", () => {
    for (const document of [undefined, "", "{", "[]", '{"Statement": 5}']) {
      expect(accessOf(document), String(document)).to.deep.equal({});
    }
  });

  it("marks a grant under a Condition as with conditions, whatever the condition", () => {
    const text = doc(
      statement({ Action: "aps:RemoteWrite", Condition: { Bool: { "aws:SecureTransport": true } } }),
      statement({ Sid: "Read", Action: "aps:QueryMetrics", Condition: ORG }),
    );
    expect(accessOf(text)).to.deep.equal({
      [`${ROOT} aps:QueryMetrics`]: "allow (with conditions)",
      [`${ROOT} aps:RemoteWrite`]: "allow (with conditions)",
    });
  });

  it("treats an empty Condition as none", () => {
    expect(accessOf(doc({ ...writer, Condition: {} }))).to.deep.equal({
      [`${ROOT} aps:RemoteWrite`]: "allow",
    });
  });

  it('marks "*" and {"AWS": "*"} as anyone, before any conditions', () => {
    const text = doc(
      statement({ Principal: "*", Action: "aps:QueryMetrics" }),
      statement({ Sid: "Org", Principal: { AWS: "*" }, Action: "aps:GetSeries", Condition: ORG }),
      statement({ Sid: "DenyAnyone", Effect: "Deny", Principal: "*", Action: "aps:RemoteWrite" }),
    );
    expect(accessOf(text)).to.deep.equal({
      "* aps:QueryMetrics": "allow (anyone)",
      "* aps:RemoteWrite": "deny (anyone)",
      "aws:* aps:GetSeries": "allow (anyone) (with conditions)",
    });
  });

  it("names NotPrincipal's grantees as everyone except those it lists", () => {
    const text = doc(
      statement({
        Principal: undefined,
        NotPrincipal: { AWS: [OTHER_ROOT, "111122223333"] },
        Action: "aps:GetLabels",
      }),
    );
    expect(accessOf(text)).to.deep.equal({
      [`everyone except ${ROOT}, ${OTHER_ROOT} aps:GetLabels`]: "allow",
    });
  });

  it('joins with "; " what two statements give one principal and action, allow before deny, unconditional first', () => {
    const text = doc(
      statement({ Sid: "Deny", Effect: "Deny", Action: "aps:RemoteWrite", Condition: ORG }),
      statement({ Sid: "Conditional", Action: "aps:RemoteWrite", Condition: ORG }),
      statement({ Sid: "Plain", Action: ["aps:RemoteWrite", "aps:QueryMetrics"] }),
      statement({ Sid: "DenyPlain", Effect: "Deny", Action: "aps:RemoteWrite" }),
    );
    expect(accessOf(text)).to.deep.equal({
      [`${ROOT} aps:QueryMetrics`]: "allow",
      [`${ROOT} aps:RemoteWrite`]: "allow; allow (with conditions); deny; deny (with conditions)",
    });
  });

  it("says a grant once however many statements and spellings give it", () => {
    const text = doc(
      statement({ Action: ["aps:RemoteWrite", "APS:remotewrite"] }),
      statement({ Sid: "Again", Principal: { AWS: ROOT }, Action: "aps:remoteWrite" }),
    );
    expect(accessOf(text)).to.deep.equal({ [`${ROOT} aps:RemoteWrite`]: "allow" });
  });

  it("expands NotAction over the five, in Allow and in Deny", () => {
    const text = doc(
      statement({ Action: undefined, NotAction: ["aps:RemoteWrite", "aps:QueryMetrics"] }),
      statement({
        Sid: "Deny",
        Effect: "Deny",
        Principal: { AWS: OTHER_ROOT },
        Action: undefined,
        NotAction: "aps:GetLabels",
      }),
    );
    expect(accessOf(text)).to.deep.equal({
      [`${ROOT} aps:GetLabels`]: "allow",
      [`${ROOT} aps:GetMetricMetadata`]: "allow",
      [`${ROOT} aps:GetSeries`]: "allow",
      [`${OTHER_ROOT} aps:GetMetricMetadata`]: "deny",
      [`${OTHER_ROOT} aps:GetSeries`]: "deny",
      [`${OTHER_ROOT} aps:QueryMetrics`]: "deny",
      [`${OTHER_ROOT} aps:RemoteWrite`]: "deny",
    });
  });

  it("expands the wildcards of a document validation would refuse over the five they cover, in Action and NotAction", () => {
    const text = doc(
      statement({ Action: "aps:Get*" }),
      statement({
        Sid: "Deny",
        Effect: "Deny",
        Principal: { AWS: OTHER_ROOT },
        Action: undefined,
        NotAction: "aps:*Metadata",
      }),
    );
    expect(accessOf(text)).to.deep.equal({
      [`${ROOT} aps:GetLabels`]: "allow",
      [`${ROOT} aps:GetMetricMetadata`]: "allow",
      [`${ROOT} aps:GetSeries`]: "allow",
      [`${OTHER_ROOT} aps:GetLabels`]: "deny",
      [`${OTHER_ROOT} aps:GetSeries`]: "deny",
      [`${OTHER_ROOT} aps:QueryMetrics`]: "deny",
      [`${OTHER_ROOT} aps:RemoteWrite`]: "deny",
    });
  });

  it("gives nothing for the actions outside the five, nor for a statement that names no principal", () => {
    const text = doc(
      statement({ Action: ["aps:CreateWorkspace", "s3:GetObject"] }),
      statement({ Sid: "Nobody", Principal: undefined, Action: "aps:QueryMetrics" }),
    );
    expect(accessOf(text)).to.deep.equal({});
  });

  it("writes account IDs as root ARNs in the partition grantsOf gives them", () => {
    const chinaArn = WORKSPACE_ARN.replace("arn:aws:", "arn:aws-cn:");
    expect(accessOf(doc(statement({ Resource: chinaArn })))).to.deep.equal({
      "arn:aws-cn:iam::111122223333:root aps:RemoteWrite": "allow",
    });
    const govRole = "arn:aws-us-gov:iam::444455556666:role/writer";
    expect(
      accessOf(doc(statement({ Principal: { AWS: ["111122223333", govRole] }, Resource: "*" }))),
    ).to.deep.equal({
      "arn:aws-us-gov:iam::111122223333:root aps:RemoteWrite": "allow",
      [`${govRole} aps:RemoteWrite`]: "allow",
    });
    expect(accessOf(doc(statement({ Resource: "*" })))).to.deep.equal({
      "arn:aws:iam::111122223333:root aps:RemoteWrite": "allow",
    });
  });
});
