/** The shapes of a resource policy document, spelled as IAM spells them, and of what the module reports. */

/** The policy language versions IAM knows. Without one, IAM applies 2008-10-17 (no policy variables). */
export type PolicyVersion = "2012-10-17" | "2008-10-17";

/** One value or a list of values: IAM reads `"x"` and `["x"]` alike. */
export type OneOrMany<T> = T | T[];

/** Who a statement applies to, by kind; each kind takes one identifier or a list. */
export interface PrincipalMap {
  /** 12-digit account IDs, IAM ARNs (`arn:aws:iam::123456789012:root`, `…:role/NAME`), or `"*"`. */
  AWS?: OneOrMany<string>;
  /** Service principals such as `grafana.amazonaws.com`. */
  Service?: OneOrMany<string>;
  /** Identity providers: SAML or OIDC provider ARNs, or domains such as `cognito-identity.amazonaws.com`. */
  Federated?: OneOrMany<string>;
  /** Canonical user IDs (64 hexadecimal digits). */
  CanonicalUser?: OneOrMany<string>;
}

/** A statement's Principal or NotPrincipal: everyone (`"*"`) or principals by kind. */
export type Principal = "*" | PrincipalMap;

/** A value a condition compares with; IAM compares booleans and numbers as their text. */
export type ConditionValue = string | boolean | number;

/** A statement's Condition: `{ Operator: { "condition:key": value or values } }`. */
export type Condition = Record<string, Record<string, OneOrMany<ConditionValue>>>;

/**
 * One statement of a resource policy.
 *
 * @example
 * const statement: PolicyStatement = {
 *   Effect: "Allow",
 *   Principal: { AWS: "arn:aws:iam::123456789012:root" },
 *   Action: ["aps:RemoteWrite", "aps:QueryMetrics"],
 *   Resource: "arn:aws:aps:us-east-1:111122223333:workspace/ws-12345678-90ab-cdef-1234-567890abcdef",
 * };
 */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: Principal;
  NotPrincipal?: Principal;
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Condition?: Condition;
}

/**
 * A resource policy document, as an object a program can write instead of JSON text.
 *
 * @example
 * const policy: PolicyDocument = { Version: "2012-10-17", Statement: [statement] };
 */
export interface PolicyDocument {
  Version?: PolicyVersion;
  Id?: string;
  Statement: OneOrMany<PolicyStatement>;
}

/** A policy document as JSON text or as an object. */
export type PolicyInput = string | PolicyDocument;

/**
 * The lint rules, by the name a resource accepts one with (`acceptedWarnings`): each warning comes from one.
 */
export const LINT_RULES = {
  "duplicate-key": "a key that appears more than once in its object",
  "no-version": "a document without Version",
  "resource-not-workspace": 'a Resource that is absent, "*", a wildcard or not the workspace',
  "unknown-condition-operator": "a condition operator IAM does not document",
  "empty-condition": "a condition block that names no keys",
  "allow-not-action": "Allow with NotAction",
  "public-grant": "an Allow to anyone without a Condition",
  "allow-not-principal": "Allow with NotPrincipal",
  "cross-account-kms": "a grant to another account, which also needs KMS grants for a customer-managed key",
} as const;

export type LintRule = keyof typeof LINT_RULES;

/** One thing wrong with (error) or doubtful about (warning) a document. */
export interface PolicyProblem {
  severity: "error" | "warning";
  /** The lint rule a warning comes from. */
  rule?: LintRule;
  /** Where in the document, as a JSON path such as `$.Statement[1].Principal.AWS[0]`. */
  path: string;
  /** What is wrong and what to do. */
  message: string;
}

/** What is known about the workspace the policy is for; lets checks compare the policy's resource with it. */
export interface PolicyContext {
  workspaceId?: string;
  /** `arn:PARTITION:aps:REGION:ACCOUNT:workspace/ID`; also tells the workspace's account. */
  workspaceArn?: string;
}

/** The verdict of validatePolicyDocument: the parsed document and its warnings, or every problem found. */
export type ValidationResult =
  | { ok: true; document: PolicyDocument; warnings: PolicyProblem[] }
  | { ok: false; problems: PolicyProblem[] };

/** What a provider's Check reports: errors refuse the document; warnings are shown and let it through. */
export interface PolicyCheck {
  errors: PolicyProblem[];
  warnings: PolicyProblem[];
  /** The parsed document, when there are no errors. */
  document?: PolicyDocument;
}

/** One permission a document gives or takes: one principal, one of the five Prometheus-compatible actions. */
export interface Grant {
  effect: "allow" | "deny";
  /**
   * `*` (anyone), `aws:*` (any AWS principal), an IAM ARN (account IDs as `arn:…:iam::ID:root`),
   * `service:NAME`, `federated:NAME`, `canonical-user:ID`, or `everyone except …` for NotPrincipal.
   */
  principal: string;
  /** One of the five Prometheus-compatible actions, as AWS spells it (`aps:RemoteWrite`). */
  action: string;
  /** True when the statement has a Condition, so the grant holds only when it is met. */
  conditional: boolean;
}

/** How access changes between two documents: the grants added and removed, and lines for a preview. */
export interface AccessChange {
  added: Grant[];
  removed: Grant[];
  /** `+ allow arn:aws:iam::123456789012:root aps:RemoteWrite`, `- allow service:grafana.amazonaws.com …`. */
  lines: string[];
}
