/** Typed errors of the core: each message starts with what was being done and ends with what to do. */
import type { ResourcePolicyState } from "./types";

/** The base of every error the core throws. */
export class AwsampError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An input the engine should never have sent as it is (unknown or missing outside preview), or a bad import ID. */
export class InvalidInputError extends AwsampError {}

/** What was asked for does not exist: an import of a workspace that has no policy. */
export class ResourceNotFoundError extends AwsampError {}

/**
 * A write AWS accepted, after which the operation failed (its wait timed out or was cancelled, or the
 * answer was lost): `state` is what exists, which adapters hand to the engine so the resource stays
 * tracked and the next run finishes the job. `reason` is the failure itself.
 */
export class PartialWriteError extends AwsampError {
  constructor(
    readonly reason: AwsampError,
    readonly state: ResourcePolicyState,
  ) {
    super(reason.message, { cause: reason });
  }
}

/** The workspace already has a policy, so a create would overwrite one the program does not own. */
export class PolicyAlreadyExistsError extends AwsampError {
  constructor(
    readonly workspaceId: string,
    /** The resource's name in the program, for the import command; `<name>` when not known. */
    resourceName: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `putting the resource policy on workspace ${workspaceId}: the workspace already has a resource policy, ` +
        `and awsamp never overwrites a policy it does not manage. To manage the existing policy, adopt it: ` +
        `pulumi import awsamp:index:ResourcePolicy ${resourceName ?? "<name>"} ${workspaceId}`,
      options,
    );
  }
}

/** The policy changed (or went) outside this program since the state's revision was read. */
export class PolicyConflictError extends AwsampError {
  constructor(
    action: string,
    readonly workspaceId: string,
    readonly expectedRevisionId: string,
    readonly actualRevisionId: string | undefined,
    options?: { cause?: unknown },
  ) {
    const found =
      actualRevisionId === undefined
        ? "the policy no longer exists"
        : `AWS now holds revision ${actualRevisionId}`;
    super(
      `${action} on workspace ${workspaceId}: the policy was changed outside this program ` +
        `(the state has revision ${expectedRevisionId}; ${found}). ` +
        `Run \`pulumi refresh\` to read the current policy, review it, then run the update again.`,
      options,
    );
  }
}

/**
 * AMP kept refusing a write (ConflictException) while the policy stood at the revision in state, through
 * every wait for it and its workspace to settle: nothing outside the program changed it, AMP is busy.
 */
export class WriteRefusedError extends AwsampError {
  constructor(
    action: string,
    readonly workspaceId: string,
    readonly attempts: number,
    seen: string,
    cause: unknown,
  ) {
    super(
      `${action} on workspace ${workspaceId}: AMP refused the write ${attempts} times with a conflict ` +
        `(${describeCause(cause)}), though ${seen} and nothing else had changed it. The workspace may be ` +
        "busy with another change; run the update again in a few minutes.",
      { cause },
    );
  }
}

/**
 * AWS kept refusing a put because IAM does not know a principal the policy names, for as long as a new
 * principal takes to propagate (or the operation's deadline allowed). Nothing was written.
 */
export class PrincipalNotPropagatedError extends AwsampError {
  constructor(
    action: string,
    readonly workspaceId: string,
    readonly waitedMs: number,
    cause: unknown,
  ) {
    super(
      `${action} on workspace ${workspaceId}: AWS still refuses a principal after ${formatDuration(waitedMs)}: ` +
        `${describeCause(cause).replace(/\.$/, "")}. A principal must exist in IAM before a policy can name it; ` +
        "if it was created in this program, IAM may need longer to propagate it (run the update again), " +
        "otherwise check the ARN.",
      { cause },
    );
  }
}

/** The workspace does not exist (or is not visible with these credentials in this region). */
export class WorkspaceNotFoundError extends AwsampError {
  constructor(
    action: string,
    readonly workspaceId: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${action} on workspace ${workspaceId}: the workspace does not exist in this account and region. ` +
        `Check workspaceId and region.`,
      options,
    );
  }
}

/** A wait reached its deadline before the policy settled. */
export class WaitTimeoutError extends AwsampError {
  constructor(
    readonly workspaceId: string,
    readonly target: string,
    readonly lastStatus: string,
    readonly waitedMs: number,
  ) {
    super(
      `waiting for the resource policy on workspace ${workspaceId} to become ${target}: ` +
        `still ${lastStatus} after ${formatSeconds(waitedMs)}. ` +
        `AWS may still finish; run \`pulumi refresh\` to see where it got to, or raise the timeout (customTimeouts).`,
    );
  }
}

/** A wait was stopped by its abort signal (the engine cancelled the operation). */
export class WaitAbortedError extends AwsampError {
  constructor(
    readonly workspaceId: string,
    readonly target: string,
    readonly lastStatus: string,
    readonly waitedMs: number,
  ) {
    super(
      `waiting for the resource policy on workspace ${workspaceId} to become ${target}: ` +
        `cancelled after ${formatSeconds(waitedMs)} while ${lastStatus}.`,
    );
  }
}

/** The policy left the path to the wanted status (for example it was deleted while being created). */
export class UnexpectedStatusError extends AwsampError {
  constructor(
    readonly workspaceId: string,
    readonly target: string,
    readonly status: string,
  ) {
    super(
      `waiting for the resource policy on workspace ${workspaceId} to become ${target}: ` +
        `it became ${status} instead, so something outside this program changed it. Run \`pulumi refresh\`.`,
    );
  }
}

/** Any other failure of an AWS call, wrapped with what was being done. */
export class AwsRequestError extends AwsampError {
  constructor(
    action: string,
    readonly workspaceId: string,
    cause: unknown,
  ) {
    super(`${action} on workspace ${workspaceId}: ${describeCause(cause)}`, { cause });
  }
}

/** The name of an AWS SDK exception (its class name), or undefined for anything else. */
export function awsErrorName(error: unknown): string | undefined {
  if (error instanceof Error) return error.name;
  return undefined;
}

/** An AWS SDK exception (or any error) as `Name (HTTP status): message`, for a message that wraps it. */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    // AWS SDK exceptions carry the HTTP status in $metadata (ServiceException's MetadataBearer).
    const status =
      "$metadata" in cause && isMetadata(cause.$metadata) ? cause.$metadata.httpStatusCode : undefined;
    return `${cause.name}${status ? ` (HTTP ${status})` : ""}: ${cause.message}`;
  }
  return String(cause);
}

function isMetadata(value: unknown): value is { httpStatusCode?: number } {
  return typeof value === "object" && value !== null;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** A duration as Go and Terraform print it once it reaches a minute (`2m0s`), in seconds below that. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return formatSeconds(ms);
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}
