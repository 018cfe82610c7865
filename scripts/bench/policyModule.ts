/** Benchmark: canonicalizing and comparing a 100-statement policy document. */
import { canonicalize, equivalent, PROMETHEUS_COMPATIBLE_ACTIONS } from "@awsamp/core/policy";
import { type BenchSection, median } from "./report";

const WORKSPACE_ARN = "arn:aws:aps:us-east-1:111122223333:workspace/ws-58a9b2c4-6c3d-4e1f-9a0b-2c3d4e5f6a7b";

/**
 * A 100-statement document, every statement its own accounts and actions; `heavy` gives each a second
 * principal and a two-value condition as well.
 */
function hundredStatements(heavy: boolean): Record<string, unknown> {
  const statements = Array.from({ length: 100 }, (_, i) => ({
    Sid: `Grant${i}`,
    Effect: i % 10 === 0 ? "Deny" : "Allow",
    Principal: {
      AWS: heavy
        ? [String(200000000000 + i), `arn:aws:iam::${300000000000 + i}:role/reader`]
        : [String(200000000000 + i)],
    },
    Action: PROMETHEUS_COMPATIBLE_ACTIONS.slice(0, 1 + (i % PROMETHEUS_COMPATIBLE_ACTIONS.length)),
    Resource: WORKSPACE_ARN,
    ...(heavy ? { Condition: { StringEquals: { "aws:PrincipalOrgID": [`o-${i}abc`, `o-${i}def`] } } } : {}),
  }));
  return { Version: "2012-10-17", Statement: statements };
}

/** The same document as AWS might return it: statements and values reversed, other whitespace, IDs as ARNs. */
function reformatted(doc: Record<string, unknown>): string {
  const statements = (doc.Statement as Record<string, unknown>[]).map((s) => {
    const principal = s.Principal as { AWS: string[] };
    return {
      Condition: s.Condition,
      Resource: [s.Resource],
      Action: [...(s.Action as string[])].reverse(),
      Principal: {
        AWS: principal.AWS.map((p) => (/^\d{12}$/.test(p) ? `arn:aws:iam::${p}:root` : p)).reverse(),
      },
      Effect: s.Effect,
      Sid: s.Sid,
    };
  });
  return JSON.stringify({ Statement: statements.reverse(), Version: doc.Version }, null, 2);
}

function timeEach(runs: number, work: () => void): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    work();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

/** The medians of canonicalize and of equivalent for one document against its reformatted twin. */
function measure(heavy: boolean): { kib: number; canonicalMs: number; compareMs: number } {
  const doc = hundredStatements(heavy);
  const text = JSON.stringify(doc);
  const other = reformatted(doc);
  if (!equivalent(text, other))
    throw new Error("the reformatted document should be equivalent to the original");
  timeEach(200, () => equivalent(text, other)); // warm-up: let the JIT settle before measuring
  return {
    kib: text.length / 1024,
    canonicalMs: median(timeEach(1000, () => canonicalize(text))),
    compareMs: median(timeEach(1000, () => equivalent(text, other))),
  };
}

export async function benchPolicyModule(): Promise<BenchSection> {
  const plain = measure(false);
  const heavy = measure(true);
  const figures = (label: string, m: typeof plain) => [
    {
      name: `${label}: canonicalize, median`,
      value: `${m.canonicalMs.toFixed(3)} ms`,
      target: "—",
      met: undefined,
    },
    {
      name: `${label}: equivalent (canonicalize both + compare), median`,
      value: `${m.compareMs.toFixed(3)} ms`,
      target: "< 1 ms",
      met: m.compareMs < 1,
    },
  ];
  return {
    title: "Policy module: a 100-statement document",
    method:
      `Two 100-statement documents: plain (${plain.kib.toFixed(0)} KiB of JSON: one AWS principal, up to five ` +
      `actions and the workspace per statement) and heavy (${heavy.kib.toFixed(0)} KiB: a second principal and ` +
      "a two-value condition per statement as well), each against itself as AWS might return it (statements, " +
      "keys and values reordered, indented, account IDs as root ARNs). Median of 1,000 runs after 200 warm-up " +
      "runs. `equivalent` canonicalizes both texts and compares them. Both documents are larger than the " +
      "10,240-character limit the validator enforces, so real documents compare faster.",
    figures: [...figures("plain", plain), ...figures("heavy", heavy)],
  };
}
