#!/bin/bash
# sirt dose end to end: LDE against a hand/numpy computation, kernel method with its disk
# cache (generated, then read, then a corrupted file regenerated with a note), --until-h,
# same bytes for the same seed, and bad inputs (exit codes, field named, nothing written).
. "$(dirname "$0")/lib.sh"

# A 20x18x16 map, 4x4x5 mm voxels (anisotropic), a 1 MBq/mL ball of radius 20 mm plus a
# hot 5 MBq/mL voxel, Bq/mL unit in the descrip; a CT of 40 HU (1.0506 g/mL, domain.md §5.2).
"$PYTHON" - "$WORK" <<'PY'
import sys, numpy as np, nibabel as nib
w = sys.argv[1]
nx, ny, nz = 20, 18, 16
sp = (4.0, 4.0, 5.0)
i, j, k = np.meshgrid(np.arange(nx), np.arange(ny), np.arange(nz), indexing="ij")
x, y, z = (i - 9.5) * sp[0], (j - 8.5) * sp[1], (k - 7.5) * sp[2]
a = np.where(x**2 + y**2 + z**2 <= 20.0**2, 1e6, 0.0).astype(np.float32)
a[3, 4, 5] = 5e6
aff = np.diag([sp[0], sp[1], sp[2], 1.0])
img = nib.Nifti1Image(a, aff)
img.header["descrip"] = b"sirt:unit=Bq/mL"
nib.save(img, f"{w}/act.nii.gz")
nib.save(nib.Nifti1Image(a, aff), f"{w}/act_nounit.nii")
ct = nib.Nifti1Image(np.full(a.shape, 40.0, np.float32), aff)
ct.header["descrip"] = b"sirt:unit=HU"
nib.save(ct, f"{w}/ct.nii.gz")
PY

run_sirt lde dose "$WORK/act.nii.gz" --nuclide Y-90 --method lde --out "$WORK/lde.nii.gz" --json "$WORK/lde.json"
expect_rc 0 "LDE runs"
expect_grep "$WORK/lde.out" "total activity" "text summary has the total activity"
expect_grep "$WORK/lde.out" " Gy" "text summary has doses in Gy"
# 1 MBq/mL for ever in water: 1e6 Bq/mL · 64.10 h·3600/ln2 · 0.9312 MeV · 1.602177e-13 J/MeV
# / 1e-3 kg/mL = 49.67 Gy (domain.md §1); the hot voxel 5× that.
json_check "$WORK/lde.json" "approx(j['max_dose_gy'], 5*49.67, 0.005)" "LDE hot voxel 248.4 Gy"
json_check "$WORK/lde.json" "j['method'] == 'lde' and j['nuclide'] == 'Y-90'" "JSON names method and nuclide"
"$PYTHON" - "$WORK" <<'PY' > "$WORK/lde_cmp.txt"
import sys, numpy as np, nibabel as nib
w = sys.argv[1]
a = np.asarray(nib.load(f"{w}/act.nii.gz").dataobj, dtype=np.float64)
d = np.asarray(nib.load(f"{w}/lde.nii.gz").dataobj, dtype=np.float64)
# numpy LDE: Bq/mL × mL → Bq; × τ (s) → decays; × Ē_np (J) / mass (kg) of water.
vol_ml = 4 * 4 * 5 * 1e-3
tau = 64.10 * 3600 / np.log(2)
ref = a * vol_ml * tau * 0.9312 * 1.602176634e-13 / (1.0 * vol_ml * 1e-3)
print("ok" if np.max(np.abs(d - ref)) <= 1e-5 * ref.max() else f"bad {np.max(np.abs(d-ref))/ref.max()}")
PY
expect_grep "$WORK/lde_cmp.txt" "ok" "LDE image equals numpy's A·τ·E/m within 1e-5"

# CT density: the dose is divided by 1.0506 g/mL.
run_sirt ldect dose "$WORK/act.nii.gz" --out "$WORK/ldect.nii" --ct "$WORK/ct.nii.gz" --json "$WORK/ldect.json"
expect_rc 0 "LDE with CT"
json_check "$WORK/ldect.json" "approx(j['max_dose_gy'], 5*49.67/1.0506, 0.005)" "LDE with CT: mass from 40 HU = 1.0506 g/mL"

# --until-h one half-life: half the dose.
run_sirt until dose "$WORK/act.nii.gz" --out "$WORK/until.nii" --until-h 64.1 --json "$WORK/until.json"
expect_rc 0 "--until-h"
json_check "$WORK/until.json" "approx(j['max_dose_gy'], 5*49.67/2, 0.005) and approx(j['fraction_of_dose_to_infinity'], 0.5, 1e-3)" "dose to one half-life is half"

# Kernel: generated and cached, then read from the cache; the same bytes; energy vs LDE.
CACHE="$WORK/cache"
run_sirt k1 dose "$WORK/act.nii.gz" --method kernel --histories 20000 --seed 7 --cache "$CACHE" --out "$WORK/k1.nii" --json "$WORK/k1.json"
expect_rc 0 "kernel method"
json_check "$WORK/k1.json" "j['kernel']['from_cache'] is False and j['kernel']['histories'] == 20000 and j['kernel']['seed'] == '7'" "kernel generated with its parameters"
json_check "$WORK/k1.json" "j['kernel']['spacing_mm'] == [4, 4, 5]" "anisotropic kernel voxel size recorded"
expect_grep "$WORK/k1.out" "kernel provenance" "text summary shows the kernel provenance"
run_sirt k2 dose "$WORK/act.nii.gz" --method kernel --histories 20000 --seed 7 --cache "$CACHE" --out "$WORK/k2.nii" --json "$WORK/k2.json"
expect_rc 0 "kernel method again"
json_check "$WORK/k2.json" "j['kernel']['from_cache'] is True" "second run reads the cache"
if cmp -s "$WORK/k1.nii" "$WORK/k2.nii"; then pass "same seed: same dose bytes"; else fail "same seed gave different bytes"; fi
# Total energy: the ball lies ≥ 8 mm inside the grid edge, the β range tail beyond it
# is small; kernel energy = LDE energy within 2% (Ē differs by ~0.2%, brems 0.55%).
json_check "$WORK/k1.json" "approx(j['energy_deposited_j'], json.load(open('$WORK/lde.json'))['energy_deposited_j'], 0.02)" "kernel energy = LDE energy within 2%"
# Ball centre: kernel = LDE within 1% (20 mm radius > 11 mm 90Y range).
"$PYTHON" - "$WORK" <<'PY' > "$WORK/centre.txt"
import sys, numpy as np, nibabel as nib
w = sys.argv[1]
l = np.asarray(nib.load(f"{w}/lde.nii.gz").dataobj); k = np.asarray(nib.load(f"{w}/k1.nii").dataobj)
c = (9, 8, 7)
print("ok" if abs(k[c] / l[c] - 1) < 0.01 else f"bad {k[c]} {l[c]}")
PY
expect_grep "$WORK/centre.txt" "ok" "ball centre: kernel = LDE within 1%"
# A corrupted cache file is detected and regenerated with a visible note.
f=$(ls "$CACHE"/kernel_*.bin | head -1)
printf 'garbage' | dd of="$f" bs=1 seek=3000 conv=notrunc status=none
run_sirt k3 dose "$WORK/act.nii.gz" --method kernel --histories 20000 --seed 7 --cache "$CACHE" --out "$WORK/k3.nii"
expect_rc 0 "kernel after cache corruption"
expect_grep "$WORK/k3.out" "regenerated" "note: corrupt cache regenerated"
if cmp -s "$WORK/k1.nii" "$WORK/k3.nii"; then pass "regenerated kernel: same dose bytes"; else fail "regenerated kernel differs"; fi

# Bad inputs.
run_sirt bad_until dose "$WORK/act.nii.gz" --out "$WORK/x.nii" --until-h -3
expect_rc 1 "negative --until-h"
expect_grep "$WORK/bad_until.err" "--until-h" "message names --until-h"
run_sirt bad_method dose "$WORK/act.nii.gz" --out "$WORK/x.nii" --method mc
expect_rc 2 "unknown method is a usage error"
run_sirt bad_unit dose "$WORK/act_nounit.nii" --out "$WORK/x.nii"
expect_rc 1 "image without unit"
expect_grep "$WORK/bad_unit.err" "--activity-unit" "message suggests --activity-unit"
run_sirt ok_unit dose "$WORK/act_nounit.nii" --activity-unit Bq/mL --out "$WORK/x2.nii"
expect_rc 0 "--activity-unit for a file without a unit"
run_sirt bad_dc dose "$WORK/act.nii.gz" --method kernel --density-correction --out "$WORK/x.nii" --cache "$CACHE" --histories 20000 --seed 7
expect_rc 1 "density correction without CT"
expect_grep "$WORK/bad_dc.err" "density_correction" "message names density_correction"
run_sirt bad_hist dose "$WORK/act.nii.gz" --method kernel --histories 12.5 --out "$WORK/x.nii"
expect_rc 1 "non-integer --histories"
expect_grep "$WORK/bad_hist.err" "1000-1000000000" "message gives the accepted range"
run_sirt missing dose "$WORK/nope.nii.gz" --out "$WORK/x.nii"
expect_rc 1 "missing input"
expect_grep "$WORK/missing.err" "nope.nii.gz" "message names the missing file"
if [ -e "$WORK/x.nii" ]; then fail "an output was written on failure"; else pass "nothing written on failure"; fi
run_sirt nuc dose "$WORK/act.nii.gz" --out "$WORK/x.nii" --nuclide Xx-1
expect_rc 1 "unknown nuclide"
run_sirt help dose --help
finish
