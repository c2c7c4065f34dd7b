#!/usr/bin/env bash
# The reference and this engine on the same machine, threads, random full-size ViT-B/16 weights and images; prints the
# figures and the ratios to issue 9's goals.
#
#   scripts/bench-side-by-side.sh --reference DIR [--device cpu|cuda] [--out FILE] [--threads N] [--ref-demo parts|full]
#                                 [--images N] [--ref-images N] [--steps N] [--repeats N] [--rss-images N] [--work DIR]
#
# DIR is a checkout of the reference (never part of this repository):
#   git clone https://github.com/xmed-lab/CLIP_Surgery DIR
# Python: /usr/bin/python3 with Debian 12's python3-torch python3-torchvision python3-opencv python3-pil python3-tqdm
# python3-regex and libopenblas0-pthread (or PYTHON=… for another, e.g. a CUDA PyTorch with --device cuda). ftfy is not
# packaged: a stub with fix_text = identity is put on PYTHONPATH (the labels are ASCII).
# --ref-demo parts (default): the reference's demo pipeline runs for real, except that each 59-label prompt ensemble
# encodes one label and is charged its measured time for the other 58 (the reference runs all 77 positions of every
# prompt, so every label costs the same); --ref-demo full encodes them all (about 180 labels × 85 prompts per image:
# ten minutes or more per image on 2 CPU threads). --rss-images 200 also runs our e2e bench over 200 images for the
# RSS goal (image 20 → 200). Under load, parts of ours can be rerun alone: bench/Bench parts --sections sgemm,encode,….
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
reference="" device="cpu" out="" threads=2 ref_demo="parts" images=6 ref_images=1 steps=3 repeats=5 rss_images=0 work=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --reference) reference="$2"; shift 2 ;;
    --device) device="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --ref-demo) ref_demo="$2"; shift 2 ;;
    --images) images="$2"; shift 2 ;;
    --ref-images) ref_images="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --rss-images) rss_images="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bench-side-by-side: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n "$reference" ]] || { echo "bench-side-by-side: --reference DIR is required (a checkout of github.com/xmed-lab/CLIP_Surgery)" >&2; exit 2; }
[[ -f "$reference/clip/clip_surgery_model.py" ]] || { echo "bench-side-by-side: $reference has no clip/clip_surgery_model.py: not a CLIP Surgery checkout" >&2; exit 2; }

python="${PYTHON:-/usr/bin/python3}"
"$python" -c 'import torch, torchvision, cv2, PIL, regex' 2>/dev/null || {
  echo "bench-side-by-side: $python lacks torch/torchvision/cv2/PIL/regex (Debian: apt-get install python3-torch python3-torchvision python3-opencv python3-pil python3-tqdm python3-regex libopenblas0-pthread)" >&2; exit 2; }
shared="$root/../shared/reference"
[[ -d "$shared/images" ]] || { echo "bench-side-by-side: no $shared/images" >&2; exit 2; }

work="${work:-$(mktemp -d /tmp/bench-side-by-side.XXXXXX)}"
mkdir -p "$work/stub"
[[ -f "$work/stub/ftfy.py" ]] || echo 'def fix_text(t): return t' > "$work/stub/ftfy.py"
export PYTHONPATH="$work/stub${PYTHONPATH:+:$PYTHONPATH}"
# The same threads on both sides: libtorch reads OMP_NUM_THREADS at start, and both set it again explicitly.
export OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads"
weights="$work/vit-b-16-random.pt"

echo "== building bench/Bench (Release)" >&2
dotnet build -c Release "$root/bench/Bench" -v quiet -nologo >&2
if [[ ! -f "$weights" ]]; then
  echo "== random ViT-B/16 weights (the reference's CLIP class, torch.save state dict) → $weights" >&2
  "$python" "$here/reference_bench.py" weights --reference "$reference" --out "$weights"
fi

echo "== reference ($python, $threads threads, $device)" >&2
"$python" "$here/reference_bench.py" run --reference "$reference" --weights "$weights" --image-dir "$shared/images" \
  --device "$device" --threads "$threads" --repeats "$repeats" --steps "$steps" --images "$ref_images" \
  --ref-demo "$ref_demo" --json "$work/reference.json"

echo "== ours (bench/Bench parts, $threads threads, $device)" >&2
(cd "$root" && dotnet run -c Release --no-build --project bench/Bench -- parts --checkpoint "$weights" --device "$device" \
  --threads "$threads" --repeats "$repeats" --steps "$steps" --images "$images" --json "$work/ours.json")

rss=()
if [[ "$rss_images" -gt 0 ]]; then
  echo "== ours: e2e over $rss_images images (RSS)" >&2
  (cd "$root" && dotnet run -c Release --no-build --project bench/Bench -- e2e --device "$device" --threads "$threads" \
    --images "$rss_images" --json "$work/e2e-rss.json")
  rss=(--rss "$work/e2e-rss.json")
fi

echo "== comparison (JSON in $work)" >&2
"$python" "$here/reference_bench.py" compare "$work/reference.json" "$work/ours.json" "${rss[@]}" ${out:+--out "$out"}
