/** The part of a Pulumi package schema the generator reads, and a reader that refuses what it cannot generate. */

/** The primitive types this generator maps to TypeScript. */
export type PrimitiveType = "string" | "boolean" | "integer" | "number";

export interface PropertySpec {
  /** A primitive, or a list of one (`items`). */
  type: PrimitiveType | "array";
  items?: { type: PrimitiveType };
  description?: string;
  secret?: boolean;
  willReplaceOnChanges?: boolean;
}

export interface ResourceSpec {
  description?: string;
  inputProperties?: Record<string, PropertySpec>;
  requiredInputs?: string[];
  properties?: Record<string, PropertySpec>;
  required?: string[];
  stateInputs?: { properties?: Record<string, PropertySpec> };
}

export interface NodejsLanguageSpec {
  packageName?: string;
  packageDescription?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface PackageSchema {
  name: string;
  version: string;
  description?: string;
  keywords?: string[];
  homepage?: string;
  license?: string;
  repository?: string;
  pluginDownloadURL?: string;
  config?: { variables?: Record<string, PropertySpec> };
  provider?: ResourceSpec;
  resources?: Record<string, ResourceSpec>;
  language?: { nodejs?: NodejsLanguageSpec };
}

const PRIMITIVES: readonly string[] = ["string", "boolean", "integer", "number"];

/**
 * Parses schema.json and checks it holds only what this generator knows how to generate: primitive
 * properties, resources in the `index` module, no functions and no object types. The package metaschema
 * check (tests/sdk/schema.test.ts) covers the rest.
 */
export function parsePackageSchema(text: string): PackageSchema {
  const schema: unknown = JSON.parse(text);
  if (!isRecord(schema) || typeof schema.name !== "string" || typeof schema.version !== "string") {
    throw new Error("reading schema.json: it needs a string `name` and `version`.");
  }
  for (const section of ["functions", "types"]) {
    if (isRecord(schema[section]) && Object.keys(schema[section]).length > 0) {
      throw unsupported(`schema.json has ${section}`, "add their generation to scripts/gen-sdk first");
    }
  }
  const parsed = schema as unknown as PackageSchema;
  for (const [token, resource] of Object.entries(parsed.resources ?? {})) {
    const [pkg, module] = token.split(":");
    if (pkg !== parsed.name || module !== "index") {
      throw unsupported(`resource ${token} is not in module ${parsed.name}:index`, "use the index module");
    }
    checkProperties(token, resource);
  }
  if (parsed.provider) checkProperties("the provider", parsed.provider);
  checkPropertyMap("the config", parsed.config?.variables);
  return parsed;
}

function checkProperties(owner: string, resource: ResourceSpec): void {
  checkPropertyMap(owner, resource.inputProperties);
  checkPropertyMap(owner, resource.properties);
  checkPropertyMap(owner, resource.stateInputs?.properties);
}

function checkPropertyMap(owner: string, properties: Record<string, unknown> | undefined): void {
  for (const [name, spec] of Object.entries(properties ?? {})) {
    const type = isRecord(spec) ? spec.type : undefined;
    const items = isRecord(spec) && isRecord(spec.items) ? spec.items.type : undefined;
    const primitive = (value: unknown) => typeof value === "string" && PRIMITIVES.includes(value);
    if (!(primitive(type) || (type === "array" && primitive(items))) || (isRecord(spec) && "$ref" in spec)) {
      throw unsupported(
        `property ${name} of ${owner} is neither of a primitive type nor a list of one`,
        "give it type string",
      );
    }
  }
}

function unsupported(what: string, fix: string): Error {
  return new Error(`generating the Node.js SDK: ${what}, which scripts/gen-sdk does not generate; ${fix}.`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
