/** canonicalize and equivalent: what counts as the same document, and what does not. */

import {
  canonicalize,
  equivalent,
  type PolicyDocument,
  PolicyDocumentSyntaxError,
  validatePolicyDocument,
} from "@awsamp/core/policy";
import { expect } from "chai";
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

const ACCOUNT = "123456789012";
const PARTITIONS = ["aws", "aws-us-gov", "aws-cn", "aws-iso", "aws-iso-b"];

/** The account's root ARN in a partition. */
function root(partition: string, account = ACCOUNT): string {
  return `arn:${partition}:iam::${account}:root`;
}

/** The workspace's ARN in another partition. */
function workspaceIn(partition: string): string {
  return WORKSPACE_ARN.replace("arn:aws:", `arn:${partition}:`);
}

/** A one-statement document for any resource ("*"), so only its principals can name a partition. */
function anyResource(fields: Record<string, Json | undefined>): string {
  return doc({ Resource: "*", ...fields });
}

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
  ...PARTITIONS.map((partition): [string, string, string] => [
    `an account ID and its root ARN in ${partition}, where the Resource is "*"`,
    anyResource({ Principal: { AWS: ACCOUNT } }),
    anyResource({ Principal: { AWS: root(partition) } }),
  ]),
  [
    "an account ID and its root ARN in another partition, where there is no Resource",
    doc({ Principal: { AWS: ACCOUNT }, Resource: undefined }),
    doc({ Principal: { AWS: root("aws-us-gov") }, Resource: undefined }),
  ],
  [
    "an account ID and its root ARN in another partition, in NotPrincipal",
    anyResource({ Effect: "Deny", Principal: undefined, NotPrincipal: { AWS: ACCOUNT } }),
    anyResource({ Effect: "Deny", Principal: undefined, NotPrincipal: { AWS: root("aws-cn") } }),
  ],
  [
    'an account ID and its root ARN in the partition of the other principals, where the Resource is "*"',
    anyResource({ Principal: { AWS: [ACCOUNT, "arn:aws-us-gov:iam::444455556666:role/writer"] } }),
    anyResource({ Principal: { AWS: ["arn:aws-us-gov:iam::444455556666:role/writer", root("aws-us-gov")] } }),
  ],
  [
    'an account ID beside its own root ARN in another partition, where the Resource is "*"',
    anyResource({ Principal: { AWS: [ACCOUNT, root("aws-us-gov")] } }),
    anyResource({ Principal: { AWS: root("aws-us-gov") } }),
  ],
  [
    "an account ID and its root ARN in the partition of the resources, in GovCloud",
    doc({ Principal: { AWS: ACCOUNT }, Resource: workspaceIn("aws-us-gov") }),
    doc({ Principal: { AWS: root("aws-us-gov") }, Resource: workspaceIn("aws-us-gov") }),
  ],
  [
    "account IDs in one statement and root ARNs in another, where no Resource names a partition",
    documentText(
      statement({ Principal: { AWS: ACCOUNT }, Resource: "*" }),
      statement({ Sid: "Read", Principal: { AWS: root("aws-cn", "444455556666") }, Resource: "*" }),
    ),
    documentText(
      statement({ Principal: { AWS: root("aws-cn") }, Resource: "*" }),
      statement({ Sid: "Read", Principal: { AWS: "444455556666" }, Resource: "*" }),
    ),
  ],
  ['an absent Sid and Sid ""', doc({ Sid: undefined }), doc({ Sid: "" })],
  [
    "the case of condition key names",
    doc({
      Condition: {
        StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5", "aws:SourceAccount": "111122223333" },
      },
    }),
    doc({
      Condition: {
        StringEquals: { "aws:principalorgid": "o-a1b2c3d4e5", "AWS:SOURCEACCOUNT": "111122223333" },
      },
    }),
  ],
  [
    "the case of condition key names with their values reordered and duplicated",
    doc({ Condition: { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": ["o-a/*", "o-b/*"] } } }),
    doc({
      Condition: { "ForAnyValue:StringLike": { "AWS:principalOrgPaths": ["o-b/*", "o-a/*", "o-b/*"] } },
    }),
  ],
  [
    "the order of condition keys that differ only in case, in one block",
    doc({ Condition: { StringLike: { "aws:PrincipalArn": "a*", "AWS:PRINCIPALARN": "*b" } } }),
    doc({ Condition: { StringLike: { "AWS:PRINCIPALARN": "*b", "aws:PrincipalArn": "a*" } } }),
  ],
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
  ...PARTITIONS.flatMap((a, index) =>
    PARTITIONS.slice(index + 1).map((b): [string, string, string] => [
      `the root ARNs of one account in ${a} and in ${b}, where the Resource is "*"`,
      anyResource({ Principal: { AWS: root(a) } }),
      anyResource({ Principal: { AWS: root(b) } }),
    ]),
  ),
  [
    "an account ID and its root ARN in another partition than the resources'",
    doc({ Principal: { AWS: ACCOUNT }, Resource: workspaceIn("aws-us-gov") }),
    doc({ Principal: { AWS: root("aws") }, Resource: workspaceIn("aws-us-gov") }),
  ],
  [
    "an account ID and its root ARN in another partition than the other principals'",
    anyResource({ Principal: { AWS: [ACCOUNT, "arn:aws:iam::444455556666:role/writer"] } }),
    anyResource({ Principal: { AWS: [root("aws-us-gov"), "arn:aws:iam::444455556666:role/writer"] } }),
  ],
  [
    "an account ID beside its root ARN in one partition and the roots of two partitions",
    anyResource({ Principal: { AWS: [ACCOUNT, root("aws-us-gov")] } }),
    anyResource({ Principal: { AWS: [root("aws"), root("aws-us-gov")] } }),
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
  [
    "the case of a condition operator",
    doc({ Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } } }),
    doc({ Condition: { stringequals: { "aws:SourceAccount": "111122223333" } } }),
  ],
  [
    "the case of a StringEquals condition value",
    doc({ Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
    doc({ Condition: { StringEquals: { "aws:PrincipalOrgID": "O-A1B2C3D4E5" } } }),
  ],
  [
    "the case of a condition value, when the key's case differs too",
    doc({ Condition: { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/Writer" } } }),
    doc({ Condition: { StringLike: { "AWS:PRINCIPALARN": "arn:aws:iam::*:role/writer" } } }),
  ],
  [
    "two spellings of one condition key in a block and the key with both values",
    doc({ Condition: { StringLike: { "aws:PrincipalArn": "a*", "AWS:PRINCIPALARN": "*b" } } }),
    doc({ Condition: { StringLike: { "aws:PrincipalArn": ["a*", "*b"] } } }),
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

  it("reads account IDs in the other document's partition where the document names none", () => {
    // Both versions of one resource's policy live in the resource's partition, whatever either says.
    const bare = anyResource({ Principal: { AWS: ACCOUNT } });
    expect(equivalent(bare, anyResource({ Principal: { AWS: root("aws-us-gov") } }))).to.equal(true);
    expect(equivalent(bare, anyResource({ Principal: { AWS: root("aws-cn") } }))).to.equal(true);
    expect(
      equivalent(
        anyResource({ Principal: { AWS: root("aws-us-gov") } }),
        anyResource({ Principal: { AWS: root("aws-cn") } }),
      ),
    ).to.equal(false);
  });

  it("gives the same answers for texts it has seen, whatever document it saw them beside", () => {
    // Texts are worked out once and kept; a kept text must still be read in each peer's partition.
    const bare = anyResource({ Principal: { AWS: ACCOUNT } });
    const inAws = anyResource({ Principal: { AWS: root("aws") } });
    const inGov = anyResource({ Principal: { AWS: root("aws-us-gov") } });
    for (let pass = 0; pass < 2; pass++) {
      expect(canonicalize(bare), `pass ${pass}`).to.equal(canonicalize(inAws));
      expect(equivalent(bare, inGov), `pass ${pass}`).to.equal(true);
      expect(equivalent(bare, inAws), `pass ${pass}`).to.equal(true);
      expect(equivalent(inGov, inAws), `pass ${pass}`).to.equal(false);
      expect(equivalent("not json", bare), `pass ${pass}`).to.equal(false);
    }
  });

  it("compares JSON nested too deep to canonicalize as text, without throwing", () => {
    const deep = `{"Statement":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
    expect(equivalent(deep, deep)).to.equal(true);
    expect(equivalent(deep, `${deep} `)).to.equal(false);
    expect(() => canonicalize(deep)).to.throw(RangeError);
  });

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

  it("writes account IDs as root ARNs of the partition the principals name, where the resources name none", () => {
    const text = anyResource({ Principal: { AWS: [ACCOUNT, root("aws-us-gov"), "444455556666"] } });
    const reordered = anyResource({ Principal: { AWS: ["444455556666", root("aws-us-gov"), ACCOUNT] } });
    expect(canonicalize(text)).to.equal(
      '{"Version":"2012-10-17","Statement":[{"Sid":"Write","Effect":"Allow","Principal":{"AWS":' +
        `["${root("aws-us-gov")}","${root("aws-us-gov", "444455556666")}"]},` +
        '"Action":["aps:remotewrite"],"Resource":["*"]}]}',
    );
    expect(canonicalize(reordered)).to.equal(canonicalize(text));
    expect(canonicalize(anyResource({ Principal: { AWS: ACCOUNT } }))).to.include(`"${root("aws")}"`);
  });

  it("writes condition key names in lower case and their values as they are", () => {
    const text = doc({
      Condition: { StringEquals: { "aws:PrincipalOrgID": "O-Mixed", "aws:SourceAccount": "111122223333" } },
    });
    expect(canonicalize(text)).to.include(
      '"Condition":{"StringEquals":{"aws:principalorgid":["O-Mixed"],"aws:sourceaccount":["111122223333"]}}',
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

  it("is idempotent where account IDs take the principals' partition and keys differ only in case", () => {
    const once = canonicalize(
      anyResource({
        Principal: { AWS: [ACCOUNT, "arn:aws-cn:iam::444455556666:role/writer"] },
        Condition: { StringLike: { "aws:PrincipalArn": "a*", "AWS:PRINCIPALARN": "*b", "aws:UserId": "X" } },
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
