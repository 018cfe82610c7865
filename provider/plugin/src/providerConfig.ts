/** The provider's configuration: checked (CheckConfig), compared (DiffConfig), taken in (Configure), and turned into AMP clients. */
import type { AmpClient } from "@aws-sdk/client-amp";
import type * as ClientModule from "@awsamp/core/client";
import { typeOf } from "@awsamp/core/fields";
import { providerRegionOf, regionProblem } from "@awsamp/core/identifiers";
import { InvalidRequestError } from "./errors";
import type {
  CheckFailure,
  CheckRequest,
  CheckResult,
  ConfigureRequest,
  DiffKind,
  DiffRequest,
  DiffResult,
} from "./protocol";
import { type Field, type PropertyObject, readField, withSecrets } from "./values";

/** The package name, which prefixes configuration variables (`awsamp:config:region`). */
export const PACKAGE_NAME = "awsamp";

/** Every configuration key, as schema.json declares them. */
export const CONFIG_KEYS = [
  "region",
  "profile",
  "endpoint",
  "accessKey",
  "secretKey",
  "token",
  "skipWorkspaceCheck",
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

/** Keys whose values are credentials: kept secret in the provider's inputs and never written anywhere. */
export const SECRET_CONFIG_KEYS: readonly ConfigKey[] = ["accessKey", "secretKey", "token"];

/** Known configuration values; a key left out falls back to the AWS environment. */
export type ProviderConfig = Partial<Record<ConfigKey, string>>;

/** Why an endpoint is not an http(s) URL, or undefined when it is. */
export function endpointProblem(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `"${endpoint}" is not a URL; use one like https://aps.us-east-1.amazonaws.com, or leave it out`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `"${endpoint}" is not an http or https URL`;
  }
  return undefined;
}

// --- CheckConfig ---------------------------------------------------------------------------------------

/** Validates the provider's inputs; returns them with credentials marked secret. */
export function checkConfig(request: CheckRequest): CheckResult {
  const failures: CheckFailure[] = [];
  for (const key of CONFIG_KEYS) {
    const field = readField(request.news, key);
    const problem = problemOf(key, field);
    if (problem) failures.push({ property: key, reason: problem });
  }
  const hasKey = (key: ConfigKey) => readField(request.news, key).kind !== "absent";
  if (hasKey("accessKey") !== hasKey("secretKey")) {
    const missing = hasKey("accessKey") ? "secretKey" : "accessKey";
    failures.push({
      property: missing,
      reason: `accessKey and secretKey go together: set ${missing} too, or neither to use the AWS credential chain`,
    });
  }
  return { inputs: withSecrets(request.news, SECRET_CONFIG_KEYS), failures };
}

function problemOf(key: ConfigKey, field: Field): string | undefined {
  switch (field.kind) {
    case "absent":
    case "unknown":
      return undefined;
    case "other":
      if (key === "skipWorkspaceCheck" && typeof field.value === "boolean") return undefined;
      return `${key} must be a ${key === "skipWorkspaceCheck" ? "boolean" : "string"}, not ${typeOf(field)}`;
    case "list":
    case "object":
      return `${key} must be a string, not ${typeOf(field)}`;
    case "string":
      if (key === "skipWorkspaceCheck") {
        return field.value === "true" || field.value === "false"
          ? undefined
          : `skipWorkspaceCheck must be true or false, not "${field.value}"`;
      }
      if (field.value === "") return `${key} must not be empty; leave it out to use the AWS environment`;
      if (key === "region") return regionProblem(field.value);
      if (key === "endpoint") return endpointProblem(field.value);
      return undefined;
  }
}

// --- DiffConfig ----------------------------------------------------------------------------------------

/**
 * Compares configurations key by key. Nothing replaces the provider: the configuration says where and how to
 * reach AWS, and the policies themselves are unchanged by it.
 */
export function diffConfig(request: DiffRequest): DiffResult {
  const detailedDiff: Record<string, DiffKind> = {};
  for (const key of CONFIG_KEYS) {
    const kind = configChange(readField(request.olds, key), readField(request.news, key));
    if (kind) detailedDiff[key] = kind;
  }
  return { detailedDiff, deleteBeforeReplace: false };
}

function configChange(old: Field, next: Field): DiffKind | undefined {
  if (next.kind === "unknown") return "update";
  if (old.kind === "absent" && next.kind === "absent") return undefined;
  if (old.kind === "absent") return "add";
  if (next.kind === "absent") return "delete";
  return textOf(old) !== undefined && textOf(old) === textOf(next) ? undefined : "update";
}

/** A value as configuration text: a boolean (the Go SDK sends skipWorkspaceCheck as one) as "true"/"false". */
function textOf(field: Field): string | undefined {
  if (field.kind === "string") return field.value;
  if (field.kind === "other" && typeof field.value === "boolean") return String(field.value);
  return undefined;
}

// --- Configure -----------------------------------------------------------------------------------------

/**
 * The configuration Configure received, and the AMP clients made from it (one per region, made at first
 * use, so the AWS SDK loads only when a call needs it). The engine never calls Configure while a value is
 * unknown (a preview of a program that computes it): it then leaves the plugin unconfigured and skips its
 * Check and Diff, so every value here is known.
 */
export class ProviderConfiguration {
  private readonly clients = new Map<string, AmpClient>();

  constructor(private readonly values: ProviderConfig = {}) {}

  /**
   * Reads Configure's request. The args struct wins where both carry a key; the variables fill the gaps.
   * Throws InvalidRequestError for a value CheckConfig would have refused.
   */
  static fromConfigure(request: ConfigureRequest): ProviderConfiguration {
    const values: ProviderConfig = { ...configFromVariables(request.variables) };
    for (const key of CONFIG_KEYS) {
      const field = readField(request.args, key);
      if (field.kind === "string") values[key] = field.value;
      else if (field.kind === "other") values[key] = String(field.value);
    }
    const failures = checkConfig({ urn: "", olds: {}, news: values as PropertyObject }).failures;
    if (failures.length > 0) {
      const reasons = failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
      throw new InvalidRequestError(`configuring the awsamp provider: ${reasons}`);
    }
    return new ProviderConfiguration(values);
  }

  /** The region of resources that name none: the configured one, else the environment's (undefined if neither). */
  get region(): string | undefined {
    return providerRegionOf(this.values.region);
  }

  /**
   * Whether a preview looks up a workspace a policy is first put on (one DescribeWorkspace per workspace);
   * `skipWorkspaceCheck: true` turns it off, for previews that must not reach AWS.
   */
  get checksWorkspaces(): boolean {
    return this.values.skipWorkspaceCheck !== "true";
  }

  /**
   * A client for a region (the provider's when absent). A resource naming the provider's own region (its
   * state records the region it was made in) gets the same client as one naming none: what a client learns
   * of AMP's pace and rate limit holds for the region, and a second client would start knowing nothing.
   */
  clientFor(region?: string): AmpClient {
    const key = region ?? this.region ?? "";
    let client = this.clients.get(key);
    if (!client) {
      client = loadClientModule().createAmpClient(this.clientConfig(region));
      this.clients.set(key, client);
    }
    return client;
  }

  /** Drops the clients (their sockets) when the plugin stops. */
  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  private clientConfig(region: string | undefined): ClientModule.AmpClientConfig {
    const { profile, endpoint, accessKey, secretKey, token } = this.values;
    const effectiveRegion = region ?? this.values.region;
    return {
      ...(effectiveRegion ? { region: effectiveRegion } : {}),
      ...(profile ? { profile } : {}),
      ...(endpoint ? { endpoint } : {}),
      ...(accessKey && secretKey
        ? {
            credentials: {
              accessKeyId: accessKey,
              secretAccessKey: secretKey,
              ...(token ? { sessionToken: token } : {}),
            },
          }
        : {}),
    };
  }
}

/** Reads `awsamp:config:region` (or the older `awsamp:region`) variables; other packages' keys are ignored. */
export function configFromVariables(variables: Record<string, string>): ProviderConfig {
  const values: ProviderConfig = {};
  for (const [name, value] of Object.entries(variables)) {
    const key = configKeyOf(name);
    if (key) values[key] = value;
  }
  return values;
}

function configKeyOf(variable: string): ConfigKey | undefined {
  const match = /^([^:]+):(?:config:)?([^:]+)$/.exec(variable);
  if (!match || match[1] !== PACKAGE_NAME) return undefined;
  return CONFIG_KEYS.find((key) => key === match[2]);
}

// The client module pulls in the AWS SDK; it loads at the first client, not at start-up.
function loadClientModule(): typeof ClientModule {
  return require("@awsamp/core/client");
}
