#!/usr/bin/env bash
# sirt radiobiology: BED/EQD2 of uniform doses against hand arithmetic (Dale 1985,
# domain.md §5.6), NTCP against domain.md §9 #16, a dose gradient against numpy (voxel BED,
# mean, EUBED), the α/β and T_rep range, 166Ho, bad inputs.
. "$(dirname "$0")/lib.sh"

# dose.nii.gz: 40x10x8 voxels of 2 mm, four zones along i (labels.nii.gz 1..4):
#   1: i 0-9 120 Gy; 2: i 10-19 40 Gy; 3: i 20-29 gradient 10 + 6*(i-20) + 0.5*j + 0.25*k Gy;
#   4: i 30-39 60 Gy.
"$PYTHON" - "$WORK" <<'PY' || fail "nibabel could not write the test images"
import sys, numpy as np, nibabel as nb
w = sys.argv[1]
A = np.diag([-2.0, -2.0, 2.0, 1.0])
i, j, k = np.meshgrid(np.arange(40), np.arange(10), np.arange(8), indexing='ij')
d = np.select([i < 10, i < 20, i < 30], [120.0, 40.0, 10 + 6.0 * (i - 20) + 0.5 * j + 0.25 * k], 60.0)
im = nb.Nifti1Image(d.astype(np.float32), A); im.header['descrip'] = b'sirt:unit=Gy'
nb.save(im, w + '/dose.nii.gz')
nb.save(nb.Nifti1Image((i // 10 + 1).astype(np.int16), A), w + '/labels.nii.gz')
PY
L=(--labels "$WORK/labels.nii.gz" --label tumour=1 --label liver=2 --label grad=3 --label l60=4)
run_sirt y90 radiobiology "$WORK/dose.nii.gz" "${L[@]}" --nuclide Y-90 --tissue tumour \
  --tissue liver=normal_liver --tissue l60=normal_liver --json "$WORK/y90.json" --csv "$WORK/bed"
expect_rc 0 "radiobiology Y-90, four structures"
expect_grep "$WORK/y90.out" "mean BED" "text output"
expect_grep "$WORK/y90.out" "Gy" "units printed"
[ -f "$WORK/bed/grad_bed.csv" ] && pass "BED-DVH CSV" || fail "BED-DVH CSV missing"

# Hand values, 90Y T½ 64.10 h: λ = 0.693147/64.10 = 0.0108135 h⁻¹.
# Tumour 120 Gy, central α/β 10, T_rep 1.5 h: μ = 0.462098; λ/(μ+λ) = 0.0228659;
#   BED = 120(1 + 120·0.0228659/10) = 152.93 Gy; EQD2 = 152.93/1.2 = 127.44 Gy.
# Low end (α/β 20, T_rep 0.5 h): μ = 1.386294, λ/(μ+λ) = 0.0077399,
#   BED = 120(1 + 120·0.0077399/20) = 125.57 Gy.
# High end (α/β 5, T_rep 2.5 h): μ = 0.277259, λ/(μ+λ) = 0.0375375,
#   BED = 120(1 + 120·0.0375375/5) = 228.11 Gy.
# Normal liver 40 Gy (2.5 Gy, 2.5 h): BED = 40(1 + 40·0.0375375/2.5) = 64.02 Gy;
#   NTCP = Φ((40 − 52)/(0.28·52)) = Φ(−0.8242) = 0.205 (domain.md §9 #16).
S="{s['name']: s for s in j['structures']}"
json_check "$WORK/y90.json" "approx(($S)['tumour']['bed_mean_gy']['central'], 152.93, 2e-4)" "tumour BED 152.93 Gy"
json_check "$WORK/y90.json" "approx(($S)['tumour']['eqd2_mean_gy']['central'], 127.44, 2e-4)" "tumour EQD2 127.44 Gy"
json_check "$WORK/y90.json" "approx(($S)['tumour']['bed_mean_gy']['low'], 125.57, 3e-4)" "BED range low 125.57 Gy"
json_check "$WORK/y90.json" "approx(($S)['tumour']['bed_mean_gy']['high'], 228.11, 3e-4)" "BED range high 228.11 Gy"
json_check "$WORK/y90.json" "approx(($S)['liver']['bed_mean_gy']['central'], 64.02, 3e-4)" "liver BED 64.02 Gy"
json_check "$WORK/y90.json" "abs(($S)['liver']['ntcp'] - 0.205) < 5e-4" "liver NTCP 0.205"
json_check "$WORK/y90.json" "($S)['liver']['tcp'] is None and ($S)['tumour']['ntcp'] is None" "TCP only for tumours, NTCP only for the liver"
json_check "$WORK/y90.json" "0 <= ($S)['tumour']['tcp']['low'] <= ($S)['tumour']['tcp']['central'] <= ($S)['tumour']['tcp']['high'] <= 1" "TCP range ordered within 0..1"

# The gradient zone against numpy: BED per voxel at the central values (α/β 10, T_rep 1.5 h),
# its mean, D70 (step convention) and EUBED (α 0.35 /Gy). Tolerance rel 1e-6: sirt stores the
# BED image in float32 (rel 6e-8 per voxel), numpy works in float64.
out=$("$PYTHON" - "$WORK" <<'PY' 2>&1
import sys, json, numpy as np, nibabel as nb
w = sys.argv[1]
j = json.load(open(w + '/y90.json')); s = {x['name']: x for x in j['structures']}['grad']
d = np.asarray(nb.load(w + '/dose.nii.gz').dataobj).astype(float)
lab = np.asarray(nb.load(w + '/labels.nii.gz').dataobj)
D = d[lab == 3]
lam, mu = np.log(2) / 64.10, np.log(2) / 1.5
bed = D * (1 + D * lam / ((mu + lam) * 10.0))
v = np.ones_like(bed)
eubed = -np.log(np.mean(np.exp(-0.35 * bed))) / 0.35
o = np.argsort(-bed); d70 = bed[o][int(np.ceil(0.7 * len(bed) * (1 - 1e-9))) - 1]
bad = []
for name, ours, ref in [("mean BED", s['bed_mean_gy']['central'], bed.mean()),
                        ("EUBED", s['eubed_gy']['central'], eubed),
                        ("BED D70", s['bed_d70_gy']['central'], d70),
                        ("mean dose", s['mean_dose_gy'], D.mean())]:
    if abs(ours - ref) > 1e-6 * abs(ref): bad.append(f"{name} {ours} vs numpy {ref}")
print("; ".join(bad) if bad else "ok")
PY
)
[ "$out" = "ok" ] && pass "gradient zone: mean BED, EUBED, BED D70 = numpy (rel 1e-6)" || fail "gradient vs numpy: $out"

# Fixed α/β and T_rep: the range collapses to one value.
run_sirt fixed radiobiology "$WORK/dose.nii.gz" --labels "$WORK/labels.nii.gz" --label tumour=1 \
  --nuclide Y-90 --alpha-beta 10 --repair-h 1.5 --json "$WORK/fixed.json"
expect_rc 0 "fixed α/β and T_rep"
json_check "$WORK/fixed.json" "(lambda r: r['low'] == r['central'] == r['high'] and approx(r['central'], 152.93, 2e-4))(j['structures'][0]['bed_mean_gy'])" "range collapses to 152.93 Gy"

# 166Ho (T½ 26.80 h, faster dose rate): normal liver 60 Gy → 182.9 Gy (domain.md §5.6).
run_sirt ho radiobiology "$WORK/dose.nii.gz" --labels "$WORK/labels.nii.gz" --label l60=4 \
  --nuclide Ho-166 --tissue normal_liver --json "$WORK/ho.json"
expect_rc 0 "Ho-166"
json_check "$WORK/ho.json" "approx(j['structures'][0]['bed_mean_gy']['central'], 182.9, 5e-4)" "166Ho liver 60 Gy → BED 182.9 Gy"

# A user tissue file: α/β fixed at 3 Gy, T_rep 1.5 h: 120 Gy → 120(1 + 120·0.0228659/3) =
# 229.75 Gy; a file with an unknown key is refused naming the file and the JSON path.
cat >"$WORK/tissues.json" <<'JSON'
{"tissues": [{"id": "slow", "target": true,
  "alpha_beta_gy": {"low": 3, "central": 3, "high": 3, "source": "test"},
  "repair_half_time_h": {"low": 1.5, "central": 1.5, "high": 1.5, "source": "test"},
  "geud_a": {"value": -10, "source": "test"},
  "tcp": {"alpha_per_gy": 0.3, "alpha_sd_per_gy": 0.05, "clonogens_per_cm3": 1e7, "source": "test"}}]}
JSON
run_sirt tf radiobiology "$WORK/dose.nii.gz" --labels "$WORK/labels.nii.gz" --label tumour=1 \
  --nuclide Y-90 --tissue-file "$WORK/tissues.json" --tissue slow --json "$WORK/tf.json"
expect_rc 0 "--tissue-file"
json_check "$WORK/tf.json" "approx(j['structures'][0]['bed_mean_gy']['central'], 229.75, 3e-4) and j['structures'][0]['tissue']['source'].startswith('alpha/beta: test')" "user tissue α/β 3 Gy → 229.75 Gy, source kept"
sed 's/"geud_a"/"geud_alpha"/' "$WORK/tissues.json" >"$WORK/badtissues.json"
run_sirt tfbad radiobiology "$WORK/dose.nii.gz" --labels "$WORK/labels.nii.gz" --label tumour=1 \
  --nuclide Y-90 --tissue-file "$WORK/badtissues.json" --json "$WORK/bad.json"
expect_rc 1 "bad tissue file refused"
expect_grep "$WORK/tfbad.err" "badtissues.json" "tissue file named"
expect_grep "$WORK/tfbad.err" '$.tissues[0]' "JSON path named"

# Bad inputs: exit 1 naming the value, no JSON left; usage errors exit 2.
run_sirt nuc radiobiology "$WORK/dose.nii.gz" "${L[@]}" --nuclide Xx-1 --json "$WORK/bad.json"
expect_rc 1 "unknown nuclide"
expect_grep "$WORK/nuc.err" "Xx-1" "nuclide named"
run_sirt tis radiobiology "$WORK/dose.nii.gz" "${L[@]}" --nuclide Y-90 --tissue bone --json "$WORK/bad.json"
expect_rc 1 "unknown tissue"
expect_grep "$WORK/tis.err" "bone" "tissue named"
expect_grep "$WORK/tis.err" "normal_liver" "accepted tissues listed"
run_sirt ab radiobiology "$WORK/dose.nii.gz" "${L[@]}" --nuclide Y-90 --alpha-beta 0 --json "$WORK/bad.json"
expect_rc 1 "α/β 0 refused"
expect_grep "$WORK/ab.err" "--alpha-beta" "option named"
[ ! -e "$WORK/bad.json" ] && pass "no JSON after failures" || fail "bad.json left behind"
run_sirt u1 radiobiology "$WORK/dose.nii.gz" "${L[@]}"
expect_rc 2 "--nuclide missing is a usage error"
run_sirt u2 radiobiology "$WORK/dose.nii.gz" "${L[@]}" --nuclide Y-90 --tissue nope=tumour
expect_rc 2 "--tissue for an unknown structure"
finish
