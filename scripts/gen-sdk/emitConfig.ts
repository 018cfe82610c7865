/** config/vars.ts and config/index.ts: getters for the package's stack configuration (`<package>:<key>`). */
import { docComment, generatedHeader, sortedEntries, tsType } from "./code";
import type { PropertySpec } from "./schema";

/** The text of config/vars.ts: one lazily read getter per configuration variable. */
export function emitConfigVars(
  packageName: string,
  variables: Record<string, PropertySpec> | undefined,
): string {
  return [
    generatedHeader("schema.json"),
    'import * as pulumi from "@pulumi/pulumi";',
    "",
    `const __config = new pulumi.Config("${packageName}");`,
    ...sortedEntries(variables).flatMap(([name, variable]) => [
      "",
      ...docComment(variable.description),
      `export declare const ${name}: ${tsType(variable)} | undefined;`,
      `Object.defineProperty(exports, "${name}", {`,
      "  get() {",
      `    return ${configRead(name, variable)};`,
      "  },",
      "  enumerable: true,",
      "});",
    ]),
    "",
  ].join("\n");
}

/** The text of config/index.ts. */
export function emitConfigIndex(): string {
  return [generatedHeader("schema.json"), "// Export members:", 'export * from "./vars";', ""].join("\n");
}

function configRead(name: string, variable: PropertySpec): string {
  return variable.type === "string"
    ? `__config.get("${name}")`
    : `__config.getObject<${tsType(variable)}>("${name}")`;
}
