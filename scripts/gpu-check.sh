#!/usr/bin/env bash
# The prepared GPU check (issue 9, section 5). On a machine with an NVIDIA GPU and a CUDA PyTorch:
#   builds the CUDA flavour (-p:TorchBackend=cuda, Release), prints the engine's start-up line, runs the engine's
#   parity tests on CUDA, the end-to-end bench in fp16 and fp32, issue 9's GPU goals (bench goals), the microbenchmarks, and — with --reference DIR —
#   the side-by-side bench against the Python reference on the same GPU; one report, all within the time budget
#   (8 minutes by default). Without a GPU it says so and runs its CPU parts: the default build, the start-up line
#   (and the refusal of --device cuda) and a CPU parity subset.
# Every step has its own timeout; a failing step is reported and the script goes on.
#
# usage: scripts/gpu-check.sh [--reference DIR] [--budget SECONDS] [--cpu-only] [--no-build]
# env:   OUT (report folder; default gpu-check-report/), E2E_IMAGES (default 20),
#        GPU_TEST_FILTER, CPU_TEST_FILTER (dotnet test --filter of each mode)
set -u -o pipefail
cd "$(dirname "$0")/.."

reference="" budget=480 cpu_only=0 no_build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --reference) reference="${2:?--reference needs a folder}"; shift 2 ;;
    --budget) budget="${2:?--budget needs seconds}"; shift 2 ;;
    --cpu-only) cpu_only=1; shift ;;
    --no-build) no_build=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "gpu-check: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

report_dir="${OUT:-gpu-check-report}"
mkdir -p "$report_dir"
report_dir="$(cd "$report_dir" && pwd)"
report="$report_dir/gpu-check.md"
started=$(date +%s)
failures=0
step_no=0

remaining() { echo $(( budget - ($(date +%s) - started) )); }

# step NAME SECONDS [EXPECT] -- COMMAND...: runs COMMAND under `timeout`, logs it, adds a section to the report.
# EXPECT is the exit status that counts as success (0 unless given, e.g. 2 for an expected refusal).
step() {
  local name="$1" limit="$2" expect=0
  shift 2
  if [ "$1" != "--" ]; then expect="$1"; shift; fi
  shift
  step_no=$((step_no + 1))
  local log; log="$report_dir/$(printf '%02d' "$step_no")-$(echo "$name" | tr -c 'A-Za-z0-9\n' '-' | tr -s '-').log"
  local left; left=$(( $(remaining) - 5 ))
  if [ "$left" -lt 15 ]; then
    echo "- **$name**: skipped, the ${budget} s budget is spent" >> "$report"
    echo "gpu-check: $name skipped (budget spent)" >&2
    failures=$((failures + 1))
    return 0
  fi
  [ "$limit" -gt "$left" ] && limit=$left
  echo "gpu-check: $name (at most ${limit} s)" >&2
  local t0; t0=$(date +%s)
  { printf '$'; printf ' %q' "$@"; printf '\n'; } > "$log"
  timeout --kill-after=10 "$limit" "$@" >> "$log" 2>&1
  local rc=$?
  local took=$(( $(date +%s) - t0 ))
  local verdict="ok"
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then verdict="TIMED OUT after ${limit} s"; failures=$((failures + 1))
  elif [ "$rc" -ne "$expect" ]; then verdict="FAILED (exit $rc)"; failures=$((failures + 1))
  elif [ "$expect" -ne 0 ]; then verdict="ok (exit $rc, as expected)"
  fi
  {
    echo "### $name — $verdict, ${took} s"
    echo
    echo '```'
    tail -n 25 "$log"
    echo '```'
    echo "Full log: \`$(basename "$log")\`"
    echo
  } >> "$report"
  return 0
}

# A GPU is usable when the driver lists one and the python3 torch (the libtorch this flavour runs on) sees CUDA.
gpu_reason=""
if [ "$cpu_only" -eq 1 ]; then
  gpu_reason="--cpu-only given"
elif ! command -v nvidia-smi > /dev/null 2>&1; then
  gpu_reason="no nvidia-smi on PATH (no NVIDIA driver)"
elif ! gpus=$(timeout 20 nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader 2>&1) || [ -z "$gpus" ]; then
  gpu_reason="nvidia-smi lists no GPU: ${gpus:-nothing}"
elif ! torch_cuda=$(timeout 90 python3 -c 'import torch; print(torch.__version__, torch.version.cuda, torch.cuda.is_available())' 2>&1) \
     || [ "${torch_cuda##* }" != "True" ]; then
  gpu_reason="python3's torch cannot use CUDA: $(echo "${torch_cuda:-no answer}" | tail -n 1)"
fi
mode=cuda
[ -n "$gpu_reason" ] && mode=cpu

{
  echo "# GPU check — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
  echo "- host: $(uname -n), $(nproc) CPUs, $(dotnet --version 2>/dev/null || echo 'no dotnet')"
  if [ "$mode" = cuda ]; then
    echo "- mode: **CUDA** — GPUs: $(echo "$gpus" | paste -sd ';' -); python3 torch: $torch_cuda"
  else
    echo "- mode: **CPU only — no GPU check was possible**: $gpu_reason"
  fi
  echo "- budget: ${budget} s; reference: ${reference:-none given}"
  echo
} > "$report"

if [ "$mode" = cuda ]; then
  config=Release
  flavour=(-c Release -p:TorchBackend=cuda)
  cli="src/Cli/bin/cuda/Release/net10.0/clipsurgery.dll"
  if [ "$no_build" -eq 0 ]; then
    step "build the CUDA flavour (tests, CLI)" 240 -- dotnet build tests/Engine.Tests "${flavour[@]}"
    step "build the CUDA flavour (bench)" 120 -- dotnet build bench/Bench "${flavour[@]}"
  fi
  step "start-up line (--device cuda)" 60 -- dotnet "$cli" device --device cuda
  step "parity tests on CUDA" 180 -- env CLIPSURGERY_TEST_DEVICE=cuda dotnet test tests/Engine.Tests "${flavour[@]}" --no-build \
    --filter "${GPU_TEST_FILTER:-FullyQualifiedName~Parity|Device=Cuda}" --logger "trx;LogFileName=$report_dir/parity-cuda.trx"
  for precision in fp16 fp32; do
    step "end-to-end bench, CUDA $precision" 90 -- dotnet run "${flavour[@]}" --no-build --project bench/Bench -- \
      e2e --device cuda --precision "$precision" --images "${E2E_IMAGES:-20}" --json "$report_dir/e2e-cuda-$precision.json"
  done
  step "GPU goals (ViT-B/16 fp32 encode, ViT-L/14 fp16 at 512, opinions iteration, SAM ViT-H set_image)" 150 -- \
    dotnet run "${flavour[@]}" --no-build --project bench/Bench -- goals --device cuda --json "$report_dir/goals-cuda.json"
  step "microbenchmarks on CUDA" 150 -- env CLIPSURGERY_DEVICE=cuda dotnet run "${flavour[@]}" --no-build --project bench/Bench -- micro --device cuda
  if [ -n "$reference" ]; then
    if [ -x scripts/bench-side-by-side.sh ]; then
      step "side by side with the reference on CUDA" 150 -- scripts/bench-side-by-side.sh --reference "$reference" --device cuda \
        --out "$report_dir/side-by-side-cuda.txt"
    else
      echo "- **side by side**: scripts/bench-side-by-side.sh is not in this checkout; not run" >> "$report"
      failures=$((failures + 1))
    fi
  fi
else
  echo "gpu-check: no GPU ($gpu_reason): running the CPU parts only" >&2
  cli="src/Cli/bin/Debug/net10.0/clipsurgery.dll"
  [ "$no_build" -eq 0 ] && step "build (default flavour, CPU libtorch)" 300 -- dotnet build tests/Engine.Tests
  step "start-up line (--device auto)" 60 -- dotnet "$cli" device
  step "--device cuda is refused with the reason" 60 2 -- dotnet "$cli" device --device cuda
  step "CPU parity subset" 240 -- dotnet test tests/Engine.Tests --no-build \
    --filter "${CPU_TEST_FILTER:-FullyQualifiedName~ClipModelParityTests|FullyQualifiedName~SurgeryParityTests|FullyQualifiedName~Engine.Tests.Hosting}"
fi

total=$(( $(date +%s) - started ))
{
  echo "---"
  if [ "$failures" -eq 0 ]; then echo "**All steps ok** in ${total} s (mode: $mode)."
  else echo "**$failures step(s) failed, timed out or were skipped** in ${total} s (mode: $mode)."; fi
} >> "$report"
echo "gpu-check: report in $report ($failures problem(s), ${total} s)" >&2
[ "$failures" -eq 0 ]
