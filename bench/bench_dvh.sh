#!/usr/bin/env bash
# bench_dvh: DVH of 10 structures on a 512x512x300 dose grid, sirt dvh against plastimatch dvh
# on the same files in the same run; prints both wall times and the ratio (bench/README.md).
#
# Usage: bench/bench_dvh.sh [SIRT_BINARY]   (default build/sirt)
#   BENCH_DVH_DIMS="256 256 150" for a quick run; BENCH_DVH_KEEP=1 keeps the files.
set -eu
SIRT=${1:-build/sirt}
PYTHON=${PYTHON:-/usr/bin/python3}
DIMS=${BENCH_DVH_DIMS:-"512 512 300"}
command -v plastimatch >/dev/null || { echo "bench_dvh: plastimatch not found" >&2; exit 1; }
[ -x "$SIRT" ] || { echo "bench_dvh: $SIRT is not an executable" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/bench_dvh.XXXXXX")
[ "${BENCH_DVH_KEEP:-0}" = 1 ] || trap 'rm -rf "$W"' EXIT

# Inputs, uncompressed NIfTI so that both programs spend their time on the DVH, not gzip:
#  dose.nii   float32, a smooth hot spot plus noise (0..~250 Gy), spacing 0.9 x 0.9 x 2 mm.
#  labels.nii uint8 label map, 10 non-overlapping structures (labels 1..10): a large "liver"
#             ellipsoid cut in 6 slabs and 4 spheres; the rest 0.
#  ss.nii     uint32 plastimatch structure-set image with the same 10 structures as bits 0..9.
"$PYTHON" - "$W" $DIMS <<'PY'
import sys, numpy as np, nibabel as nb
w = sys.argv[1]; nx, ny, nz = map(int, sys.argv[2:5])
sp = (0.9 * 512 / nx, 0.9 * 512 / ny, 2.0 * 300 / nz)
A = np.diag([-sp[0], -sp[1], sp[2], 1.0])
x = (np.arange(nx, dtype=np.float32) * sp[0])[:, None, None]
y = (np.arange(ny, dtype=np.float32) * sp[1])[None, :, None]
z = (np.arange(nz, dtype=np.float32) * sp[2])[None, None, :]
cx, cy, cz = 0.5 * nx * sp[0], 0.5 * ny * sp[1], 0.5 * nz * sp[2]
r2 = (x - cx)**2 + (y - cy)**2 + (z - cz)**2
rng = np.random.default_rng(1)
dose = (220.0 * np.exp(-r2 / (2 * 60.0**2)) + rng.normal(0, 2.0, (nx, ny, nz)).astype(np.float32)).astype(np.float32)
np.maximum(dose, 0, out=dose)
im = nb.Nifti1Image(dose, A); im.header['descrip'] = b'sirt:unit=Gy'; nb.save(im, w + '/dose.nii')
del dose
lab = np.zeros((nx, ny, nz), np.uint8)
liver = ((x - cx) / 150)**2 + ((y - cy) / 110)**2 + ((z - cz) / 120)**2 <= 1
slab = np.clip(((x - (cx - 150)) / 300 * 6).astype(int), 0, 5)
for s in range(6):
    lab[liver & (slab == s)] = s + 1
for s, (ox, oy, oz, r) in enumerate([(-60, -40, -30, 25), (50, 30, 20, 30), (0, 60, -50, 20), (70, -50, 40, 35)]):
    lab[(x - cx - ox)**2 + (y - cy - oy)**2 + (z - cz - oz)**2 <= r * r] = 7 + s
nb.save(nb.Nifti1Image(lab, A), w + '/labels.nii')
ss = np.where(lab > 0, np.left_shift(np.uint32(1), (lab.astype(np.uint32) - 1) % 32), 0).astype(np.uint32)
nb.save(nb.Nifti1Image(ss, A), w + '/ss.nii')
with open(w + '/ss.txt', 'w') as f:
    for s in range(10):
        f.write(f"{s}|255 0 0|s{s + 1}\n")
PY

LABELS=()
for s in $(seq 1 10); do LABELS+=(--label "s$s=$s"); done
# Wall time and CPU time (user + sys) of each: on a shared machine the wall time includes
# waiting for a core, so the CPU-time ratio is the stable number; both are printed.
/usr/bin/time -o "$W/sirt.time" -f "%e %U %S" \
  "$SIRT" dvh "$W/dose.nii" --labels "$W/labels.nii" "${LABELS[@]}" --bin-gy 0.1 \
  --csv "$W/sirt_csv" --json "$W/sirt.json" >"$W/sirt.out"
/usr/bin/time -o "$W/plm.time" -f "%e %U %S" \
  plastimatch dvh --input-ss-img "$W/ss.nii" --input-ss-list "$W/ss.txt" --input-dose "$W/dose.nii" \
  --output-csv "$W/plm.csv" --bin-width 0.1 --num-bins 3000 --normalization vox >"$W/plm.log" 2>&1
/usr/bin/time -o "$W/read.time" -f "%e %U %S" "$SIRT" info "$W/dose.nii" >/dev/null
"$PYTHON" - "$W" "$DIMS" <<'PY'
import sys, json, csv
w = sys.argv[1]
def t(name):
    e, u, s = map(float, open(w + '/' + name).read().split()[-3:])
    return e, u + s
(ws, cs), (wp, cp), (wr, cr) = t('sirt.time'), t('plm.time'), t('read.time')
j = json.load(open(w + '/sirt.json'))
vox = [s['voxels'] for s in j['structures']]
rows = list(csv.reader(open(w + '/plm.csv')))
peer = [float(v) for v in rows[1][1:]]  # row "Dose 0": every voxel of each structure
same = len(peer) == len(vox) and all(abs(a - b) < 0.5 for a, b in zip(vox, peer))
print(f"bench_dvh: grid {sys.argv[2]}, 10 structures ({sum(vox)} voxels), 0.1 Gy bins")
print(f"  sirt dvh (read dose + labels, 10 DVHs, 8 metrics, CSV + JSON): wall {ws:7.2f} s, CPU {cs:7.2f} s")
print(f"  plastimatch dvh (read dose + ss-img, 10 DVHs, CSV):            wall {wp:7.2f} s, CPU {cp:7.2f} s")
print(f"  of which sirt's NIfTI read of the dose alone (sirt info):       wall {wr:7.2f} s, CPU {cr:7.2f} s")
print(f"  ratio plastimatch / sirt: CPU {cp / cs:.2f}x, wall {wp / ws:.2f}x   (goal >= 5x)")
print(f"  structure voxel counts agree with plastimatch: {'yes' if same else 'NO'}")
PY
