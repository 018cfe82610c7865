/** What running the real `pulumi` CLI against the plugin needs: finding the CLI, and a one-policy YAML program. */
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import path from "node:path";
import { PLUGIN_BINARY } from "./plugin";

/** The first `pulumi` executable on PATH, or undefined. */
export async function pulumiOnPath(): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, "pulumi");
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory; look in the next.
    }
  }
  return undefined;
}

/** A Pulumi YAML program with one ResourcePolicy named `resource`, its plugin taken from bin/. */
export function policyProgram(
  project: string,
  resource: string,
  workspaceId: string,
  document: string,
): string {
  return [
    `name: ${project}`,
    "runtime: yaml",
    "plugins:",
    "  providers:",
    "    - name: awsamp",
    `      path: ${JSON.stringify(path.dirname(PLUGIN_BINARY))}`,
    "resources:",
    `  ${resource}:`,
    "    type: awsamp:index:ResourcePolicy",
    "    properties:",
    `      workspaceId: ${workspaceId}`,
    // A JSON string is a valid YAML double-quoted scalar.
    `      policyDocument: ${JSON.stringify(document)}`,
    "",
  ].join("\n");
}
