/** The emulator's record of the requests it received: what was asked and what it answered, never credentials. */
import type { OperationName } from "./operations";

/** One request. `status` is 0 while the answer is pending and for a connection dropped without one. */
export interface RequestLogEntry {
  operation: OperationName;
  method: string;
  /** The URL path, without the query string. */
  path: string;
  status: number;
  /** When the request arrived, in milliseconds, on the emulator's clock. */
  at: number;
  workspaceId?: string;
  /** The request's JSON body, when it has one: what a client sent (revisionId, clientToken, ...). */
  body?: Readonly<Record<string, unknown>>;
  /** The query parameters, when there are any; presigning parameters (X-Amz-*) are never kept. */
  query?: Readonly<Record<string, string>>;
}

export class RequestLog {
  private readonly list: RequestLogEntry[] = [];

  /** Every request since the last clear, in arrival order. */
  get entries(): readonly Readonly<RequestLogEntry>[] {
    return this.list;
  }

  /** Adds a request; the server fills in its status when it answers. */
  record(entry: RequestLogEntry): RequestLogEntry {
    this.list.push(entry);
    return entry;
  }

  /** How many requests arrived, of one operation or of all. */
  count(operation?: OperationName): number {
    return operation === undefined
      ? this.list.length
      : this.list.filter((e) => e.operation === operation).length;
  }

  clear(): void {
    this.list.length = 0;
  }
}
