/** validatePolicyDocument: one table row per rule, each asserting where the problem is and why. */

import {
  MAX_POLICY_DOCUMENT_LENGTH,
  type PolicyContext,
  type PolicyProblem,
  policyDocumentErrors,
  validatePolicyDocument,
} from "@awsamp/core/policy";
import { expect } from "chai";
import {
  CONTEXT,
  documentText,
  type Json,
  OTHER_WORKSPACE_ARN,
  pathsOf,
  statement,
  WORKSPACE_ACCOUNT,
  WORKSPACE_ARN,
  WORKSPACE_ID,
} from "./documents";

type Expected = [path: string, reason: RegExp];

interface ValidationCase {
  name: string;
  text: string;
  context?: PolicyContext;
  errors?: Expected[];
  warnings?: Expected[];
}

/** A document with one statement: the clean one with these fields changed (`undefined` removes one). */
function withStatement(fields: Record<string, Json | undefined>): string {
  return documentText(statement(fields));
}

function withPrincipal(principal: Json): string {
  return withStatement({ Principal: principal });
}

const S0 = "$.Statement[0]";

const syntaxCases: ValidationCase[] = [
  {
    name: "reports a syntax error with its line and column",
    text: '{"Version": "2012-10-17",\n  "Statement": [}',
    errors: [["$", /not valid JSON: unexpected '}' where a value should be at line 2, column 17/]],
  },
  {
    name: "reports a document cut short",
    text: '{"Version": "2012-10-17"',
    errors: [["$", /the text ends early.*line 1, column 25/]],
  },
  {
    name: "reports text after the document",
    text: `${documentText(statement())} x`,
    errors: [["$", /unexpected text after the end of the document/]],
  },
  {
    name: "refuses JSON that is not an object",
    text: "[]",
    errors: [["$", /must be a JSON object with Version and Statement.*; found a list/]],
  },
  {
    name: "warns of a key given twice, which JSON parsers resolve silently",
    text: `{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": ${JSON.stringify([statement()])}}`,
    warnings: [["$.Version", /appears more than once/]],
  },
  {
    name: "refuses a document over the size limit and names the limit",
    text: documentText(statement()).replace("{", `{${" ".repeat(MAX_POLICY_DOCUMENT_LENGTH)}`),
    errors: [["$", /over the limit of 10240/]],
  },
];

const documentCases: ValidationCase[] = [
  { name: "accepts Version 2012-10-17", text: documentText(statement()) },
  {
    name: "accepts Version 2008-10-17",
    text: JSON.stringify({ Version: "2008-10-17", Statement: [statement()] }),
  },
  {
    name: "warns that a document without Version gets the 2008-10-17 rules",
    text: JSON.stringify({ Statement: [statement()] }),
    warnings: [["$.Version", /2008-10-17 rules, which know no policy variables/]],
  },
  {
    name: "refuses an unknown Version",
    text: JSON.stringify({ Version: "2012-10-18", Statement: [statement()] }),
    errors: [["$.Version", /must be "2012-10-17" or "2008-10-17"; found the string "2012-10-18"/]],
  },
  {
    name: "refuses a Version that is not a string",
    text: JSON.stringify({ Version: 2012, Statement: [statement()] }),
    errors: [["$.Version", /found the number 2012/]],
  },
  {
    name: "accepts a string Id",
    text: JSON.stringify({ Version: "2012-10-17", Id: "amp-policy", Statement: [statement()] }),
  },
  {
    name: "refuses an Id that is not a string",
    text: JSON.stringify({ Version: "2012-10-17", Id: 5, Statement: [statement()] }),
    errors: [["$.Id", /Id must be a string/]],
  },
  {
    name: "refuses an unknown top-level key, suggesting the likely one and listing the allowed ones",
    text: JSON.stringify({ Version: "2012-10-17", Statements: [statement()] }),
    errors: [
      ["$.Statements", /unknown key "Statements".*did you mean "Statement"\?.*Version, Id and Statement/],
      ["$.Statement", /there is no Statement/],
    ],
  },
  {
    name: "refuses an empty Statement list",
    text: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
    errors: [["$.Statement", /empty list/]],
  },
  {
    name: "refuses a Statement that is neither an object nor a list",
    text: JSON.stringify({ Version: "2012-10-17", Statement: "Allow" }),
    errors: [["$.Statement", /statement object or a list of them; found the string "Allow"/]],
  },
  {
    name: "accepts a single statement object and reports paths inside it without an index",
    text: JSON.stringify({ Version: "2012-10-17", Statement: statement({ Effect: "allow" }) }),
    errors: [["$.Statement.Effect", /"Allow" or "Deny"/]],
  },
  {
    name: "refuses a statement that is not an object",
    text: documentText(statement(), 5),
    errors: [["$.Statement[1]", /a statement must be an object.*found the number 5/]],
  },
];

const statementCases: ValidationCase[] = [
  {
    name: "refuses a statement without Effect",
    text: withStatement({ Effect: undefined }),
    errors: [[`${S0}.Effect`, /Effect is missing; set it to "Allow" or "Deny"/]],
  },
  {
    name: "refuses an Effect in the wrong case",
    text: withStatement({ Effect: "allow" }),
    errors: [[`${S0}.Effect`, /must be "Allow" or "Deny", spelled so; found the string "allow"/]],
  },
  { name: "accepts Deny", text: withStatement({ Effect: "Deny" }) },
  {
    name: "refuses a statement that names no principal",
    text: withStatement({ Principal: undefined }),
    errors: [[S0, /names no Principal: a resource-based policy must name who it applies to/]],
  },
  {
    name: "refuses a statement with both Principal and NotPrincipal",
    text: withStatement({ NotPrincipal: { AWS: "123456789012" } }),
    errors: [[S0, /both Principal and NotPrincipal/]],
  },
  {
    name: "refuses a statement that names no action",
    text: withStatement({ Action: undefined }),
    errors: [[S0, /names no Action/]],
  },
  {
    name: "refuses a statement with both Action and NotAction",
    text: withStatement({ NotAction: "aps:QueryMetrics" }),
    errors: [[S0, /both Action and NotAction/]],
  },
  {
    name: "refuses a statement with both Resource and NotResource",
    text: withStatement({ NotResource: WORKSPACE_ARN }),
    errors: [[S0, /both Resource and NotResource/]],
  },
  {
    name: "warns of a statement without Resource, naming the workspace ARN to add",
    text: withStatement({ Resource: undefined }),
    context: CONTEXT,
    warnings: [[S0, new RegExp(`names no Resource.*"Resource": "${WORKSPACE_ARN}"`)]],
  },
  {
    name: "refuses an unknown statement key, naming the allowed ones",
    text: withStatement({ Foo: 1 }),
    errors: [
      [`${S0}.Foo`, /unknown key "Foo" in a statement; the allowed keys are Sid, Effect, .* and Condition/],
    ],
  },
  {
    name: "points out a statement key in the wrong case",
    text: withStatement({ Effect: undefined, effect: "Allow" }),
    errors: [
      [`${S0}.effect`, /did you mean "Effect"\? Keys are case-sensitive/],
      [`${S0}.Effect`, /Effect is missing/],
    ],
  },
  {
    name: "suggests the key a misspelt one stands for",
    text: withStatement({ Resource: undefined, Resources: WORKSPACE_ARN }),
    errors: [[`${S0}.Resources`, /did you mean "Resource"\?/]],
    warnings: [[S0, /names no Resource/]],
  },
  {
    name: "refuses a Sid that is not a string",
    text: withStatement({ Sid: 7 }),
    errors: [[`${S0}.Sid`, /Sid must be a string/]],
  },
  {
    name: "refuses a Sid used twice, naming the statement that has it",
    text: documentText(statement({ Sid: "A" }), statement({ Sid: "A", Action: "aps:QueryMetrics" })),
    errors: [["$.Statement[1].Sid", /Sid "A" is already used by \$\.Statement\[0\]/]],
  },
  {
    name: 'accepts several statements with Sid "", as iam.getPolicyDocument writes them',
    text: documentText(statement({ Sid: "" }), statement({ Sid: "", Action: "aps:QueryMetrics" })),
  },
  {
    name: "accepts a statement without Sid",
    text: withStatement({ Sid: undefined }),
  },
];

const principalCases: ValidationCase[] = [
  { name: 'accepts Principal "*"', text: withPrincipal("*") },
  {
    name: "refuses a Principal that is a bare ARN string",
    text: withPrincipal("arn:aws:iam::123456789012:root"),
    errors: [[`${S0}.Principal`, /must be "\*" or an object such as \{"AWS": .*found the string/]],
  },
  {
    name: "refuses a Principal object that names no one",
    text: withPrincipal({}),
    errors: [[`${S0}.Principal`, /names no principals/]],
  },
  {
    name: "refuses an unknown principal kind, suggesting the likely one",
    text: withPrincipal({ Aws: "123456789012" }),
    errors: [
      [
        `${S0}.Principal.Aws`,
        /unknown key "Aws".*did you mean "AWS"\?.*AWS, Service, Federated and CanonicalUser/,
      ],
    ],
  },
  {
    name: "refuses an empty principal list",
    text: withPrincipal({ AWS: [] }),
    errors: [[`${S0}.Principal.AWS`, /Principal\.AWS is an empty list/]],
  },
  {
    name: "refuses an account ID written as a number",
    text: withPrincipal({ AWS: [123456789012] }),
    errors: [[`${S0}.Principal.AWS[0]`, /must be a string; found the number 123456789012/]],
  },
  {
    name: "accepts account IDs, root, user, role, assumed-role and federated-user ARNs in any partition, and *",
    text: withPrincipal({
      AWS: [
        "123456789012",
        "*",
        "arn:aws:iam::123456789012:root",
        "arn:aws:iam::123456789012:user/division/alice",
        "arn:aws:iam::123456789012:role/service-role/prometheus",
        "arn:aws:sts::123456789012:assumed-role/prometheus/session-1",
        "arn:aws:sts::123456789012:federated-user/bob",
        "arn:aws-cn:iam::123456789012:root",
        "arn:aws-us-gov:iam::123456789012:role/reader",
      ],
    }),
  },
  {
    name: "refuses an account ID without 12 digits",
    text: withPrincipal({ AWS: ["12345"] }),
    errors: [[`${S0}.Principal.AWS[0]`, /"12345" is not an AWS account ID: account IDs have 12 digits/]],
  },
  {
    name: "refuses an IAM group, which cannot be a principal",
    text: withPrincipal({ AWS: "arn:aws:iam::123456789012:group/developers" }),
    errors: [
      [`${S0}.Principal.AWS`, /is not an AWS principal: use a 12-digit account ID, "\*", or an IAM ARN/],
    ],
  },
  {
    name: "refuses a wildcard inside a principal ARN",
    text: withPrincipal({ AWS: "arn:aws:iam::123456789012:role/*" }),
    errors: [[`${S0}.Principal.AWS`, /cannot hold a wildcard.*aws:PrincipalArn/]],
  },
  {
    name: "refuses a principal ARN with a region",
    text: withPrincipal({ AWS: "arn:aws:iam:us-east-1:123456789012:root" }),
    errors: [[`${S0}.Principal.AWS`, /is not an AWS principal/]],
  },
  {
    name: "refuses an ARN of another service as an AWS principal",
    text: withPrincipal({ AWS: "arn:aws:s3:::bucket" }),
    errors: [[`${S0}.Principal.AWS`, /is not an AWS principal/]],
  },
  {
    name: "accepts service principals of AWS service domains",
    text: withPrincipal({
      Service: ["grafana.amazonaws.com", "ec2.amazonaws.com.cn", "delivery.logs.amazonaws.com"],
    }),
  },
  {
    name: "refuses a service principal without its domain",
    text: withPrincipal({ Service: "grafana" }),
    errors: [[`${S0}.Principal.Service`, /"grafana" is not a service principal.*grafana\.amazonaws\.com/]],
  },
  {
    name: "accepts federated principals: provider ARNs and domains",
    text: withPrincipal({
      Federated: ["arn:aws:iam::123456789012:saml-provider/okta", "cognito-identity.amazonaws.com"],
    }),
  },
  {
    name: "refuses a federated principal that is neither",
    text: withPrincipal({ Federated: "my provider" }),
    errors: [[`${S0}.Principal.Federated`, /is not a federated principal/]],
  },
  {
    name: "accepts a canonical user ID",
    text: withPrincipal({
      CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
    }),
  },
  {
    name: "refuses a canonical user ID of the wrong form",
    text: withPrincipal({ CanonicalUser: "abc" }),
    errors: [[`${S0}.Principal.CanonicalUser`, /64 hexadecimal digits/]],
  },
  {
    name: "checks NotPrincipal as it checks Principal",
    text: withStatement({ Principal: undefined, NotPrincipal: { AWS: "alice" } }),
    errors: [[`${S0}.NotPrincipal.AWS`, /"alice" is not an AWS principal/]],
  },
];

// Which actions AMP takes, and what is said of the others, is ampActions.test.ts's; here, the grammar.
const actionCases: ValidationCase[] = [
  { name: "accepts a single action string", text: withStatement({ Action: "aps:RemoteWrite" }) },
  {
    name: "refuses an empty action list",
    text: withStatement({ Action: [] }),
    errors: [[`${S0}.Action`, /Action is an empty list/]],
  },
  {
    name: "refuses an action without its service prefix",
    text: withStatement({ Action: ["aps:RemoteWrite", "RemoteWrite"] }),
    errors: [[`${S0}.Action[1]`, /"RemoteWrite" is not an action: write service:Action/]],
  },
  {
    name: "refuses a wildcard in the service prefix",
    text: withStatement({ Action: "ap*:RemoteWrite" }),
    errors: [[`${S0}.Action`, /is not an action/]],
  },
  {
    name: "refuses an action that is not a string",
    text: withStatement({ Action: [true] }),
    errors: [[`${S0}.Action[0]`, /each entry of Action must be a string; found the boolean true/]],
  },
  {
    name: "checks NotAction entries too",
    text: withStatement({ Action: undefined, NotAction: "write" }),
    errors: [[`${S0}.NotAction`, /"write" is not an action/]],
  },
];

const resourceCases: ValidationCase[] = [
  {
    name: "accepts the workspace's own ARN",
    text: withStatement({ Resource: [WORKSPACE_ARN] }),
    context: CONTEXT,
  },
  {
    name: "refuses another workspace's ARN where the workspace ID is known",
    text: withStatement({ Resource: OTHER_WORKSPACE_ARN }),
    context: { workspaceId: WORKSPACE_ID },
    errors: [
      [
        `${S0}.Resource`,
        new RegExp(`names workspace ws-0f1e2d3c.*but this policy is for workspace ${WORKSPACE_ID}`),
      ],
    ],
  },
  {
    name: "refuses another workspace's ARN where the workspace ARN is known, naming the one to use",
    text: withStatement({ Resource: [WORKSPACE_ARN, OTHER_WORKSPACE_ARN] }),
    context: CONTEXT,
    errors: [[`${S0}.Resource[1]`, new RegExp(`use ${WORKSPACE_ARN}$`)]],
  },
  {
    name: "accepts another workspace's ARN where the workspace is not known",
    text: withStatement({ Resource: OTHER_WORKSPACE_ARN }),
  },
  {
    name: "refuses the workspace's ID in another account",
    text: withStatement({ Resource: WORKSPACE_ARN.replace(WORKSPACE_ACCOUNT, "999999999999") }),
    context: CONTEXT,
    errors: [[`${S0}.Resource`, /names a workspace in account 999999999999/]],
  },
  {
    name: "refuses the workspace's ID in another region",
    text: withStatement({ Resource: WORKSPACE_ARN.replace("us-west-2", "eu-west-1") }),
    context: CONTEXT,
    errors: [[`${S0}.Resource`, /names a workspace in region eu-west-1/]],
  },
  {
    name: "warns of a workspace pattern that matches the workspace",
    text: withStatement({ Resource: `arn:aws:aps:us-west-2:${WORKSPACE_ACCOUNT}:workspace/*` }),
    context: CONTEXT,
    warnings: [[`${S0}.Resource`, /holds a wildcard.*name the workspace exactly/]],
  },
  {
    name: "refuses a workspace pattern that does not match the workspace",
    text: withStatement({ Resource: `arn:aws:aps:us-west-2:${WORKSPACE_ACCOUNT}:workspace/ws-0000*` }),
    context: CONTEXT,
    errors: [[`${S0}.Resource`, /names workspace ws-0000\*/]],
  },
  {
    name: 'warns that AMP may refuse Resource "*"',
    text: withStatement({ Resource: "*" }),
    context: CONTEXT,
    warnings: [[`${S0}.Resource`, /Resource "\*": AMP requires the policy's resource to be the workspace/]],
  },
  {
    name: "warns that AMP may refuse an ARN of another service",
    text: withStatement({ Resource: "arn:aws:s3:::metrics-bucket" }),
    warnings: [[`${S0}.Resource`, /is not an AMP workspace.*may refuse it/]],
  },
  {
    name: "warns of an AMP resource that is not a workspace",
    text: withStatement({
      Resource: `arn:aws:aps:us-west-2:${WORKSPACE_ACCOUNT}:rulegroupsnamespace/${WORKSPACE_ID}/rules`,
    }),
    warnings: [[`${S0}.Resource`, /names an AMP resource that is not a workspace/]],
  },
  {
    name: "refuses a malformed ARN",
    text: withStatement({ Resource: ["arn:aws:aps", "workspace/ws-1"] }),
    errors: [
      [`${S0}.Resource[0]`, /"arn:aws:aps" is not a well-formed ARN/],
      [`${S0}.Resource[1]`, /is not a well-formed ARN/],
    ],
  },
  {
    name: "warns of NotResource and checks its ARNs",
    text: withStatement({ Resource: undefined, NotResource: ["not-an-arn"] }),
    errors: [[`${S0}.NotResource[0]`, /is not a well-formed ARN/]],
    warnings: [[`${S0}.NotResource`, /NotResource applies the statement to every resource except these/]],
  },
];

const conditionCases: ValidationCase[] = [
  {
    name: "accepts conditions with lists, booleans, numbers, set qualifiers and IfExists",
    text: withStatement({
      Condition: {
        StringEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5", "o-f6g7h8i9j0"] },
        Bool: { "aws:SecureTransport": true },
        NumericLessThan: { "aws:MultiFactorAuthAge": 3600 },
        "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/*"] },
        StringEqualsIfExists: { "aws:SourceAccount": WORKSPACE_ACCOUNT },
        Null: { "aws:SourceArn": "false" },
      },
    }),
  },
  {
    name: "refuses a Condition that is not an object",
    text: withStatement({ Condition: ["StringEquals"] }),
    errors: [[`${S0}.Condition`, /Condition must be an object of operators/]],
  },
  {
    name: "refuses an operator whose block is not an object",
    text: withStatement({ Condition: { StringEquals: "aws:SourceAccount" } }),
    errors: [[`${S0}.Condition.StringEquals`, /the StringEquals block must be an object of condition keys/]],
  },
  {
    name: "refuses a null condition value, with the key's path quoted",
    text: withStatement({ Condition: { StringEquals: { "aws:SourceAccount": null } } }),
    errors: [
      [
        `${S0}.Condition.StringEquals["aws:SourceAccount"]`,
        /must be a string, boolean or number.*found null/,
      ],
    ],
  },
  {
    name: "refuses an empty list of condition values",
    text: withStatement({ Condition: { StringEquals: { "aws:SourceAccount": [] } } }),
    errors: [[`${S0}.Condition.StringEquals["aws:SourceAccount"]`, /found an empty list/]],
  },
  {
    name: "refuses an object among condition values",
    text: withStatement({ Condition: { StringEquals: { "aws:SourceAccount": ["1", { a: 1 }] } } }),
    errors: [[`${S0}.Condition.StringEquals["aws:SourceAccount"][1]`, /found an object/]],
  },
  {
    name: "warns of an unknown condition operator, suggesting the likely one",
    text: withStatement({ Condition: { StringEqual: { "aws:SourceAccount": WORKSPACE_ACCOUNT } } }),
    warnings: [
      [
        `${S0}.Condition.StringEqual`,
        /not a condition operator IAM documents \(did you mean "StringEquals"\?\)/,
      ],
    ],
  },
  {
    name: "warns of Null with IfExists, which IAM does not define",
    text: withStatement({ Condition: { NullIfExists: { "aws:SourceArn": "true" } } }),
    warnings: [[`${S0}.Condition.NullIfExists`, /not a condition operator/]],
  },
  {
    name: "warns of an operator block that tests nothing",
    text: withStatement({ Condition: { StringEquals: {} } }),
    warnings: [[`${S0}.Condition.StringEquals`, /names no condition keys/]],
  },
];

function expectProblems(
  problems: readonly PolicyProblem[],
  severity: PolicyProblem["severity"],
  expected: Expected[],
) {
  expect(pathsOf(problems, severity), `${severity} paths`).to.deep.equal(
    expected.map(([path]) => path).sort(),
  );
  for (const [path, reason] of expected) {
    const messages = problems.filter((p) => p.severity === severity && p.path === path).map((p) => p.message);
    expect(
      messages.some((message) => reason.test(message)),
      `a ${severity} at ${path} matching ${reason}; got ${JSON.stringify(messages)}`,
    ).to.equal(true);
  }
}

describe("validatePolicyDocument", () => {
  const tables: [string, ValidationCase[]][] = [
    ["JSON text", syntaxCases],
    ["the document", documentCases],
    ["statements", statementCases],
    ["principals", principalCases],
    ["actions", actionCases],
    ["resources", resourceCases],
    ["conditions", conditionCases],
  ];
  for (const [topic, cases] of tables) {
    describe(topic, () => {
      for (const row of cases) {
        it(row.name, () => {
          const result = validatePolicyDocument(row.text, row.context);
          const problems = result.ok ? result.warnings : result.problems;
          expectProblems(problems, "error", row.errors ?? []);
          expectProblems(problems, "warning", row.warnings ?? []);
          expect(result.ok).to.equal((row.errors ?? []).length === 0);
        });
      }
    });
  }

  it("accepts a document of exactly the size limit", () => {
    const text = documentText(statement());
    const padded = text.replace("{", `{${" ".repeat(MAX_POLICY_DOCUMENT_LENGTH - text.length)}`);
    expect(padded.length).to.equal(MAX_POLICY_DOCUMENT_LENGTH);
    expect(validatePolicyDocument(padded).ok).to.equal(true);
  });

  it("returns the parsed document when it is valid", () => {
    const result = validatePolicyDocument(documentText(statement()), CONTEXT);
    expect(result).to.deep.equal({
      ok: true,
      document: { Version: "2012-10-17", Statement: [statement()] },
      warnings: [],
    });
  });

  it("reports every problem at once, not only the first", () => {
    const result = validatePolicyDocument(
      documentText(statement({ Effect: "Maybe", Action: [], Principal: { AWS: "x" } })),
      CONTEXT,
    );
    expect(result.ok).to.equal(false);
    expect(result.ok ? [] : pathsOf(result.problems, "error")).to.deep.equal([
      `${S0}.Action`,
      `${S0}.Effect`,
      `${S0}.Principal.AWS`,
    ]);
  });
});

describe("policyDocumentErrors", () => {
  const errorsOf = (text: string, context?: PolicyContext) => {
    const result = validatePolicyDocument(text, context);
    return result.ok ? [] : result.problems.filter((problem) => problem.severity === "error");
  };
  const rows = [
    ...syntaxCases,
    ...documentCases,
    ...statementCases,
    ...principalCases,
    ...actionCases,
    ...resourceCases,
    ...conditionCases,
  ];

  it("finds exactly the errors validatePolicyDocument finds, in its order, for every row above", () => {
    for (const row of rows) {
      expect(policyDocumentErrors(row.text, row.context), row.name).to.deep.equal(
        errorsOf(row.text, row.context),
      );
    }
  });

  it("finds a document over the size limit, also when it is not JSON", () => {
    const long = documentText(statement({ Sid: "x".repeat(MAX_POLICY_DOCUMENT_LENGTH) }));
    for (const text of [long, `${long.slice(0, -1)},`]) {
      expect(policyDocumentErrors(text, CONTEXT)).to.deep.equal(errorsOf(text, CONTEXT));
      expect(policyDocumentErrors(text, CONTEXT)).to.have.length.of.at.least(1);
    }
  });
});
