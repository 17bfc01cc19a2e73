#!/bin/bash
# bench_kernel.sh: sirtkit's kernel convolution (FFTW float r2c, zero-padded) against
# scipy.signal.fftconvolve on the same 256³ activity map and 90Y kernel (bench/README.md).
# Usage: bench/bench_kernel.sh [BUILD_DIR (build)] [--size N] [--threads T] ...
set -euo pipefail
BUILD=${1:-build}
shift || true
PYTHON=${PYTHON:-/usr/bin/python3}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
"$BUILD/bench/bench_kernel" "$DIR" "$@" | tee "$DIR/c.txt"
"$PYTHON" - "$DIR" <<'PY'
import sys, time
import numpy as np, nibabel as nib, scipy, scipy.signal
d = sys.argv[1]
act = np.asarray(nib.load(f"{d}/activity.nii").dataobj, dtype=np.float32)
ker = np.asarray(nib.load(f"{d}/kernel.nii").dataobj, dtype=np.float32)
ours = np.asarray(nib.load(f"{d}/dose.nii").dataobj, dtype=np.float32)
best = cpu = float("inf")
for _ in range(3):
    t0, c0 = time.perf_counter(), time.process_time()
    ref = scipy.signal.fftconvolve(act, ker, mode="same")
    best = min(best, time.perf_counter() - t0)
    cpu = min(cpu, time.process_time() - c0)
c = {l.split()[0]: float(l.split()[1]) for l in open(f"{d}/c.txt") if l.startswith("sirtkit_")}
print(f"scipy {scipy.__version__} fftconvolve (float32, mode='same', best of 3): {best:.3f} s, dtype {ref.dtype}")
print(f"sirtkit sirt_dose_convolve_fft (best of runs):  {c['sirtkit_seconds']:.3f} s (all threads), {c['sirtkit_seconds_1thread']:.3f} s (1 thread)")
print(f"ratio scipy / sirtkit: {best / c['sirtkit_seconds']:.2f} (all threads), {best / c['sirtkit_seconds_1thread']:.2f} (1 thread)")
print(f"sirtkit planned once per size (planning + kernel spectrum {c['sirtkit_plan_seconds']:.2f} s), per map, 1 thread: {c['sirtkit_planned_seconds_1thread']:.3f} s wall, {c['sirtkit_planned_cpu_seconds_1thread']:.3f} s CPU")
print(f"ratio scipy / sirtkit planned, CPU time, 1 thread each: {cpu / c['sirtkit_planned_cpu_seconds_1thread']:.2f}")
print(f"CPU time, 1 thread each: scipy {cpu:.3f} s, sirtkit {c['sirtkit_cpu_seconds_1thread']:.3f} s, ratio {cpu / c['sirtkit_cpu_seconds_1thread']:.2f}")
diff = np.max(np.abs(ours.astype(np.float64) - ref.astype(np.float64))) / np.max(np.abs(ref))
print(f"max |sirtkit - scipy| / max dose: {diff:.3g}")
PY
