/** The provider resource's module (`pulumi:providers:<package>`), as Pulumi's Node.js codegen writes it. */
import { docComment, generatedHeader, inputExpression, secretNames, sortedEntries, tsType } from "./code";
import type { PropertySpec, ResourceSpec } from "./schema";

/**
 * The text of provider.ts. Its secret inputs are also secret outputs: a provider's state is its inputs, so
 * the engine must keep them encrypted in state as well.
 */
export function emitProvider(packageName: string, spec: ResourceSpec): string {
  const secrets = secretNames(spec.properties, spec.inputProperties);
  // The emitted template literal spells `$` as \u0024, since a plain string holding `${` reads as a slip.
  return [
    generatedHeader("schema.json"),
    'import * as pulumi from "@pulumi/pulumi";',
    'import * as utilities from "./utilities";',
    "",
    ...docComment(spec.description),
    "export class Provider extends pulumi.ProviderResource {",
    "  /** @internal */",
    `  public static readonly __pulumiType = "${packageName}";`,
    "",
    "  /**",
    "   * Returns true if the given object is an instance of Provider.  This is designed to work even",
    "   * when multiple copies of the Pulumi SDK have been loaded into the same process.",
    "   */",
    "  public static isInstance(obj: unknown): obj is Provider {",
    "    if (obj === undefined || obj === null) {",
    "      return false;",
    "    }",
    "    return (obj as { __pulumiType?: unknown }).__pulumiType === `pulumi:providers:\u0024{Provider.__pulumiType}`;",
    "  }",
    "",
    ...sortedEntries(spec.properties).flatMap(([name, property]) => [
      ...docComment(property.description, "  "),
      `  declare public readonly ${name}: pulumi.Output<${tsType(property)} | undefined>;`,
    ]),
    "",
    "  /**",
    "   * Create a Provider resource with the given unique name, arguments, and options.",
    "   *",
    "   * @param name The _unique_ name of the resource.",
    "   * @param args The arguments to use to populate this resource's properties.",
    "   * @param opts A bag of options that control this resource's behavior.",
    "   */",
    "  constructor(name: string, args?: ProviderArgs, opts?: pulumi.ResourceOptions) {",
    "    const resourceInputs: pulumi.Inputs = {};",
    "    opts = opts || {};",
    ...sortedEntries(spec.inputProperties).map(
      ([name, property]) => `    resourceInputs.${name} = ${providerInput(name, property)};`,
    ),
    "    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);",
    ...(secrets.length > 0
      ? [
          `    const secretOpts = { additionalSecretOutputs: [${secrets.map((s) => `"${s}"`).join(", ")}] };`,
          "    opts = pulumi.mergeOptions(opts, secretOpts);",
        ]
      : []),
    "    super(Provider.__pulumiType, name, resourceInputs, opts);",
    "  }",
    "}",
    "",
    "/**",
    " * The set of arguments for constructing a Provider resource.",
    " */",
    "export interface ProviderArgs {",
    ...sortedEntries(spec.inputProperties).flatMap(([name, property]) => [
      ...docComment(property.description, "  "),
      `  ${name}?: pulumi.Input<${tsType(property)}>;`,
    ]),
    "}",
    "",
  ].join("\n");
}

/** The engine takes a provider's configuration as strings, so other types travel as JSON, as Pulumi does. */
function providerInput(name: string, property: PropertySpec): string {
  if (property.type === "string") return inputExpression(name, property);
  return `pulumi.output(args?.${name}).apply(JSON.stringify)`;
}
