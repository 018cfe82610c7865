/**
 * The actions AMP takes in a workspace's resource policy: the five Prometheus-compatible ones, named in full.
 *
 * AWS's API reference says other actions "will be ignored", but a public test of the real service
 * (Classmethod's engineering blog, January 2026: `aws amp put-resource-policy`) found a policy with a
 * non-compatible action refused, and one with `*` refused too. So every other action, every wildcard and
 * every misspelling is an error here: a preview stops what the apply would fail on, and a policy never grants
 * less than it says. README.md (What a reviewer sees, "Actions AMP takes") says how to tell us if AWS accepts more.
 */
import {
  closestName,
  iamActionsOf,
  iamServiceExists,
  iamServices,
  PROMETHEUS_COMPATIBLE_ACTIONS,
  prometheusActionNamed,
  prometheusActionsMatching,
  splitAction,
} from "./actions";
import { hasWildcard } from "./arns";
import { error, listOf } from "./problems";
import type { PolicyProblem } from "./types";
import type { Located } from "./walk";

const FIVE = PROMETHEUS_COMPATIBLE_ACTIONS.join(", ");

/**
 * The problem with one value of a statement's Action or NotAction (`element`), or none when it is one of the
 * five. Call it only with well-formed actions (`service:Name` or `*`); validation reports the rest.
 */
export function ampActionProblems(
  { value: action, path }: Located<string>,
  element: string,
): PolicyProblem[] {
  if (hasWildcard(action)) return [wildcardProblem(action, path, element)];
  if (prometheusActionNamed(action)) return [];
  const meant = likeliestActionMeant(action);
  if (meant) {
    return [error(path, `"${action}" is not an action — did you mean ${meant}? AMP refuses it`)];
  }
  return [
    error(
      path,
      `"${action}" is not one of the five actions AMP takes (${FIVE}); AMP refuses it, so remove it`,
    ),
  ];
}

function wildcardProblem(pattern: string, path: string, element: string): PolicyProblem {
  const covered = prometheusActionsMatching(pattern);
  const coverage =
    covered.length === 0
      ? "it covers none of the five AMP takes"
      : `of the five AMP takes it covers ${covered.length === PROMETHEUS_COMPATIBLE_ACTIONS.length ? "all" : listOf(covered, "and")}`;
  return error(
    path,
    `"${pattern}" is a wildcard, which AMP refuses; list in ${element} the actions you mean (${coverage})`,
  );
}

/**
 * The Prometheus-compatible action an author most likely meant by one IAM does not know (`aps:RemoteWrites`,
 * `apss:RemoteWrite`). Undefined for an action IAM knows, and where the nearest name is not one of the five:
 * suggesting an action AMP refuses too would only lead to the next error.
 */
function likeliestActionMeant(action: string): string | undefined {
  const meant = nearestActionName(action);
  return meant ? prometheusActionNamed(meant) : undefined;
}

/** The nearest real action to one IAM does not know: in its service, else in the nearest service. */
function nearestActionName(action: string): string | undefined {
  const split = splitAction(action);
  if (!split) return undefined;
  const serviceKnown = iamServiceExists(split.service);
  if (serviceKnown === false) {
    const service = closestName(split.service, iamServices());
    return prometheusActionNamed(`aps:${split.name}`) ?? (service ? `${service}:${split.name}` : undefined);
  }
  const real = iamActionsOf(split.service);
  if (!real || real.some((name) => name.toLowerCase() === split.name.toLowerCase())) return undefined;
  const suggestion = closestName(split.name, preferPrometheusActions(split.service, real));
  return suggestion ? `${split.service}:${suggestion}` : undefined;
}

/** A service's action names with the Prometheus-compatible ones first, so they win ties. */
function preferPrometheusActions(service: string, names: readonly string[]): readonly string[] {
  if (service !== "aps") return names;
  const five: readonly string[] = PROMETHEUS_COMPATIBLE_ACTIONS.map((action) => action.slice("aps:".length));
  return [...five, ...names.filter((name) => !five.includes(name))];
}
