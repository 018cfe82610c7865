/** The AMP emulator through a real AmpClient: every rule it promises, one behaviour per test. */
import { request as httpRequest } from "node:http";
import {
  AccessDeniedException,
  type AmpClient,
  ConflictException,
  CreateWorkspaceCommand,
  DeleteResourcePolicyCommand,
  type DeleteResourcePolicyCommandInput,
  DeleteWorkspaceCommand,
  DescribeResourcePolicyCommand,
  DescribeWorkspaceCommand,
  InternalServerException,
  ListWorkspacesCommand,
  PutResourcePolicyCommand,
  type PutResourcePolicyCommandInput,
  ResourceNotFoundException,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  ThrottlingException,
  ValidationException,
} from "@aws-sdk/client-amp";
import { createAmpClient } from "@awsamp/core/client";
import type { FinalizeRequestMiddleware } from "@smithy/types";
import { expect, use } from "chai";
import chaiAsPromised from "chai-as-promised";
import {
  AmpEmulator,
  DEFAULT_MAX_POLICY_DOCUMENT_BYTES,
  EMULATOR_CREDENTIALS,
  emulatorClientConfig,
  type WorkspaceView,
} from "./server";

use(chaiAsPromised);

const T0 = Date.UTC(2025, 0, 1);

function policyFor(workspace: WorkspaceView, actions: string[] = ["aps:RemoteWrite"]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Share",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::210987654321:root" },
        Action: actions,
        Resource: workspace.arn,
      },
    ],
  });
}

/** A document of these statements, each an Allow on the workspace unless it says otherwise. */
function documentOf(workspace: WorkspaceView, statements: Record<string, unknown>[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((statement) => ({ Effect: "Allow", Resource: workspace.arn, ...statement })),
  });
}

/** A valid document of exactly `bytes` UTF-8 bytes. */
function documentOfBytes(bytes: number): string {
  const frame = JSON.stringify({ Statement: [{ Sid: "" }] });
  return JSON.stringify({ Statement: [{ Sid: "x".repeat(bytes - frame.length) }] });
}

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request with no SDK and so no signature. */
function rawRequest(endpoint: string, method: string, path: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${endpoint}${path}`, { method, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
    });
    request.on("error", reject);
    request.end();
  });
}

describe("AmpEmulator", () => {
  let now = T0;
  let emulator: AmpEmulator;
  let client: AmpClient;
  const clients: AmpClient[] = [];
  let workspace: WorkspaceView;

  /** A client of its own, so one test's retries and rate limiting do not reach another's. */
  function newClient(maxAttempts = 1): AmpClient {
    const made = createAmpClient({ ...emulatorClientConfig(emulator), maxAttempts });
    clients.push(made);
    return made;
  }

  const put = (input: Partial<PutResourcePolicyCommandInput> = {}) =>
    client.send(
      new PutResourcePolicyCommand({
        workspaceId: workspace.workspaceId,
        policyDocument: policyFor(workspace),
        ...input,
      }),
    );
  const describePolicy = (workspaceId = workspace.workspaceId) =>
    client.send(new DescribeResourcePolicyCommand({ workspaceId }));
  const deletePolicy = (input: Partial<DeleteResourcePolicyCommandInput> = {}) =>
    client.send(new DeleteResourcePolicyCommand({ workspaceId: workspace.workspaceId, ...input }));

  before(async () => {
    emulator = await AmpEmulator.start({ clock: () => now });
  });
  after(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    now = T0;
    emulator.reset();
    client = newClient();
    workspace = emulator.createWorkspace("main");
  });
  afterEach(() => {
    for (const made of clients.splice(0)) made.destroy();
  });

  describe("workspaces", () => {
    it("CreateWorkspace answers 202 with a ws- ID, the workspace ARN and CREATING; DescribeWorkspace returns it", async () => {
      const created = await client.send(
        new CreateWorkspaceCommand({ alias: "  team  ", tags: { team: "obs" } }),
      );
      expect(created.$metadata.httpStatusCode).to.equal(202);
      expect(created.workspaceId).to.match(/^ws-[0-9a-f-]{36}$/);
      expect(created.arn).to.equal(`arn:aws:aps:us-east-1:123456789012:workspace/${created.workspaceId}`);
      expect(created.status).to.deep.equal({ statusCode: "CREATING" });

      const { workspace: described } = await client.send(
        new DescribeWorkspaceCommand({ workspaceId: created.workspaceId }),
      );
      expect(described).to.deep.include({
        workspaceId: created.workspaceId,
        arn: created.arn,
        alias: "team",
        status: { statusCode: "ACTIVE" },
        tags: { team: "obs" },
      });
      expect(described?.createdAt).to.deep.equal(new Date(T0));
    });

    it("ListWorkspaces lists every workspace, filters by alias prefix, and pages with nextToken", async () => {
      emulator.createWorkspace("team-a");
      emulator.createWorkspace("team-b");
      const all = await client.send(new ListWorkspacesCommand({}));
      expect(all.workspaces?.map((w) => w.alias)).to.deep.equal(["main", "team-a", "team-b"]);

      const teams = await client.send(new ListWorkspacesCommand({ alias: "team" }));
      expect(teams.workspaces?.map((w) => w.alias)).to.deep.equal(["team-a", "team-b"]);

      const first = await client.send(new ListWorkspacesCommand({ maxResults: 2 }));
      expect(first.workspaces).to.have.length(2);
      const second = await client.send(
        new ListWorkspacesCommand({ maxResults: 2, nextToken: first.nextToken }),
      );
      expect(second.workspaces?.map((w) => w.alias)).to.deep.equal(["team-b"]);
      expect(second.nextToken).to.equal(undefined);
    });

    it("a workspace made through the API stays CREATING for workspaceCreateMs, then is ACTIVE", async () => {
      emulator.settle.workspaceCreateMs = 1000;
      const { workspaceId } = await client.send(new CreateWorkspaceCommand({}));
      const status = async () =>
        (await client.send(new DescribeWorkspaceCommand({ workspaceId }))).workspace?.status?.statusCode;
      now += 999;
      expect(await status()).to.equal("CREATING");
      now += 1;
      expect(await status()).to.equal("ACTIVE");
    });

    it("DeleteWorkspace leaves the workspace DELETING for workspaceDeleteMs, then it is gone with its policy", async () => {
      emulator.settle.workspaceDeleteMs = 500;
      await put();
      const deleted = await client.send(new DeleteWorkspaceCommand({ workspaceId: workspace.workspaceId }));
      expect(deleted.$metadata.httpStatusCode).to.equal(202);
      expect(emulator.workspaceOf(workspace.workspaceId)?.status).to.equal("DELETING");
      expect(emulator.policyOf(workspace.workspaceId)).to.not.equal(undefined);

      now += 500;
      await expect(client.send(new DescribeWorkspaceCommand({ workspaceId: workspace.workspaceId })))
        .to.be.rejectedWith(ResourceNotFoundException)
        .and.eventually.include({
          name: "ResourceNotFoundException",
          resourceId: workspace.workspaceId,
          resourceType: "Workspace",
        });
      expect(emulator.policyOf(workspace.workspaceId)).to.equal(undefined);
    });

    it("DeleteWorkspace is refused with ConflictException while the workspace is CREATING", async () => {
      const creating = emulator.createWorkspace("slow", { settleMs: 1000 });
      await expect(client.send(new DeleteWorkspaceCommand({ workspaceId: creating.workspaceId })))
        .to.be.rejectedWith(ConflictException)
        .and.eventually.include({
          name: "ConflictException",
          resourceId: creating.workspaceId,
          resourceType: "Workspace",
        });
    });
  });

  describe("resource policies", () => {
    it("PutResourcePolicy answers 202 with CREATING and a revision; Describe returns the document as put", async () => {
      const document = JSON.stringify(JSON.parse(policyFor(workspace)), null, 3);
      const written = await put({ policyDocument: document });
      expect(written.$metadata.httpStatusCode).to.equal(202);
      expect(written.policyStatus).to.equal("CREATING");
      expect(written.revisionId).to.match(/^[0-9a-f-]{36}$/);

      const described = await describePolicy();
      expect(described.$metadata.httpStatusCode).to.equal(200);
      expect(described).to.include({
        policyDocument: document,
        policyStatus: "ACTIVE",
        revisionId: written.revisionId,
      });
    });

    it("every put makes a new revision ID, and an update answers UPDATING", async () => {
      const first = await put();
      const second = await put({ policyDocument: policyFor(workspace, ["aps:QueryMetrics"]) });
      expect(second.policyStatus).to.equal("UPDATING");
      expect(second.revisionId).to.not.equal(first.revisionId);
      expect(emulator.policyOf(workspace.workspaceId)?.revisionId).to.equal(second.revisionId);
    });

    it("a policy is CREATING for policyCreateMs, UPDATING for policyUpdateMs, DELETING for policyDeleteMs, then gone", async () => {
      Object.assign(emulator.settle, { policyCreateMs: 300, policyUpdateMs: 200, policyDeleteMs: 100 });
      const status = async () => (await describePolicy()).policyStatus;

      await put();
      now += 299;
      expect(await status()).to.equal("CREATING");
      now += 1;
      expect(await status()).to.equal("ACTIVE");

      await put({ policyDocument: policyFor(workspace, ["aps:GetSeries"]) });
      now += 199;
      expect(await status()).to.equal("UPDATING");
      now += 1;
      expect(await status()).to.equal("ACTIVE");

      const deleted = await deletePolicy();
      expect(deleted.$metadata.httpStatusCode).to.equal(202);
      now += 99;
      expect(await status()).to.equal("DELETING");
      now += 1;
      await expect(describePolicy())
        .to.be.rejectedWith(ResourceNotFoundException)
        .and.eventually.include({ name: "ResourceNotFoundException", resourceType: "ResourcePolicy" });
    });

    it("a settle time changed at run time applies from the next transition on", async () => {
      emulator.settle.policyCreateMs = 1000;
      await put();
      emulator.settle.policyCreateMs = 5000;
      now += 1000;
      expect(emulator.policyOf(workspace.workspaceId)?.policyStatus).to.equal("ACTIVE");

      emulator.settle.policyUpdateMs = 2000;
      await put({ policyDocument: policyFor(workspace, ["aps:GetLabels"]) });
      now += 1999;
      expect(emulator.policyOf(workspace.workspaceId)?.policyStatus).to.equal("UPDATING");
    });

    it("statuses follow the real clock when no clock is given", async () => {
      const realTime = await AmpEmulator.start({ settle: { policyCreateMs: 150 } });
      const realClient = createAmpClient({ ...emulatorClientConfig(realTime), maxAttempts: 1 });
      try {
        const target = realTime.createWorkspace();
        await realClient.send(
          new PutResourcePolicyCommand({
            workspaceId: target.workspaceId,
            policyDocument: policyFor(target),
          }),
        );
        expect(realTime.policyOf(target.workspaceId)?.policyStatus).to.equal("CREATING");
        await new Promise((resolve) => setTimeout(resolve, 200));
        const described = await realClient.send(
          new DescribeResourcePolicyCommand({ workspaceId: target.workspaceId }),
        );
        expect(described.policyStatus).to.equal("ACTIVE");
      } finally {
        realClient.destroy();
        await realTime.close();
      }
    });

    it("Describe of a missing policy names the policy; of a missing workspace, the workspace", async () => {
      await expect(describePolicy())
        .to.be.rejectedWith(ResourceNotFoundException)
        .and.eventually.include({ resourceId: workspace.workspaceId, resourceType: "ResourcePolicy" });
      await expect(describePolicy("ws-missing"))
        .to.be.rejectedWith(ResourceNotFoundException)
        .and.eventually.include({ resourceId: "ws-missing", resourceType: "Workspace" });
    });

    it("Delete of a missing policy is a ResourceNotFoundException", async () => {
      await expect(deletePolicy())
        .to.be.rejectedWith(ResourceNotFoundException)
        .and.eventually.include({ name: "ResourceNotFoundException", resourceType: "ResourcePolicy" });
    });
  });

  describe("write conflicts", () => {
    it("Put and Delete are refused with ConflictException while the policy is CREATING, UPDATING or DELETING", async () => {
      Object.assign(emulator.settle, { policyCreateMs: 100, policyUpdateMs: 100, policyDeleteMs: 100 });
      const conflict = {
        name: "ConflictException",
        resourceId: workspace.workspaceId,
        resourceType: "ResourcePolicy",
      };
      await put();
      await expect(put())
        .to.be.rejectedWith(ConflictException, /CREATING/)
        .and.eventually.include(conflict);
      await expect(deletePolicy())
        .to.be.rejectedWith(ConflictException, /CREATING/)
        .and.eventually.include(conflict);
      now += 100;
      await put();
      await expect(put())
        .to.be.rejectedWith(ConflictException, /UPDATING/)
        .and.eventually.include(conflict);
      await expect(deletePolicy())
        .to.be.rejectedWith(ConflictException, /UPDATING/)
        .and.eventually.include(conflict);
      now += 100;
      await deletePolicy();
      await expect(put())
        .to.be.rejectedWith(ConflictException, /DELETING/)
        .and.eventually.include(conflict);
      await expect(deletePolicy())
        .to.be.rejectedWith(ConflictException, /DELETING/)
        .and.eventually.include(conflict);
    });

    it("Put and Delete are refused with ConflictException while the workspace is CREATING or DELETING", async () => {
      const creating = emulator.createWorkspace("slow", { settleMs: 100 });
      await expect(put({ workspaceId: creating.workspaceId }))
        .to.be.rejectedWith(ConflictException, /CREATING/)
        .and.eventually.include({ resourceId: creating.workspaceId, resourceType: "Workspace" });

      emulator.settle.workspaceDeleteMs = 100;
      await put();
      await client.send(new DeleteWorkspaceCommand({ workspaceId: workspace.workspaceId }));
      await expect(put())
        .to.be.rejectedWith(ConflictException, /DELETING/)
        .and.eventually.include({ resourceType: "Workspace" });
      await expect(deletePolicy()).to.be.rejectedWith(ConflictException, /DELETING/);
    });

    it("revision NO_POLICY creates a first policy, and is a ConflictException once there is one", async () => {
      const first = await put({ revisionId: "NO_POLICY" });
      expect(first.policyStatus).to.equal("CREATING");
      await expect(put({ revisionId: "NO_POLICY" }))
        .to.be.rejectedWith(ConflictException, /NO_POLICY/)
        .and.eventually.include({ name: "ConflictException", resourceType: "ResourcePolicy" });
      expect(emulator.policyOf(workspace.workspaceId)?.revisionId).to.equal(first.revisionId);
    });

    it("a revision that is not the current one is a ConflictException for Put and Delete; the current one works", async () => {
      const first = await put();
      const second = await put({ policyDocument: policyFor(workspace, ["aps:QueryMetrics"]) });
      const stale = { revisionId: first.revisionId };
      await expect(put(stale)).to.be.rejectedWith(ConflictException, /not the current one/);
      await expect(deletePolicy(stale)).to.be.rejectedWith(ConflictException, /not the current one/);
      expect(emulator.policyOf(workspace.workspaceId)?.revisionId).to.equal(second.revisionId);

      const third = await put({ revisionId: second.revisionId });
      await deletePolicy({ revisionId: third.revisionId });
      expect(emulator.policyOf(workspace.workspaceId)).to.equal(undefined);
    });

    it("a named revision where there is no policy is a ConflictException", async () => {
      await expect(put({ revisionId: "0b7e7c1e-0000-4000-8000-000000000000" })).to.be.rejectedWith(
        ConflictException,
        /has no policy/,
      );
    });

    it("a put without a revision overwrites whatever is there: the last writer wins", async () => {
      emulator.putPolicyOutOfBand(workspace.workspaceId, policyFor(workspace, ["aps:GetLabels"]));
      const mine = policyFor(workspace, ["aps:GetMetricMetadata"]);
      const written = await put({ policyDocument: mine });
      expect(emulator.policyOf(workspace.workspaceId)).to.include({
        policyDocument: mine,
        revisionId: written.revisionId,
      });
    });
  });

  describe("client tokens", () => {
    it("the same token with the same Put returns the first answer and writes nothing more", async () => {
      emulator.settle.policyCreateMs = 1000;
      const first = await put({ clientToken: "token-1" });
      const again = await put({ clientToken: "token-1" });
      expect(again).to.include({ policyStatus: "CREATING", revisionId: first.revisionId });
      expect(emulator.policyOf(workspace.workspaceId)?.revisionId).to.equal(first.revisionId);
      // Without the token the same put is a real second write, refused while the first settles.
      await expect(put()).to.be.rejectedWith(ConflictException);
    });

    it("the same token with a different Put is a ConflictException that names the token", async () => {
      await put({ clientToken: "token-2" });
      await expect(put({ clientToken: "token-2", policyDocument: policyFor(workspace, ["aps:GetSeries"]) }))
        .to.be.rejectedWith(
          ConflictException,
          /client token token-2 was already used with different parameters/,
        )
        .and.eventually.include({ name: "ConflictException", resourceId: workspace.workspaceId });
    });

    it("the same token with the same Delete answers 202 again without deleting twice", async () => {
      emulator.settle.policyDeleteMs = 1000;
      const { revisionId } = await put();
      await deletePolicy({ clientToken: "token-3", revisionId });
      const again = await deletePolicy({ clientToken: "token-3", revisionId });
      expect(again.$metadata.httpStatusCode).to.equal(202);
      await expect(deletePolicy({ revisionId })).to.be.rejectedWith(ConflictException, /DELETING/);
    });

    it("a refused write does not use its token up: the same request goes through once it can", async () => {
      const slow = emulator.createWorkspace("slow", { settleMs: 100 });
      const request = {
        workspaceId: slow.workspaceId,
        policyDocument: policyFor(slow),
        clientToken: "token-4",
      };
      await expect(put(request)).to.be.rejectedWith(ConflictException);
      now += 100;
      const written = await put(request);
      expect(written.revisionId).to.equal(emulator.policyOf(slow.workspaceId)?.revisionId);
    });

    it("the same token with the same CreateWorkspace returns the same workspace", async () => {
      const first = await client.send(new CreateWorkspaceCommand({ alias: "once", clientToken: "token-5" }));
      const again = await client.send(new CreateWorkspaceCommand({ alias: "once", clientToken: "token-5" }));
      expect(again.workspaceId).to.equal(first.workspaceId);
      expect((await client.send(new ListWorkspacesCommand({ alias: "once" }))).workspaces).to.have.length(1);
    });
  });

  describe("validation", () => {
    it("a document that is not JSON is a ValidationException whose fieldList names policyDocument", async () => {
      const error: unknown = await expect(put({ policyDocument: "{not json" })).to.be.rejectedWith(
        ValidationException,
        /not valid JSON/,
      );
      expect(error).to.include({ name: "ValidationException", reason: "FIELD_VALIDATION_FAILED" });
      expect(error).to.have.nested.property("fieldList[0].name", "policyDocument");
    });

    it("a document without a Statement is a ValidationException", async () => {
      await expect(put({ policyDocument: '{"Version":"2012-10-17"}' })).to.be.rejectedWith(
        ValidationException,
        /must have a Statement/,
      );
      await expect(put({ policyDocument: '{"Statement":[]}' })).to.be.rejectedWith(ValidationException);
    });

    it(`accepts a document of ${DEFAULT_MAX_POLICY_DOCUMENT_BYTES} bytes by default and refuses one byte more`, async () => {
      await put({ policyDocument: documentOfBytes(DEFAULT_MAX_POLICY_DOCUMENT_BYTES) });
      await expect(
        put({ policyDocument: documentOfBytes(DEFAULT_MAX_POLICY_DOCUMENT_BYTES + 1) }),
      ).to.be.rejectedWith(ValidationException, /10241 bytes long; the limit is 10240 bytes/);
    });

    it("maxPolicyDocumentBytes sets the size limit", async () => {
      emulator.maxPolicyDocumentBytes = 100;
      await expect(put({ policyDocument: documentOfBytes(101) })).to.be.rejectedWith(
        ValidationException,
        /limit is 100/,
      );
      await put({ policyDocument: documentOfBytes(100) });
    });

    it("refuses an action other than the five Prometheus-compatible ones, wildcards and typos included, and stores nothing", async () => {
      const { revisionId } = await put();
      for (const action of ["*", "aps:*", "aps:Get*", "aps:DeleteWorkspace", "aps:RemoteWrites"]) {
        const message = `Policy document contains unsupported action: ${action}. Only Prometheus-compatible actions are supported.`;
        const error: unknown = await expect(
          put({ policyDocument: policyFor(workspace, ["aps:RemoteWrite", action]) }),
        ).to.be.rejectedWith(ValidationException);
        expect(error).to.deep.include({
          name: "ValidationException",
          message,
          reason: "FIELD_VALIDATION_FAILED",
          fieldList: [{ name: "policyDocument", message }],
        });
        expect(error).to.have.nested.property("$metadata.httpStatusCode", 400);
      }
      expect(emulator.policyOf(workspace.workspaceId)?.revisionId).to.equal(revisionId);
    });

    it("checks NotAction as it checks Action, in every statement, and an action given as a string", async () => {
      const refused: [Record<string, unknown>[], string][] = [
        [[{ Principal: "*", NotAction: "aps:DeleteWorkspace" }], "aps:DeleteWorkspace"],
        [
          [
            { Principal: "*", Action: "aps:QueryMetrics" },
            { Principal: "*", NotAction: ["aps:GetSeries", "aps:ListWorkspaces"] },
          ],
          "aps:ListWorkspaces",
        ],
        [[{ Principal: "*", Action: "*" }], "*"],
      ];
      for (const [statements, action] of refused) {
        await expect(put({ policyDocument: documentOf(workspace, statements) })).to.be.rejectedWith(
          ValidationException,
          `Policy document contains unsupported action: ${action}. Only Prometheus-compatible actions are supported.`,
        );
      }
      expect(emulator.policyOf(workspace.workspaceId)).to.equal(undefined);
    });

    it("accepts the five Prometheus-compatible actions, in any case, as Action or as NotAction", async () => {
      const compatible = [
        "aps:RemoteWrite",
        "aps:QueryMetrics",
        "aps:GetSeries",
        "aps:GetLabels",
        "aps:GetMetricMetadata",
      ];
      await put({ policyDocument: policyFor(workspace, compatible) });
      await put({
        policyDocument: policyFor(workspace, ["APS:REMOTEWRITE", "aps:querymetrics", "Aps:getSeries"]),
      });
      await put({ policyDocument: documentOf(workspace, [{ Principal: "*", NotAction: compatible }]) });
      expect(emulator.policyOf(workspace.workspaceId)?.policyDocument).to.include("NotAction");
    });

    it("a put to a workspace that does not exist is a ResourceNotFoundException", async () => {
      await expect(put({ workspaceId: "ws-missing" }))
        .to.be.rejectedWith(ResourceNotFoundException)
        .and.eventually.include({ resourceId: "ws-missing", resourceType: "Workspace" });
    });

    it("a malformed workspace ID or client token is a ValidationException", async () => {
      await expect(put({ workspaceId: "-bad" })).to.be.rejectedWith(ValidationException, /workspaceId/);
      await expect(put({ clientToken: "has space" })).to.be.rejectedWith(ValidationException, /clientToken/);
      await expect(put({ clientToken: "x".repeat(65) })).to.be.rejectedWith(
        ValidationException,
        /clientToken/,
      );
    });
  });

  describe("IAM propagation", () => {
    const newRole = "arn:aws:iam::111122223333:role/new";
    const invalid = `Invalid principal in policy: "AWS":"${newRole}"`;
    const naming = (principal: Record<string, unknown>) =>
      put({ policyDocument: documentOf(workspace, [{ Principal: principal, Action: "aps:RemoteWrite" }]) });

    it("principalValidAfter(arn, ms): a put naming the principal is a ValidationException until ms have passed, then succeeds", async () => {
      emulator.principalValidAfter(newRole, 1000);
      now += 999;
      const error: unknown = await expect(naming({ AWS: newRole })).to.be.rejectedWith(ValidationException);
      expect(error).to.deep.include({
        name: "ValidationException",
        message: invalid,
        reason: "FIELD_VALIDATION_FAILED",
        fieldList: [{ name: "policyDocument", message: invalid }],
      });
      expect(error).to.have.nested.property("$metadata.httpStatusCode", 400);
      expect(emulator.policyOf(workspace.workspaceId)).to.equal(undefined);

      now += 1;
      const written = await naming({ AWS: newRole });
      expect(emulator.policyOf(workspace.workspaceId)?.revisionId).to.equal(written.revisionId);
    });

    it("finds the principal in a list of Principal.AWS and in any statement; other principals are valid at once", async () => {
      emulator.principalValidAfter(newRole, 1000);
      const document = documentOf(workspace, [
        { Principal: { AWS: "arn:aws:iam::210987654321:root" }, Action: "aps:QueryMetrics" },
        { Principal: { AWS: ["210987654321", newRole] }, Action: "aps:RemoteWrite" },
      ]);
      await expect(put({ policyDocument: document })).to.be.rejectedWith(ValidationException, invalid);
      await naming({ AWS: ["arn:aws:iam::210987654321:root", "arn:aws:iam::111122223333:role/old"] });
    });

    it("a put refused while its principal propagates goes through with the same client token afterwards", async () => {
      emulator.principalValidAfter(newRole, 500);
      const request = {
        policyDocument: documentOf(workspace, [{ Principal: { AWS: newRole }, Action: "aps:RemoteWrite" }]),
        clientToken: "token-iam",
        revisionId: "NO_POLICY",
      };
      await expect(put(request)).to.be.rejectedWith(ValidationException, invalid);
      now += 500;
      const written = await put(request);
      expect(written.policyStatus).to.equal("CREATING");
    });

    it("reset forgets the principals still propagating", async () => {
      emulator.principalValidAfter(newRole, 1000);
      emulator.reset();
      workspace = emulator.createWorkspace("main");
      await naming({ AWS: newRole });
    });
  });

  describe("signature check", () => {
    it("refuses an unsigned request with 403, x-amzn-errortype AccessDeniedException and a JSON message", async () => {
      const answer = await rawRequest(emulator.endpoint, "GET", `/workspaces/${workspace.workspaceId}`);
      expect(answer.status).to.equal(403);
      expect(answer.headers["x-amzn-errortype"]).to.equal("AccessDeniedException");
      expect(JSON.parse(answer.body)).to.have.property("message").that.matches(/SigV4/);
    });

    it("a client request stripped of its signature arrives as AccessDeniedException", async () => {
      const stripSignature: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> =
        (next) => async (args) => {
          delete (args.request as { headers: Record<string, string> }).headers.authorization;
          return next(args);
        };
      client.middlewareStack.addRelativeTo(stripSignature, {
        relation: "after",
        toMiddleware: "httpSigningMiddleware",
        name: "stripSignature",
      });
      await expect(describePolicy())
        .to.be.rejectedWith(AccessDeniedException)
        .and.eventually.include({ name: "AccessDeniedException" });
    });

    it("serves unsigned requests when requireSignature is off", async () => {
      emulator.requireSignature = false;
      const answer = await rawRequest(emulator.endpoint, "GET", `/workspaces/${workspace.workspaceId}`);
      expect(answer.status).to.equal(200);
      expect(JSON.parse(answer.body)).to.have.nested.property("workspace.workspaceId", workspace.workspaceId);
    });

    it("keeps neither the Authorization header nor the keys in its log", async () => {
      await put();
      await describePolicy();
      const logged = JSON.stringify(emulator.log.entries);
      expect(logged).to.not.match(/AWS4-HMAC-SHA256|Credential=|authorization/i);
      expect(logged).to.not.include(EMULATOR_CREDENTIALS.accessKeyId);
      expect(logged).to.not.include(EMULATOR_CREDENTIALS.secretAccessKey);
    });

    it("answers a path that is no AMP operation with a ValidationException of reason UNKNOWN_OPERATION", async () => {
      emulator.requireSignature = false;
      const answer = await rawRequest(emulator.endpoint, "GET", "/scrapers");
      expect(answer.status).to.equal(400);
      expect(answer.headers["x-amzn-errortype"]).to.equal("ValidationException");
      expect(JSON.parse(answer.body)).to.include({ reason: "UNKNOWN_OPERATION" });
    });
  });

  describe("faults", () => {
    it("throttleAbove(N) answers ThrottlingException with Retry-After beyond N a second, until the window slides", async () => {
      emulator.faults.throttleAbove(2);
      // A client per request: the SDK's adaptive mode slows a client down after a throttle, on the real clock.
      const list = () => newClient().send(new ListWorkspacesCommand({}));
      await list();
      now += 400;
      await list();
      now += 400;
      const error: unknown = await expect(list()).to.be.rejectedWith(ThrottlingException);
      expect(error).to.include({ name: "ThrottlingException", retryAfterSeconds: 1, serviceCode: "aps" });
      expect(error).to.have.nested.property("$metadata.httpStatusCode", 429);
      now += 201; // the first request has left the window
      await list();
      await expect(list()).to.be.rejectedWith(ThrottlingException);
      emulator.faults.throttleAbove(undefined);
      await list();
    });

    it("failNext(K) answers the next K requests with InternalServerException, without handling them", async () => {
      emulator.faults.failNext(2);
      const error: unknown = await expect(put()).to.be.rejectedWith(InternalServerException);
      expect(error).to.include({ name: "InternalServerException" });
      expect(error).to.have.nested.property("$metadata.httpStatusCode", 500);
      await expect(describePolicy()).to.be.rejectedWith(InternalServerException);
      expect(emulator.policyOf(workspace.workspaceId)).to.equal(undefined);
      await put();
      expect(emulator.policyOf(workspace.workspaceId)).to.not.equal(undefined);
    });

    it("failNext scoped to an operation leaves the other operations alone", async () => {
      emulator.faults.failNext(1, { operation: "DescribeResourcePolicy" });
      await put();
      await expect(describePolicy()).to.be.rejectedWith(InternalServerException);
      await describePolicy();
    });

    it("a client with enough attempts retries injected 500s through to success", async () => {
      client = newClient(3);
      emulator.faults.failNext(2, { operation: "PutResourcePolicy" });
      const written = await put();
      expect(written.$metadata.attempts).to.equal(3);
      expect(emulator.log.entries.map((entry) => entry.status)).to.deep.equal([500, 500, 202]);
    });

    it("delayAnswers(N) holds the answers of its operation back by N ms", async () => {
      await client.send(new ListWorkspacesCommand({}));
      emulator.faults.delayAnswers(300, { operation: "DescribeWorkspace" });
      const timed = async (send: () => Promise<unknown>) => {
        const started = Date.now();
        await send();
        return Date.now() - started;
      };
      expect(
        await timed(() => client.send(new DescribeWorkspaceCommand({ workspaceId: workspace.workspaceId }))),
      ).to.be.at.least(295);
      expect(await timed(() => client.send(new ListWorkspacesCommand({})))).to.be.below(250);
      emulator.faults.delayAnswers(0);
      expect(
        await timed(() => client.send(new DescribeWorkspaceCommand({ workspaceId: workspace.workspaceId }))),
      ).to.be.below(250);
    });

    it("dropNext(K) destroys the connection with no answer and without handling the request", async () => {
      emulator.faults.dropNext(1);
      await expect(put()).to.be.rejectedWith(/socket hang up|ECONNRESET/);
      expect(emulator.policyOf(workspace.workspaceId)).to.equal(undefined);
      expect(emulator.log.entries[0]).to.include({ operation: "PutResourcePolicy", status: 0 });
      await put();
      expect(emulator.policyOf(workspace.workspaceId)).to.not.equal(undefined);
    });

    it("dropNext afterWrite applies the write and then drops, like an answer lost on its way back", async () => {
      emulator.faults.dropNext(1, { operation: "PutResourcePolicy", afterWrite: true });
      await expect(put()).to.be.rejectedWith(/socket hang up|ECONNRESET/);
      expect(emulator.policyOf(workspace.workspaceId)?.policyDocument).to.equal(policyFor(workspace));
    });

    it("after a lost answer, the SDK's retry carries the same token and gets the first answer back", async () => {
      client = newClient(2);
      emulator.settle.policyCreateMs = 1000;
      emulator.faults.dropNext(1, { operation: "PutResourcePolicy", afterWrite: true });
      const written = await put();
      expect(written.$metadata.attempts).to.equal(2);
      expect(written).to.include({
        policyStatus: "CREATING",
        revisionId: emulator.policyOf(workspace.workspaceId)?.revisionId,
      });
      expect(emulator.log.entries.map((entry) => entry.status)).to.deep.equal([0, 202]);
    });

    it("dropNext scoped to an operation lets the other operations through", async () => {
      emulator.faults.dropNext(1, { operation: "DeleteResourcePolicy" });
      await put();
      await describePolicy();
      await expect(deletePolicy()).to.be.rejectedWith(/socket hang up|ECONNRESET/);
      await deletePolicy();
    });

    it("faults.clear() switches every fault off", async () => {
      emulator.faults.throttleAbove(0);
      emulator.faults.failNext(5);
      emulator.faults.dropNext(5);
      emulator.faults.delayAnswers(5000);
      emulator.faults.clear();
      await put();
      await describePolicy();
    });
  });

  describe("request log", () => {
    it("records each request's operation, method, path, status, arrival time and workspace", async () => {
      await put();
      now += 50;
      await expect(describePolicy("ws-missing")).to.be.rejectedWith(ResourceNotFoundException);
      const created = await client.send(new CreateWorkspaceCommand({}));
      await client.send(new ListWorkspacesCommand({}));
      const summaries = emulator.log.entries.map(({ body, query, ...summary }) => summary);
      expect(summaries).to.deep.equal([
        {
          operation: "PutResourcePolicy",
          method: "PUT",
          path: `/workspaces/${workspace.workspaceId}/policy`,
          status: 202,
          at: T0,
          workspaceId: workspace.workspaceId,
        },
        {
          operation: "DescribeResourcePolicy",
          method: "GET",
          path: "/workspaces/ws-missing/policy",
          status: 404,
          at: T0 + 50,
          workspaceId: "ws-missing",
        },
        {
          operation: "CreateWorkspace",
          method: "POST",
          path: "/workspaces",
          status: 202,
          at: T0 + 50,
          workspaceId: created.workspaceId,
        },
        { operation: "ListWorkspaces", method: "GET", path: "/workspaces", status: 200, at: T0 + 50 },
      ]);
    });

    it("keeps the JSON body and the query a client sent, but never presigning parameters", async () => {
      const { revisionId } = await put({ clientToken: "token-log" });
      await deletePolicy({ revisionId, clientToken: "token-delete" });
      emulator.requireSignature = false;
      await rawRequest(
        emulator.endpoint,
        "GET",
        "/workspaces?alias=x&X-Amz-Credential=AKIDEMULATOR&X-Amz-Signature=f00",
      );
      const [putEntry, deleteEntry, listEntry] = emulator.log.entries;
      expect(putEntry?.body).to.deep.equal({
        policyDocument: policyFor(workspace),
        clientToken: "token-log",
      });
      expect(putEntry?.query).to.equal(undefined);
      expect(deleteEntry?.query).to.deep.equal({ clientToken: "token-delete", revisionId });
      expect(deleteEntry?.body).to.equal(undefined);
      expect(listEntry?.query).to.deep.equal({ alias: "x" });
      expect(JSON.stringify(emulator.log.entries)).to.not.include("AKIDEMULATOR");
    });

    it("count(operation) counts one operation, count() all, and clearLog() empties the log", async () => {
      await put();
      await describePolicy();
      await describePolicy();
      expect(emulator.count("DescribeResourcePolicy")).to.equal(2);
      expect(emulator.count("PutResourcePolicy")).to.equal(1);
      expect(emulator.count("DeleteResourcePolicy")).to.equal(0);
      expect(emulator.count()).to.equal(3);
      emulator.clearLog();
      expect(emulator.count()).to.equal(0);
      expect(emulator.log.entries).to.deep.equal([]);
    });
  });

  describe("reformatDocuments", () => {
    const stored = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: ["210987654321"] },
          Action: ["aps:RemoteWrite"],
          Resource: "arn:aws:aps:us-east-1:123456789012:workspace/ws-x",
        },
      ],
    });

    it("is off by default: Describe returns the document exactly as put", async () => {
      await put({ policyDocument: stored });
      expect((await describePolicy()).policyDocument).to.equal(stored);
    });

    it("when on, Describe returns other text with the same meaning", async () => {
      emulator.reformatDocuments = true;
      await put({ policyDocument: stored });
      const returned = (await describePolicy()).policyDocument ?? "";
      expect(returned).to.not.equal(stored);
      expect(returned).to.include("\n\t");
      expect(Object.keys(JSON.parse(returned))).to.deep.equal(["Statement", "Version"]);
      const expected = JSON.parse(stored);
      expected.Statement[0].Principal.AWS = ["arn:aws:iam::210987654321:root"];
      expect(JSON.parse(returned)).to.deep.equal(expected);
      expect(emulator.policyOf(workspace.workspaceId)?.policyDocument).to.equal(stored);
    });
  });

  describe("out-of-band helpers", () => {
    it("createWorkspace makes a workspace ACTIVE at once, or CREATING for settleMs when asked", () => {
      expect(workspace).to.include({ alias: "main", status: "ACTIVE" });
      expect(workspace.arn).to.equal(`arn:aws:aps:us-east-1:123456789012:workspace/${workspace.workspaceId}`);
      const slow = emulator.createWorkspace(undefined, { settleMs: 100, tags: { a: "b" } });
      expect(slow).to.deep.include({ status: "CREATING", tags: { a: "b" } });
      now += 100;
      expect(emulator.workspaceOf(slow.workspaceId)?.status).to.equal("ACTIVE");
    });

    it("putPolicyOutOfBand stores a new ACTIVE revision that makes the client's revision stale", async () => {
      const mine = await put();
      const theirs = emulator.putPolicyOutOfBand(
        workspace.workspaceId,
        policyFor(workspace, ["aps:GetSeries"]),
      );
      expect(theirs).to.not.equal(mine.revisionId);
      expect(emulator.policyOf(workspace.workspaceId)).to.include({
        policyStatus: "ACTIVE",
        revisionId: theirs,
      });
      await expect(put({ revisionId: mine.revisionId })).to.be.rejectedWith(ConflictException);
    });

    it("deletePolicyOutOfBand and deleteWorkspaceOutOfBand take effect at once", async () => {
      await put();
      emulator.deletePolicyOutOfBand(workspace.workspaceId);
      await expect(describePolicy()).to.be.rejectedWith(ResourceNotFoundException);

      emulator.putPolicyOutOfBand(workspace.workspaceId, policyFor(workspace));
      emulator.deleteWorkspaceOutOfBand(workspace.workspaceId);
      expect(emulator.workspaceOf(workspace.workspaceId)).to.equal(undefined);
      expect(emulator.policyOf(workspace.workspaceId)).to.equal(undefined);
      await expect(describePolicy())
        .to.be.rejectedWith(ResourceNotFoundException)
        .and.eventually.include({ resourceType: "Workspace" });
    });

    it("policyOf reports the stored document and the status as of now", async () => {
      emulator.settle.policyCreateMs = 10;
      const { revisionId } = await put();
      expect(emulator.policyOf(workspace.workspaceId)).to.deep.equal({
        policyDocument: policyFor(workspace),
        policyStatus: "CREATING",
        revisionId,
      });
      now += 10;
      expect(emulator.policyOf(workspace.workspaceId)?.policyStatus).to.equal("ACTIVE");
    });

    it("the helpers refuse a workspace that does not exist, saying what to do", () => {
      expect(() => emulator.putPolicyOutOfBand("ws-missing", "{}")).to.throw(/createWorkspace\(\)/);
      expect(() => emulator.deleteWorkspaceOutOfBand("ws-missing")).to.throw(/does not exist/);
    });

    it("reset forgets everything and puts the start settings back", async () => {
      const configured = await AmpEmulator.start({ settle: { policyCreateMs: 50 }, clock: () => now });
      try {
        const target = configured.createWorkspace();
        configured.settle.policyCreateMs = 9999;
        configured.reformatDocuments = true;
        configured.faults.failNext(1);
        configured.reset();
        expect(configured.workspaceOf(target.workspaceId)).to.equal(undefined);
        expect(configured.settle).to.include({ policyCreateMs: 50, policyUpdateMs: 0 });
        expect(configured.reformatDocuments).to.equal(false);
        const after = createAmpClient({ ...emulatorClientConfig(configured), maxAttempts: 1 });
        clients.push(after);
        await after.send(new ListWorkspacesCommand({}));
        expect(configured.log.entries.map((entry) => entry.status)).to.deep.equal([200]);
      } finally {
        await configured.close();
      }
    });
  });

  describe("start and close", () => {
    it("uses the region and account given at start in ARNs and in the client configuration", async () => {
      const china = await AmpEmulator.start({ region: "cn-north-1", accountId: "000011112222" });
      try {
        expect(china).to.include({ region: "cn-north-1", accountId: "000011112222" });
        expect(china.endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(emulatorClientConfig(china)).to.deep.equal({
          region: "cn-north-1",
          endpoint: china.endpoint,
          credentials: { accessKeyId: "AKIDEMULATOR", secretAccessKey: "emulator-secret" },
        });
        expect(china.createWorkspace().arn).to.match(
          /^arn:aws-cn:aps:cn-north-1:000011112222:workspace\/ws-/,
        );
      } finally {
        await china.close();
      }
    });

    it("holds one region: a client signing for another region finds none of its workspaces", async () => {
      const emulator = await AmpEmulator.start();
      const elsewhere = createAmpClient({
        ...emulatorClientConfig(emulator),
        region: "eu-west-1",
        maxAttempts: 1,
      });
      try {
        const workspace = emulator.createWorkspace();
        emulator.putPolicyOutOfBand(workspace.workspaceId, policyFor(workspace));
        await expect(
          elsewhere.send(new DescribeResourcePolicyCommand({ workspaceId: workspace.workspaceId })),
        ).to.be.rejectedWith(/does not exist in eu-west-1/);
        expect(emulator.policyOf(workspace.workspaceId)?.policyStatus).to.equal("ACTIVE");
      } finally {
        elsewhere.destroy();
        await emulator.close();
      }
    });

    it("close() ends keep-alive connections at once, so the process can exit", async () => {
      const closing = await AmpEmulator.start();
      const keepAlive = createAmpClient({ ...emulatorClientConfig(closing), maxAttempts: 1 });
      try {
        await keepAlive.send(new ListWorkspacesCommand({}));
        const started = Date.now();
        await closing.close();
        expect(Date.now() - started).to.be.below(1000);
        await expect(keepAlive.send(new ListWorkspacesCommand({}))).to.be.rejectedWith(
          /ECONNREFUSED|ECONNRESET|socket/,
        );
      } finally {
        keepAlive.destroy();
      }
    });

    it("close() does not wait for an answer held back by a delay", async () => {
      const closing = await AmpEmulator.start();
      const waiting = createAmpClient({ ...emulatorClientConfig(closing), maxAttempts: 1 });
      try {
        closing.faults.delayAnswers(5000);
        const pending = waiting.send(new ListWorkspacesCommand({}));
        while (closing.count() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        const started = Date.now();
        await closing.close();
        expect(Date.now() - started).to.be.below(1000);
        await expect(pending).to.be.rejectedWith(/socket hang up|ECONNRESET/);
      } finally {
        waiting.destroy();
      }
    });
  });
});
