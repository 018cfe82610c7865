/** JSON paths into a document and the problems reported at them. */
import type { LintRule, PolicyProblem } from "./types";

/** The path of the whole document. */
export const ROOT_PATH = "$";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The path of an object's member: `$.Statement`, or `$.Condition.StringEquals["aws:SourceAccount"]`. */
export function keyPath(parent: string, key: string): string {
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** The path of a list's element: `$.Statement[1]`. */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** A problem that makes the document unusable. */
export function error(path: string, message: string): PolicyProblem {
  return { severity: "error", path, message };
}

/** A problem that lets the document through but deserves a look, from one lint rule. */
export function warning(rule: LintRule, path: string, message: string): PolicyProblem {
  return { severity: "warning", rule, path, message };
}

/** A list of names for a message: `A, B or C`. */
export function listOf(names: readonly string[], conjunction = "or"): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} ${conjunction} ${names[names.length - 1]}`;
}
