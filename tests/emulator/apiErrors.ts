/** The errors the emulator answers with, shaped as AMP's REST-JSON protocol carries them. */

/** The modelled AMP exceptions the emulator produces, with the HTTP status each one travels with. */
export const ERROR_STATUS = {
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ThrottlingException: 429,
  InternalServerException: 500,
} as const;

export type ErrorType = keyof typeof ERROR_STATUS;

/** The resource kinds named by `resourceType` in ResourceNotFound and Conflict answers. */
export type ResourceType = "Workspace" | "ResourcePolicy";

/** ValidationException's `reason`, as the model enumerates it. */
export type ValidationReason = "UNKNOWN_OPERATION" | "CANNOT_PARSE" | "FIELD_VALIDATION_FAILED" | "OTHER";

/** The extra members of an error body, next to `message`. */
export type ErrorMembers = Record<string, string | number | ReadonlyArray<Record<string, string>>>;

/** One refused request: the exception's name goes in `x-amzn-errortype`, its members in the JSON body. */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly type: ErrorType,
    message: string,
    readonly members: ErrorMembers = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = type;
    this.status = ERROR_STATUS[type];
  }

  /** The JSON body AMP sends: `message` and the exception's members. */
  body(): Record<string, unknown> {
    return { message: this.message, ...this.members };
  }
}

export function validationError(
  message: string,
  reason: ValidationReason = "FIELD_VALIDATION_FAILED",
  field?: string,
): ApiError {
  const members: ErrorMembers =
    field === undefined ? { reason } : { reason, fieldList: [{ name: field, message }] };
  return new ApiError("ValidationException", message, members);
}

export function notFoundError(message: string, resourceId: string, resourceType: ResourceType): ApiError {
  return new ApiError("ResourceNotFoundException", message, { resourceId, resourceType });
}

export function conflictError(message: string, resourceId: string, resourceType: ResourceType): ApiError {
  return new ApiError("ConflictException", message, { resourceId, resourceType });
}

export function accessDeniedError(message: string): ApiError {
  return new ApiError("AccessDeniedException", message);
}

/** A request above the rate; Retry-After tells the SDK when the window has room again. */
export function throttlingError(perSecond: number, retryAfterSeconds: number): ApiError {
  return new ApiError(
    "ThrottlingException",
    `Rate exceeded: more than ${perSecond} requests in the last second. Slow down and retry.`,
    { serviceCode: "aps" },
    { "Retry-After": String(retryAfterSeconds) },
  );
}

export function internalError(message: string): ApiError {
  return new ApiError("InternalServerException", message);
}
