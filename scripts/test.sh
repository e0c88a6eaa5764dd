#!/usr/bin/env bash
# The whole test suite, installing what the tests need first.
# Usage: scripts/test.sh            (README's second set-up command; .ci/run calls it with CI=true)
# Under CI=true the real-Nix tests (tests/support/nix.rs) fail instead of skipping when Nix is
# missing, so an install step that silently stopped working cannot turn CI green.
set -euo pipefail
cd "$(dirname "$0")/.."

need_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() {
  [ -n "$apt_updated" ] || { need_root apt-get update -qq; apt_updated=1; }
  need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Real Nix (nix-instantiate, nix-shell) for the header oracle tests; git for the pre-commit
# test; coreutils' timeout bounds every nix-shell run.
if ! command -v nix-instantiate >/dev/null 2>&1 || ! command -v nix-shell >/dev/null 2>&1; then
  echo "== installing nix-bin (Debian) for the real-Nix tests"
  apt_install nix-bin
fi
if ! command -v git >/dev/null 2>&1; then
  echo "== installing git"
  apt_install git
fi
echo "== $(nix-instantiate --version)"

# Python tools the tests run for real (pre-commit hook test).
if ! python3 -m pre_commit --version >/dev/null 2>&1; then
  echo "== installing pre-commit (PyPI)"
  python3 -m pip install -q --disable-pip-version-check pre-commit ||
    python3 -m pip install -q --disable-pip-version-check --break-system-packages pre-commit
fi

# uv (PyPI) for the real-uv test of `# /// script` fixes (tests/pep723_uv.rs).
if ! uv --version >/dev/null 2>&1; then
  echo "== installing uv (PyPI)"
  python3 -m pip install -q --disable-pip-version-check uv ||
    python3 -m pip install -q --disable-pip-version-check --break-system-packages uv
  # pyenv's shims (this image's Python) know a new console script only after a rehash.
  if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi
fi
echo "== $(uv --version)"

# maturin (PyPI) and venv for the Python wheel and its pre-commit hook (tests/wheel.rs).
if ! maturin --version >/dev/null 2>&1; then
  echo "== installing maturin (PyPI)"
  python3 -m pip install -q --disable-pip-version-check maturin ||
    python3 -m pip install -q --disable-pip-version-check --break-system-packages maturin
  if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi
fi
if ! python3 -m venv --help >/dev/null 2>&1; then
  echo "== installing python3-venv"
  apt_install python3-venv
fi
echo "== $(maturin --version)"

# Neovim (Debian's, 0.7) for the real-editor test of `nixdeps server` (tests/editor_neovim.rs).
if ! command -v nvim >/dev/null 2>&1; then
  echo "== installing neovim (Debian)"
  apt_install neovim
fi
echo "== $(nvim --version | head -n1)"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --locked

# The embedded tables are what scripts/gen-data.py makes of the shared research tables, where
# those lie beside the tree (the product never reads them): regenerate, expect no change, and
# measure resolution on nixpkgs' own pythonImportsCheck names (tests/db_debian.rs).
if [ -d ../shared/data ]; then
  shared="$(cd ../shared/data && pwd)"
  echo "== gen-data reproduces data/ from $shared"
  python3 scripts/gen-data.py "$shared" >/dev/null
  git diff --exit-code --stat -- data/
  NIXDEPS_SHARED_DATA="$shared" cargo test --locked --test db_debian held_out -- --nocapture
fi
