/** From the Pulumi CLI's verbose log (`-v=9 --logtostderr`): when a provider plugin started and answered. */

/** One provider plugin's start as the engine logged it, in milliseconds on the log's clock. */
export interface EnginePluginStart {
  /** The CLI's first log line: the preview's start as the engine itself records it. */
  previewStartMs: number;
  /** The message of that first line, so a report can say which line it was. */
  previewStartLine: string;
  /** `newPlugin(): Launching plugin 'PKG (resource)' from 'BIN' …` (logged at -v=9, just before the exec). */
  launchMs: number;
  /** `Handshake: success [BIN]` or `Handshake: not supported by 'BIN'` (-v=7): the first answered call. */
  answerMs: number;
  /** Which of the two Handshake lines it was. */
  answerLine: string;
}

interface LogRecord {
  timeMs: number;
  msg: string;
}

/**
 * The CLI writes one JSON object a line (`{"time":"2026-…T00:42:59.434406258Z","level":…,"msg":…}`); other
 * lines on stderr (a plugin's own output, say) are skipped. Date.parse keeps only milliseconds, so the
 * fraction of the second is read separately.
 */
function recordsOf(stderr: string): LogRecord[] {
  const records: LogRecord[] = [];
  for (const line of stderr.split("\n")) {
    if (!line.startsWith("{")) continue;
    let parsed: { time?: unknown; msg?: unknown };
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof parsed.time !== "string" || typeof parsed.msg !== "string") continue;
    const time = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(parsed.time);
    if (!time) continue;
    records.push({ timeMs: Date.parse(`${time[1]}Z`) + Number(`0${time[2] ?? ""}`) * 1000, msg: parsed.msg });
  }
  return records;
}

/** The first launch of provider `pkg` in the log, and the first Handshake answer from that executable. */
export function enginePluginStart(stderr: string, pkg: string): EnginePluginStart {
  const records = recordsOf(stderr);
  const first = records[0];
  if (!first) throw new Error(`the CLI's stderr holds no JSON log lines (was -v=9 --logtostderr given?)`);
  const launchPrefix = `newPlugin(): Launching plugin '${pkg} (resource)' from '`;
  const launchIndex = records.findIndex((record) => record.msg.startsWith(launchPrefix));
  if (launchIndex < 0) throw new Error(`the CLI's log never launched the ${pkg} provider`);
  const launch = records[launchIndex];
  const bin = launch.msg.slice(launchPrefix.length, launch.msg.indexOf("'", launchPrefix.length));
  const answers = [`Handshake: success [${bin}]`, `Handshake: not supported by '${bin}'`];
  const answer = records.slice(launchIndex + 1).find((record) => answers.includes(record.msg));
  if (!answer) throw new Error(`the CLI's log launched ${bin} but has no Handshake answer from it`);
  return {
    previewStartMs: first.timeMs,
    previewStartLine: first.msg,
    launchMs: launch.timeMs,
    answerMs: answer.timeMs,
    answerLine: answer.msg,
  };
}
