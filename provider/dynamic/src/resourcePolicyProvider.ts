/** The pulumi.dynamic.ResourceProvider behind the dynamic ResourcePolicy, written to survive closure serialization. */

import type { AmpClientConfig } from "@awsamp/core/client";
import type * as pulumi from "@pulumi/pulumi";
import type { Properties } from "./operations";

/** This package's name; the dynamic-provider process loads the operations from it. */
export const DYNAMIC_PACKAGE = "@awsamp/dynamic";

/** The provider of one resource, and the client configuration its `configure` read from the stack config. */
export interface ResourcePolicyProvider extends pulumi.dynamic.ResourceProvider<Properties, Properties> {
  /**
   * The URN of the resource this provider serves, which pulumi.dynamic does not tell a provider: its lines
   * go to the engine's log under it. A promise in the program, since a parent's URN is known only once the
   * parent is registered; Pulumi's serialization waits for it and writes the string it resolved to, so in
   * the dynamic-provider process it is that string. Read it with `await`, which takes either.
   */
  readonly urn: string | Promise<string>;
  clientConfig: AmpClientConfig;
  /** False where stack config `awsamp:skipWorkspaceCheck` is true: Check then looks up no workspace. */
  checksWorkspaces: boolean;
}

type Operations = typeof import("./operations");

/**
 * The operations, loaded in the process that calls them. Pulumi serializes the provider's code into the
 * program's state and runs it in the dynamic-provider process, where a captured module or native handle
 * (an AWS client, pulumi/pulumi#13960) cannot follow; `require` is never captured, and that process
 * resolves packages from the program's directory, where this package is installed.
 */
function loadOperations(): Operations {
  const dynamic: { operations(): Operations } = require(DYNAMIC_PACKAGE);
  return dynamic.operations();
}

/**
 * A provider for the resource whose URN is `urn`. Each resource has its own, so Pulumi serializes one per
 * resource; the methods read the URN from `this`, as the configuration, so nothing else is captured.
 *
 * @example
 * const urn = pulumi.createUrn(name, "pulumi-nodejs:dynamic/awsamp:ResourcePolicy", opts?.parent);
 * super(resourcePolicyProviderFor(new Promise((resolve) => urn.apply(resolve))), name, properties, opts, …);
 */
export function resourcePolicyProviderFor(urn: Promise<string>): ResourcePolicyProvider {
  return {
    urn,
    clientConfig: {},
    checksWorkspaces: true,
    async configure(request) {
      this.clientConfig = loadOperations().ampClientConfigFrom(request.config);
      this.checksWorkspaces = loadOperations().checksWorkspacesFrom(request.config);
    },
    async check(olds, news) {
      const config = this.checksWorkspaces ? this.clientConfig : undefined;
      return loadOperations().checkDynamic(config, await this.urn, olds, news);
    },
    async diff(_id, olds, news) {
      return loadOperations().diffDynamic(this.clientConfig, olds, news);
    },
    async create(inputs) {
      return loadOperations().createDynamic(this.clientConfig, inputs);
    },
    async read(id, properties) {
      return loadOperations().readDynamic(this.clientConfig, id, properties);
    },
    async update(id, olds, news) {
      return loadOperations().updateDynamic(this.clientConfig, id, olds, news);
    },
    async delete(id, properties) {
      await loadOperations().deleteDynamic(this.clientConfig, id, properties);
    },
  };
}
