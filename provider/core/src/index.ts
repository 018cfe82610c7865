/** The core of the ResourcePolicy resource: its lifecycle over AMP, its waits, its errors and its types. */
export {
  type AmpClientConfig,
  createAmpClient,
  DEFAULT_MAX_ATTEMPTS,
  type StaticCredentials,
} from "./client";
export { findResourcePolicyByWorkspaceID } from "./describe";
export * from "./errors";
export {
  type CreateOptions,
  createResourcePolicy,
  deleteResourcePolicy,
  readResourcePolicy,
  updateResourcePolicy,
} from "./lifecycle";
export { DEFAULT_POLL_SCHEDULE, type PollSchedule, TERRAFORM_POLL_SCHEDULE } from "./settleTimes";
export type { RemoteResourcePolicy, ResourcePolicyInputs, ResourcePolicyState } from "./types";
export {
  DEFAULT_TIMEOUT_MS,
  type Deadline,
  type OperationOptions,
  startDeadline,
  statusResourcePolicy,
  type Wait,
  type WaitProgress,
  type WaitTarget,
  type WriteAnswered,
  waitResourcePolicyActive,
  waitResourcePolicyDeleted,
} from "./waits";
