/**
 * What the user has been told already, so one `pulumi` command says each resource's warnings once. Where there
 * is no /proc (macOS, Windows), it remembers within one process, so a warning may be said twice in one command.
 */
import { createHash } from "node:crypto";
import { appendFileSync, readFileSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SaidOnce } from "@awsamp/core/types";

/** Where Linux shows its processes; tests point the ancestor walk at a folder of their own. */
const PROC_ROOT = "/proc";

/** The CLI's name: its command in /proc/<pid>/stat, or the file its /proc/<pid>/exe links to. */
const CLI_NAME = "pulumi";

/**
 * How far up the ancestor walk looks: the dynamic-provider process is two generations below the CLI (a shell
 * starts node); a few more allow for wrappers, and the bound ends any loop a changing process table makes.
 */
const MAX_GENERATIONS = 8;

/** Remembers within this process. */
export function saidOnceInProcess(): SaidOnce {
  const said = new Set<string>();
  return {
    firstTime(key) {
      if (said.has(key)) return false;
      said.add(key);
      return true;
    },
  };
}

/**
 * Remembers across the plugin processes of one CLI command: `pulumi up` starts one for its preview and
 * another for the update, both children of the CLI, so a file named after the CLI process (its ID and its
 * start time, so a reused ID is another name) is shared by both and by no other command. What it holds are
 * hashes, never the text said. Where the start time cannot be read (no /proc), it remembers within this
 * process only.
 */
export function saidOnceInCommand(commandPid: number, procRoot = PROC_ROOT): SaidOnce {
  const inProcess = saidOnceInProcess();
  const started = processStatOf(commandPid, procRoot)?.startTime;
  if (started === undefined) return inProcess;
  const file = path.join(tmpdir(), `awsamp-said-${commandPid}-${started}`);
  return {
    firstTime(key) {
      if (!inProcess.firstTime(key)) return false;
      const hash = createHash("sha256").update(key).digest("hex");
      try {
        if (readFileSync(file, "utf8").split("\n").includes(hash)) return false;
      } catch {
        // No file yet: nothing has been said in this command.
      }
      try {
        appendFileSync(file, `${hash}\n`);
      } catch {
        // Where nothing can be written, the warnings may be said twice; that is all.
      }
      return true;
    },
  };
}

/**
 * Remembers across the processes of the `pulumi` command this process runs under, however deep: the CLI
 * starts the dynamic-provider process through a shell, so its parent is not the CLI. Where no `pulumi`
 * ancestor is found (no /proc, as on macOS and Windows, or no CLI above), it remembers within this process.
 *
 * @example
 * const said = saidOnceInPulumiCommand();
 * if (said.firstTime(`${urn}\n${document}`)) await log.warning(urn, line);
 */
export function saidOnceInPulumiCommand(options: { pid?: number; procRoot?: string } = {}): SaidOnce {
  const procRoot = options.procRoot ?? PROC_ROOT;
  const commandPid = pulumiCommandPid({ ...options, procRoot });
  return commandPid === undefined ? saidOnceInProcess() : saidOnceInCommand(commandPid, procRoot);
}

/**
 * The nearest ancestor of `pid` (this process by default) that is the `pulumi` CLI, following the parent
 * links of /proc/<pid>/stat; undefined where /proc cannot be read or no such ancestor is within reach. A CLI
 * run through a link of another name is still found by the file it runs.
 */
export function pulumiCommandPid(options: { pid?: number; procRoot?: string } = {}): number | undefined {
  const procRoot = options.procRoot ?? PROC_ROOT;
  let parentPid = processStatOf(options.pid ?? process.pid, procRoot)?.parentPid;
  for (let generation = 0; generation < MAX_GENERATIONS; generation++) {
    // Parent 0 is the kernel's: the walk has passed init.
    if (parentPid === undefined || parentPid <= 0) return undefined;
    const parent = processStatOf(parentPid, procRoot);
    if (parent && isPulumiCli(parentPid, parent, procRoot)) return parentPid;
    parentPid = parent?.parentPid;
  }
  return undefined;
}

function isPulumiCli(pid: number, stat: ProcessStat, procRoot: string): boolean {
  if (stat.command === CLI_NAME) return true;
  try {
    return path.basename(readlinkSync(path.join(procRoot, String(pid), "exe"))) === CLI_NAME;
  } catch {
    // Another user's process, or one gone: its command name is all there is.
    return false;
  }
}

/** What the walk and the memory read of a process in /proc/<pid>/stat. */
interface ProcessStat {
  /** The executable's name, cut to 15 characters by the kernel. */
  command: string;
  parentPid: number;
  /** Clock ticks since boot: with the ID, it names one process for good. */
  startTime: string | undefined;
}

function processStatOf(pid: number, procRoot: string): ProcessStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(path.join(procRoot, String(pid), "stat"), "utf8");
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses; the fields after its last closing parenthesis are plain.
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const fields = stat.slice(close + 2).split(" ");
  const parentPid = Number(fields[1]);
  if (!Number.isInteger(parentPid)) return undefined;
  return { command: stat.slice(open + 1, close), parentPid, startTime: fields[19] };
}
