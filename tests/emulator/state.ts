/**
 * The emulator's in-memory AMP: workspaces and their resource policies, each status computed from time, and
 * the IAM principals AMP cannot resolve yet.
 */
import { randomUUID } from "node:crypto";

/** How long each transition takes, in milliseconds; 0 settles at once. */
export interface SettleTimes {
  workspaceCreateMs: number;
  workspaceDeleteMs: number;
  policyCreateMs: number;
  policyUpdateMs: number;
  policyDeleteMs: number;
}

export const INSTANT_SETTLE: Readonly<SettleTimes> = {
  workspaceCreateMs: 0,
  workspaceDeleteMs: 0,
  policyCreateMs: 0,
  policyUpdateMs: 0,
  policyDeleteMs: 0,
};

export type WorkspaceStatusCode = "CREATING" | "ACTIVE" | "DELETING";
export type PolicyStatusCode = "CREATING" | "ACTIVE" | "UPDATING" | "DELETING";

/** A workspace as of one instant. */
export interface WorkspaceView {
  workspaceId: string;
  arn: string;
  alias?: string;
  status: WorkspaceStatusCode;
  createdAt: Date;
  tags: Record<string, string>;
  kmsKeyArn?: string;
  prometheusEndpoint: string;
}

/** A workspace's resource policy as of one instant. */
export interface PolicyView {
  policyDocument: string;
  policyStatus: PolicyStatusCode;
  revisionId: string;
}

/** What a workspace is given when it is made. */
export interface NewWorkspace {
  alias?: string;
  tags?: Record<string, string>;
  kmsKeyArn?: string;
  settleMs: number;
}

/** Where a record is heading: `phase` until `settlesAt`, then ACTIVE (or gone, after DELETING). */
interface Transition<Phase extends string> {
  phase: Phase;
  settlesAt: number;
}

interface WorkspaceRecord extends Transition<WorkspaceStatusCode> {
  workspaceId: string;
  alias?: string;
  tags: Record<string, string>;
  kmsKeyArn?: string;
  createdAtMs: number;
}

interface PolicyRecord extends Transition<PolicyStatusCode> {
  policyDocument: string;
  revisionId: string;
}

/** The ARN partition of a region. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** The status a transition shows at `now`, or undefined once a deletion has finished. */
function statusAt<Phase extends string>(
  transition: Transition<Phase>,
  now: number,
): Phase | "ACTIVE" | undefined {
  if (now < transition.settlesAt) return transition.phase;
  return transition.phase === "DELETING" ? undefined : "ACTIVE";
}

/** The store. Nothing runs on timers: every read first drops what finished deleting by now. */
export class AmpState {
  private readonly workspaces = new Map<string, WorkspaceRecord>();
  private readonly policies = new Map<string, PolicyRecord>();
  /** When each principal still propagating through IAM becomes valid; a principal not here is valid. */
  private readonly principalsValidFrom = new Map<string, number>();

  constructor(
    readonly region: string,
    readonly accountId: string,
    private readonly clock: () => number,
  ) {}

  workspace(workspaceId: string): WorkspaceView | undefined {
    this.sweep();
    const record = this.workspaces.get(workspaceId);
    return record && this.viewOfWorkspace(record);
  }

  /** Every workspace, oldest first. */
  allWorkspaces(): WorkspaceView[] {
    this.sweep();
    return [...this.workspaces.values()].map((record) => this.viewOfWorkspace(record));
  }

  policy(workspaceId: string): PolicyView | undefined {
    this.sweep();
    const record = this.policies.get(workspaceId);
    return record && viewOfPolicy(record, this.clock());
  }

  addWorkspace(request: NewWorkspace): WorkspaceView {
    const now = this.clock();
    const record: WorkspaceRecord = {
      workspaceId: `ws-${randomUUID()}`,
      tags: { ...request.tags },
      createdAtMs: now,
      phase: "CREATING",
      settlesAt: now + request.settleMs,
      ...(request.alias === undefined ? {} : { alias: request.alias }),
      ...(request.kmsKeyArn === undefined ? {} : { kmsKeyArn: request.kmsKeyArn }),
    };
    this.workspaces.set(record.workspaceId, record);
    return this.viewOfWorkspace(record);
  }

  /** Starts a workspace's deletion; its policy goes with it when the deletion finishes. */
  beginWorkspaceDeletion(workspaceId: string, settleMs: number): void {
    this.transition(this.workspaces.get(workspaceId), "DELETING", settleMs);
    this.sweep();
  }

  removeWorkspace(workspaceId: string): void {
    this.workspaces.delete(workspaceId);
    this.policies.delete(workspaceId);
  }

  /** Stores a new revision: CREATING when the workspace had no policy, UPDATING otherwise. */
  writePolicy(
    workspaceId: string,
    policyDocument: string,
    settle: Pick<SettleTimes, "policyCreateMs" | "policyUpdateMs">,
  ): PolicyView {
    const existing = this.policy(workspaceId);
    const now = this.clock();
    const record: PolicyRecord = existing
      ? {
          policyDocument,
          revisionId: randomUUID(),
          phase: "UPDATING",
          settlesAt: now + settle.policyUpdateMs,
        }
      : {
          policyDocument,
          revisionId: randomUUID(),
          phase: "CREATING",
          settlesAt: now + settle.policyCreateMs,
        };
    this.policies.set(workspaceId, record);
    return { policyDocument, policyStatus: record.phase, revisionId: record.revisionId };
  }

  beginPolicyDeletion(workspaceId: string, settleMs: number): void {
    this.transition(this.policies.get(workspaceId), "DELETING", settleMs);
    this.sweep();
  }

  removePolicy(workspaceId: string): void {
    this.policies.delete(workspaceId);
  }

  /** A principal that a policy can name only once `settleMs` have passed. */
  addPropagatingPrincipal(principalArn: string, settleMs: number): void {
    this.principalsValidFrom.set(principalArn, this.clock() + settleMs);
  }

  principalValid(principalArn: string): boolean {
    const validFrom = this.principalsValidFrom.get(principalArn);
    return validFrom === undefined || this.clock() >= validFrom;
  }

  clear(): void {
    this.workspaces.clear();
    this.policies.clear();
    this.principalsValidFrom.clear();
  }

  private transition<Phase extends string>(
    record: Transition<Phase> | undefined,
    phase: Phase,
    settleMs: number,
  ): void {
    if (!record) return;
    record.phase = phase;
    record.settlesAt = this.clock() + settleMs;
  }

  /** Drops what finished deleting, and the policies of workspaces that are gone. */
  private sweep(): void {
    const now = this.clock();
    for (const [workspaceId, record] of this.workspaces) {
      if (statusAt(record, now) === undefined) this.removeWorkspace(workspaceId);
    }
    for (const [workspaceId, record] of this.policies) {
      if (statusAt(record, now) === undefined || !this.workspaces.has(workspaceId)) {
        this.policies.delete(workspaceId);
      }
    }
  }

  private viewOfWorkspace(record: WorkspaceRecord): WorkspaceView {
    const partition = partitionOf(this.region);
    return {
      workspaceId: record.workspaceId,
      arn: `arn:${partition}:aps:${this.region}:${this.accountId}:workspace/${record.workspaceId}`,
      status: statusAt(record, this.clock()) ?? "DELETING",
      createdAt: new Date(record.createdAtMs),
      tags: { ...record.tags },
      prometheusEndpoint: `https://aps-workspaces.${this.region}.amazonaws.com/workspaces/${record.workspaceId}/`,
      ...(record.alias === undefined ? {} : { alias: record.alias }),
      ...(record.kmsKeyArn === undefined ? {} : { kmsKeyArn: record.kmsKeyArn }),
    };
  }
}

function viewOfPolicy(record: PolicyRecord, now: number): PolicyView {
  return {
    policyDocument: record.policyDocument,
    policyStatus: statusAt(record, now) ?? "DELETING",
    revisionId: record.revisionId,
  };
}
