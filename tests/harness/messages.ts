/** Requests built as the engine builds them, and decoders for what the plugin answers. */

import { fromStruct, type PropertyObject, toStruct } from "@awsamp/plugin/values";
import type { ServiceError } from "@grpc/grpc-js";
import {
  CheckRequest,
  ConfigureRequest,
  CreateRequest,
  DeleteRequest,
  DiffRequest,
  type DiffResponse,
  ErrorResourceInitFailed,
  PropertyDiff,
  ReadRequest,
  UpdateRequest,
} from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** The stack and project every fixture URN belongs to. */
const URN_PREFIX = "urn:pulumi:test::awsamp-test::";

/** The URN of a ResourcePolicy named `name`. */
export function resourceUrn(name: string): string {
  return `${URN_PREFIX}awsamp:index:ResourcePolicy::${name}`;
}

/** The URN of the default awsamp provider. */
export const PROVIDER_URN = `${URN_PREFIX}pulumi:providers:awsamp::default`;

/** Check: `olds` are the previous inputs (empty for a new resource). */
export function checkRequest(fields: {
  urn: string;
  news: PropertyObject;
  olds?: PropertyObject;
}): CheckRequest {
  return new CheckRequest()
    .setUrn(fields.urn)
    .setOlds(toStruct(fields.olds ?? {}))
    .setNews(toStruct(fields.news));
}

/** Diff: `olds` are the previous outputs (the state), as the engine sends them; `oldInputs` the previous inputs. */
export function diffRequest(fields: {
  urn: string;
  id: string;
  olds: PropertyObject;
  news: PropertyObject;
  oldInputs?: PropertyObject;
}): DiffRequest {
  return new DiffRequest()
    .setUrn(fields.urn)
    .setId(fields.id)
    .setOlds(toStruct(fields.olds))
    .setNews(toStruct(fields.news))
    .setOldInputs(toStruct(fields.oldInputs ?? {}));
}

/** Create: `timeout` in seconds as customTimeouts gives it (0: none given). */
export function createRequest(fields: {
  urn: string;
  properties: PropertyObject;
  timeout?: number;
  preview?: boolean;
}): CreateRequest {
  return new CreateRequest()
    .setUrn(fields.urn)
    .setProperties(toStruct(fields.properties))
    .setTimeout(fields.timeout ?? 0)
    .setPreview(fields.preview ?? false);
}

/** Read: an import sends only the ID; a refresh sends the state and the old inputs too. */
export function readRequest(fields: {
  urn: string;
  id: string;
  properties?: PropertyObject;
  inputs?: PropertyObject;
}): ReadRequest {
  const request = new ReadRequest().setUrn(fields.urn).setId(fields.id);
  if (fields.properties) request.setProperties(toStruct(fields.properties));
  if (fields.inputs) request.setInputs(toStruct(fields.inputs));
  return request;
}

/** Update: `olds` are the previous outputs (the state), `news` the checked inputs. */
export function updateRequest(fields: {
  urn: string;
  id: string;
  olds: PropertyObject;
  news: PropertyObject;
  oldInputs?: PropertyObject;
  timeout?: number;
  preview?: boolean;
}): UpdateRequest {
  return new UpdateRequest()
    .setUrn(fields.urn)
    .setId(fields.id)
    .setOlds(toStruct(fields.olds))
    .setNews(toStruct(fields.news))
    .setOldInputs(toStruct(fields.oldInputs ?? {}))
    .setTimeout(fields.timeout ?? 0)
    .setPreview(fields.preview ?? false);
}

export function deleteRequest(fields: {
  urn: string;
  id: string;
  properties: PropertyObject;
  timeout?: number;
}): DeleteRequest {
  return new DeleteRequest()
    .setUrn(fields.urn)
    .setId(fields.id)
    .setProperties(toStruct(fields.properties))
    .setTimeout(fields.timeout ?? 0);
}

/** Configure as the engine sends it: `pkg:config:key` variables, the provider's inputs as args, or both. */
export function configureRequest(fields: {
  variables?: Record<string, string>;
  args?: PropertyObject;
}): ConfigureRequest {
  const request = new ConfigureRequest().setAcceptsecrets(true).setAcceptresources(true);
  const variables = request.getVariablesMap();
  for (const [key, value] of Object.entries(fields.variables ?? {})) variables.set(key, value);
  if (fields.args) request.setArgs(toStruct(fields.args));
  return request;
}

/** A Struct from a response as a property map. */
export function propertiesOf(struct: Struct | undefined): PropertyObject {
  return fromStruct(struct);
}

/** The DiffResponse's changes as the engine names them. */
export function changesOf(response: DiffResponse): "DIFF_UNKNOWN" | "DIFF_NONE" | "DIFF_SOME" {
  const names = ["DIFF_UNKNOWN", "DIFF_NONE", "DIFF_SOME"] as const;
  return names[response.getChanges()] ?? "DIFF_UNKNOWN";
}

const KIND_NAMES: Record<PropertyDiff.Kind, string> = {
  [PropertyDiff.Kind.ADD]: "ADD",
  [PropertyDiff.Kind.ADD_REPLACE]: "ADD_REPLACE",
  [PropertyDiff.Kind.DELETE]: "DELETE",
  [PropertyDiff.Kind.DELETE_REPLACE]: "DELETE_REPLACE",
  [PropertyDiff.Kind.UPDATE]: "UPDATE",
  [PropertyDiff.Kind.UPDATE_REPLACE]: "UPDATE_REPLACE",
};

/** The detailed diff as path → kind name (`UPDATE`, `UPDATE_REPLACE`, …). */
export function detailedDiffOf(response: DiffResponse): Record<string, string> {
  const out: Record<string, string> = {};
  response.getDetaileddiffMap().forEach((diff, path) => {
    out[path] = KIND_NAMES[diff.getKind()];
  });
  return out;
}

/** What the engine records from an ErrorResourceInitFailed detail. */
export interface InitFailure {
  id: string;
  properties: PropertyObject;
  inputs: PropertyObject;
  reasons: string[];
}

/**
 * Decodes ErrorResourceInitFailed from an error's `grpc-status-details-bin` (a google.rpc.Status holding an
 * Any), as the engine does; undefined when the error carries none.
 */
export function initFailureOf(error: ServiceError): InitFailure | undefined {
  const [bytes] = error.metadata.get("grpc-status-details-bin");
  if (!(bytes instanceof Buffer)) return undefined;
  const status = Status.deserializeBinary(new Uint8Array(bytes));
  for (const detail of status.getDetailsList()) {
    const failure = detail.unpack(
      ErrorResourceInitFailed.deserializeBinary,
      "pulumirpc.ErrorResourceInitFailed",
    );
    if (failure) {
      return {
        id: failure.getId(),
        properties: fromStruct(failure.getProperties()),
        inputs: fromStruct(failure.getInputs()),
        reasons: failure.getReasonsList(),
      };
    }
  }
  return undefined;
}

/** The rejection of a call, as a ServiceError (fails the test when the call succeeded). */
export async function rejectionOf(call: Promise<unknown>): Promise<ServiceError> {
  const outcome = await call.then(
    () => undefined,
    (error: ServiceError) => error,
  );
  if (!outcome) throw new Error("the call succeeded, but it was expected to fail");
  return outcome;
}
