/** The policy a resource declares, read from the inputs of any type the pack checks, as its rules need it. */
import { checkPolicyDocument, isRecord, type PolicyCheck, policyDocumentText } from "@awsamp/core/policy";
import { RecentMemo } from "@awsamp/core/policy/recent";

/**
 * The resource types whose policyDocument the pack checks: awsamp's own, @awsamp/dynamic's (a pulumi.dynamic
 * resource of module awsamp, which pulumi.dynamic names so) and @pulumi/aws's bridged one.
 */
export const RESOURCE_TYPES = [
  "awsamp:index:ResourcePolicy",
  "pulumi-nodejs:dynamic/awsamp:ResourcePolicy",
  "aws:amp/resourcePolicy:ResourcePolicy",
] as const;

export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** A resource of one of RESOURCE_TYPES, by the two inputs every one of them has. */
export type Subject =
  | {
      known: true;
      /** The document's JSON text: as given, or the text of the object given (as awsamp's Check writes it). */
      text: string;
      /** Undefined while the ID is not known (a workspace created in the same preview). */
      workspaceId: string | undefined;
      /** The core's verdict on the document, as a provider's Check gives it: errors, warnings, the document. */
      check: PolicyCheck;
    }
  | {
      known: false;
      /** @pulumi/policy's error for the input not known yet, rethrown where the pack says so once. */
      error: Error;
    };

export function isResourceType(type: string): type is ResourceType {
  return (RESOURCE_TYPES as readonly string[]).includes(type);
}

// The engine hands every policy of the pack the same inputs; each text is checked once.
const checks = new RecentMemo<PolicyCheck>(64, 64 * 1024);

/**
 * The subject of a resource's inputs (`args.props`). Inputs not known yet (preview, where the document is
 * built from another resource's outputs) are read through @pulumi/policy's proxy, which throws on them; that
 * is caught here, so the rules skip such a resource and `pulumi up` checks it when the values are known.
 */
export function subjectOf(props: Record<string, unknown>): Subject {
  const document = knownValue(() => plainCopy(props.policyDocument));
  if (!document.known) return { known: false, error: document.error };
  const text =
    typeof document.value === "string"
      ? document.value
      : isRecord(document.value)
        ? policyDocumentText(document.value)
        : JSON.stringify(document.value ?? null);
  const id = knownValue(() => props.workspaceId);
  const workspaceId = id.known && typeof id.value === "string" ? id.value : undefined;
  const check = checks.get(`${workspaceId ?? ""}\u0000${text}`, () =>
    checkPolicyDocument(text, { workspaceId }),
  );
  return { known: true, text, workspaceId, check };
}

type Known = { known: true; value: unknown } | { known: false; error: Error };

function knownValue(read: () => unknown): Known {
  try {
    return { known: true, value: read() };
  } catch (error) {
    if (isUnknownValueError(error)) return { known: false, error };
    throw error;
  }
}

/** A deep copy of a value read through the proxy, so that any unknown inside it is met here, at once. */
function plainCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainCopy);
  if (isRecord(value))
    return Object.fromEntries(Object.keys(value).map((key) => [key, plainCopy(value[key])]));
  return value;
}

// @pulumi/policy throws its UnknownValueError (not exported in its types) on reading a value not known yet.
function isUnknownValueError(error: unknown): error is Error {
  return error instanceof Error && error.constructor.name === "UnknownValueError";
}
