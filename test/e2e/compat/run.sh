#!/usr/bin/env bash
# Runs the real-n8n end-to-end suites against n8n 2.8.4 on the system Node (20.x): the oldest n8n we test, and
# the newest one that still runs on Node 20. Installs that runtime once (test/e2e/runtime/install.sh with this
# folder's package.json + package-lock.json, into .cache/n8n-runtime/<hash>/), then points the suites at it.
#
# Usage: test/e2e/compat/run.sh                                  every e2e suite
#        test/e2e/compat/run.sh test/e2e/demo.e2e.test.ts        some of them (any jest arguments)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)

NODE_VERSION=$(node --version)
case "$NODE_VERSION" in
  v20.*|v22.*|v24.*) ;;
  *) echo "compat/run.sh: n8n 2.8.4 needs Node >=20.19 <=24.x; the node on PATH is $NODE_VERSION" >&2; exit 2 ;;
esac

export N8N_RUNTIME_SOURCE=$HERE/n8n-2.8.4
export N8N_RUNTIME_NODE=system
RUNTIME_DIR=$(bash "$REPO/test/e2e/runtime/install.sh" | tail -1)
# support/runtime.ts defaultRuntime(): use this install and this node instead of the pinned 2.41.1 on Node 24
export E2E_N8N_DIR=$RUNTIME_DIR/n8n
export E2E_NODE=$(command -v node)
echo "== e2e suites against n8n $(cd "$E2E_N8N_DIR" && node -p 'require("n8n/package.json").version') on node $NODE_VERSION"
cd "$REPO"
exec npx jest -c jest.e2e.config.js "$@"
