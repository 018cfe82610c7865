/**
 * What the SDK holds beyond what schema.json describes, as pulumi-aws's overlays do: the dynamic provider
 * (from its own package), and inputs that also take a typed object.
 */

/** The package the SDK's overlays come from, at this repository's version: the dynamic provider and its types. */
export const DYNAMIC_PACKAGE = "@awsamp/dynamic";

/** Sub-modules of the SDK's index that are other packages: `awsamp.dynamic` is @awsamp/dynamic. */
export const PACKAGE_SUBMODULES: Readonly<Record<string, string>> = { dynamic: DYNAMIC_PACKAGE };

/** An input that takes a typed object besides JSON text; the SDK sends the provider the object's JSON. */
export interface TypedJsonInput {
  resource: string;
  property: string;
  /** The module (a package path) exporting the type and the function. */
  module: string;
  typeName: string;
  /** `(value: Input<string | Type>) => Output<string>`. */
  toJson: string;
}

export const TYPED_JSON_INPUTS: readonly TypedJsonInput[] = [
  {
    resource: "awsamp:index:ResourcePolicy",
    property: "policyDocument",
    module: `${DYNAMIC_PACKAGE}/policyDocumentInput`,
    typeName: "PolicyDocument",
    toJson: "policyDocumentJson",
  },
];

/** The types `types.input` re-exports from the packages, so a program can name them. */
export const INPUT_TYPES: readonly { module: string; names: readonly string[] }[] = [
  { module: `${DYNAMIC_PACKAGE}/policyDocumentInput`, names: ["PolicyDocument", "PolicyStatement"] },
];

/** The example programs whose index.ts the README shows, by the name its template uses. */
export const README_EXAMPLES: readonly string[] = ["basic", "typed-document", "dynamic"];
