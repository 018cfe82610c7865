/** What a rule reports: a place in the policy document and what is wrong there, in Check's own words. */

export interface Violation {
  /** The JSON path inside the document, such as `$.Statement[1].Principal.AWS[0]`. */
  path: string;
  /** What is wrong and what to do. */
  message: string;
}

/** A violation as the preview shows it: the property, the JSON path, the message (as Check's warnings read). */
export function violationMessage({ path, message }: Violation): string {
  return `policyDocument ${path}: ${message}`;
}
