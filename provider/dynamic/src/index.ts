/** The dynamic ResourcePolicy, for TypeScript programs that do not install the awsamp plugin. */
export type { PolicyDocument, PolicyStatement } from "./policyDocumentInput";
export { ResourcePolicy, type ResourcePolicyArgs } from "./resourcePolicy";

/**
 * The operations behind the dynamic provider, loaded when first called, so a program that only declares
 * resources never loads the AWS SDK.
 *
 * @internal
 */
export function operations(): typeof import("./operations") {
  return require("./operations");
}
