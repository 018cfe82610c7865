// The plugin's Node.js version check, which both launchers preload (`node -r`) before the provider's code.
// It is plain ES5 on purpose, so that a node too old for the provider can still parse it and say so, instead of
// failing on syntax it does not know. Keep the minimum in step with package.json's engines.
"use strict";

var MINIMUM_MAJOR = 22;
var MINIMUM_MINOR = 12;

/** What to tell the user about a Node.js version ("18.20.4"), or undefined when it is recent enough. */
function nodeVersionProblem(version) {
  var parts = String(version).split(".");
  var major = parseInt(parts[0], 10);
  var minor = parseInt(parts[1], 10);
  if (major > MINIMUM_MAJOR || (major === MINIMUM_MAJOR && minor >= MINIMUM_MINOR)) return undefined;
  return (
    "pulumi-resource-awsamp: the awsamp provider needs Node.js " + MINIMUM_MAJOR + "." + MINIMUM_MINOR +
    " or later on PATH; found v" + version + " (install it from https://nodejs.org)"
  );
}

exports.nodeVersionProblem = nodeVersionProblem;

var problem = nodeVersionProblem(process.versions.node);
if (problem) {
  // Written synchronously: stderr may be an asynchronous pipe, and the process exits at once.
  require("fs").writeSync(2, problem + "\n");
  process.exit(1);
}
