/** The Node.js SDK as a set of files, made from schema.json, the core sources and the README template. */
import { compareStrings, lowerFirst, sortedEntries, tokenName } from "./code";
import { copyCore } from "./copyCore";
import { emitConfigIndex, emitConfigVars } from "./emitConfig";
import { emitIndex, emitTypes, emitUtilities } from "./emitIndex";
import { emitPackageJson, emitTsconfig, type PackageDependencies } from "./emitPackage";
import { emitProvider } from "./emitProvider";
import { emitReadme } from "./emitReadme";
import { emitResource } from "./emitResource";
import { TYPED_JSON_INPUTS } from "./overlays";
import type { PackageSchema } from "./schema";

/** Everything the SDK is made from; reading it from disk is main.ts's job, so generation is a pure function. */
export interface GeneratorInput {
  schema: PackageSchema;
  /** This repository's package.json: the versions the copied core's packages are pinned to. */
  rootPackage: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  /** The core's sources by path under provider/ (`policy/index.ts`). */
  coreSources: ReadonlyMap<string, string>;
  readmeTemplate: string;
  /** Example programs' index.ts by example name, for the README. */
  examples: ReadonlyMap<string, string>;
}

/** Puts generated TypeScript into the repository's format (biome), given the file's path under the SDK. */
export type Formatter = (sdkPath: string, text: string) => string;

/** The packages the SDK's build needs, at the repository's pinned versions. */
const DEV_DEPENDENCIES = ["@types/node", "typescript"];

/** The SDK's files by path under sdk/nodejs, in path order. Same input, same bytes. */
export function generateNodejsSdk(input: GeneratorInput, format: Formatter): Map<string, string> {
  const { schema } = input;
  const packageName = schema.language?.nodejs?.packageName ?? `@pulumi/${schema.name}`;
  const core = copyCore(input.coreSources, packageName);
  const files = new Map<string, string>();
  const addTypeScript = (sdkPath: string, text: string) => files.set(sdkPath, format(sdkPath, text));

  addTypeScript("utilities.ts", emitUtilities(schema));
  addTypeScript("provider.ts", emitProvider(schema.name, schema.provider ?? {}));
  for (const [token, resource] of sortedEntries(schema.resources)) {
    addTypeScript(`${lowerFirst(tokenName(token))}.ts`, emitResource(token, resource, TYPED_JSON_INPUTS));
  }
  addTypeScript("config/vars.ts", emitConfigVars(schema.name, schema.config?.variables));
  addTypeScript("config/index.ts", emitConfigIndex());
  const types = emitTypes();
  addTypeScript("types/index.ts", types.index);
  addTypeScript("types/input.ts", types.input);
  addTypeScript("index.ts", emitIndex(schema));
  for (const [sdkPath, text] of core.files) files.set(sdkPath, text);

  const dependencies = packageDependencies(schema, input.rootPackage, core.packages);
  files.set("package.json", emitPackageJson(schema, packageName, dependencies));
  files.set("tsconfig.json", emitTsconfig([...files.keys()]));
  files.set("README.md", emitReadme(input.readmeTemplate, schema, packageName, input.examples));
  return new Map([...files].sort(([a], [b]) => compareStrings(a, b)));
}

/**
 * The schema's dependencies, then every package the core imports at the version the repository pins,
 * so the SDK and the repository resolve to one copy of each (two copies of @pulumi/pulumi break mocks).
 */
function packageDependencies(
  schema: PackageSchema,
  root: GeneratorInput["rootPackage"],
  corePackages: readonly string[],
): PackageDependencies {
  const fromSchema = schema.language?.nodejs?.dependencies ?? {};
  const dependencies: Record<string, string> = { ...fromSchema };
  for (const name of corePackages) {
    const version = fromSchema[name] ?? root.dependencies?.[name];
    if (version === undefined) {
      throw new Error(
        `generating the SDK's package.json: the core imports ${name}, which package.json does not list ` +
          "in dependencies; add it there (the SDK pins the same version).",
      );
    }
    dependencies[name] = version;
  }
  const devDependencies: Record<string, string> = { ...schema.language?.nodejs?.devDependencies };
  for (const name of DEV_DEPENDENCIES) {
    const version = root.devDependencies?.[name];
    if (version === undefined)
      throw new Error(`generating the SDK's package.json: package.json lacks ${name}.`);
    devDependencies[name] ??= version;
  }
  return { dependencies, devDependencies };
}
