/** The rules on whom a policy grants to: allowed principals, and no grant to anyone outside the organisation. */
import { accountOfAwsPrincipal, closestName, listOf, type PolicyDocument } from "@awsamp/core/policy";
import type { AllowedPrincipalsConfig } from "./policyConfig";
import {
  type AllowStatement,
  allowStatementsOf,
  describeAccess,
  ORGANIZATION_KEY,
  type PrincipalRef,
} from "./statements";
import type { Violation } from "./violation";

const CONFIG = "allowed-principals in the pack's config";

/**
 * Every principal an Allow grants to that the config does not list: an account not among `accounts`, a
 * service not among `services`, `"*"` or NotPrincipal (anyone), and federated or canonical users. A
 * statement whose Condition requires aws:PrincipalOrgID to be among `organizations` may name any principal;
 * an organisation it names that is not among them is the violation instead.
 */
export function allowedPrincipalViolations(
  document: PolicyDocument,
  config: AllowedPrincipalsConfig,
): Violation[] {
  return allowStatementsOf(document).flatMap((statement) => {
    const { narrowing } = statement.organizations;
    const foreign = narrowing.filter(({ value }) => !config.organizations.includes(value));
    if (narrowing.length > 0 && foreign.length === 0) return [];
    const granted = describeAccess(statement.access);
    return [
      ...foreign.map(({ value, path }) => ({
        path,
        message:
          `${ORGANIZATION_KEY} "${value}" is not an allowed organisation (${allowed(config.organizations)}); ` +
          `add it to organizations in ${CONFIG}, or name one that is`,
      })),
      ...(narrowing.length > 0 ? [] : principalViolations(statement, config, granted)),
    ];
  });
}

function principalViolations(
  statement: AllowStatement,
  config: AllowedPrincipalsConfig,
  granted: string,
): Violation[] {
  const violations = statement.principals.flatMap((principal) => {
    const reason = principalProblem(principal, config);
    return reason ? [{ path: principal.path, message: `${reason}; it would be granted ${granted}` }] : [];
  });
  if (statement.notPrincipalPath) {
    violations.push({
      path: statement.notPrincipalPath,
      message:
        `Allow with NotPrincipal grants ${granted} to everyone except the principals it names, which is no ` +
        `allowed principal; name the principals in Principal instead`,
    });
  }
  return violations;
}

function principalProblem(
  { kind, value }: PrincipalRef,
  config: AllowedPrincipalsConfig,
): string | undefined {
  switch (kind) {
    case "*":
      return (
        `"*" is anyone, which is allowed only in a statement whose Condition requires ${ORGANIZATION_KEY} to ` +
        `be an allowed organisation (${allowed(config.organizations)})`
      );
    case "AWS": {
      const account = accountOfAwsPrincipal(value);
      if (account !== undefined && config.accounts.includes(account)) return undefined;
      const of = account === undefined || account === value ? "" : ` is in account ${account}, which`;
      return (
        `"${value}"${of} is not an allowed account (${allowed(config.accounts)}); add the account to accounts ` +
        `in ${CONFIG}, or grant to an allowed one`
      );
    }
    case "Service": {
      if (config.services.includes(value)) return undefined;
      const meant = closestName(value, config.services);
      const next = meant ? ` — did you mean ${meant}? Otherwise add it` : "; add it";
      return (
        `service principal "${value}" is not an allowed service (${allowed(config.services)})${next} to ` +
        `services in ${CONFIG}, or remove it`
      );
    }
    default:
      return (
        `${kind} principal "${value}" is not allowed: ${CONFIG} allows only accounts, organisations and ` +
        `services`
      );
  }
}

/**
 * Every Allow to anyone (`"*"`, `{"AWS": "*"}` or NotPrincipal) whose Condition does not let only one
 * organisation's principals through, by requiring aws:PrincipalOrgID to equal its ID.
 */
export function publicGrantViolations(document: PolicyDocument): Violation[] {
  return allowStatementsOf(document).flatMap((statement) => {
    const { narrowing, loose } = statement.organizations;
    if (narrowing.length > 0) return [];
    const anyone = [
      ...statement.principals.filter(({ kind }) => kind === "*").map(({ path }) => ({ path, what: `"*"` })),
      ...(statement.notPrincipalPath
        ? [{ path: statement.notPrincipalPath, what: "Allow with NotPrincipal" }]
        : []),
    ];
    const why = loose.length > 0 ? ` (${loose.join("; ")})` : "";
    return anyone.map(({ path, what }) => ({
      path,
      message:
        `${what} grants ${describeAccess(statement.access)} to anyone with an AWS account, with no Condition ` +
        `that narrows it to your organisation${why}; add "Condition": {"StringEquals": {"${ORGANIZATION_KEY}": ` +
        `"o-…"}}, or name the accounts`,
    }));
  });
}

function allowed(names: readonly string[]): string {
  return names.length > 0 ? `allowed: ${listOf(names, "and")}` : "the config allows none";
}
