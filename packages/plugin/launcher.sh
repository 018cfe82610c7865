#!/bin/sh
# pulumi-resource-awsamp: runs the awsamp provider plugin (compiled JavaScript) with node.
# The engine may start it through a symlink or from any directory, so it first finds where it really lives.
set -e
script=$0
while [ -L "$script" ]; do
  link=$(readlink "$script")
  case $link in
    /*) script=$link ;;
    *) script=$(dirname "$script")/$link ;;
  esac
done
here=$(CDPATH='' cd -- "$(dirname -- "$script")" && pwd -P)
if ! command -v node >/dev/null 2>&1; then
  echo "pulumi-resource-awsamp: node (20.19 or later) must be on PATH to run the awsamp provider" >&2
  exit 1
fi
exec node "$here/@MAIN@" "$@"
