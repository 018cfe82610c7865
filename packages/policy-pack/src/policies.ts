/**
 * The pack's policies, each a rule with the enforcement level it has unless the config file sets another.
 * They are kept apart from the PolicyPack (index.ts), which starts a server as it is made.
 */
import { listOf } from "@awsamp/core/policy";
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { prometheusActionViolations } from "./actionRules";
import { crossAccountKmsViolations, documentErrorViolations, resourceViolations } from "./checkRules";
import {
  ALLOWED_PRINCIPALS_DEFAULTS,
  ALLOWED_PRINCIPALS_SCHEMA,
  type AllowedPrincipalsConfig,
  PROMETHEUS_ACTIONS_DEFAULTS,
  PROMETHEUS_ACTIONS_SCHEMA,
  type PrometheusActionsConfig,
  withDefaults,
} from "./config";
import { allowedPrincipalViolations, publicGrantViolations } from "./principalRules";
import { isResourceType, RESOURCE_TYPES, type Subject, subjectOf } from "./subject";
import { type Violation, violationMessage } from "./violation";

/** The policies' names, as the config file and the preview spell them. */
export const POLICY_NAMES = [
  "valid-policy-document",
  "allowed-principals",
  "no-public-grant",
  "prometheus-actions",
  "resource-is-workspace",
  "cross-account-kms",
] as const;

export type PolicyName = (typeof POLICY_NAMES)[number];

type KnownSubject = Extract<Subject, { known: true }>;

interface Rule {
  name: PolicyName;
  description: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: PolicyConfigSchema;
  violations(subject: KnownSubject, args: ResourceValidationArgs): Violation[];
}

const RULES: Rule[] = [
  {
    name: "valid-policy-document",
    description:
      "The policy document is one AMP accepts: JSON, a statement structure IAM knows, real principals.",
    enforcementLevel: "mandatory",
    violations: (subject) => documentErrorViolations(subject.check),
  },
  {
    name: "allowed-principals",
    description:
      "Grants go only to the accounts, organisations (through aws:PrincipalOrgID) and services the config lists.",
    enforcementLevel: "advisory",
    configSchema: ALLOWED_PRINCIPALS_SCHEMA,
    violations: (subject, args) =>
      documentOf(subject, (document) =>
        allowedPrincipalViolations(
          document,
          withDefaults(ALLOWED_PRINCIPALS_DEFAULTS, args.getConfig<Partial<AllowedPrincipalsConfig>>()),
        ),
      ),
  },
  {
    name: "no-public-grant",
    description: 'No grant to "*", {"AWS": "*"} or NotPrincipal without a Condition on aws:PrincipalOrgID.',
    enforcementLevel: "mandatory",
    violations: (subject) => documentOf(subject, publicGrantViolations),
  },
  {
    name: "prometheus-actions",
    description:
      "Only the five Prometheus-compatible actions, only those allowed, and no write to read-only principals.",
    enforcementLevel: "advisory",
    configSchema: PROMETHEUS_ACTIONS_SCHEMA,
    violations: (subject, args) =>
      documentOf(subject, (document) =>
        prometheusActionViolations(
          document,
          subject.check,
          withDefaults(PROMETHEUS_ACTIONS_DEFAULTS, args.getConfig<Partial<PrometheusActionsConfig>>()),
        ),
      ),
  },
  {
    name: "resource-is-workspace",
    description: "Each statement's Resource is the ARN of the workspace the policy is attached to.",
    enforcementLevel: "advisory",
    violations: (subject) => documentOf(subject, () => resourceViolations(subject.check)),
  },
  {
    name: "cross-account-kms",
    description:
      "A grant to another account reminds that a workspace with a customer-managed KMS key needs KMS grants too.",
    enforcementLevel: "advisory",
    violations: (subject) => documentOf(subject, () => crossAccountKmsViolations(subject.check)),
  },
];

/** The policies as @pulumi/policy takes them, each applying to every type RESOURCE_TYPES names. */
export const policies: ResourceValidationPolicy[] = RULES.map((rule) => ({
  name: rule.name,
  description: rule.description,
  enforcementLevel: rule.enforcementLevel,
  ...(rule.configSchema ? { configSchema: rule.configSchema } : {}),
  validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
    if (!isResourceType(args.type)) args.notApplicable(`it checks only ${listOf(RESOURCE_TYPES, "and")}`);
    const subject = subjectOf(args.props);
    if (!subject.known) {
      // One policy says it, at the advisory level @pulumi/policy gives what preview cannot know; the rest
      // wait for `pulumi up`, which runs them with the values before the policy reaches AWS.
      if (rule.name === "valid-policy-document") throw subject.error;
      return;
    }
    for (const violation of rule.violations(subject, args)) reportViolation(violationMessage(violation));
  },
}));

/** The rules that read the document apart from its errors run only on a document Check accepts. */
function documentOf(
  subject: KnownSubject,
  violations: (document: NonNullable<KnownSubject["check"]["document"]>) => Violation[],
): Violation[] {
  return subject.check.document ? violations(subject.check.document) : [];
}
