/**
 * What the dynamic provider does for each engine call, over the core. Only the dynamic-provider process
 * loads this module (through resourcePolicyProvider), so programs never load the AWS SDK for it.
 */
import type { AmpClient } from "@aws-sdk/client-amp";
import * as pulumi from "@pulumi/pulumi";
import { type AmpClientConfig, createAmpClient } from "../client";
import { AwsampError, PolicyAlreadyExistsError } from "../errors";
import { checkPolicyDocument, equivalent } from "../policy";
import {
  createResourcePolicy,
  deleteResourcePolicy,
  readResourcePolicy,
  updateResourcePolicy,
} from "../resourcePolicy";
import type { ResourcePolicyInputs, ResourcePolicyState } from "../types";

export { ampClientConfigFrom } from "./config";

/** Properties as the engine passes them: a program's inputs or a resource's state, plus `__provider`. */
export type Properties = Record<string, unknown>;

/** The inputs whose change means a different workspace, so a new policy. */
const REPLACING_INPUTS = ["workspaceId", "region"] as const;

/**
 * Check: each input is the right kind, and the policy document passes the policy module's validation.
 * Failures name the input and, for the document, the JSON path of each problem. Values not yet known
 * (a preview of a workspace still to be created) are checked when they are.
 */
export async function check(
  _olds: Properties,
  news: Properties,
): Promise<pulumi.dynamic.CheckResult<Properties>> {
  const failures = [
    ...workspaceIdFailures(news.workspaceId),
    ...regionFailures(news.region),
    ...policyDocumentFailures(news.policyDocument, news.workspaceId),
  ];
  return { inputs: news, failures };
}

/**
 * Diff: a new workspace or region replaces the policy (deleting the old one first, since a workspace holds
 * one policy and the "new" workspace may be the same one named differently); a document that grants
 * something else updates it; one that grants the same, however it is written, is no change.
 */
export async function diff(
  config: AmpClientConfig,
  olds: Properties,
  news: Properties,
): Promise<pulumi.dynamic.DiffResult> {
  const replaces = REPLACING_INPUTS.filter((key) =>
    key === "region" ? regionDiffers(olds.region, news.region, config) : differs(olds[key], news[key]),
  );
  const documentChanged = !sameDocument(olds.policyDocument, news.policyDocument);
  const changes = replaces.length > 0 || documentChanged;
  return { changes, replaces: [...replaces], deleteBeforeReplace: replaces.length > 0 };
}

/** Create: puts the policy on a workspace that has none and waits until it is ACTIVE. */
export async function create(
  config: AmpClientConfig,
  properties: Properties,
): Promise<pulumi.dynamic.CreateResult<Properties>> {
  const inputs = resourcePolicyInputs(properties, "creating the resource policy");
  return withClient(config, inputs.region, async (client) => {
    try {
      const { id, state } = await createResourcePolicy(client, inputs);
      return { id, outs: { ...state } };
    } catch (error) {
      throw withKeptState(withDynamicAdvice(error), properties);
    }
  });
}

/** Read (refresh): the policy as AWS holds it, or nothing when it or its workspace is gone. */
export async function read(
  config: AmpClientConfig,
  id: string,
  properties: Properties = {},
): Promise<pulumi.dynamic.ReadResult<Properties>> {
  const known = {
    ...(typeof properties.policyDocument === "string" ? { policyDocument: properties.policyDocument } : {}),
    ...(typeof properties.region === "string" ? { region: properties.region } : {}),
  };
  const state = await withClient(config, known.region, (client) => readResourcePolicy(client, id, known));
  if (!state) return {};
  return { id, props: { ...state }, inputs: inputsOf(state) };
}

/** Update: puts the new document over the revision in state and waits until it is ACTIVE. */
export async function update(
  config: AmpClientConfig,
  olds: Properties,
  news: Properties,
): Promise<pulumi.dynamic.UpdateResult<Properties>> {
  const action = "updating the resource policy";
  const state = resourcePolicyState(olds, action);
  const inputs = resourcePolicyInputs(news, action);
  return withClient(config, inputs.region, async (client) => {
    try {
      return { outs: { ...(await updateResourcePolicy(client, state, inputs)) } };
    } catch (error) {
      throw withKeptState(error, news);
    }
  });
}

/** Delete: deletes the revision in state and waits until it is gone; a policy already gone is success. */
export async function remove(config: AmpClientConfig, id: string, properties: Properties): Promise<void> {
  const state = resourcePolicyState({ ...properties, workspaceId: id }, "deleting the resource policy");
  await withClient(config, state.region, (client) => deleteResourcePolicy(client, state));
}

function workspaceIdFailures(value: unknown): pulumi.dynamic.CheckFailure[] {
  if (isUnknown(value) || (typeof value === "string" && value !== "")) return [];
  return [
    {
      property: "workspaceId",
      reason: "workspaceId is required: give the ID (ws-…) of the workspace to attach the policy to.",
    },
  ];
}

function regionFailures(value: unknown): pulumi.dynamic.CheckFailure[] {
  if (value === undefined || value === null || isUnknown(value) || typeof value === "string") return [];
  return [
    { property: "region", reason: `region must be a region name such as us-east-1, not ${typeof value}.` },
  ];
}

function policyDocumentFailures(value: unknown, workspaceId: unknown): pulumi.dynamic.CheckFailure[] {
  if (isUnknown(value)) return [];
  if (typeof value !== "string" || value === "") {
    return [
      {
        property: "policyDocument",
        reason: "policyDocument is required: give the policy as JSON text or as a policy document object.",
      },
    ];
  }
  const context = typeof workspaceId === "string" && !isUnknown(workspaceId) ? { workspaceId } : {};
  return checkPolicyDocument(value, context).errors.map((problem) => ({
    property: "policyDocument",
    reason: `${problem.path}: ${problem.message}`,
  }));
}

function differs(old: unknown, next: unknown): boolean {
  return isUnknown(next) || (old ?? "") !== (next ?? "");
}

/**
 * The state records the region the policy lives in; a region left out is the provider's, and where that is
 * not known here (a profile's), the recorded one stands.
 */
function regionDiffers(old: unknown, next: unknown, config: AmpClientConfig): boolean {
  const providerRegion = config.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION);
  if (next === undefined && !providerRegion) return false;
  return differs(old ?? providerRegion, next ?? providerRegion);
}

function sameDocument(old: unknown, next: unknown): boolean {
  return typeof old === "string" && typeof next === "string" && !isUnknown(next) && equivalent(old, next);
}

/** True for the engine's placeholder of a value a preview does not know yet. */
function isUnknown(value: unknown): boolean {
  return value === pulumi.runtime.unknownValue;
}

function resourcePolicyInputs(properties: Properties, action: string): ResourcePolicyInputs {
  const region = optionalString(properties.region);
  return {
    workspaceId: requiredString(properties, "workspaceId", action),
    policyDocument: requiredString(properties, "policyDocument", action),
    ...(region ? { region } : {}),
  };
}

function resourcePolicyState(properties: Properties, action: string): ResourcePolicyState {
  const region = optionalString(properties.region);
  return {
    workspaceId: requiredString(properties, "workspaceId", action),
    policyDocument: optionalString(properties.policyDocument) ?? "",
    policyStatus: optionalString(properties.policyStatus) ?? "",
    revisionId: requiredString(properties, "revisionId", action),
    ...(region ? { region } : {}),
  };
}

function requiredString(properties: Properties, key: string, action: string): string {
  const value = optionalString(properties[key]);
  if (value !== undefined) return value;
  throw new AwsampError(
    `${action}: the resource has no ${key}. ` +
      "Run `pulumi refresh` so the state matches AWS, then run the update again.",
  );
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function inputsOf(state: ResourcePolicyState): Properties {
  const { workspaceId, policyDocument, region } = state;
  return { workspaceId, policyDocument, ...(region ? { region } : {}) };
}

async function withClient<T>(
  config: AmpClientConfig,
  region: string | undefined,
  run: (client: AmpClient) => Promise<T>,
): Promise<T> {
  const client = createAmpClient(region ? { ...config, region } : config);
  try {
    return await run(client);
  } finally {
    client.destroy();
  }
}

/** The plugin's advice to adopt an existing policy names `pulumi import`, which a dynamic provider cannot do. */
function withDynamicAdvice(error: unknown): unknown {
  if (!(error instanceof PolicyAlreadyExistsError)) return error;
  return new AwsampError(
    `putting the resource policy on workspace ${error.workspaceId}: the workspace already has a resource ` +
      "policy, and awsamp never overwrites a policy it does not manage. The dynamic provider cannot import " +
      "it: adopt it with the awsamp plugin (pulumi import awsamp:index:ResourcePolicy <name> " +
      `${error.workspaceId}), or delete it (aws amp delete-resource-policy --workspace-id ${error.workspaceId}) ` +
      "and run again.",
    { cause: error },
  );
}

/**
 * A write that went through before a later step failed: the dynamic-provider plugin reports an error with
 * `id` and `properties` as "created but failed", so the engine keeps tracking the policy. The serialized
 * provider goes along, or the engine could not call it for the policy again.
 */
function withKeptState(error: unknown, properties: Properties): unknown {
  if (!(error instanceof AwsampError) || !error.state) return error;
  return Object.assign(error, {
    id: error.state.workspaceId,
    properties: { ...error.state, __provider: properties.__provider },
  });
}
