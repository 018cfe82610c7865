/** The Node.js SDK as a set of files, made from schema.json and the README template. */
import { compareStrings, lowerFirst, sortedEntries, tokenName } from "./code";
import { emitConfigIndex, emitConfigVars } from "./emitConfig";
import { emitIndex, emitTypes, emitUtilities } from "./emitIndex";
import { emitPackageJson, emitTsconfig, type PackageDependencies } from "./emitPackage";
import { emitProvider } from "./emitProvider";
import { emitReadme } from "./emitReadme";
import { emitResource } from "./emitResource";
import { DYNAMIC_PACKAGE, TYPED_JSON_INPUTS } from "./overlays";
import type { PackageSchema } from "./schema";

/** Everything the SDK is made from; reading it from disk is main.ts's job, so generation is a pure function. */
export interface GeneratorInput {
  schema: PackageSchema;
  /** This repository's package.json: its version (the packages'), and the versions it pins. */
  rootPackage: {
    version: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
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

  const dependencies = packageDependencies(schema, input.rootPackage);
  files.set("package.json", emitPackageJson(schema, packageName, dependencies));
  files.set("tsconfig.json", emitTsconfig([...files.keys()]));
  files.set("README.md", emitReadme(input.readmeTemplate, schema, packageName, input.examples));
  return new Map([...files].sort(([a], [b]) => compareStrings(a, b)));
}

/**
 * The schema's dependencies, and the package of the SDK's overlays (the dynamic provider) at this
 * repository's version: the SDK carries no copy of anything.
 */
function packageDependencies(
  schema: PackageSchema,
  root: GeneratorInput["rootPackage"],
): PackageDependencies {
  const dependencies: Record<string, string> = {
    ...schema.language?.nodejs?.dependencies,
    [DYNAMIC_PACKAGE]: root.version,
  };
  const devDependencies: Record<string, string> = { ...schema.language?.nodejs?.devDependencies };
  for (const name of DEV_DEPENDENCIES) {
    const version = root.devDependencies?.[name];
    if (version === undefined)
      throw new Error(`generating the SDK's package.json: package.json lacks ${name}.`);
    devDependencies[name] ??= version;
  }
  return { dependencies, devDependencies };
}
