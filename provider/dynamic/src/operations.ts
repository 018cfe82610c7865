/**
 * The dynamic provider's calls, translated to the core's resource and back: pulumi.dynamic's plain values
 * become fields, the core's warnings go to the engine's log under the resource, a partial write keeps its
 * state. Nothing is decided here. Only the dynamic-provider process loads this module (through
 * resourcePolicyProvider), so programs never load the AWS SDK for it.
 */
import type { AmpClient } from "@aws-sdk/client-amp";
import { type AmpClientConfig, createAmpClient } from "@awsamp/core/client";
import { AwsampError, PartialWriteError, PolicyAlreadyExistsError } from "@awsamp/core/errors";
import {
  type Field,
  type Fields,
  fieldsFromValues,
  type ValueEncoding,
  valueFromField,
} from "@awsamp/core/fields";
import { providerRegionOf } from "@awsamp/core/identifiers";
import * as resource from "@awsamp/core/resource";
import type { ResourcePolicyState, SaidOnce } from "@awsamp/core/types";
import { EngineLog, engineAddressFrom } from "@awsamp/engine/engineLog";
import { saidOnceInPulumiCommand } from "@awsamp/engine/saidOnce";
import * as pulumi from "@pulumi/pulumi";

export { ampClientConfigFrom, checksWorkspacesFrom } from "./stackConfig";

/** Properties as the engine passes them: a program's inputs or a resource's state, plus `__provider`. */
export type Properties = Record<string, unknown>;

/** The dynamic provider's own input: the serialized provider, which is not the resource's. */
const PROVIDER_KEY = "__provider";

/**
 * Checks the inputs of the resource `urn` (which its provider carries, as pulumi.dynamic tells it none) and
 * says the lint warnings under it, once per `pulumi` command.
 */
export async function checkDynamic(
  config: AmpClientConfig | undefined,
  urn: string,
  olds: Properties,
  news: Properties,
): Promise<pulumi.dynamic.CheckResult<Properties>> {
  const request = { urn, said: said(), olds: fieldsOf(olds), news: fieldsOf(news) };
  // Without a configuration (skipWorkspaceCheck), the workspace is not looked up.
  const checked = config
    ? await withContext(config, (aws) => resource.check({ ...request, aws }))
    : await resource.check(request);
  for (const line of checked.warnings) await engineLog().warning(urn, line);
  const inputs: Properties = { ...news };
  for (const [key, field] of Object.entries(checked.rewritten)) inputs[key] = valueOfField(field);
  return { inputs, failures: checked.failures };
}

export async function diffDynamic(
  config: AmpClientConfig,
  olds: Properties,
  news: Properties,
): Promise<pulumi.dynamic.DiffResult> {
  const diffed = resource.diff({
    olds: fieldsOf(olds),
    news: fieldsOf(news),
    providerRegion: providerRegionOf(config.region),
  });
  return {
    changes: Object.keys(diffed.detailedDiff).length > 0,
    replaces: diffed.replaces,
    deleteBeforeReplace: diffed.deleteBeforeReplace,
  };
}

export async function createDynamic(
  config: AmpClientConfig,
  properties: Properties,
): Promise<pulumi.dynamic.CreateResult<Properties>> {
  return withContext(config, async (context) => {
    try {
      const { id, state } = await resource.create(context, {
        name: "<name>",
        inputs: fieldsOf(properties),
        options: {},
      });
      return { id, outs: { ...state } };
    } catch (error) {
      throw withKeptState(withDynamicAdvice(error), properties);
    }
  });
}

export async function readDynamic(
  config: AmpClientConfig,
  id: string,
  properties: Properties = {},
): Promise<pulumi.dynamic.ReadResult<Properties>> {
  const found = await withContext(config, (context) =>
    resource.read(context, { id, state: fieldsOf(properties), inputs: fieldsOf(properties) }),
  );
  if (!found) return {};
  return { id: found.id, props: { ...found.state }, inputs: { ...found.inputs } };
}

export async function updateDynamic(
  config: AmpClientConfig,
  id: string,
  olds: Properties,
  news: Properties,
): Promise<pulumi.dynamic.UpdateResult<Properties>> {
  return withContext(config, async (context) => {
    try {
      const state = await resource.update(context, {
        id,
        olds: fieldsOf(olds),
        news: fieldsOf(news),
        options: {},
      });
      return { outs: { ...state } };
    } catch (error) {
      throw withKeptState(error, news);
    }
  });
}

export async function deleteDynamic(
  config: AmpClientConfig,
  id: string,
  properties: Properties,
): Promise<void> {
  await withContext(config, (context) =>
    resource.delete(context, { id, state: fieldsOf(properties), options: {} }),
  );
}

// --- translation ---------------------------------------------------------------------------------------

/** pulumi.dynamic's encoding: its own unknown value; secrets arrive unwrapped, so none is marked. */
const DYNAMIC_VALUES: ValueEncoding<unknown> = {
  absent: undefined,
  unknown: pulumi.runtime.unknownValue,
  isUnknown: (value) => value === pulumi.runtime.unknownValue,
  unwrap: (value) => ({ value, secret: false }),
  wrap: (value) => value,
};

/** pulumi.dynamic's values as fields, without the serialized provider. */
function fieldsOf(properties: Properties): Fields {
  return fieldsFromValues(properties, DYNAMIC_VALUES, [PROVIDER_KEY]);
}

function valueOfField(field: Field): unknown {
  return valueFromField(field, DYNAMIC_VALUES);
}

/** A client per region for one call, destroyed after it: the dynamic provider keeps nothing between calls. */
async function withContext<T>(
  config: AmpClientConfig,
  run: (context: resource.ResourceContext) => Promise<T>,
): Promise<T> {
  const clients: AmpClient[] = [];
  const context: resource.ResourceContext = {
    clientFor: (region) => {
      const client = createAmpClient(region ? { ...config, region } : config);
      clients.push(client);
      return client;
    },
    providerRegion: providerRegionOf(config.region),
  };
  try {
    return await run(context);
  } finally {
    for (const client of clients) client.destroy();
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
  if (!(error instanceof PartialWriteError)) return error;
  const state: ResourcePolicyState = error.state;
  return Object.assign(error, {
    id: state.workspaceId,
    properties: { ...state, [PROVIDER_KEY]: properties[PROVIDER_KEY] },
  });
}

let memory: SaidOnce | undefined;

/**
 * What this `pulumi` command has said: the CLI starts a dynamic-provider process for the preview and another
 * for the update of one `pulumi up`, each under a shell, so the memory is the CLI ancestor's. Found at the
 * first check, so loading this module reads nothing.
 */
function said(): SaidOnce {
  memory ??= saidOnceInPulumiCommand();
  return memory;
}

let log: EngineLog | undefined;

/** The engine's log, at the address the engine started the dynamic-provider process with. */
function engineLog(): EngineLog {
  log ??= new EngineLog(engineAddressFrom(process.argv.slice(2)));
  return log;
}
