#!/usr/bin/env bash
# The whole test suite, installing what the tests need first.
# Usage: scripts/test.sh            (README's second set-up command; .ci/run calls it)
set -euo pipefail
cd "$(dirname "$0")/.."

need_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Real Nix (nix-instantiate, nix-shell) for the header oracle tests.
if ! command -v nix-instantiate >/dev/null 2>&1; then
  echo "== installing nix-bin (Debian) for the real-Nix tests"
  need_root apt-get update -qq
  need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nix-bin >/dev/null
fi

# Python tools the tests run for real (pre-commit hook test).
if ! python3 -m pre_commit --version >/dev/null 2>&1; then
  echo "== installing pre-commit (PyPI)"
  python3 -m pip install -q --disable-pip-version-check pre-commit
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --locked
