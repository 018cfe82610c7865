/**
 * The pack's policies, each a rule with the enforcement level it has unless the config file sets another.
 * They are kept apart from the PolicyPack (index.ts), which starts a server as it is made.
 */
import { listOf, type PolicyCheck, type PolicyDocument } from "@awsamp/core/policy";
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
  PROMETHEUS_ACTIONS_DEFAULTS,
  PROMETHEUS_ACTIONS_SCHEMA,
  withDefaults,
} from "./policyConfig";
import { allowedPrincipalViolations, publicGrantViolations } from "./principalRules";
import { isResourceType, RESOURCE_TYPES, subjectOf } from "./subject";
import { type Violation, violationMessage } from "./violation";

interface Rule {
  /** As the config file and the preview spell it. */
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: PolicyConfigSchema;
  /** The one rule that says a document is not known yet; the others wait for `pulumi up` in silence. */
  saysUnknown?: true;
  violations(check: PolicyCheck, args: ResourceValidationArgs): Violation[];
}

const RULES: Rule[] = [
  {
    name: "valid-policy-document",
    description:
      "The policy document is one AMP accepts: JSON, a statement structure IAM knows, real principals, and only the five Prometheus-compatible actions.",
    enforcementLevel: "mandatory",
    saysUnknown: true,
    violations: documentErrorViolations,
  },
  {
    name: "allowed-principals",
    description:
      "Grants go only to the accounts, organisations (through aws:PrincipalOrgID) and services the config lists.",
    enforcementLevel: "advisory",
    configSchema: ALLOWED_PRINCIPALS_SCHEMA,
    violations: ofDocument((document, _, args) =>
      allowedPrincipalViolations(document, configOf(args, ALLOWED_PRINCIPALS_DEFAULTS)),
    ),
  },
  {
    name: "no-public-grant",
    description: 'No grant to "*", {"AWS": "*"} or NotPrincipal without a Condition on aws:PrincipalOrgID.',
    enforcementLevel: "mandatory",
    violations: ofDocument(publicGrantViolations),
  },
  {
    name: "prometheus-actions",
    description:
      "Only the Prometheus-compatible actions the config allows, and no write to read-only principals.",
    enforcementLevel: "advisory",
    configSchema: PROMETHEUS_ACTIONS_SCHEMA,
    violations: ofDocument((document, _, args) =>
      prometheusActionViolations(document, configOf(args, PROMETHEUS_ACTIONS_DEFAULTS)),
    ),
  },
  {
    name: "resource-is-workspace",
    description: "Each statement's Resource is the ARN of the workspace the policy is attached to.",
    enforcementLevel: "advisory",
    violations: ofDocument((_, check) => resourceViolations(check)),
  },
  {
    name: "cross-account-kms",
    description:
      "A grant to another account reminds that a workspace with a customer-managed KMS key needs KMS grants too.",
    enforcementLevel: "advisory",
    violations: ofDocument((_, check) => crossAccountKmsViolations(check)),
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
      // Said once, at the advisory level @pulumi/policy gives what preview cannot know; every rule runs
      // with the values at `pulumi up`, before the policy reaches AWS.
      if (rule.saysUnknown) throw subject.error;
      return;
    }
    for (const violation of rule.violations(subject.check, args))
      reportViolation(violationMessage(violation));
  },
}));

/** A rule that reads the document apart from its errors: it runs only on a document Check accepts. */
function ofDocument(
  violations: (document: PolicyDocument, check: PolicyCheck, args: ResourceValidationArgs) => Violation[],
): Rule["violations"] {
  return (check, args) => (check.document ? violations(check.document, check, args) : []);
}

/** The config file's values for the rule, over its defaults. */
function configOf<T extends object>(args: ResourceValidationArgs, defaults: T): T {
  return withDefaults(defaults, args.getConfig<Partial<T>>());
}
