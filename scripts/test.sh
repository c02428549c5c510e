#!/usr/bin/env bash
# The whole test suite: type-checks everything, starts the servers the
# integration tests need (MariaDB, a local Kafka broker), then runs jest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-mariadb.sh
if [ -z "${KAFKA_BROKERS:-}" ]; then bash scripts/kafka.sh ensure; fi
npx tsc -b
npx tsc -p tsconfig.spec.json --noEmit
npx jest --ci "$@"
