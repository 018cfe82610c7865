/** Failures the plugin answers with; the server turns each into a gRPC status the engine understands. */
import type { PropertyObject } from "./values";

/** The request itself is wrong (a malformed import ID, unknown values outside preview): INVALID_ARGUMENT. */
export class InvalidRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The engine cancelled every operation (it is shutting down): CANCELLED. */
export class CancelledError extends Error {
  constructor() {
    super(
      "the engine cancelled all operations of the awsamp provider, so no new one starts; run the command again",
    );
    this.name = new.target.name;
  }
}

/**
 * A create or update that AWS accepted but that then failed (its wait timed out or was cancelled). The
 * engine records `properties` as the resource's state, so the next `pulumi up` continues from it.
 */
export class ResourceInitFailedError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: PropertyObject,
    readonly inputs: PropertyObject,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
