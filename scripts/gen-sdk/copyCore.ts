/**
 * The copy of provider/ the SDK carries (core, policy module, dynamic provider), and the npm dependencies
 * it brings: every package the copied files import, at the version this repository pins.
 */
import { builtinModules } from "node:module";
import path from "node:path";
import { compareStrings, generatedHeader } from "./code";
import { CORE_DIRECTORY, PACKAGE_NAME_CONSTANT, TYPED_JSON_INPUTS } from "./overlays";

/** Specifiers of import and export declarations (`from "x"`, `import "x"`), which start a line. */
const DECLARATION_SPECIFIER = /^\s*(?:import|export)\b(?:[^;"']*?\bfrom)?\s*["']([^"']+)["']/gm;

/** Specifiers of `import("x")`, `require("x")` and `require.resolve("x")` calls. */
const CALL_SPECIFIER = /\b(?:import|require(?:\.resolve)?)\(\s*["']([^"']+)["']\s*\)/g;

const BUILTINS = new Set(builtinModules);

/** The copied files, by SDK path, and the npm packages they import. */
export interface CoreCopy {
  files: Map<string, string>;
  packages: string[];
}

/**
 * Copies the core sources (paths relative to provider/) under CORE_DIRECTORY with a generated-file header.
 * Fails when a copied file imports a local file that is not copied, so the SDK never breaks at run time.
 */
export function copyCore(sources: ReadonlyMap<string, string>, packageName: string): CoreCopy {
  const files = new Map<string, string>();
  const packages = new Set<string>();
  for (const [source, text] of sources) {
    for (const specifier of specifiersOf(text)) {
      if (specifier.startsWith(".")) requireCopied(sources, source, specifier);
      else if (!isBuiltin(specifier)) packages.add(packageOf(specifier));
    }
    files.set(`${CORE_DIRECTORY}/${source}`, `${generatedHeader(`provider/${source}`)}${text}`);
  }
  checkPackageNameConstant(sources, packageName);
  checkTypedInputsExist(sources);
  packages.delete(packageName);
  return { files, packages: [...packages].sort(compareStrings) };
}

function specifiersOf(text: string): string[] {
  return [...text.matchAll(DECLARATION_SPECIFIER), ...text.matchAll(CALL_SPECIFIER)].map(
    (match) => match[1] ?? "",
  );
}

function requireCopied(sources: ReadonlyMap<string, string>, source: string, specifier: string): void {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(source), specifier));
  if (sources.has(`${target}.ts`) || sources.has(`${target}/index.ts`)) return;
  throw new Error(
    `copying the core into the SDK: provider/${source} imports "${specifier}" (provider/${target}), ` +
      "which is not among the copied files; add it to CORE_FILES in scripts/gen-sdk/overlays.ts.",
  );
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || BUILTINS.has(specifier);
}

/** `@aws-sdk/client-amp/dist` → `@aws-sdk/client-amp`; `ajv/dist/2020` → `ajv`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

function checkPackageNameConstant(sources: ReadonlyMap<string, string>, packageName: string): void {
  const { file, name } = PACKAGE_NAME_CONSTANT;
  const declared = sources.get(file)?.match(new RegExp(`export const ${name} = "([^"]*)";`))?.[1];
  if (declared !== packageName) {
    throw new Error(
      `copying the core into the SDK: provider/${file} must declare \`export const ${name} = "${packageName}";\` ` +
        `(the package name in schema.json), but declares ${declared === undefined ? "nothing" : `"${declared}"`}.`,
    );
  }
}

function checkTypedInputsExist(sources: ReadonlyMap<string, string>): void {
  for (const input of TYPED_JSON_INPUTS) {
    const text = sources.get(`${input.module}.ts`) ?? "";
    for (const name of [input.typeName, input.toJson]) {
      if (!new RegExp(`export (?:type|function|const) ${name}\\b`).test(text)) {
        throw new Error(
          `generating ${input.resource}.${input.property}: provider/${input.module}.ts does not export ${name}.`,
        );
      }
    }
  }
}
