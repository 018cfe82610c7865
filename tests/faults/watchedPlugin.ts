/** A plugin launched through a wrapper that records its process ID and a copy of its stdout, for crash and leak tests. */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PLUGIN_BINARY, PluginProcess } from "../harness/plugin";

/** A plugin process the test can kill without warning and whose every stdout byte it can read. */
export interface WatchedPlugin {
  plugin: PluginProcess;
  /** The plugin's process ID: the wrapper and the launcher exec, so it is node's. */
  pid: number;
  /** Everything the plugin wrote to stdout so far, the port line included. */
  stdout(): Promise<string>;
  /** SIGKILL: the plugin dies at once, answering nothing in flight, as in a crash or an OOM kill. */
  kill(): void;
  /** Stops the plugin if it still runs and removes the wrapper's files. */
  stop(): Promise<void>;
}

/**
 * Launches bin/pulumi-resource-awsamp as the engine does, through a bash wrapper that writes its PID and
 * tees stdout to files; `env` is added to an environment without AWS_* variables.
 */
export async function launchWatchedPlugin(
  launch: { engineAddress?: string; env?: Record<string, string> } = {},
): Promise<WatchedPlugin> {
  const dir = await mkdtemp(path.join(tmpdir(), "awsamp-watched-"));
  const pidFile = path.join(dir, "pid");
  const stdoutFile = path.join(dir, "stdout");
  const wrapper = path.join(dir, "pulumi-resource-awsamp");
  await writeFile(
    wrapper,
    [
      "#!/usr/bin/env bash",
      `echo $$ > ${shellQuoted(pidFile)}`,
      `exec > >(tee ${shellQuoted(stdoutFile)})`,
      `exec ${shellQuoted(PLUGIN_BINARY)} "$@"`,
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  const plugin = await PluginProcess.launch({ ...launch, command: wrapper });
  const pid = Number((await readFile(pidFile, "utf8")).trim());
  return {
    plugin,
    pid,
    stdout: () => readFile(stdoutFile, "utf8"),
    kill: () => process.kill(pid, "SIGKILL"),
    stop: async () => {
      await plugin.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
