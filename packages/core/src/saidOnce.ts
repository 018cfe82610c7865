/** What the user has been told already, so one `pulumi` command says each resource's warnings once. */
import { createHash } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Answers, for a line or a set of lines, whether this is the first time it is said. */
export interface SaidOnce {
  firstTime(key: string): boolean;
}

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
export function saidOnceInCommand(commandPid: number): SaidOnce {
  const inProcess = saidOnceInProcess();
  const started = processStartTime(commandPid);
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

/** The process's start time in clock ticks since boot (Linux /proc), or undefined. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces; the fields after its closing parenthesis are plain.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}
