#!/usr/bin/env bash
# How much of the tree knows which model families exist (issue 12's before/after measure).
# Usage: scripts/family-coupling.sh [CHECKOUT]   (default: this repository)
# Prints: switches over a family enum, quantized()/conditional() branches, main files that name a
# specific family outside that family's own package (per module), and the five largest main classes.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
main_files() { find . -path ./.git -prune -o -path '*/src/main/java/*' -name '*.java' -print | sort; }
# identifiers of family-specific types and constants, or a family id inside a string literal
tok='VQVAE|VAEGAN|CVAE|CAPACITY_VAE|BETA_VAE|VqVae|VaeGan|Cvae|ConditionalVae|BetaVae|CapacityVae|CapacityLoss|"[^"]*(vqvae|vaegan|cvae|capacity-vae|beta-vae)[^"]*"'
# a family's own packages: trainer.<pkg> and exporter.<pkg> for each family package name
own='/(vae|betavae|capacity|capacityvae|cvae|vqvae|vaegan)/'

switches=0
while read -r f; do
  n=$(awk '/switch *\(/ {want=1; next} want && /case / { if ($0 ~ /case +(VAE|BETA_VAE|CAPACITY_VAE|CVAE|VQVAE|VAEGAN)([^A-Z_]|$)/) c++; want=0 } END {print c+0}' "$f")
  switches=$((switches + n))
done < <(main_files)
echo "exhaustive switches over a family enum: $switches"
echo "quantized()/conditional() branches: $(main_files | xargs grep -hoE '\b(quantized|conditional)\(\)' | wc -l)"
echo "main files naming a specific family outside its own package:"
for m in fixtures runtime trainer exporter cli; do
  [ -d "$m/src/main/java" ] || continue
  files=$(grep -rlE "$tok" "$m/src/main/java" --include=*.java | grep -vE "$own" || true)
  echo "  $m: $(printf '%s' "$files" | grep -c . || true)$( [ -n "$files" ] && printf ' (%s)' "$(echo "$files" | xargs -n1 basename | tr '\n' ' ' | sed 's/ $//')")"
done
echo "five largest main classes (lines):"
main_files | xargs wc -l | grep -v ' total$' | sort -rn | head -5 | awk '{printf "  %5d %s\n", $1, $2}'
