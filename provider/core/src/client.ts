/** Builds the AmpClient every operation of the core runs over, from provider configuration. */
import { AmpClient } from "@aws-sdk/client-amp";
import { AdaptiveRetryStrategy } from "@smithy/core/retry";
import { AdmittedRateLimiter, withAdmittedRateLimit } from "./rateLimiter";
import { rememberSettlesOf } from "./settleTimes";

/** Static credentials; when absent, the standard AWS credential chain applies. */
export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** How to reach AMP. Every field is optional: the AWS environment and shared config fill the gaps. */
export interface AmpClientConfig {
  /** AWS region; falls back to AWS_REGION and the profile's region. */
  region?: string;
  /** Shared-config profile; falls back to AWS_PROFILE. */
  profile?: string;
  /** A custom AMP endpoint URL (an emulator, a VPC endpoint); falls back to AWS_ENDPOINT_URL_AMP. */
  endpoint?: string;
  credentials?: StaticCredentials;
  /** Attempts per request, throttling and 5xx answers included (the SDK's retry strategy). */
  maxAttempts?: number;
}

/** Attempts per request: above the SDK's 3, because AMP throttles bursts of policy calls. */
export const DEFAULT_MAX_ATTEMPTS = 6;

/** Makes a client for one configuration. Region and credentials resolve lazily, at the first call. */
export function createAmpClient(config: AmpClientConfig = {}): AmpClient {
  // The AWS SDK prints a notice at its first client on a Node.js its future releases will drop: about its
  // releases, not ours, and in the dynamic provider it would land in every user's program output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const limiter = new AdmittedRateLimiter();
  const client = new AmpClient({
    ...(config.region ? { region: config.region } : {}),
    ...(config.profile ? { profile: config.profile } : {}),
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    // The SDK's adaptive mode (client-side rate limiting on top of retries, so a throttled burst backs off as
    // a whole), limited at the rate AMP admits rather than well below it (rateLimiter.ts).
    retryStrategy: new AdaptiveRetryStrategy(config.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, {
      rateLimiter: limiter,
    }),
  });
  // Where writes settle is remembered per endpoint and region, for the next process (settleMemory.ts).
  const region = config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "";
  rememberSettlesOf(client, `${config.endpoint ?? process.env.AWS_ENDPOINT_URL_AMP ?? "aws"} ${region}`);
  return withAdmittedRateLimit(client, limiter);
}
