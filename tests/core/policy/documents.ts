/** Shared test documents: a workspace, a clean statement to vary, and the fixture corpus. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PolicyContext, PolicyProblem } from "@awsamp/core/policy";

export const WORKSPACE_ID = "ws-58a9b2c4-6c3d-4e1f-9a0b-2c3d4e5f6a7b";
export const WORKSPACE_ACCOUNT = "111122223333";
export const WORKSPACE_ARN = `arn:aws:aps:us-west-2:${WORKSPACE_ACCOUNT}:workspace/${WORKSPACE_ID}`;
export const OTHER_WORKSPACE_ARN = `arn:aws:aps:us-west-2:${WORKSPACE_ACCOUNT}:workspace/ws-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
export const CONTEXT: PolicyContext = { workspaceArn: WORKSPACE_ARN };

/** A JSON value, for documents that need not be valid. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A statement that passes validation and lint for the workspace; `undefined` fields are dropped. */
export function statement(fields: Record<string, Json | undefined> = {}): Record<string, Json> {
  const base: Record<string, Json | undefined> = {
    Sid: "Write",
    Effect: "Allow",
    Principal: { AWS: WORKSPACE_ACCOUNT },
    Action: ["aps:RemoteWrite"],
    Resource: WORKSPACE_ARN,
    ...fields,
  };
  return Object.fromEntries(Object.entries(base).filter(([, value]) => value !== undefined)) as Record<
    string,
    Json
  >;
}

/** A document of the given statements, as JSON text. */
export function documentText(...statements: Json[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** The paths of the problems of one severity, sorted. */
export function pathsOf(problems: readonly PolicyProblem[], severity: PolicyProblem["severity"]): string[] {
  return problems
    .filter((problem) => problem.severity === severity)
    .map((problem) => problem.path)
    .sort();
}

const FIXTURES = join(__dirname, "..", "..", "..", "..", "tests", "fixtures", "policies");

/** One fixture document and what checking it must report. */
export interface FixtureCase {
  file: string;
  about: string;
  valid: boolean;
  errors: string[];
  warnings: string[];
  messageIncludes?: string;
}

/** The fixture corpus's manifest. */
export interface FixtureManifest {
  workspaceArn: string;
  cases: FixtureCase[];
  equivalent: string[][];
  different: [string, string][];
}

export function readFixture(file: string): string {
  return readFileSync(join(FIXTURES, file), "utf8");
}

export function readManifest(): FixtureManifest {
  return JSON.parse(readFixture("manifest.json")) as FixtureManifest;
}
