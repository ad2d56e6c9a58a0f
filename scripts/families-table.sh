#!/usr/bin/env bash
# Trains every model family on the built-in shapes dataset with the CLI's defaults for a fixed number
# of epochs (about 5 minutes of training per family on 2 quiet CPU cores), exports each run
# (parity-checked), evaluates each bundle on unseen shapes, and prints the Markdown table of
# docs/FAMILIES.md ("A 5-minute CPU run on shapes").
#
# The epochs, not a wall-clock budget, are fixed so that every rerun gives the same numbers (training
# is seeded); only the wall times depend on the machine and its load. The epoch counts were calibrated
# from measured images/s (docs/FAMILIES.md says how); on a busy machine the run simply takes longer.
#
# Usage: scripts/families-table.sh [OUT_DIR]          (default OUT_DIR: families-out)
# Environment (defaults in brackets):
#   FAMILIES    families to run, in order, e.g. "vae vqvae"   [all of `known` below]
#   DATA        training data spec        [shapes] (4096 gray 64x64 images, 10% held out)
#   EVAL        evaluation data spec      [shapes:n=512,seed=99] (another generator seed: unseen images)
#   EPOCHS      epochs for every family   [per family, see epochs_for below]
#   EXTRA       more train flags for every family, e.g. "--latent-dim 6" []
#   TABLE_ONLY  1: do not train, only print the table of an earlier run in OUT_DIR [0]
# Needs: the ./vaeforge launcher (builds the CLI on first use) and jq.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-families-out}"
data="${DATA:-shapes}"
eval_data="${EVAL:-shapes:n=512,seed=99}"
extra="${EXTRA:-}"
vf="$here/vaeforge"

# Every family the table knows, in table order. Adding a family = one entry here, one in epochs_for,
# and its branch in family_cells below.
known=(vae beta-vae capacity-vae cvae vqvae vaegan)

# Epochs per family on the default DATA: about 5 minutes of training each on 2 quiet cores, from the
# images/s measured on a quiet machine (docs/FAMILIES.md, "Calibration"). Fixed, so reruns are identical.
# The five non-GAN families cost about the same per image (same conv stages; the vqvae's quantizer is
# a 16 x 64 distance table per image): since the training speed-ups of issue 6, ~210 images/s, so an
# epoch of 3686 images plus its test pass and checkpoint takes ~18 s and 16 epochs ~4.8 minutes.
# vaegan: a step runs three backward passes and two discriminator passes over 3N images: ~37
# images/s, ~100 s an epoch, so 3 epochs (171 steps).
declare -A epochs_for=([vae]=16 [beta-vae]=16 [capacity-vae]=16 [cvae]=16 [vqvae]=16 [vaegan]=3)

# The family's own cells, as a jq expression over the last metrics.jsonl line (input), the run's
# config ($c), the evaluation's metrics.json ($e) and r(x; k) (round x to 1/k):
# [test KL, active dims, family terms, eval ELBO]. "–" where a cell does not apply.
family_cells() {
  local gaussian='"\(r(.testKl; 100))", "\([.klPerDim[] | select(. > 0.1)] | length)/\(.klPerDim | length)"'
  local elbo='"\(r($e.reconstruction.elbo.mean; 100))"'
  case "$1" in
    vae | cvae) echo "[$gaussian, \"–\", $elbo]" ;;
    beta-vae) echo "[$gaussian, \"beta \(r(.beta; 1000))\", $elbo]" ;;
    capacity-vae) echo "[$gaussian, \"C \(r(.capacity; 100)) at the last step (C_max \(\$c.model.capacityMax))\", $elbo]" ;;
    # vqvae: no Gaussian latent, so no KL, active dims or ELBO; testKl holds the VQ term
    # (codebook + beta_c * commitment), perplexity and codesUsed are measured on the test split.
    vqvae) echo '["–", "–", "VQ \(r(.testKl; 100)); perplexity \(r(.perplexity; 100)), \(.codesUsed)/\($c.model.codebookSize) codes", "–"]' ;;
    # vaegan: test recon is the feature-space term; the pixel-space one, the discriminator's losses and
    # the share of steps the equilibrium rule let each side train are in the run's extras.
    vaegan) echo "[$gaussian, \"pixel recon \(r(.extras.testPixelRecon; 100)); D loss \(r(.extras.testDiscLoss; 100)) (real \(r(.extras.testDiscReal; 100)), generated \(r(.extras.testDiscFake; 100))); updates: decoder \(r(.extras.decoderUpdateRate; 100)), D \(r(.extras.discriminatorUpdateRate; 100))\", $elbo]" ;;
    *) echo "families-table: no column logic for family '$1' (add a branch to family_cells)" >&2; return 1 ;;
  esac
}

read -r -a families <<<"${FAMILIES:-${known[*]}}"
[ "${#families[@]}" -gt 0 ] || { echo "families-table: FAMILIES is empty; known: ${known[*]}" >&2; exit 2; }
for f in "${families[@]}"; do
  [ -n "${epochs_for[$f]:-}" ] || { echo "families-table: unknown family '$f' in FAMILIES; known: ${known[*]}" >&2; exit 2; }
  family_cells "$f" >/dev/null || exit 2   # before minutes of training, not after
done
command -v jq >/dev/null || { echo "families-table: needs jq (apt-get install jq)" >&2; exit 2; }
mkdir -p "$out"

if [ "${TABLE_ONLY:-0}" != 1 ]; then
  for family in "${families[@]}"; do
    run="$out/run-$family"
    epochs="${EPOCHS:-${epochs_for[$family]}}"
    echo "== $family: train ($data, $epochs epochs), export, evaluate ($eval_data)" >&2
    cut -d' ' -f1-3 /proc/loadavg 2>/dev/null >"$out/$family.load" || echo "?" >"$out/$family.load"
    # shellcheck disable=SC2086
    "$vf" train --model "$family" --data "$data" --epochs "$epochs" --out "$run" --overwrite $extra \
      >"$out/$family.train.log" 2>&1 || { tail -n 5 "$out/$family.train.log" >&2; exit 1; }
    cut -d' ' -f1-3 /proc/loadavg 2>/dev/null >>"$out/$family.load" || echo "?" >>"$out/$family.load"
    "$vf" export "$run" --out "$out/bundle-$family" --overwrite >"$out/$family.export.log" 2>&1 \
      || { tail -n 5 "$out/$family.export.log" >&2; exit 1; }
    "$vf" evaluate "$out/bundle-$family" --data "$eval_data" --samples 256 --metrics mse,ssim,kl,elbo \
      --out "$out/eval-$family" --overwrite >"$out/$family.eval.log" 2>&1 \
      || { tail -n 5 "$out/$family.eval.log" >&2; exit 1; }
  done
fi

first="${families[0]}"
spec=$(jq -r '.config.dataset' "$out/run-$first/config.json")
eval_spec=$(jq -r '.dataset.spec' "$out/eval-$first/metrics.json")
echo "Training: \`$spec\`, CLI defaults${extra:+ plus \`$extra\`}, the epochs shown; evaluation of the exported"
echo "bundle with ONNX Runtime on \`$eval_spec\` (reconstruction metrics; ELBO single-sample)."
echo
echo "| family | epochs (steps) | test loss | test recon | test KL | active dims (KL_d > 0.1) | family terms | eval MSE | eval SSIM | eval ELBO | parity max \|ORT−DJL\| | train wall s | train images/s | load avg before → after |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for family in "${families[@]}"; do
  m=$(tail -n 1 "$out/run-$family/metrics.jsonl")
  parity=$(jq -r '[.parity.maxAbsError[]] | max' "$out/bundle-$family/manifest.json")
  load="?"
  [ -f "$out/$family.load" ] && load=$(awk 'NR==1{b=$1} NR==2{a=$1} END{print (b==""?"?":b) " → " (a==""?"?":a)}' "$out/$family.load")
  cells=$(family_cells "$family")
  jq -r --arg f "$family" --arg p "$(printf '%.1e' "$parity")" --arg load "$load" \
    --slurpfile e "$out/eval-$family/metrics.json" --slurpfile s "$out/run-$family/summary.json" \
    --slurpfile c "$out/run-$family/config.json" "
    def r(x; k): if x == null then \"–\" else (x * k | round) / k end;
    \$e[0] as \$e | \$c[0].config as \$c | \$s[0] as \$s | ($cells) as \$fc
    | \"| \(\$f) | \(\$s.epochs) (\(\$s.steps)) | \(r(.testLoss; 100)) | \(r(.testRecon; 100)) | \(\$fc[0]) | \(\$fc[1]) | \(\$fc[2]) | \"
      + \"\(r(\$e.reconstruction.mse.mean; 10000)) | \(r(\$e.reconstruction.ssim.mean; 1000)) | \(\$fc[3]) | \(\$p) | \"
      + \"\(r(\$s.wallSeconds; 1)) | \(r(\$s.meanImagesPerSecond; 1)) | \(\$load) |\"" <<<"$m"
done
