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

/** The workspace's own account (the emulator's): no reminder of KMS grants for another account. */
const OWN_ACCOUNT = "arn:aws:iam::123456789012:root";
/** Another account, whose grant brings the cross-account KMS reminder: a warning. */
const OTHER_ACCOUNT = "arn:aws:iam::210987654321:root";
/** The name both adapters' resources have, which each warning starts with. */
const NAME = "policy";
/** Said after each failure of the workspace's look: how to turn it off. */
const LOOK_OFF = "(awsamp:skipWorkspaceCheck true turns this look off)";

/**
 * The workspaces the cases put policies on, made in the emulator, since Check looks up a workspace a policy
 * is first put on; and one that does not exist.
 */
interface Workspaces {
  workspace: string;
  other: string;
  missing: string;
  arn: string;
  /** A policy on `workspace` for its own account. */
  document: string;
}

interface Inputs {
  workspaceId?: string;
  /** JSON text, or the object an SDK's PolicyDocument type sends. */
  policyDocument?: string | PropertyObject;
  region?: string | number;
  acceptedWarnings?: string[];
}

/**
 * What the engine saw of one Check: the failures' reasons (none names a property, checkThrough asserts), the
 * warning lines, and (where a case names them) the checked inputs' policyDocument and access.
 */
interface CheckAnswer {
  failures: string[];
  warnings: string[];
  policyDocument?: unknown;
  access?: unknown;
}

/** What the engine saw of one Diff: the decision, and the lines logged (none: the access change is in the diff). */
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

/** A case of the table, whose inputs name the workspaces made for it. */
interface Case<T> {
  title: string;
  of(w: Workspaces): T;
}

const checkCases: Case<{ olds?: Inputs; news: Inputs; expected: CheckAnswer }>[] = [
  {
    title: "a document given as an object, which becomes its JSON text in IAM's key order",
    of: (w) => ({
      news: {
        workspaceId: w.workspace,
        policyDocument: {
          Statement: [
            {
              Action: ["aps:RemoteWrite"],
              Effect: "Allow",
              Principal: { AWS: [OWN_ACCOUNT] },
              Resource: [w.arn],
            },
          ],
          Version: "2012-10-17",
        },
      },
      expected: {
        failures: [],
        warnings: [],
        policyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["${OWN_ACCOUNT}"]},"Action":["aps:RemoteWrite"],"Resource":["${w.arn}"]}]}`,
        access: { [`${OWN_ACCOUNT} aps:RemoteWrite`]: "allow" },
      },
    }),
  },
  {
    title: "a workspace ID that is not one",
    of: (w) => ({
      news: { workspaceId: "my-workspace", policyDocument: w.document },
      expected: {
        failures: [
          'workspaceId: "my-workspace" is not a workspace ID; use one like ws-12345678-90ab-cdef-1234-567890abcdef (a Workspace\'s id)',
        ],
        warnings: [],
      },
    }),
  },
  {
    title: "a workspace that does not exist, which pulumi up would fail on",
    of: (w) => ({
      news: { workspaceId: w.missing, policyDocument: w.document.replaceAll(w.workspace, w.missing) },
      expected: {
        failures: [
          `workspaceId: workspace ${w.missing} does not exist in us-east-1 (or these credentials cannot see it), so pulumi up would fail; check workspaceId and region ${LOOK_OFF}`,
        ],
        warnings: [],
      },
    }),
  },
  {
    title: "a region that is not text",
    of: (w) => ({
      news: { workspaceId: w.workspace, policyDocument: w.document, region: 7 },
      expected: { failures: ["region must be a string, not a number"], warnings: [] },
    }),
  },
  {
    title: "a Resource naming another workspace",
    of: (w) => ({
      news: { workspaceId: w.other, policyDocument: w.document },
      expected: {
        failures: [
          `policyDocument $.Statement[0].Resource: "${w.arn}" names workspace ${w.workspace}, but this policy is for workspace ${w.other}; AMP requires the policy's resource to be the workspace it is attached to: use the ARN of workspace ${w.other}`,
        ],
        warnings: [],
      },
    }),
  },
  {
    title: "a misspelt action, refused (as AMP refuses it) with the one meant",
    of: (w) => ({
      news: {
        workspaceId: w.workspace,
        policyDocument: policyDocument(w.arn, {
          principal: OWN_ACCOUNT,
          actions: ["aps:GetMetricsMetadata"],
        }),
      },
      expected: {
        failures: [
          'policyDocument $.Statement[0].Action[0]: "aps:GetMetricsMetadata" is not an action — did you mean aps:GetMetricMetadata? AMP refuses it',
        ],
        warnings: [],
      },
    }),
  },
  {
    title: "a grant to another account, warned of under the resource's name",
    of: (w) => ({
      news: { workspaceId: w.workspace, policyDocument: policyDocument(w.arn, { principal: OTHER_ACCOUNT }) },
      expected: {
        failures: [],
        warnings: [
          `${NAME}: policyDocument $.Statement[0].Principal.AWS: this grants to account 210987654321, not the workspace's account 123456789012: if the workspace is encrypted with a customer-managed KMS key, that account's principals also need KMS grants on the key`,
        ],
        access: { [`${OTHER_ACCOUNT} aps:RemoteWrite`]: "allow" },
      },
    }),
  },
  {
    title: "a warning of a rule the resource has accepted, which is not said",
    of: (w) => ({
      news: {
        workspaceId: w.workspace,
        policyDocument: policyDocument(w.arn, { principal: OTHER_ACCOUNT, actions: ["aps:QueryMetrics"] }),
        acceptedWarnings: ["cross-account-kms"],
      },
      expected: { failures: [], warnings: [] },
    }),
  },
  {
    title: "an accepted warning of a rule that became an error, which cannot be accepted",
    of: (w) => ({
      news: {
        workspaceId: w.workspace,
        policyDocument: policyDocument(w.arn, { principal: OWN_ACCOUNT, actions: ["aps:GetSeriess"] }),
        acceptedWarnings: ["unknown-action"],
      },
      expected: {
        failures: [
          'acceptedWarnings[0]: "unknown-action" is no longer a warning: AMP refuses such actions, so they are errors, which cannot be accepted; remove it and fix the actions',
          'policyDocument $.Statement[0].Action[0]: "aps:GetSeriess" is not an action — did you mean aps:GetSeries? AMP refuses it',
        ],
        warnings: [],
      },
    }),
  },
  {
    title: "an accepted warning that names no lint rule",
    of: (w) => ({
      news: { workspaceId: w.workspace, policyDocument: w.document, acceptedWarnings: ["kms"] },
      expected: {
        failures: [
          'acceptedWarnings[0]: "kms" is not a lint rule; use one of duplicate-key, no-version, resource-not-workspace, unknown-condition-operator, empty-condition, allow-not-action, public-grant, allow-not-principal, cross-account-kms',
        ],
        warnings: [],
      },
    }),
  },
  {
    title: "the same document as before, which must still pass: its errors are failures again",
    of: (w) => ({
      olds: { workspaceId: w.other, policyDocument: w.document },
      news: { workspaceId: w.other, policyDocument: reformatted(w.document) },
      expected: {
        failures: [
          `policyDocument $.Statement[0].Resource: "${w.arn}" names workspace ${w.workspace}, but this policy is for workspace ${w.other}; AMP requires the policy's resource to be the workspace it is attached to: use the ARN of workspace ${w.other}`,
        ],
        warnings: [],
      },
    }),
  },
  {
    title: "the same document as before, whose warnings were given when it was new",
    of: (w) => ({
      olds: { workspaceId: w.workspace, policyDocument: w.document },
      news: { workspaceId: w.workspace, policyDocument: reformatted(w.document) },
      expected: { failures: [], warnings: [] },
    }),
  },
];

const diffCases: Case<{ state: Inputs; news: Inputs; expected: DiffAnswer }>[] = [
  {
    title: "a document that grants the same, written another way: no change",
    of: (w) => ({
      state: { workspaceId: w.workspace, policyDocument: w.document, region: "us-east-1" },
      news: { workspaceId: w.workspace, policyDocument: reformatted(w.document) },
      expected: { changes: "DIFF_NONE", replaces: [], deleteBeforeReplace: false, lines: [] },
    }),
  },
  {
    title: "a document that grants more: an update, logging nothing (the engine shows the access it adds)",
    of: (w) => ({
      state: { workspaceId: w.workspace, policyDocument: w.document, region: "us-east-1" },
      news: {
        workspaceId: w.workspace,
        policyDocument: policyDocument(w.arn, {
          principal: OWN_ACCOUNT,
          actions: ["aps:RemoteWrite", "aps:QueryMetrics"],
        }),
      },
      expected: { changes: "DIFF_SOME", replaces: [], deleteBeforeReplace: false, lines: [] },
    }),
  },
  {
    title: "another workspace: a replacement, the new policy created first",
    of: (w) => ({
      state: { workspaceId: w.workspace, policyDocument: w.document, region: "us-east-1" },
      news: { workspaceId: w.other, policyDocument: w.document },
      expected: { changes: "DIFF_SOME", replaces: ["workspaceId"], deleteBeforeReplace: false, lines: [] },
    }),
  },
  {
    title: "another region only: a replacement, the old policy deleted first",
    of: (w) => ({
      state: { workspaceId: w.workspace, policyDocument: w.document, region: "us-east-1" },
      news: { workspaceId: w.workspace, policyDocument: w.document, region: "eu-west-1" },
      expected: { changes: "DIFF_SOME", replaces: ["region"], deleteBeforeReplace: true, lines: [] },
    }),
  },
];

describe("resource: one definition through both adapters", function () {
  this.timeout(30_000);
  let emulator: AmpEmulator;
  let plugin: PluginSession;
  let dynamic: PluginSession;
  let provider: string;
  let workspaces: Workspaces;

  before(async () => {
    emulator = await AmpEmulator.start();
    [plugin, dynamic, provider] = await Promise.all([
      startSession({ emulator }),
      startDynamicSession(emulator),
      serializedProvider(),
    ]);
    const { workspaceId, arn } = emulator.createWorkspace("policy");
    workspaces = {
      workspace: workspaceId,
      other: emulator.createWorkspace("other").workspaceId,
      missing: "ws-00000000-0000-4000-8000-000000000000",
      arn,
      document: policyDocument(arn, { principal: OWN_ACCOUNT }),
    };
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

  for (const { title, of } of checkCases) {
    it(`Check: ${title}`, async () => {
      const { olds, news, expected } = of(workspaces);
      for (const adapter of adapters) {
        const { policyDocument, access, ...answer } = await adapter.check(olds ?? {}, news);
        const { policyDocument: expectedDocument, access: expectedAccess, ...expectedAnswer } = expected;
        expect(answer, adapter.name).to.deep.equal(expectedAnswer);
        if (expectedDocument !== undefined) expect(policyDocument, adapter.name).to.equal(expectedDocument);
        if (expectedAccess !== undefined) expect(access, adapter.name).to.deep.equal(expectedAccess);
      }
    });
  }

  for (const { title, of } of diffCases) {
    it(`Diff: ${title}`, async () => {
      const { state, news, expected } = of(workspaces);
      for (const adapter of adapters) {
        const answer = await adapter.diff({ ...state, revisionId: "r1" }, news);
        expect(answer, adapter.name).to.deep.equal(expected);
      }
    });
  }
});

/** The lines an adapter sent during one call: under the resource `urn`, or anywhere when it is undefined. */
function linesDuring(
  session: PluginSession,
  from: number,
  severity: string,
  urn: string | undefined,
): string[] {
  return session.engine.lines
    .slice(from)
    .filter(
      (line) => line.severity === severity && !line.ephemeral && (urn === undefined || line.urn === urn),
    )
    .map((line) => line.message);
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
  const failures = response.getFailuresList();
  // A named property's whole value is what the engine prints before the reason: the document, or a secret.
  expect(
    failures.map((f) => f.getProperty()),
    "no property for the engine to print",
  ).to.deep.equal(failures.map(() => ""));
  const inputs = propertiesOf(response.getInputs());
  return {
    failures: failures.map((f) => f.getReason()),
    warnings: linesDuring(session, from, "warning", urn),
    policyDocument: inputs.policyDocument,
    access: inputs.access,
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
      id: String(state.workspaceId),
      olds: wrap(state as PropertyObject),
      news: wrap(news as PropertyObject),
    }),
  );
  return {
    changes: changesOf(response),
    replaces: response.getReplacesList(),
    deleteBeforeReplace: response.getDeletebeforereplace(),
    lines: linesDuring(session, from, "info", undefined),
  };
}
