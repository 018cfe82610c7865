/** @awsamp/plugin protocol: the handlers' typed requests and results, to and from the engine's protobuf messages. */

import { InvalidInputError, ResourceNotFoundError } from "@awsamp/core/errors";
import { CancelledError, InvalidRequestError, ResourceInitFailedError } from "@awsamp/plugin/errors";
import {
  checkRequestFrom,
  checkResponseOf,
  configureRequestFrom,
  configureResponseOf,
  createRequestFrom,
  createResponseOf,
  deleteRequestFrom,
  diffRequestFrom,
  diffResponseOf,
  readRequestFrom,
  readResponseOf,
  serviceErrorOf,
  updateRequestFrom,
  updateResponseOf,
} from "@awsamp/plugin/protocol";
import { secret, UNKNOWN } from "@awsamp/plugin/values";
import { type ServiceError, status } from "@grpc/grpc-js";
import { DiffResponse } from "@pulumi/pulumi/proto/provider_pb";
import { expect } from "chai";
import {
  changesOf,
  checkRequest,
  configureRequest,
  createRequest,
  deleteRequest,
  detailedDiffOf,
  diffRequest,
  initFailureOf,
  propertiesOf,
  readRequest,
  resourceUrn,
  updateRequest,
} from "../harness/messages";

const urn = resourceUrn("protocol");
const id = "ws-1";
const olds = { workspaceId: id, policyDocument: "{}" };
const news = { workspaceId: id, policyDocument: secret(UNKNOWN) };

describe("plugin protocol: requests from messages", () => {
  it("decodes Check, Diff, Update and Delete with their property maps", () => {
    expect(checkRequestFrom(checkRequest({ urn, olds, news }))).to.deep.equal({ urn, olds, news });
    const diff = diffRequestFrom(diffRequest({ urn, id, olds, news, oldInputs: { workspaceId: id } }));
    expect(diff).to.deep.equal({ id, urn, olds, news, oldInputs: { workspaceId: id } });
    const update = updateRequestFrom(updateRequest({ urn, id, olds, news, timeout: 90, preview: true }));
    expect(update).to.deep.equal({ id, urn, olds, news, oldInputs: {}, timeoutSeconds: 90, preview: true });
    const deletion = deleteRequestFrom(deleteRequest({ urn, id, properties: olds, timeout: 30 }));
    expect(deletion).to.deep.equal({ id, urn, properties: olds, timeoutSeconds: 30 });
  });

  it("decodes Create's deadline as 0 and preview as false when none is given", () => {
    expect(createRequestFrom(createRequest({ urn, properties: news }))).to.deep.equal({
      urn,
      properties: news,
      timeoutSeconds: 0,
      preview: false,
    });
  });

  it("decodes an import Read, which carries only the ID, with empty state and inputs", () => {
    expect(readRequestFrom(readRequest({ urn, id }))).to.deep.equal({ id, urn, properties: {}, inputs: {} });
  });

  it("decodes Configure's variables map and its args", () => {
    const variables = { "awsamp:config:region": "eu-west-1" };
    const args = { region: "eu-west-1", secretKey: secret("s") };
    expect(configureRequestFrom(configureRequest({ variables, args }))).to.deep.equal({ variables, args });
    expect(configureRequestFrom(configureRequest({}))).to.deep.equal({ variables: {}, args: {} });
  });
});

describe("plugin protocol: responses of results", () => {
  it("answers Check with the inputs and each failure's property and reason", () => {
    const response = checkResponseOf({
      inputs: news,
      failures: [{ property: "policyDocument", reason: "bad" }],
    });
    expect(propertiesOf(response.getInputs())).to.deep.equal(news);
    expect(response.getFailuresList().map((f) => [f.getProperty(), f.getReason()])).to.deep.equal([
      ["policyDocument", "bad"],
    ]);
  });

  it("answers a Diff with no changes as DIFF_NONE, with a detailed diff that is empty", () => {
    const response = diffResponseOf({ detailedDiff: {}, deleteBeforeReplace: true });
    expect(changesOf(response)).to.equal("DIFF_NONE");
    expect(response.getHasdetaileddiff()).to.equal(true);
    expect(response.getDeletebeforereplace()).to.equal(false);
    expect(response.getDiffsList()).to.deep.equal([]);
    expect(detailedDiffOf(response)).to.deep.equal({});
  });

  it("answers a Diff with every changed path, the replacing ones, and each kind as an input diff", () => {
    const response = diffResponseOf({
      detailedDiff: { policyDocument: "update", workspaceId: "update-replace", region: "add" },
      deleteBeforeReplace: true,
    });
    expect(response.getChanges()).to.equal(DiffResponse.DiffChanges.DIFF_SOME);
    expect(response.getDiffsList()).to.deep.equal(["policyDocument", "workspaceId", "region"]);
    expect(response.getReplacesList()).to.deep.equal(["workspaceId"]);
    expect(response.getDeletebeforereplace()).to.equal(true);
    expect(detailedDiffOf(response)).to.deep.equal({
      policyDocument: "UPDATE",
      workspaceId: "UPDATE_REPLACE",
      region: "ADD",
    });
    const inputDiffs: boolean[] = [];
    response.getDetaileddiffMap().forEach((diff) => {
      inputDiffs.push(diff.getInputdiff());
    });
    expect(inputDiffs).to.deep.equal([true, true, true]);
  });

  it("does not ask to delete before replacing when nothing is replaced", () => {
    const response = diffResponseOf({
      detailedDiff: { policyDocument: "delete" },
      deleteBeforeReplace: true,
    });
    expect(response.getDeletebeforereplace()).to.equal(false);
    expect(detailedDiffOf(response)).to.deep.equal({ policyDocument: "DELETE" });
  });

  it("answers Create, Update and a Read that found the resource with their properties", () => {
    const created = createResponseOf({ id, properties: olds });
    expect([created.getId(), propertiesOf(created.getProperties())]).to.deep.equal([id, olds]);
    expect(propertiesOf(updateResponseOf({ properties: news }).getProperties())).to.deep.equal(news);
    const read = readResponseOf({ exists: true, id, properties: olds, inputs: news });
    expect(read.getId()).to.equal(id);
    expect(propertiesOf(read.getProperties())).to.deep.equal(olds);
    expect(propertiesOf(read.getInputs())).to.deep.equal(news);
  });

  it("answers a Read that found nothing with a blank ID and nothing else", () => {
    const read = readResponseOf({ exists: false });
    expect(read.getId()).to.equal("");
    expect(read.hasProperties()).to.equal(false);
    expect(read.hasInputs()).to.equal(false);
  });

  it("answers Configure with its secrets and preview support, and accepts neither resources nor outputs", () => {
    const response = configureResponseOf({ acceptSecrets: true, supportsPreview: true });
    expect([response.getAcceptsecrets(), response.getSupportspreview()]).to.deep.equal([true, true]);
    expect([response.getAcceptresources(), response.getAcceptoutputs()]).to.deep.equal([false, false]);
  });
});

describe("plugin protocol: serviceErrorOf", () => {
  it("maps each failure to the gRPC status the engine understands, its message the details", () => {
    const cases: [Error, status][] = [
      [new InvalidRequestError("bad id"), status.INVALID_ARGUMENT],
      [new InvalidInputError("unknown input"), status.INVALID_ARGUMENT],
      [new ResourceNotFoundError("no policy"), status.NOT_FOUND],
      [new CancelledError(), status.CANCELLED],
      [new Error("boom"), status.UNKNOWN],
    ];
    for (const [error, code] of cases) {
      const response = serviceErrorOf(error);
      expect(response.code, String(error)).to.equal(code);
      expect([response.details, response.message]).to.deep.equal([error.message, error.message]);
      expect(response.metadata?.get("grpc-status-details-bin")).to.deep.equal([]);
    }
  });

  it("answers something thrown that is not an Error as UNKNOWN, with its text", () => {
    const response = serviceErrorOf("plain text");
    expect(response).to.be.instanceOf(Error);
    expect([response.code, response.details]).to.deep.equal([status.UNKNOWN, "plain text"]);
  });

  it("carries a partial failure's resource as ErrorResourceInitFailed in grpc-status-details-bin", () => {
    const error = new ResourceInitFailedError("the wait timed out", id, olds, news);
    const response = serviceErrorOf(error);
    expect(response.code).to.equal(status.UNKNOWN);
    expect(initFailureOf(response as ServiceError)).to.deep.equal({
      id,
      properties: olds,
      inputs: news,
      reasons: ["the wait timed out"],
    });
  });
});
