#!/usr/bin/env bash
# The whole test suite: type-checks everything (tests included), starts the
# servers the integration tests need (MariaDB, a local Kafka broker), then runs jest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-mariadb.sh
if [ -z "${KAFKA_BROKERS:-}" ]; then bash scripts/kafka.sh ensure; fi
npx tsc -b
npx tsc -p tsconfig.spec.json --noEmit
mkdir -p .eventloom
status=0
npx jest --ci --json --outputFile=.eventloom/jest-results.json "$@" || status=$?
# One plain closing line, whatever reads the log.
node -e '
  const r = require("./.eventloom/jest-results.json");
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' || true
exit $status
