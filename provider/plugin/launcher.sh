#!/bin/sh
# pulumi-resource-awsamp: runs the awsamp provider plugin (compiled JavaScript) with the node on PATH.
# The engine may start it through a symlink or from any directory, so it first finds where it really lives.
# @MAIN@ is the provider's entry point and @GUARD@ the Node.js version check, relative to this script (`make
# build` and `make dist` fill them in); launcher.cmd is the same on Windows.
set -e
script=$0
while [ -L "$script" ]; do
  link=$(readlink "$script")
  case $link,$script in
    /*) script=$link ;;
    *,*/*) script=${script%/*}/$link ;;
    *) script=$link ;;
  esac
done
case $script in
  */*) here=${script%/*} ;;
  *) here=. ;;
esac
here=$(CDPATH='' cd -- "${here:-/}" && pwd -P)
if ! command -v node >/dev/null 2>&1; then
  echo "pulumi-resource-awsamp: the awsamp provider needs Node.js 22.12 or later on PATH; found none (install it from https://nodejs.org)" >&2
  exit 1
fi
# One node process: the check is preloaded (-r), so it runs before the provider's code is even parsed, and the
# provider stays the main module.
exec node -r "$here/@GUARD@" "$here/@MAIN@" "$@"
