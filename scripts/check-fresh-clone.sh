#!/usr/bin/env bash
# What a new user (and CI) does: a clean clone, `npm ci`, then the `eventloom` command from the repository root.
# npm links workspace bins at install, before the root's `prepare` builds dist/, so this catches a bin that is
# not linked ("could not determine executable to run") or that npx would look up in the registry (a 404).
#   bash scripts/check-fresh-clone.sh [<commit>]     (default: HEAD; committed work only)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
commit="$(git -C "$repo" rev-parse "${1:-HEAD}")"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
git clone --quiet --no-checkout "$repo" "$dir/eventloom"
cd "$dir/eventloom"
git checkout --quiet "$commit"
npm ci --no-audit --no-fund --loglevel=error
# --no-install: never fall back to the registry.
npx --no-install eventloom --help
npx --no-install eventloom migrate --help > /dev/null
alias_help="$(npx --no-install eventloom-publisher --help 2>&1)"   # not piped into grep -q: SIGPIPE under pipefail
grep -q 'deprecated' <<< "$alias_help"
echo "fresh clone of ${commit:0:12}: npx eventloom works after npm ci"
