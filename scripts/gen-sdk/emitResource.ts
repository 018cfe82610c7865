/** A resource's module, as Pulumi's Node.js codegen writes it: the class, its state and its arguments. */
import {
  compareStrings,
  docComment,
  generatedHeader,
  inputExpression,
  secretNames,
  sortedEntries,
  tokenName,
  tsType,
} from "./code";
import type { TypedJsonInput } from "./overlays";
import type { PropertySpec, ResourceSpec } from "./schema";

/** The text of `<resource>.ts` for one resource of the schema. */
export function emitResource(
  token: string,
  spec: ResourceSpec,
  typedInputs: readonly TypedJsonInput[],
): string {
  const name = tokenName(token);
  const typed = new Map(typedInputs.filter((t) => t.resource === token).map((t) => [t.property, t]));
  const state = stateProperties(spec);
  return [
    generatedHeader("schema.json"),
    'import * as pulumi from "@pulumi/pulumi";',
    ...[...typed.values()].map((t) => `import { type ${t.typeName}, ${t.toJson} } from "${t.module}";`),
    'import * as utilities from "./utilities";',
    "",
    ...docComment(spec.description),
    `export class ${name} extends pulumi.CustomResource {`,
    ...staticMembers(name, token),
    ...outputDeclarations(spec),
    "",
    ...constructorOf(name, spec, state, typed),
    "}",
    "",
    "/**",
    ` * Input properties used for looking up and filtering ${name} resources.`,
    " */",
    `export interface ${name}State {`,
    ...sortedEntries(state).flatMap(([prop, propSpec]) => [
      ...docComment(propSpec.description, "  "),
      `  ${prop}?: pulumi.Input<${tsType(propSpec)}>;`,
    ]),
    "}",
    "",
    "/**",
    ` * The set of arguments for constructing a ${name} resource.`,
    " */",
    `export interface ${name}Args {`,
    ...sortedEntries(spec.inputProperties).flatMap(([prop, propSpec]) => [
      ...docComment(propSpec.description, "  "),
      `  ${prop}${spec.requiredInputs?.includes(prop) ? "" : "?"}: pulumi.Input<${argType(propSpec, typed.get(prop))}>;`,
    ]),
    "}",
    "",
  ].join("\n");
}

/**
 * What `get` may be given to qualify a lookup: the schema's stateInputs, or else every property, inputs
 * and outputs alike (output descriptions win), which is what a bridged provider's stateInputs hold.
 */
function stateProperties(spec: ResourceSpec): Record<string, PropertySpec> {
  return spec.stateInputs?.properties ?? { ...spec.inputProperties, ...spec.properties };
}

function argType(spec: PropertySpec, typed: TypedJsonInput | undefined): string {
  return typed ? `${tsType(spec)} | ${typed.typeName}` : tsType(spec);
}

function staticMembers(name: string, token: string): string[] {
  return [
    "  /**",
    `   * Get an existing ${name} resource's state with the given name, ID, and optional extra`,
    "   * properties used to qualify the lookup.",
    "   *",
    "   * @param name The _unique_ name of the resulting resource.",
    "   * @param id The _unique_ provider ID of the resource to lookup.",
    "   * @param state Any extra arguments used during the lookup.",
    "   * @param opts Optional settings to control the behavior of the CustomResource.",
    "   */",
    "  public static get(",
    "    name: string,",
    "    id: pulumi.Input<pulumi.ID>,",
    `    state?: ${name}State,`,
    "    opts?: pulumi.CustomResourceOptions,",
    `  ): ${name} {`,
    `    return new ${name}(name, state as unknown as ${name}Args, { ...opts, id: id });`,
    "  }",
    "",
    "  /** @internal */",
    `  public static readonly __pulumiType = "${token}";`,
    "",
    "  /**",
    `   * Returns true if the given object is an instance of ${name}.  This is designed to work even`,
    "   * when multiple copies of the Pulumi SDK have been loaded into the same process.",
    "   */",
    `  public static isInstance(obj: unknown): obj is ${name} {`,
    "    if (obj === undefined || obj === null) {",
    "      return false;",
    "    }",
    `    return (obj as { __pulumiType?: unknown }).__pulumiType === ${name}.__pulumiType;`,
    "  }",
    "",
  ];
}

function outputDeclarations(spec: ResourceSpec): string[] {
  const inputs = spec.inputProperties ?? {};
  return sortedEntries(spec.properties).flatMap(([prop, propSpec]) => {
    const required = spec.required?.includes(prop) ?? false;
    const out = prop in inputs ? "" : "/*out*/ ";
    const type = required ? tsType(propSpec) : `${tsType(propSpec)} | undefined`;
    return [
      ...docComment(propSpec.description, "  "),
      `  declare public ${out}readonly ${prop}: pulumi.Output<${type}>;`,
    ];
  });
}

function constructorOf(
  name: string,
  spec: ResourceSpec,
  state: Record<string, PropertySpec>,
  typed: ReadonlyMap<string, TypedJsonInput>,
): string[] {
  const inputs = spec.inputProperties ?? {};
  const outputsOnly = sortedEntries(spec.properties).filter(([prop]) => !(prop in inputs));
  const secrets = secretNames(spec.properties);
  return [
    "  /**",
    `   * Create a ${name} resource with the given unique name, arguments, and options.`,
    "   *",
    "   * @param name The _unique_ name of the resource.",
    "   * @param args The arguments to use to populate this resource's properties.",
    "   * @param opts A bag of options that control this resource's behavior.",
    "   */",
    `  constructor(name: string, args: ${name}Args, opts?: pulumi.CustomResourceOptions);`,
    "  constructor(",
    "    name: string,",
    `    argsOrState?: ${name}Args | ${name}State,`,
    "    opts?: pulumi.CustomResourceOptions,",
    "  ) {",
    "    const resourceInputs: pulumi.Inputs = {};",
    "    opts = opts || {};",
    "    if (opts.id) {",
    `      const state = argsOrState as ${name}State | undefined;`,
    ...sortedEntries(state).map(([prop]) => `      resourceInputs.${prop} = state?.${prop};`),
    "    } else {",
    `      const args = argsOrState as ${name}Args | undefined;`,
    ...[...(spec.requiredInputs ?? [])]
      .sort(compareStrings)
      .flatMap((prop) => [
        `      if (args?.${prop} === undefined && !opts.urn) {`,
        `        throw new Error("Missing required property '${prop}'");`,
        "      }",
      ]),
    ...sortedEntries(inputs).map(([prop, propSpec]) => {
      const typedInput = typed.get(prop);
      const value = typedInput
        ? `args?.${prop} === undefined ? undefined : ${typedInput.toJson}(args.${prop})`
        : inputExpression(prop, propSpec);
      return `      resourceInputs.${prop} = ${value};`;
    }),
    ...outputsOnly.map(([prop]) => `      resourceInputs.${prop} = undefined /*out*/;`),
    "    }",
    "    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);",
    ...(secrets.length > 0
      ? [
          `    const secretOpts = { additionalSecretOutputs: [${secrets.map((s) => `"${s}"`).join(", ")}] };`,
          "    opts = pulumi.mergeOptions(opts, secretOpts);",
        ]
      : []),
    `    super(${name}.__pulumiType, name, resourceInputs, opts);`,
    "  }",
  ];
}
