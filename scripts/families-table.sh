#!/usr/bin/env bash
# Trains every model family briefly on the built-in shapes dataset with the CLI's defaults, exports
# each run (parity-checked), evaluates each bundle on unseen shapes, and prints the Markdown table
# of docs/FAMILIES.md ("A short CPU run on shapes").
#
# Usage: scripts/families-table.sh [OUT_DIR]          (default OUT_DIR: families-out)
# Environment (defaults in brackets):
#   DATA        training data spec        [shapes:n=2048,size=32]
#   EVAL        evaluation data spec      [shapes:n=512,size=32,seed=99] (another generator seed: unseen images)
#   EPOCHS      epochs per family         [4]
#   EXTRA       more train flags for every family, e.g. "--latent-dim 6" []
#   TABLE_ONLY  1: do not train, only print the table of an earlier run in OUT_DIR [0]
# Needs: the ./vaeforge launcher (builds the CLI on first use) and jq.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-families-out}"
data="${DATA:-shapes:n=2048,size=32}"
eval_data="${EVAL:-shapes:n=512,size=32,seed=99}"
epochs="${EPOCHS:-4}"
extra="${EXTRA:-}"
families=(vae beta-vae capacity-vae cvae)
vf="$here/vaeforge"
command -v jq >/dev/null || { echo "families-table: needs jq (apt-get install jq)" >&2; exit 2; }
mkdir -p "$out"

if [ "${TABLE_ONLY:-0}" != 1 ]; then
  for family in "${families[@]}"; do
    run="$out/run-$family"
    echo "== $family: train ($data, $epochs epochs), export, evaluate ($eval_data)" >&2
    # shellcheck disable=SC2086
    "$vf" train --model "$family" --data "$data" --epochs "$epochs" --out "$run" --overwrite $extra \
      >"$out/$family.train.log" 2>&1 || { tail -n 5 "$out/$family.train.log" >&2; exit 1; }
    "$vf" export "$run" --out "$out/bundle-$family" --overwrite >"$out/$family.export.log" 2>&1
    "$vf" evaluate "$out/bundle-$family" --data "$eval_data" --samples 256 --metrics mse,ssim,kl,elbo \
      --out "$out/eval-$family" --overwrite >"$out/$family.eval.log" 2>&1
  done
fi

spec=$(jq -r '.config.dataset' "$out/run-vae/config.json")
done_epochs=$(jq -r '.epochs' "$out/run-vae/summary.json")
eval_spec=$(jq -r '.dataset.spec' "$out/eval-vae/metrics.json")
echo "Training: \`$spec\`, $done_epochs epochs, CLI defaults${extra:+ plus \`$extra\`}; evaluation of the exported"
echo "bundle with ONNX Runtime on \`$eval_spec\` (reconstruction metrics; ELBO single-sample)."
echo
echo "| family | test loss | test recon | test KL | beta / C at end | active dims (KL_d > 0.1) | eval MSE | eval SSIM | eval ELBO | parity max \|ORT−DJL\| | train wall s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for family in "${families[@]}"; do
  m=$(tail -n 1 "$out/run-$family/metrics.jsonl")
  parity=$(jq -r '[.parity.maxAbsError[]] | max' "$out/bundle-$family/manifest.json")
  jq -r --arg f "$family" --arg p "$(printf '%.1e' "$parity")" \
    --slurpfile e "$out/eval-$family/metrics.json" --slurpfile s "$out/run-$family/summary.json" '
    def r(x; k): (x * k | round) / k;
    (if .beta != null then "beta \(r(.beta; 1000))" elif .capacity != null then "C \(r(.capacity; 100))" else "–" end) as $sched
    | "| \($f) | \(r(.testLoss; 100)) | \(r(.testRecon; 100)) | \(r(.testKl; 100)) | \($sched) | "
      + "\([.klPerDim[] | select(. > 0.1)] | length)/\(.klPerDim | length) | "
      + "\(r($e[0].reconstruction.mse.mean; 10000)) | \(r($e[0].reconstruction.ssim.mean; 1000)) | "
      + "\(r($e[0].reconstruction.elbo.mean; 100)) | \($p) | \(r($s[0].wallSeconds; 1)) |"' <<<"$m"
done
