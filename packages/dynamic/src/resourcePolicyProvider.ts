/** The pulumi.dynamic.ResourceProvider behind the dynamic ResourcePolicy, written to survive closure serialization. */

import type { AmpClientConfig } from "@awsamp/core/client";
import type * as pulumi from "@pulumi/pulumi";
import type { Properties } from "./operations";

/** This package's name; the dynamic-provider process loads the operations from it. */
export const DYNAMIC_PACKAGE = "@awsamp/dynamic";

/** The provider, and the client configuration its `configure` read from the stack config. */
export interface ResourcePolicyProvider extends pulumi.dynamic.ResourceProvider<Properties, Properties> {
  clientConfig: AmpClientConfig;
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

/** The one provider every dynamic ResourcePolicy registers, so Pulumi serializes it once per program. */
export const resourcePolicyProvider: ResourcePolicyProvider = {
  clientConfig: {},
  async configure(request) {
    this.clientConfig = loadOperations().ampClientConfigFrom(request.config);
  },
  check: (olds, news) => loadOperations().check(olds, news),
  async diff(_id, olds, news) {
    return loadOperations().diff(this.clientConfig, olds, news);
  },
  async create(inputs) {
    return loadOperations().create(this.clientConfig, inputs);
  },
  async read(id, properties) {
    return loadOperations().read(this.clientConfig, id, properties);
  },
  async update(id, olds, news) {
    return loadOperations().update(this.clientConfig, id, olds, news);
  },
  async delete(id, properties) {
    await loadOperations().remove(this.clientConfig, id, properties);
  },
};
