/**
 * One table of Check and Diff cases through both adapters, the plugin and the dynamic provider, each over
 * gRPC as the engine drives it: the resource is defined once, so both give the same answers.
 */

import type { PropertyObject } from "@awsamp/plugin/values";
import { expect } from "chai";
import { dynamicUrn, serializedProvider, startDynamicSession } from "./dynamic/dynamicPlugin";
import { AmpEmulator } from "./emulator/server";
import { changesOf, checkRequest, diffRequest, propertiesOf, resourceUrn } from "./harness/messages";
import { type PluginSession, policyDocument, reformatted, startSession } from "./harness/session";

const WORKSPACE = "ws-12345678-90ab-cdef-1234-567890abcdef";
const OTHER_WORKSPACE = "ws-abcdef12-90ab-cdef-1234-567890abcdef";
const ARN = `arn:aws:aps:us-east-1:123456789012:workspace/${WORKSPACE}`;
/** The workspace's own account: no reminder of KMS grants for another account. */
const OWN_ACCOUNT = "arn:aws:iam::123456789012:root";
const DOCUMENT = policyDocument(ARN, { principal: OWN_ACCOUNT });

interface Inputs {
  workspaceId?: string;
  /** JSON text, or the object an SDK's PolicyDocument type sends. */
  policyDocument?: string | PropertyObject;
  region?: string | number;
  acceptedWarnings?: string[];
}

/**
 * What the engine saw of one Check: the failures by property and reason, the warning lines, and (where a
 * case names it) the checked inputs' policyDocument.
 */
interface CheckAnswer {
  failures: string[];
  warnings: string[];
  policyDocument?: unknown;
}

/** What the engine saw of one Diff. */
interface DiffAnswer {
  changes: string;
  replaces: string[];
  deleteBeforeReplace: boolean;
  lines: string[];
}

interface Adapter {
  name: string;
  check(olds: Inputs, news: Inputs): Promise<CheckAnswer>;
  diff(state: Inputs & { revisionId?: string }, news: Inputs): Promise<DiffAnswer>;
}

const checkCases: Array<{ title: string; olds?: Inputs; news: Inputs; expected: CheckAnswer }> = [
  {
    title: "a document given as an object, which becomes its JSON text in IAM's key order",
    news: {
      workspaceId: WORKSPACE,
      policyDocument: {
        Statement: [
          {
            Action: ["aps:RemoteWrite"],
            Effect: "Allow",
            Principal: { AWS: [OWN_ACCOUNT] },
            Resource: [ARN],
          },
        ],
        Version: "2012-10-17",
      },
    },
    expected: {
      failures: [],
      warnings: [],
      policyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["${OWN_ACCOUNT}"]},"Action":["aps:RemoteWrite"],"Resource":["${ARN}"]}]}`,
    },
  },
  {
    title: "a workspace ID that is not one",
    news: { workspaceId: "my-workspace", policyDocument: DOCUMENT },
    expected: {
      failures: [
        'workspaceId: "my-workspace" is not a workspace ID; use one like ws-12345678-90ab-cdef-1234-567890abcdef (a Workspace\'s id)',
      ],
      warnings: [],
    },
  },
  {
    title: "a region that is not text",
    news: { workspaceId: WORKSPACE, policyDocument: DOCUMENT, region: 7 },
    expected: { failures: ["region: region must be a string, not a number"], warnings: [] },
  },
  {
    title: "a Resource naming another workspace",
    news: { workspaceId: OTHER_WORKSPACE, policyDocument: DOCUMENT },
    expected: {
      failures: [
        `policyDocument: $.Statement[0].Resource: "${ARN}" names workspace ${WORKSPACE}, but this policy is for workspace ${OTHER_WORKSPACE}; AMP requires the policy's resource to be the workspace it is attached to: use the ARN of workspace ${OTHER_WORKSPACE}`,
      ],
      warnings: [],
    },
  },
  {
    title: "a misspelt action, warned of with the one meant",
    news: {
      workspaceId: WORKSPACE,
      policyDocument: policyDocument(ARN, { principal: OWN_ACCOUNT, actions: ["aps:GetMetricsMetadata"] }),
    },
    expected: {
      failures: [],
      warnings: [
        'policyDocument $.Statement[0].Action[0]: "aps:GetMetricsMetadata" is not an action — did you mean aps:GetMetricMetadata? AMP ignores it as written.',
      ],
    },
  },
  {
    title: "a warning of a rule the resource has accepted, which is not said",
    news: {
      workspaceId: WORKSPACE,
      policyDocument: policyDocument(ARN, { principal: OWN_ACCOUNT, actions: ["aps:GetSeriess"] }),
      acceptedWarnings: ["unknown-action"],
    },
    expected: { failures: [], warnings: [] },
  },
  {
    title: "an accepted warning that names no lint rule",
    news: { workspaceId: WORKSPACE, policyDocument: DOCUMENT, acceptedWarnings: ["kms"] },
    expected: {
      failures: [
        'acceptedWarnings: acceptedWarnings[0]: "kms" is not a lint rule; use one of duplicate-key, no-version, resource-not-workspace, unknown-condition-operator, empty-condition, ignored-action, unknown-action, wildcard-action, allow-not-action, public-grant, allow-not-principal, cross-account-kms',
      ],
      warnings: [],
    },
  },
  {
    title: "the same document as before, which must still pass: its errors are failures again",
    olds: { workspaceId: OTHER_WORKSPACE, policyDocument: DOCUMENT },
    news: { workspaceId: OTHER_WORKSPACE, policyDocument: reformatted(DOCUMENT) },
    expected: {
      failures: [
        `policyDocument: $.Statement[0].Resource: "${ARN}" names workspace ${WORKSPACE}, but this policy is for workspace ${OTHER_WORKSPACE}; AMP requires the policy's resource to be the workspace it is attached to: use the ARN of workspace ${OTHER_WORKSPACE}`,
      ],
      warnings: [],
    },
  },
  {
    title: "the same document as before, whose warnings were given when it was new",
    olds: { workspaceId: WORKSPACE, policyDocument: DOCUMENT },
    news: { workspaceId: WORKSPACE, policyDocument: reformatted(DOCUMENT) },
    expected: { failures: [], warnings: [] },
  },
];

const diffCases: Array<{
  title: string;
  state: Inputs;
  news: Inputs;
  expected: Omit<DiffAnswer, "lines"> & { lines?: string[] };
}> = [
  {
    title: "a document that grants the same, written another way: no change",
    state: { workspaceId: WORKSPACE, policyDocument: DOCUMENT, region: "us-east-1" },
    news: { workspaceId: WORKSPACE, policyDocument: reformatted(DOCUMENT) },
    expected: { changes: "DIFF_NONE", replaces: [], deleteBeforeReplace: false, lines: [] },
  },
  {
    title: "a document that grants more: an update, with the access it adds",
    state: { workspaceId: WORKSPACE, policyDocument: DOCUMENT, region: "us-east-1" },
    news: {
      workspaceId: WORKSPACE,
      policyDocument: policyDocument(ARN, {
        principal: OWN_ACCOUNT,
        actions: ["aps:RemoteWrite", "aps:QueryMetrics"],
      }),
    },
    expected: {
      changes: "DIFF_SOME",
      replaces: [],
      deleteBeforeReplace: false,
      lines: ["+ allow arn:aws:iam::123456789012:root aps:QueryMetrics"],
    },
  },
  {
    title: "another workspace: a replacement, the new policy created first",
    state: { workspaceId: WORKSPACE, policyDocument: DOCUMENT, region: "us-east-1" },
    news: { workspaceId: OTHER_WORKSPACE, policyDocument: DOCUMENT },
    expected: { changes: "DIFF_SOME", replaces: ["workspaceId"], deleteBeforeReplace: false },
  },
  {
    title: "another region only: a replacement, the old policy deleted first",
    state: { workspaceId: WORKSPACE, policyDocument: DOCUMENT, region: "us-east-1" },
    news: { workspaceId: WORKSPACE, policyDocument: DOCUMENT, region: "eu-west-1" },
    expected: { changes: "DIFF_SOME", replaces: ["region"], deleteBeforeReplace: true },
  },
];

describe("resource: one definition through both adapters", function () {
  this.timeout(30_000);
  let emulator: AmpEmulator;
  let plugin: PluginSession;
  let dynamic: PluginSession;
  let provider: string;

  before(async () => {
    emulator = await AmpEmulator.start();
    [plugin, dynamic, provider] = await Promise.all([
      startSession({ emulator }),
      startDynamicSession(emulator),
      serializedProvider(),
    ]);
  });
  after(async () => {
    await Promise.all([plugin?.stop(), dynamic?.stop()]);
    await emulator?.close();
  });

  const adapters: Adapter[] = [
    {
      name: "the plugin",
      check: (olds, news) => checkThrough(plugin, resourceUrn("policy"), olds, news, (inputs) => inputs),
      diff: (state, news) => diffThrough(plugin, resourceUrn("policy"), state, news, (inputs) => inputs),
    },
    {
      name: "the dynamic provider",
      check: (olds, news) =>
        checkThrough(dynamic, dynamicUrn("policy"), olds, news, (inputs) => ({
          __provider: provider,
          ...inputs,
        })),
      diff: (state, news) =>
        diffThrough(dynamic, dynamicUrn("policy"), state, news, (inputs) => ({
          __provider: provider,
          ...inputs,
        })),
    },
  ];

  for (const { title, olds, news, expected } of checkCases) {
    it(`Check: ${title}`, async () => {
      for (const adapter of adapters) {
        const { policyDocument, ...answer } = await adapter.check(olds ?? {}, news);
        const { policyDocument: expectedDocument, ...expectedAnswer } = expected;
        expect(answer, adapter.name).to.deep.equal(expectedAnswer);
        if (expectedDocument !== undefined) expect(policyDocument, adapter.name).to.equal(expectedDocument);
      }
    });
  }

  for (const { title, state, news, expected } of diffCases) {
    it(`Diff: ${title}`, async () => {
      for (const adapter of adapters) {
        const answer = await adapter.diff({ ...state, revisionId: "r1" }, news);
        const { lines, ...decision } = answer;
        const { lines: expectedLines, ...expectedDecision } = expected;
        expect(decision, adapter.name).to.deep.equal(expectedDecision);
        if (expectedLines) expect(lines, adapter.name).to.deep.equal(expectedLines);
      }
    });
  }
});

/** The lines an adapter sent during one call, with the dynamic provider's stack-level prefix taken off. */
function linesDuring(session: PluginSession, from: number, severity: string): string[] {
  return session.engine.lines
    .slice(from)
    .filter((line) => line.severity === severity && !line.ephemeral)
    .map((line) => line.message.replace(/^ResourcePolicy: /, ""));
}

async function checkThrough(
  session: PluginSession,
  urn: string,
  olds: Inputs,
  news: Inputs,
  wrap: (inputs: PropertyObject) => PropertyObject,
): Promise<CheckAnswer> {
  const from = session.engine.lines.length;
  const response = await session.plugin.check(
    checkRequest({ urn, olds: wrap(olds as PropertyObject), news: wrap(news as PropertyObject) }),
  );
  return {
    failures: response.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`),
    warnings: linesDuring(session, from, "warning"),
    policyDocument: propertiesOf(response.getInputs()).policyDocument,
  };
}

async function diffThrough(
  session: PluginSession,
  urn: string,
  state: Inputs,
  news: Inputs,
  wrap: (inputs: PropertyObject) => PropertyObject,
): Promise<DiffAnswer> {
  const from = session.engine.lines.length;
  const response = await session.plugin.diff(
    diffRequest({
      urn,
      id: WORKSPACE,
      olds: wrap(state as PropertyObject),
      news: wrap(news as PropertyObject),
    }),
  );
  return {
    changes: changesOf(response),
    replaces: response.getReplacesList(),
    deleteBeforeReplace: response.getDeletebeforereplace(),
    lines: linesDuring(session, from, "info"),
  };
}
