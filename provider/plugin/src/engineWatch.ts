/** Notices that the engine which started the plugin is gone (its CLI killed), so the plugin does not outlive it. */
import { connect } from "node:net";

/** How often the watch looks: a plugin whose engine died goes within a few seconds. */
const INTERVAL_MS = 1000;
/** Refusals in a row before the engine's address counts as gone: one may be a moment of load. */
const REFUSALS = 2;

export interface EngineWatch {
  /** The CLI that started the plugin: when it dies, the plugin is handed to another parent. */
  parentPid: number;
  /** The engine's gRPC address (host:port): when the CLI dies, nothing listens there any more. */
  engineAddress?: string;
  /** Called once, with why the engine counts as gone. */
  onGone: (why: string) => void;
}

/**
 * Looks every second at two signs the engine is gone, either of which is enough: the plugin's parent
 * changed (the CLI died and the plugin was re-parented; where the platform never re-parents, this never
 * fires), or the engine's address refused a connection twice in a row. Returns a function that stops it;
 * the timer never keeps the process alive by itself.
 */
export function watchEngine(watch: EngineWatch): () => void {
  let refusals = 0;
  let stopped = false;
  const gone = (why: string) => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    watch.onGone(why);
  };
  const timer = setInterval(() => {
    if (process.ppid !== watch.parentPid) {
      gone(`its parent process ${watch.parentPid} exited`);
      return;
    }
    if (watch.engineAddress) {
      void addressAnswers(watch.engineAddress).then((answers) => {
        refusals = answers ? 0 : refusals + 1;
        if (refusals >= REFUSALS) gone(`the engine at ${watch.engineAddress} no longer answers`);
      });
    }
  }, INTERVAL_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** True when something accepts a TCP connection at host:port; a refusal or a timeout is false. */
function addressAnswers(address: string): Promise<boolean> {
  const at = address.lastIndexOf(":");
  const host = address.slice(0, at).replace(/^\[|\]$/g, "") || "127.0.0.1";
  const port = Number(address.slice(at + 1));
  if (at < 0 || !Number.isInteger(port)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: INTERVAL_MS });
    const done = (answers: boolean) => {
      socket.destroy();
      resolve(answers);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(true));
    socket.once("error", (error: NodeJS.ErrnoException) => done(error.code !== "ECONNREFUSED"));
  });
}
