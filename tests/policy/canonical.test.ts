/** canonicalize and equivalent: what counts as the same document, and what does not. */
import { expect } from "chai";
import {
  canonicalize,
  equivalent,
  type PolicyDocument,
  PolicyDocumentSyntaxError,
  validatePolicyDocument,
} from "../../provider/policy";
import { documentText, type Json, statement, WORKSPACE_ARN } from "./documents";

/** One statement's document, with these fields changed. */
function doc(fields: Record<string, Json | undefined> = {}, top: Record<string, Json> = {}): string {
  return JSON.stringify({ Version: "2012-10-17", ...top, Statement: [statement(fields)] });
}

/** The same JSON with every object's keys in reverse order. */
function reversedKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, inner]) => [key, reversedKeys(inner)]),
  );
}

const base = doc();

const sameCases: [name: string, a: string, b: string][] = [
  ["key order and whitespace", base, JSON.stringify(reversedKeys(JSON.parse(base) as Json), null, "\t")],
  [
    "a single value and a one-element list",
    doc({ Action: "aps:RemoteWrite", Resource: [WORKSPACE_ARN] }),
    doc({ Action: ["aps:RemoteWrite"], Resource: WORKSPACE_ARN }),
  ],
  [
    "a single statement object and a one-statement list",
    JSON.stringify({ Version: "2012-10-17", Statement: statement() }),
    base,
  ],
  [
    "the order of statements",
    documentText(statement(), statement({ Sid: "Read", Action: "aps:QueryMetrics" })),
    documentText(statement({ Sid: "Read", Action: "aps:QueryMetrics" }), statement()),
  ],
  [
    "the order of actions",
    doc({ Action: ["aps:RemoteWrite", "aps:QueryMetrics"] }),
    doc({ Action: ["aps:QueryMetrics", "aps:RemoteWrite"] }),
  ],
  [
    "the order of NotAction values",
    doc({ Action: undefined, NotAction: ["aps:GetSeries", "aps:GetLabels"] }),
    doc({ Action: undefined, NotAction: ["aps:GetLabels", "aps:GetSeries"] }),
  ],
  [
    "the order of resources",
    doc({ Resource: [WORKSPACE_ARN, "*"] }),
    doc({ Resource: ["*", WORKSPACE_ARN] }),
  ],
  [
    "the order of principals and of principal kinds",
    doc({ Principal: { AWS: ["123456789012", "444455556666"], Service: "grafana.amazonaws.com" } }),
    doc({ Principal: { Service: ["grafana.amazonaws.com"], AWS: ["444455556666", "123456789012"] } }),
  ],
  [
    "the order of condition values, operators and keys",
    doc({
      Condition: {
        StringEquals: { "aws:PrincipalOrgID": ["o-1", "o-2"], "aws:SourceAccount": "1" },
        Bool: { "aws:SecureTransport": "true" },
      },
    }),
    doc({
      Condition: {
        Bool: { "aws:SecureTransport": "true" },
        StringEquals: { "aws:SourceAccount": "1", "aws:PrincipalOrgID": ["o-2", "o-1"] },
      },
    }),
  ],
  [
    "duplicate values",
    doc({
      Action: ["aps:RemoteWrite", "aps:RemoteWrite"],
      Principal: { AWS: ["123456789012", "123456789012"] },
    }),
    doc({ Action: "aps:RemoteWrite", Principal: { AWS: "123456789012" } }),
  ],
  [
    "duplicate statements",
    documentText(statement({ Sid: undefined }), statement({ Sid: undefined })),
    documentText(statement({ Sid: undefined })),
  ],
  ["the case of actions", doc({ Action: "aps:RemoteWrite" }), doc({ Action: "APS:remotewrite" })],
  [
    "an account ID and its root ARN",
    doc({ Principal: { AWS: "123456789012" } }),
    doc({ Principal: { AWS: "arn:aws:iam::123456789012:root" } }),
  ],
  [
    "an account ID and its root ARN in the partition of the resources",
    doc({ Principal: { AWS: "123456789012" }, Resource: WORKSPACE_ARN.replace("arn:aws:", "arn:aws-cn:") }),
    doc({
      Principal: { AWS: "arn:aws-cn:iam::123456789012:root" },
      Resource: WORKSPACE_ARN.replace("arn:aws:", "arn:aws-cn:"),
    }),
  ],
  [
    "an account ID and its root ARN among duplicates",
    doc({ Principal: { AWS: ["123456789012", "arn:aws:iam::123456789012:root"] } }),
    doc({ Principal: { AWS: "123456789012" } }),
  ],
  ['an absent Sid and Sid ""', doc({ Sid: undefined }), doc({ Sid: "" })],
  [
    "a condition value's boolean or number and its text",
    doc({
      Condition: {
        Bool: { "aws:SecureTransport": true },
        NumericLessThan: { "aws:MultiFactorAuthAge": 3600 },
      },
    }),
    doc({
      Condition: {
        Bool: { "aws:SecureTransport": "true" },
        NumericLessThan: { "aws:MultiFactorAuthAge": ["3600"] },
      },
    }),
  ],
];

const differentCases: [name: string, a: string, b: string][] = [
  ["another Version", base, doc({}, { Version: "2008-10-17" })],
  [
    "an absent Version and 2008-10-17",
    JSON.stringify({ Statement: [statement()] }),
    doc({}, { Version: "2008-10-17" }),
  ],
  ["another Id", doc({}, { Id: "a" }), doc({}, { Id: "b" })],
  ["an added Id", base, doc({}, { Id: "a" })],
  ["another Sid", doc({ Sid: "A" }), doc({ Sid: "B" })],
  ["an added Sid", doc({ Sid: undefined }), doc({ Sid: "A" })],
  ["another Effect", base, doc({ Effect: "Deny" })],
  ["an added action", base, doc({ Action: ["aps:RemoteWrite", "aps:QueryMetrics"] })],
  [
    "a wildcard for the actions it covers",
    doc({ Action: "aps:*" }),
    doc({
      Action: [
        "aps:RemoteWrite",
        "aps:QueryMetrics",
        "aps:GetSeries",
        "aps:GetLabels",
        "aps:GetMetricMetadata",
      ],
    }),
  ],
  ["Action and NotAction", base, doc({ Action: undefined, NotAction: "aps:RemoteWrite" })],
  ["an added principal", base, doc({ Principal: { AWS: ["111122223333", "123456789012"] } })],
  ["Principal and NotPrincipal", base, doc({ Principal: undefined, NotPrincipal: { AWS: "111122223333" } })],
  ['"*" and {"AWS": "*"}', doc({ Principal: "*" }), doc({ Principal: { AWS: "*" } })],
  [
    "a root ARN in another partition",
    doc({ Principal: { AWS: "123456789012" } }),
    doc({ Principal: { AWS: "arn:aws-cn:iam::123456789012:root" } }),
  ],
  ["an added resource", base, doc({ Resource: [WORKSPACE_ARN, "*"] })],
  ["an added condition", base, doc({ Condition: { StringEquals: { "aws:SourceAccount": "1" } } })],
  [
    "an added condition value",
    doc({ Condition: { StringEquals: { "aws:SourceAccount": "1" } } }),
    doc({ Condition: { StringEquals: { "aws:SourceAccount": ["1", "2"] } } }),
  ],
  [
    "another condition operator",
    doc({ Condition: { StringEquals: { "aws:SourceAccount": "1" } } }),
    doc({ Condition: { StringLike: { "aws:SourceAccount": "1" } } }),
  ],
  ["the case of a resource", base, doc({ Resource: WORKSPACE_ARN.toUpperCase() })],
  ["an unknown key's value", doc({ Extra: 1 }), doc({ Extra: 2 })],
];

describe("equivalent", () => {
  for (const [name, a, b] of sameCases) {
    it(`ignores ${name}`, () => {
      expect(equivalent(a, b)).to.equal(true);
      expect(equivalent(b, a)).to.equal(true);
    });
  }

  for (const [name, a, b] of differentCases) {
    it(`tells apart ${name}`, () => {
      expect(equivalent(a, b)).to.equal(false);
      expect(equivalent(b, a)).to.equal(false);
    });
  }

  it("compares a document object with JSON text", () => {
    const object: PolicyDocument = {
      Version: "2012-10-17",
      Statement: {
        Effect: "Allow",
        Principal: { AWS: "111122223333" },
        Action: "aps:RemoteWrite",
        Resource: WORKSPACE_ARN,
      },
    };
    expect(equivalent(object, doc({ Sid: undefined }))).to.equal(true);
    expect(equivalent(object, base)).to.equal(false);
  });

  it("compares text that is not JSON as text, without throwing", () => {
    expect(equivalent("not json", "not json")).to.equal(true);
    expect(equivalent("not json", "not json ")).to.equal(false);
    expect(equivalent("not json", base)).to.equal(false);
    expect(equivalent(base, "{")).to.equal(false);
  });

  it("never throws on an object JSON cannot hold", () => {
    const cyclic: Record<string, unknown> = { Statement: [] };
    cyclic.self = cyclic;
    const withBigInt = { Statement: [{ Sid: 1n }] };
    expect(equivalent(cyclic as unknown as PolicyDocument, base)).to.equal(false);
    expect(equivalent(withBigInt as unknown as PolicyDocument, base)).to.equal(false);
  });

  it("compares JSON that is not a policy document by its content", () => {
    expect(equivalent('{"b": 1, "a": [1, 2]}', '{"a":[1,2],"b":1}')).to.equal(true);
    expect(equivalent('{"a": [1, 2]}', '{"a": [2, 1]}')).to.equal(false);
    expect(equivalent("42", " 42 ")).to.equal(true);
  });
});

describe("canonicalize", () => {
  it("writes lists everywhere, fixed key order, lower-case actions and root ARNs, without an empty Sid", () => {
    const text = JSON.stringify({
      Statement: {
        Resource: WORKSPACE_ARN,
        Action: ["aps:RemoteWrite", "aps:GetSeries"],
        Principal: { AWS: "123456789012" },
        Effect: "Allow",
        Sid: "",
      },
      Version: "2012-10-17",
    });
    expect(canonicalize(text)).to.equal(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root"]},' +
        `"Action":["aps:getseries","aps:remotewrite"],"Resource":["${WORKSPACE_ARN}"]}]}`,
    );
  });

  it("is idempotent", () => {
    const once = canonicalize(
      doc({
        Principal: { AWS: ["123456789012", "*"] },
        Condition: { Bool: { "aws:SecureTransport": true } },
      }),
    );
    expect(canonicalize(once)).to.equal(once);
  });

  it("writes a valid document as a valid document that is equivalent to it", () => {
    const text = doc({ Sid: "", Principal: { AWS: "123456789012" }, Action: "APS:RemoteWrite" });
    const canonical = canonicalize(text);
    expect(validatePolicyDocument(canonical).ok).to.equal(true);
    expect(equivalent(canonical, text)).to.equal(true);
  });

  it("throws a PolicyDocumentSyntaxError that says where, for text that is not JSON", () => {
    expect(() => canonicalize('{"Version": }')).to.throw(PolicyDocumentSyntaxError, /line 1, column 13/);
  });
});
