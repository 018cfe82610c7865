/** Resource policy documents: validation, lint, canonical form, semantic equality and access summaries. */
export { PROMETHEUS_COMPATIBLE_ACTIONS, type PrometheusCompatibleAction } from "./actions";
export { canonicalize, equivalent, PolicyDocumentSyntaxError } from "./canonical";
export { checkPolicyDocument, lintPolicyDocument } from "./lint";
export { grantsOf, summarizeAccessChange } from "./summary";
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
