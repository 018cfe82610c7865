/**
 * `make test`'s last step: no process the run started outlives it. Every process the run starts inherits
 * AWSAMP_TEST_RUN (the CLIs, their language hosts and programs, the plugins); after the tests, this waits a
 * few seconds for them to end and fails, naming each, if any is left.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { processesCarrying, type RunningProcess } from "../harness/processes";

/** What a process left behind can take to notice its CLI is gone: plugins and hosts look once a second. */
const GRACE_MS = 15_000;

/** The processes other than this one whose environment carries AWSAMP_TEST_RUN=run, with their command lines. */
export function processesOfRun(run: string): RunningProcess[] {
  return processesCarrying("AWSAMP_TEST_RUN", run);
}

async function main(run: string | undefined): Promise<void> {
  if (!run) throw new Error("leftovers: give the run's AWSAMP_TEST_RUN value");
  if (process.platform !== "linux") return; // Processes are found through /proc.
  let left = processesOfRun(run);
  for (
    const until = Date.now() + GRACE_MS;
    left.length > 0 && Date.now() < until;
    left = processesOfRun(run)
  ) {
    await sleep(250);
  }
  if (left.length > 0) {
    const lines = left.map(({ pid, command }) => `  ${pid} ${command}`).join("\n");
    throw new Error(
      `make test left ${left.length} process(es) running ${GRACE_MS / 1000} s after its tests:\n${lines}`,
    );
  }
  console.log("make test: no process of the run is left");
}

if (require.main === module) {
  main(process.argv[2]).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
