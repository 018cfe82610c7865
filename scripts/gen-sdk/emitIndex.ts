/** index.ts, utilities.ts and types/: the package's entry point with lazily loaded members, as Pulumi writes them. */
import { compareStrings, generatedHeader, lowerFirst, sortedEntries, tokenName } from "./code";
import { INPUT_TYPES, PACKAGE_SUBMODULES } from "./overlays";
import type { PackageSchema } from "./schema";

/**
 * The text of index.ts: members load on first use (a program that uses one resource loads one module),
 * sub-modules are namespaces, and the resource module and package are registered so the engine can rebuild
 * resources and providers from their URNs.
 */
export function emitIndex(schema: PackageSchema): string {
  // The emitted template literals spell `$` as \u0024, since a plain string holding `${` reads as a slip.
  const resources = sortedEntries(schema.resources).map(([token]) => ({ token, name: tokenName(token) }));
  const members = [
    { name: "Provider", types: ["ProviderArgs"] },
    ...resources.map(({ name }) => resourceMember(name)),
  ];
  members.sort((a, b) => compareStrings(a.name, b.name));
  const submodules = ["config", ...Object.keys(PACKAGE_SUBMODULES), "types"].sort(compareStrings);
  return [
    generatedHeader("schema.json"),
    'import * as pulumi from "@pulumi/pulumi";',
    ...submodules.map((name) => `import * as ${name} from "${submodulePath(name)}";`),
    ...resources.map(({ name }) => `import type { ${name}Args } from "./${lowerFirst(name)}";`),
    'import * as utilities from "./utilities";',
    "",
    "// Export members:",
    ...members.flatMap(({ name, types }) => lazyMember(name, types)),
    "// Export sub-modules:",
    `export { ${submodules.join(", ")} };`,
    "",
    "const _module = {",
    "  version: utilities.getVersion(),",
    "  construct: (name: string, type: string, urn: string): pulumi.Resource => {",
    "    switch (type) {",
    ...resources.flatMap(({ token, name }) => [
      `      case "${token}":`,
      `        return new ${name}(name, undefined as unknown as ${name}Args, { urn });`,
    ]),
    "      default:",
    "        throw new Error(`unknown resource type \u0024{type}`);",
    "    }",
    "  },",
    "};",
    `pulumi.runtime.registerResourceModule("${schema.name}", "index", _module);`,
    `pulumi.runtime.registerResourcePackage("${schema.name}", {`,
    "  version: utilities.getVersion(),",
    "  constructProvider: (name: string, type: string, urn: string): pulumi.ProviderResource => {",
    `    if (type !== "pulumi:providers:${schema.name}") {`,
    "      throw new Error(`unknown provider type \u0024{type}`);",
    "    }",
    "    return new Provider(name, undefined, { urn });",
    "  },",
    "});",
    "",
  ].join("\n");
}

/** The text of utilities.ts: the package version, and the resource options every resource of it gets. */
export function emitUtilities(schema: PackageSchema): string {
  const defaults = schema.pluginDownloadURL
    ? `{ version: getVersion(), pluginDownloadURL: ${JSON.stringify(schema.pluginDownloadURL)} }`
    : "{ version: getVersion() }";
  return [
    generatedHeader("schema.json"),
    'import type * as pulumi from "@pulumi/pulumi";',
    'import * as packageJson from "./package.json";',
    "",
    "export function getVersion(): string {",
    "  let version = packageJson.version;",
    '  // Node allows for the version to be prefixed by a "v", while semver doesn\'t.',
    "  // If there is a v, strip it off.",
    '  if (version.indexOf("v") === 0) {',
    "    version = version.slice(1);",
    "  }",
    "  return version;",
    "}",
    "",
    "/**",
    " * The options every resource of this package is registered with: the version tells the engine which",
    ` * ${schema.name} plugin to load for it.`,
    " *",
    " * @internal",
    " */",
    "export function resourceOptsDefaults(): pulumi.CustomResourceOptions {",
    `  return ${defaults};`,
    "}",
    "",
    "/** @internal */",
    "export function lazyLoad(exports: object, props: string[], loadModule: () => Record<string, unknown>): void {",
    "  for (const property of props) {",
    "    Object.defineProperty(exports, property, {",
    "      enumerable: true,",
    "      get: () => loadModule()[property],",
    "    });",
    "  }",
    "}",
    "",
  ].join("\n");
}

/** The text of types/index.ts and types/input.ts: the types programs name, re-exported from the core. */
export function emitTypes(): { index: string; input: string } {
  return {
    index: [
      generatedHeader("schema.json"),
      'import * as input from "./input";',
      "",
      "export { input };",
      "",
    ].join("\n"),
    input: [
      generatedHeader("schema.json"),
      ...INPUT_TYPES.map(({ module, names }) => `export type { ${names.join(", ")} } from "${module}";`),
      "",
    ].join("\n"),
  };
}

function resourceMember(name: string): { name: string; types: string[] } {
  return { name, types: [`${name}Args`, `${name}State`] };
}

function lazyMember(name: string, types: readonly string[]): string[] {
  const module = `./${lowerFirst(name)}`;
  const classType = `typeof import("${module}").${name}`;
  return [
    `export type { ${types.join(", ")} } from "${module}";`,
    `export type ${name} = import("${module}").${name};`,
    `export const ${name}: ${classType} = null as unknown as ${classType};`,
    `utilities.lazyLoad(exports, ["${name}"], () => require("${module}"));`,
    "",
  ];
}

function submodulePath(name: string): string {
  return PACKAGE_SUBMODULES[name] ?? `./${name}`;
}
