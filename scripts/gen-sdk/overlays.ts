/**
 * What the SDK holds beyond what schema.json describes, as pulumi-aws's overlays do: the copied core with
 * the dynamic provider, and inputs that also take a typed object.
 */

/** The SDK directory that holds the copy of provider/, so the SDK needs nothing from this repository. */
export const CORE_DIRECTORY = "core";

/** The files of provider/ the SDK copies (a `*` stands for every .ts file of one directory). */
export const CORE_FILES: readonly string[] = [
  "client.ts",
  "describe.ts",
  "engineLog.ts",
  "errors.ts",
  "fields.ts",
  "identifiers.ts",
  "index.ts",
  "lifecycle.ts",
  "resource.ts",
  "saidOnce.ts",
  "types.ts",
  "waits.ts",
  "writes.ts",
  "policy/*.ts",
  "dynamic/*.ts",
];

/** Sub-modules of the SDK's index that are core modules: `awsamp.dynamic` is core/dynamic/index.ts. */
export const CORE_SUBMODULES: Readonly<Record<string, string>> = { dynamic: "dynamic" };

/** An input that takes a typed object besides JSON text; the SDK sends the provider the object's JSON. */
export interface TypedJsonInput {
  resource: string;
  property: string;
  /** The core module (under CORE_DIRECTORY, without .ts) exporting the type and the function. */
  module: string;
  typeName: string;
  /** `(value: Input<string | Type>) => Output<string>`. */
  toJson: string;
}

export const TYPED_JSON_INPUTS: readonly TypedJsonInput[] = [
  {
    resource: "awsamp:index:ResourcePolicy",
    property: "policyDocument",
    module: "dynamic/policyDocumentInput",
    typeName: "PolicyDocument",
    toJson: "policyDocumentJson",
  },
];

/** The types `types.input` re-exports from core modules, so a program can name them. */
export const INPUT_TYPES: readonly { module: string; names: readonly string[] }[] = [
  { module: "dynamic/policyDocumentInput", names: ["PolicyDocument", "PolicyStatement"] },
];

/**
 * The constant by which the dynamic provider's serialized code finds the SDK at run time: it must be the
 * SDK's package name, or the dynamic-provider process loads nothing.
 */
export const PACKAGE_NAME_CONSTANT = { file: "dynamic/resourcePolicyProvider.ts", name: "SDK_PACKAGE" };

/** The example programs whose index.ts the README shows, by the name its template uses. */
export const README_EXAMPLES: readonly string[] = ["basic", "typed-document", "dynamic"];
