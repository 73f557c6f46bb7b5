#!/usr/bin/env bash
# Run every benchmark in the repository and print its output:
#   - each cargo bench target under crates/*/benches/*.rs (run per crate, by name);
#   - bench/startup, when present (its own run script or executable).
# Usage: bench/run.sh            (from anywhere inside the repo)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

ran=0
failed=()
for dir in crates/*/benches; do
  [ -d "$dir" ] || continue
  crate_dir="${dir%/benches}"
  # The package name, e.g. wwdev-sandbox, from the crate's Cargo.toml.
  pkg="$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$crate_dir/Cargo.toml" | head -n1)"
  for file in "$dir"/*.rs; do
    [ -e "$file" ] || continue
    name="$(basename "$file" .rs)"
    echo "### cargo bench -p $pkg --bench $name"
    if cargo bench -p "$pkg" --bench "$name"; then ran=$((ran + 1)); else failed+=("$pkg/$name"); fi
    echo
  done
done

if [ -d bench/startup ]; then
  for cand in bench/startup/run.sh bench/startup/run; do
    if [ -x "$cand" ]; then
      echo "### $cand"
      if "$cand"; then ran=$((ran + 1)); else failed+=("$cand"); fi
      echo
      break
    fi
  done
elif [ -x bench/startup ]; then
  echo "### bench/startup"
  if bench/startup; then ran=$((ran + 1)); else failed+=("bench/startup"); fi
  echo
fi

echo "### $ran benchmark(s) ran"
if [ ${#failed[@]} -gt 0 ]; then
  echo "### failed: ${failed[*]}" >&2
  exit 1
fi
