/** package.json and tsconfig.json of the SDK: a Pulumi resource package built to JavaScript in bin/. */
import { compareStrings } from "./code";
import type { PackageSchema } from "./schema";

/** What the SDK's package.json lists besides what the schema gives. */
export interface PackageDependencies {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/**
 * The text of package.json. Unlike Pulumi's published SDKs (which ship bin/ as the package root), it names
 * bin/ as `main` and `types`, so the SDK works in place as an npm workspace of this repository.
 */
export function emitPackageJson(
  schema: PackageSchema,
  packageName: string,
  deps: PackageDependencies,
): string {
  const nodejs = schema.language?.nodejs;
  const manifest = {
    name: packageName,
    version: schema.version,
    description: nodejs?.packageDescription ?? schema.description,
    keywords: schema.keywords,
    homepage: schema.homepage,
    repository: schema.repository || undefined,
    license: schema.license,
    main: "bin/index.js",
    types: "bin/index.d.ts",
    scripts: { build: "tsc" },
    dependencies: sortedRecord(deps.dependencies),
    devDependencies: sortedRecord(deps.devDependencies),
    pulumi: {
      resource: true,
      name: schema.name,
      version: schema.version,
      ...(schema.pluginDownloadURL ? { server: schema.pluginDownloadURL } : {}),
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The text of tsconfig.json, listing every TypeScript file of the SDK as Pulumi's does. */
export function emitTsconfig(files: readonly string[]): string {
  const config = {
    compilerOptions: {
      outDir: "bin",
      target: "es2022",
      module: "commonjs",
      moduleResolution: "node",
      declaration: true,
      sourceMap: true,
      stripInternal: true,
      experimentalDecorators: true,
      noFallthroughCasesInSwitch: true,
      forceConsistentCasingInFileNames: true,
      strict: true,
      esModuleInterop: true,
      resolveJsonModule: true,
      types: ["node"],
    },
    files: files.filter((file) => file.endsWith(".ts")).sort(compareStrings),
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareStrings(a, b)));
}
