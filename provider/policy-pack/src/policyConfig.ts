/** What each rule can be told through the pack's config file, as types, JSON schemas and defaults. */
import { PROMETHEUS_COMPATIBLE_ACTIONS, type PrometheusCompatibleAction } from "@awsamp/core/policy";
import type { PolicyConfigSchema } from "@pulumi/policy";

/** The principals the allowed-principals rule lets a policy grant to; anything else is a violation. */
export interface AllowedPrincipalsConfig {
  /** 12-digit account IDs: the account's root and every role, user or session in it. */
  accounts: string[];
  /**
   * AWS Organizations IDs (`o-…`): a statement whose Condition requires `aws:PrincipalOrgID` to be one of
   * them may grant to any principal, `"*"` included, since only the organisation's principals match it.
   */
  organizations: string[];
  /** Service principals such as `grafana.amazonaws.com`. */
  services: string[];
}

/** The Prometheus-compatible actions the prometheus-actions rule lets a policy grant, and to whom. */
export interface PrometheusActionsConfig {
  /** The actions any principal may be granted; by default all five. */
  allowedActions: PrometheusCompatibleAction[];
  /**
   * Principals that may only read: account IDs (any principal of the account), IAM ARNs and service
   * principals. A grant of aps:RemoteWrite to one of them, by name or by a wildcard, is a violation.
   */
  readOnlyPrincipals: string[];
}

export const ALLOWED_PRINCIPALS_DEFAULTS: AllowedPrincipalsConfig = {
  accounts: [],
  organizations: [],
  services: [],
};

export const PROMETHEUS_ACTIONS_DEFAULTS: PrometheusActionsConfig = {
  allowedActions: [...PROMETHEUS_COMPATIBLE_ACTIONS],
  readOnlyPrincipals: ["grafana.amazonaws.com"],
};

const stringList = (description: string, pattern?: string) => ({
  type: "array" as const,
  items: { type: "string" as const, ...(pattern ? { pattern } : {}) },
  uniqueItems: true,
  description,
});

// The CLI validates the config file against these before the pack runs, so a misspelt key or a malformed
// account ID fails the preview with the rule and the property named, instead of silently allowing nothing.
export const ALLOWED_PRINCIPALS_SCHEMA: PolicyConfigSchema = {
  properties: {
    accounts: {
      ...stringList("12-digit AWS account IDs whose principals a policy may grant to", "^[0-9]{12}$"),
      default: ALLOWED_PRINCIPALS_DEFAULTS.accounts,
    },
    organizations: {
      ...stringList(
        "AWS Organizations IDs; a statement conditioned on aws:PrincipalOrgID being one of them may grant to any principal",
        "^o-[a-z0-9]{10,32}$",
      ),
      default: ALLOWED_PRINCIPALS_DEFAULTS.organizations,
    },
    services: {
      ...stringList("service principals a policy may grant to, such as grafana.amazonaws.com"),
      default: ALLOWED_PRINCIPALS_DEFAULTS.services,
    },
  },
};

export const PROMETHEUS_ACTIONS_SCHEMA: PolicyConfigSchema = {
  properties: {
    allowedActions: {
      type: "array",
      items: { type: "string", enum: [...PROMETHEUS_COMPATIBLE_ACTIONS] },
      uniqueItems: true,
      description: "the Prometheus-compatible actions a policy may grant",
      default: PROMETHEUS_ACTIONS_DEFAULTS.allowedActions,
    },
    readOnlyPrincipals: {
      ...stringList(
        "principals (account IDs, IAM ARNs, service principals) that may only be granted read actions",
      ),
      default: PROMETHEUS_ACTIONS_DEFAULTS.readOnlyPrincipals,
    },
  },
};

/** A rule's config: the file's values over the defaults (the CLI fills defaults in; direct callers may not). */
export function withDefaults<T extends object>(defaults: T, given: Partial<T> | undefined): T {
  const merged = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof T)[]) {
    const value = given?.[key];
    if (value !== undefined) merged[key] = value as T[keyof T];
  }
  return merged;
}
