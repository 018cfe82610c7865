/** allowedPrincipalViolations and publicGrantViolations: whom a policy may grant to. */
import { ALLOWED_PRINCIPALS_DEFAULTS, type AllowedPrincipalsConfig } from "@awsamp/policy-pack/policyConfig";
import { allowedPrincipalViolations, publicGrantViolations } from "@awsamp/policy-pack/principalRules";
import { type Json, statement, WORKSPACE_ACCOUNT } from "../core/policy/documents";
import {
  checked,
  type Expected,
  expectViolations,
  ORG,
  OTHER_ORG,
  orgCondition,
  PARTNER_ACCOUNT,
  S0,
} from "./rules";

const CONFIG: AllowedPrincipalsConfig = {
  accounts: [WORKSPACE_ACCOUNT, PARTNER_ACCOUNT],
  organizations: [ORG],
  services: ["grafana.amazonaws.com"],
};

interface Case {
  name: string;
  statements: Json[];
  config?: AllowedPrincipalsConfig;
  violations: Expected[];
}

const allowedCases: Case[] = [
  {
    name: "passes accounts of the list, by ID, root ARN or role ARN, and listed services",
    statements: [
      statement({
        Principal: {
          AWS: [
            WORKSPACE_ACCOUNT,
            `arn:aws:iam::${PARTNER_ACCOUNT}:root`,
            `arn:aws:iam::${PARTNER_ACCOUNT}:role/Grafana`,
          ],
          Service: "grafana.amazonaws.com",
        },
      }),
    ],
    violations: [],
  },
  {
    name: "names an account not on the list, with the path of its element and what it would be granted",
    statements: [
      statement({ Principal: { AWS: [WORKSPACE_ACCOUNT, "arn:aws:iam::999988887777:role/Reader"] } }),
    ],
    violations: [
      [
        `${S0}.Principal.AWS[1]`,
        /^"arn:aws:iam::999988887777:role\/Reader" is in account 999988887777, which is not an allowed account \(allowed: 111122223333 and 444455556666\); add the account to accounts in allowed-principals in the pack's config.*; it would be granted aps:RemoteWrite$/,
      ],
    ],
  },
  {
    name: "says the config allows none when it lists no accounts",
    statements: [statement()],
    config: ALLOWED_PRINCIPALS_DEFAULTS,
    violations: [[`${S0}.Principal.AWS`, /not an allowed account \(the config allows none\)/]],
  },
  {
    name: "names a service not on the list, with the one meant",
    statements: [statement({ Principal: { Service: "grafanna.amazonaws.com" } })],
    violations: [
      [
        `${S0}.Principal.Service`,
        /"grafanna.amazonaws.com" is not an allowed service .* did you mean grafana.amazonaws.com\?/,
      ],
    ],
  },
  {
    name: "refuses federated and canonical users, which no list allows",
    statements: [statement({ Principal: { Federated: "cognito-identity.amazonaws.com" } })],
    violations: [
      [`${S0}.Principal.Federated`, /Federated principal "cognito-identity.amazonaws.com" is not allowed/],
    ],
  },
  {
    name: 'refuses "*" without a Condition on the organisation',
    statements: [statement({ Principal: "*" })],
    violations: [
      [
        `${S0}.Principal`,
        /"\*" is anyone, which is allowed only in a statement whose Condition requires aws:PrincipalOrgID/,
      ],
    ],
  },
  {
    name: 'passes "*" and any account when the Condition pins an allowed organisation',
    statements: [
      statement({ Principal: "*", Condition: orgCondition(ORG) }),
      statement({ Principal: { AWS: "999988887777" }, Condition: orgCondition([ORG]) }),
    ],
    violations: [],
  },
  {
    name: "names an organisation not on the list, at its place in the Condition",
    statements: [statement({ Principal: { AWS: "*" }, Condition: orgCondition([ORG, OTHER_ORG]) })],
    violations: [
      [
        `${S0}.Condition.StringEquals["aws:PrincipalOrgID"][1]`,
        /^aws:PrincipalOrgID "o-f6g7h8i9j0" is not an allowed organisation \(allowed: o-a1b2c3d4e5\)/,
      ],
    ],
  },
  {
    name: "does not count a Condition that lets others through (IfExists) as pinning the organisation",
    statements: [statement({ Principal: "*", Condition: orgCondition(ORG, "StringEqualsIfExists") })],
    violations: [[`${S0}.Principal`, /"\*" is anyone/]],
  },
  {
    name: "refuses Allow with NotPrincipal",
    statements: [statement({ Principal: undefined, NotPrincipal: { AWS: PARTNER_ACCOUNT } })],
    violations: [[`${S0}.NotPrincipal`, /Allow with NotPrincipal grants aps:RemoteWrite to everyone except/]],
  },
  {
    name: "leaves Deny statements alone: they take access away",
    statements: [statement(), statement({ Effect: "Deny", Principal: "*" })],
    violations: [],
  },
];

const publicCases: Case[] = [
  {
    name: "passes grants to named principals",
    statements: [statement()],
    violations: [],
  },
  {
    name: 'refuses "*" with no Condition, saying what anyone could do and the Condition to add',
    statements: [statement({ Principal: "*", Action: ["aps:QueryMetrics", "aps:GetSeries"] })],
    violations: [
      [
        `${S0}.Principal`,
        /^"\*" grants aps:QueryMetrics and aps:GetSeries to anyone with an AWS account, with no Condition that narrows it to your organisation; add "Condition": \{"StringEquals": \{"aws:PrincipalOrgID": "o-…"\}\}/,
      ],
    ],
  },
  {
    name: 'refuses {"AWS": "*"} inside a list, at its element',
    statements: [statement({ Principal: { AWS: [WORKSPACE_ACCOUNT, "*"] } })],
    violations: [[`${S0}.Principal.AWS[1]`, /^"\*" grants aps:RemoteWrite to anyone/]],
  },
  {
    name: "refuses a Condition on something else than the organisation",
    statements: [statement({ Principal: "*", Condition: { StringEquals: { "aws:SourceVpc": "vpc-1" } } })],
    violations: [[`${S0}.Principal`, /no Condition that narrows it to your organisation/]],
  },
  {
    name: "says why a Condition on the organisation does not narrow it: a negated operator, a wildcard",
    statements: [
      statement({ Principal: "*", Condition: orgCondition(ORG, "StringNotEquals") }),
      statement({ Principal: "*", Condition: orgCondition("o-*", "StringLike") }),
    ],
    violations: [
      [
        `${S0}.Principal`,
        /\(StringNotEquals on aws:PrincipalOrgID lets principals outside the organisation through\)/,
      ],
      [
        "$.Statement[1].Principal",
        /\(StringLike on aws:PrincipalOrgID with a wildcard matches any organisation\)/,
      ],
    ],
  },
  {
    name: "passes anyone pinned to an organisation, whatever the organisation (allowed-principals judges that)",
    statements: [
      statement({ Principal: "*", Condition: orgCondition(OTHER_ORG) }),
      statement({ Principal: "*", Condition: { StringLike: { "AWS:principalorgid": [ORG] } } }),
    ],
    violations: [],
  },
  {
    name: "refuses Allow with NotPrincipal, which grants to anyone but those named",
    statements: [statement({ Principal: undefined, NotPrincipal: { AWS: PARTNER_ACCOUNT } })],
    violations: [[`${S0}.NotPrincipal`, /^Allow with NotPrincipal grants aps:RemoteWrite to anyone/]],
  },
];

describe("policy pack: principal rules", () => {
  describe("allowedPrincipalViolations", () => {
    for (const { name, statements, config, violations } of allowedCases) {
      it(name, () => {
        const found = allowedPrincipalViolations(checked(...statements).document, config ?? CONFIG);
        expectViolations(found, violations);
      });
    }
  });

  describe("publicGrantViolations", () => {
    for (const { name, statements, violations } of publicCases) {
      it(name, () => {
        const found = publicGrantViolations(checked(...statements).document);
        expectViolations(found, violations);
      });
    }
  });
});
