/** The typed requests and results of the handlers, and their mapping to and from the protobuf messages. */

import type { CheckFailure, DiffKind } from "@awsamp/core/resource";
import { Metadata, type ServerErrorResponse, status } from "@grpc/grpc-js";
import {
  CheckFailure as CheckFailureMessage,
  type CheckRequest as CheckRequestMessage,
  CheckResponse,
  type ConfigureRequest as ConfigureRequestMessage,
  ConfigureResponse,
  type CreateRequest as CreateRequestMessage,
  CreateResponse,
  type DeleteRequest as DeleteRequestMessage,
  type DiffRequest as DiffRequestMessage,
  DiffResponse,
  ErrorResourceInitFailed,
  PropertyDiff,
  type ReadRequest as ReadRequestMessage,
  ReadResponse,
  type UpdateRequest as UpdateRequestMessage,
  UpdateResponse,
} from "@pulumi/pulumi/proto/provider_pb";
import type * as StatusPb from "@pulumi/pulumi/proto/status_pb";
import type * as AnyPb from "google-protobuf/google/protobuf/any_pb";
import { CancelledError, InvalidRequestError, ResourceInitFailedError } from "./errors";
import { fromStruct, type PropertyObject, toStruct } from "./values";

// --- requests and results ------------------------------------------------------------------------------

/** Check and CheckConfig: `olds` are the previous inputs, `news` the program's. */
export interface CheckRequest {
  urn: string;
  olds: PropertyObject;
  news: PropertyObject;
}

export interface CheckResult {
  inputs: PropertyObject;
  failures: CheckFailure[];
}

/** A validation failure on one property, and how one property changes: the core's own words. */
export type { CheckFailure, DiffKind } from "@awsamp/core/resource";

/** Diff and DiffConfig: `olds` are the previous outputs (the state), `news` the checked inputs. */
export interface DiffRequest {
  id: string;
  urn: string;
  olds: PropertyObject;
  news: PropertyObject;
  oldInputs: PropertyObject;
}

/** A diff: each changed property with its kind. Replacing properties are those whose kind ends in -replace. */
export interface DiffResult {
  detailedDiff: Record<string, DiffKind>;
  deleteBeforeReplace: boolean;
}

export interface CreateRequest {
  urn: string;
  properties: PropertyObject;
  /** The create's deadline in seconds (customTimeouts.create); 0 when none was given. */
  timeoutSeconds: number;
  preview: boolean;
}

export interface CreateResult {
  /** Empty in preview, where nothing is created. */
  id: string;
  properties: PropertyObject;
}

/** Read: for an import only `id` is set; for a refresh `properties` is the state and `inputs` the old inputs. */
export interface ReadRequest {
  id: string;
  urn: string;
  properties: PropertyObject;
  inputs: PropertyObject;
}

/** What a read found: the resource, or nothing (the engine then drops it from the state). */
export type ReadResult =
  | { exists: true; id: string; properties: PropertyObject; inputs: PropertyObject }
  | { exists: false };

export interface UpdateRequest {
  id: string;
  urn: string;
  olds: PropertyObject;
  news: PropertyObject;
  oldInputs: PropertyObject;
  timeoutSeconds: number;
  preview: boolean;
}

export interface UpdateResult {
  properties: PropertyObject;
}

export interface DeleteRequest {
  id: string;
  urn: string;
  properties: PropertyObject;
  timeoutSeconds: number;
}

/** Configure: the same configuration twice, as `pkg:config:key` variables and as the provider's inputs. */
export interface ConfigureRequest {
  variables: Record<string, string>;
  args: PropertyObject;
}

export interface ConfigureResult {
  acceptSecrets: boolean;
  supportsPreview: boolean;
}

// --- from messages -------------------------------------------------------------------------------------

export function checkRequestFrom(message: CheckRequestMessage): CheckRequest {
  return { urn: message.getUrn(), olds: fromStruct(message.getOlds()), news: fromStruct(message.getNews()) };
}

export function diffRequestFrom(message: DiffRequestMessage): DiffRequest {
  return {
    id: message.getId(),
    urn: message.getUrn(),
    olds: fromStruct(message.getOlds()),
    news: fromStruct(message.getNews()),
    oldInputs: fromStruct(message.getOldInputs()),
  };
}

export function createRequestFrom(message: CreateRequestMessage): CreateRequest {
  return {
    urn: message.getUrn(),
    properties: fromStruct(message.getProperties()),
    timeoutSeconds: message.getTimeout(),
    preview: message.getPreview(),
  };
}

export function readRequestFrom(message: ReadRequestMessage): ReadRequest {
  return {
    id: message.getId(),
    urn: message.getUrn(),
    properties: fromStruct(message.getProperties()),
    inputs: fromStruct(message.getInputs()),
  };
}

export function updateRequestFrom(message: UpdateRequestMessage): UpdateRequest {
  return {
    id: message.getId(),
    urn: message.getUrn(),
    olds: fromStruct(message.getOlds()),
    news: fromStruct(message.getNews()),
    oldInputs: fromStruct(message.getOldInputs()),
    timeoutSeconds: message.getTimeout(),
    preview: message.getPreview(),
  };
}

export function deleteRequestFrom(message: DeleteRequestMessage): DeleteRequest {
  return {
    id: message.getId(),
    urn: message.getUrn(),
    properties: fromStruct(message.getProperties()),
    timeoutSeconds: message.getTimeout(),
  };
}

export function configureRequestFrom(message: ConfigureRequestMessage): ConfigureRequest {
  const variables: Record<string, string> = {};
  message.getVariablesMap().forEach((value, key) => {
    variables[key] = value;
  });
  return { variables, args: fromStruct(message.getArgs()) };
}

// --- to messages ---------------------------------------------------------------------------------------

export function checkResponseOf(result: CheckResult): CheckResponse {
  const failures = result.failures.map((f) =>
    new CheckFailureMessage().setProperty(f.property).setReason(f.reason),
  );
  return new CheckResponse().setInputs(toStruct(result.inputs)).setFailuresList(failures);
}

const KIND_NUMBER: Record<DiffKind, PropertyDiff.Kind> = {
  add: PropertyDiff.Kind.ADD,
  "add-replace": PropertyDiff.Kind.ADD_REPLACE,
  delete: PropertyDiff.Kind.DELETE,
  "delete-replace": PropertyDiff.Kind.DELETE_REPLACE,
  update: PropertyDiff.Kind.UPDATE,
  "update-replace": PropertyDiff.Kind.UPDATE_REPLACE,
};

/** Every changed path goes into `diffs` and `detailedDiff`; any replace makes the change DIFF_SOME. */
export function diffResponseOf(result: DiffResult): DiffResponse {
  const paths = Object.keys(result.detailedDiff);
  const replaces = paths.filter((path) => result.detailedDiff[path]?.endsWith("-replace"));
  const response = new DiffResponse()
    .setChanges(paths.length > 0 ? DiffResponse.DiffChanges.DIFF_SOME : DiffResponse.DiffChanges.DIFF_NONE)
    .setDiffsList(paths)
    .setReplacesList(replaces)
    .setDeletebeforereplace(replaces.length > 0 && result.deleteBeforeReplace)
    .setHasdetaileddiff(true);
  const detailed = response.getDetaileddiffMap();
  for (const path of paths) {
    const kind = result.detailedDiff[path] ?? "update";
    detailed.set(path, new PropertyDiff().setKind(KIND_NUMBER[kind]).setInputdiff(true));
  }
  return response;
}

export function createResponseOf(result: CreateResult): CreateResponse {
  return new CreateResponse().setId(result.id).setProperties(toStruct(result.properties));
}

/** A resource that is gone is answered with a blank ID and nothing else. */
export function readResponseOf(result: ReadResult): ReadResponse {
  if (!result.exists) return new ReadResponse().setId("");
  return new ReadResponse()
    .setId(result.id)
    .setProperties(toStruct(result.properties))
    .setInputs(toStruct(result.inputs));
}

export function updateResponseOf(result: UpdateResult): UpdateResponse {
  return new UpdateResponse().setProperties(toStruct(result.properties));
}

export function configureResponseOf(result: ConfigureResult): ConfigureResponse {
  return new ConfigureResponse()
    .setAcceptsecrets(result.acceptSecrets)
    .setSupportspreview(result.supportsPreview)
    .setAcceptresources(false)
    .setAcceptoutputs(false);
}

// --- errors --------------------------------------------------------------------------------------------

/** The type name under which the engine looks for a partially created resource in an error's details. */
const INIT_FAILED_TYPE = "pulumirpc.ErrorResourceInitFailed";

/**
 * The gRPC status for a failure. A partial failure carries ErrorResourceInitFailed in
 * `grpc-status-details-bin` (a google.rpc.Status holding an Any), which is how the engine learns what exists.
 */
export function serviceErrorOf(error: unknown): ServerErrorResponse {
  const message = error instanceof Error ? error.message : String(error);
  const code = statusCodeOf(error);
  const metadata = new Metadata();
  if (error instanceof ResourceInitFailedError) {
    metadata.set(
      "grpc-status-details-bin",
      Buffer.from(statusWithInitFailure(code, error).serializeBinary()),
    );
  }
  return Object.assign(new Error(message), { code, details: message, metadata });
}

function statusCodeOf(error: unknown): status {
  // The core's errors are matched by name: the core loads only when a call needs it.
  const name = error instanceof Error ? error.name : "";
  if (error instanceof InvalidRequestError || name === "InvalidInputError") return status.INVALID_ARGUMENT;
  if (name === "ResourceNotFoundError") return status.NOT_FOUND;
  if (error instanceof CancelledError) return status.CANCELLED;
  return status.UNKNOWN;
}

// google.rpc.Status and Any load only when a partial failure is answered.
function statusWithInitFailure(code: status, error: ResourceInitFailedError): StatusPb.Status {
  const { Status } = require("@pulumi/pulumi/proto/status_pb") as typeof StatusPb;
  const { Any } = require("google-protobuf/google/protobuf/any_pb") as typeof AnyPb;
  const detail = new ErrorResourceInitFailed()
    .setId(error.id)
    .setProperties(toStruct(error.properties))
    .setInputs(toStruct(error.inputs))
    .setReasonsList([error.message]);
  const packed = new Any();
  packed.pack(detail.serializeBinary(), INIT_FAILED_TYPE);
  return new Status().setCode(code).setMessage(error.message).setDetailsList([packed]);
}
