/** The rules that are Check's own verdicts: a valid document, the workspace as its resource, KMS reminders. */
import type { LintRule, PolicyCheck } from "@awsamp/core/policy";
import type { Violation } from "./violation";

/**
 * What AMP would refuse, as awsamp's Check refuses it: JSON, structure, principals, size, and any action but
 * the five Prometheus-compatible ones (a wildcard or a misspelling too). @pulumi/aws's resource has no such
 * Check, so for it these errors are caught here or not before AWS refuses the apply.
 */
export function documentErrorViolations(check: PolicyCheck): Violation[] {
  return check.errors;
}

/**
 * A Resource that is absent, `"*"`, a wildcard, NotResource, or not an AMP workspace. Another workspace than
 * the one the policy is attached to (when its ID is known) is an error AMP refuses: valid-policy-document's.
 */
export function resourceViolations(check: PolicyCheck): Violation[] {
  return warningsOf(check, "resource-not-workspace");
}

/** A grant to an account other than the workspace's, which needs KMS grants where a customer-managed key encrypts it. */
export function crossAccountKmsViolations(check: PolicyCheck): Violation[] {
  return warningsOf(check, "cross-account-kms");
}

function warningsOf(check: PolicyCheck, rule: LintRule): Violation[] {
  return check.warnings.filter((warning) => warning.rule === rule);
}
