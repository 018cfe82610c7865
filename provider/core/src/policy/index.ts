/**
 * Resource policy documents: validation, lint, canonical form, semantic equality and access summaries, and
 * the readers (statements, strings and principals with their JSON paths) that rules written elsewhere, such
 * as the policy pack's, read documents with.
 */
export {
  closestName,
  PROMETHEUS_COMPATIBLE_ACTIONS,
  type PrometheusCompatibleAction,
  prometheusActionNamed,
  prometheusActionsMatching,
} from "./actions";
export { accountOfAwsPrincipal, hasWildcard, isAccountId } from "./arns";
export { canonicalize, equivalent, PolicyDocumentSyntaxError } from "./canonical";
export { checkPolicyDocument, lintPolicyDocument } from "./lint";
export { keyPath, listOf } from "./problems";
export { accessOf, grantsOf, summarizeAccessChange } from "./summary";
export { policyDocumentText } from "./text";
export type {
  AccessChange,
  Condition,
  ConditionValue,
  Grant,
  LintRule,
  OneOrMany,
  PolicyCheck,
  PolicyContext,
  PolicyDocument,
  PolicyInput,
  PolicyProblem,
  PolicyStatement,
  PolicyVersion,
  Principal,
  PrincipalMap,
  ValidationResult,
} from "./types";
export { LINT_RULES } from "./types";
export {
  MAX_POLICY_DOCUMENT_LENGTH,
  POLICY_VERSIONS,
  policyDocumentErrors,
  validatePolicyDocument,
} from "./validate";
export { hasKey, isRecord, type Located, statementsOf, stringsOf } from "./walk";
