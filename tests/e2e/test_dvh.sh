#!/usr/bin/env bash
# sirt dvh against numpy (same definitions, exact) and plastimatch (a real peer: `plastimatch
# dvh` cumulative histogram and `plastimatch stats` mean) on a dose and masks written by
# nibabel at test time; bad inputs exit 1 naming the file/field and leave nothing behind.
. "$(dirname "$0")/lib.sh"

# Inputs (nibabel):
#  dose.nii.gz     48x40x32 float32, spacing 2.5 x 2.0 x 3.0 mm, a smooth hot spot plus a
#                  gradient plus deterministic noise (continuous values, so no voxel sits on a
#                  0.1 Gy bin edge by construction); descrip sirt:unit=Gy.
#  tumour.nii.gz   uint8 sphere r 14 mm; liver.nii.gz uint8 ellipsoid; frac.nii.gz float32
#                  fractional sphere r 9 mm (occupancy by 4^3 supersampling of each voxel).
#  labels.nii.gz   int16: 1 = liver minus tumour, 2 = tumour.
#  ss.nii.gz       uint32 plastimatch structure-set image: bit 0 tumour, bit 1 liver; ss.txt.
#  label_as_mask.nii.gz (values 0..2: refused as a mask), empty.nii.gz (all 0),
#  bq.nii.gz (dose data, descrip sirt:unit=Bq/mL), nounit.nii.gz (no descrip).
"$PYTHON" - "$WORK" <<'PY' || fail "nibabel could not write the test images"
import sys, numpy as np, nibabel as nb
w = sys.argv[1]
nx, ny, nz = 48, 40, 32
sp = np.array([2.5, 2.0, 3.0])
A = np.diag([-sp[0], -sp[1], sp[2], 1.0]); A[:3, 3] = [60.0, 40.0, -50.0]
i, j, k = np.meshgrid(np.arange(nx), np.arange(ny), np.arange(nz), indexing='ij')
x, y, z = i * sp[0], j * sp[1], k * sp[2]
c = np.array([60.0, 40.0, 48.0])
r2 = (x - c[0])**2 + (y - c[1])**2 + (z - c[2])**2
rng = np.random.default_rng(6)
dose = 180.0 * np.exp(-r2 / (2 * 15.0**2)) + 0.4 * x + 3.0 + rng.normal(0, 1.5, r2.shape)
dose = np.maximum(dose, 0.0).astype(np.float32)
def save(a, name, descrip=None):
    im = nb.Nifti1Image(a, A)
    if descrip: im.header['descrip'] = descrip
    nb.save(im, w + '/' + name)
save(dose, 'dose.nii.gz', b'sirt:unit=Gy')
save(dose, 'bq.nii.gz', b'sirt:unit=Bq/mL')
save(dose, 'nounit.nii.gz')
tum = (r2 <= 14.0**2).astype(np.uint8)
liv = (((x - 55) / 45)**2 + ((y - 38) / 30)**2 + ((z - 45) / 36)**2 <= 1).astype(np.uint8)
save(tum, 'tumour.nii.gz'); save(liv, 'liver.nii.gz')
# Fractional sphere: the fraction of 4x4x4 sub-voxel centres inside r = 9 mm.
fr = np.zeros(r2.shape)
for a in range(4):
    for b in range(4):
        for d in range(4):
            ox, oy, oz = [(s + 0.5) / 4 - 0.5 for s in (a, b, d)]
            fr += ((x + ox * sp[0] - 75)**2 + (y + oy * sp[1] - 45)**2 + (z + oz * sp[2] - 50)**2 <= 81)
save((fr / 64).astype(np.float32), 'frac.nii.gz')
lab = np.where(tum > 0, 2, np.where(liv > 0, 1, 0)).astype(np.int16)
save(lab, 'labels.nii.gz')
save(lab.astype(np.float32), 'label_as_mask.nii.gz')
save(np.zeros(r2.shape, np.uint8), 'empty.nii.gz')
save((tum.astype(np.uint32) * 1 + liv.astype(np.uint32) * 2), 'ss.nii.gz')
open(w + '/ss.txt', 'w').write("0|255 0 0|tumour\n1|0 255 0|liver\n")
# The same tumour on a grid of half the resolution along i (for the resampling check).
A2 = A.copy(); A2[0, 0] *= 2
i2, j2, k2 = np.meshgrid(np.arange(nx // 2), np.arange(ny), np.arange(nz), indexing='ij')
x2 = i2 * 2 * sp[0]  # same origin: coarse centre i2 sits at fine centre 2*i2
r22 = (x2 - c[0])**2 + (j2 * sp[1] - c[1])**2 + (k2 * sp[2] - c[2])**2
nb.save(nb.Nifti1Image((r22 <= 14.0**2).astype(np.uint8), A2), w + '/tumour_coarse.nii.gz')
PY

METRICS=D70,D50,D95,D98,D2,V20,V50,V100,V120.5,V19.95,V49.95
run_sirt ok dvh "$WORK/dose.nii.gz" --mask tumour="$WORK/tumour.nii.gz" \
  --mask liver="$WORK/liver.nii.gz" --mask frac="$WORK/frac.nii.gz" \
  --labels "$WORK/labels.nii.gz" --label normal=1 --label tumour_lab=2 \
  --metrics "$METRICS" --json "$WORK/ok.json" --csv "$WORK/curves"
expect_rc 0 "dvh of 5 structures"
expect_grep "$WORK/ok.out" "mL" "text table has units (mL)"
expect_grep "$WORK/ok.out" "Gy" "text table has units (Gy)"
[ -f "$WORK/curves/tumour.csv" ] && [ -f "$WORK/curves/frac.csv" ] && pass "CSV per structure" \
  || fail "CSV curves missing: $(ls "$WORK/curves" 2>&1)"

# plastimatch on the same inputs: cumulative DVH in voxels, 0.1 Gy bins (num-bins covers the
# maximum dose), and the mean inside each binary mask. plastimatch's row "Dose x" counts the
# voxels with dose >= x - 0.05 Gy (its bins are centred on the printed dose: checked on this
# data, it agrees with numpy's count of round(d/0.1) >= x/0.1), so our curve with 0.05 Gy
# bins is compared at the half edges: our row 2b-1 ((b - 0.5)*0.1 Gy) with its row b.
plastimatch dvh --input-ss-img "$WORK/ss.nii.gz" --input-ss-list "$WORK/ss.txt" \
  --input-dose "$WORK/dose.nii.gz" --output-csv "$WORK/plm.csv" --bin-width 0.1 \
  --num-bins 3000 --normalization vox >"$WORK/plm.log" 2>&1 || fail "plastimatch dvh failed"
for s in tumour liver; do
  plastimatch stats --mask "$WORK/$s.nii.gz" "$WORK/dose.nii.gz" >"$WORK/plm_$s.txt" 2>&1 \
    || fail "plastimatch stats failed"
done
run_sirt half dvh "$WORK/dose.nii.gz" --mask tumour="$WORK/tumour.nii.gz" \
  --mask liver="$WORK/liver.nii.gz" --bin-gy 0.05 --csv "$WORK/curves05"
expect_rc 0 "dvh with 0.05 Gy bins"

# Comparisons. Each prints PASS/FAIL; tolerances:
#  numpy, same definitions: volume and mean rel 1e-6 (float32 doses summed in double on both
#  sides; only the summation order differs); Dx equal to the float32 voxel value (abs 1e-4 Gy:
#  JSON prints doubles, the value is the same voxel); Vx abs 1e-6 % (same voxel set).
#  plastimatch: mean rel 2e-6 (stats prints %f, 6 decimals, of a ~50-150 Gy mean);
#  cumulative counts at every half edge: at most 1 voxel apart (only a voxel whose float32
#  dose rounds across an edge differently in the two programs' arithmetic can differ; doses
#  are continuous so this is rare); Dx: plastimatch's curve crosses x% between its rows b-1
#  and b, so the x% voxel's dose lies in [(b-1.5)*0.1, (b-0.5)*0.1) Gy: our exact Dx must be
#  inside that interval (the peer's resolution, one bin); V(x - 0.05) against its row x:
#  1 voxel.
cat >"$WORK/cmp.py" <<'PY'
import sys, json, csv, re, numpy as np, nibabel as nb
w, what = sys.argv[1], sys.argv[2]
def ok(cond, msg): print(("PASS: " if cond else "FAIL: ") + msg)
j = json.load(open(w + '/ok.json'))
S = {s['name']: s for s in j['structures']}
dose = np.asarray(nb.load(w + '/dose.nii.gz').dataobj).astype(np.float64)
vv = 2.5 * 2.0 * 3.0 / 1000.0
lab = np.asarray(nb.load(w + '/labels.nii.gz').dataobj)
masks = {n: np.asarray(nb.load(w + '/' + n + '.nii.gz').dataobj).astype(np.float64)
         for n in ('tumour', 'liver', 'frac')}
masks['normal'] = (lab == 1).astype(float); masks['tumour_lab'] = (lab == 2).astype(float)
def dx(d, wt, x):
    o = np.argsort(-d, kind='stable'); cum = np.cumsum(wt[o])
    t = x / 100 * wt.sum() * (1 - 1e-9)
    return d[o][np.searchsorted(cum, t)]
if what == 'numpy':
    for n, m in masks.items():
        s = S[n]; sel = m > 0; d = dose[sel]; wt = m[sel]
        ok(abs(s['volume_ml'] - wt.sum() * vv) <= 1e-6 * wt.sum() * vv, f"{n}: volume {s['volume_ml']} mL = numpy {wt.sum()*vv}")
        mean = (d * wt).sum() / wt.sum()
        ok(abs(s['mean_gy'] - mean) <= 1e-6 * mean, f"{n}: mean {s['mean_gy']} Gy = numpy {mean}")
        ok(s['min_gy'] == d.min() and s['max_gy'] == d.max(), f"{n}: min/max")
        for key, v in s['metrics'].items():
            x = float(key[1:].split('_')[0])
            if key[0] == 'D':
                ref = dx(d, wt, x); ok(abs(v - ref) <= 1e-4, f"{n}: {key} {v} = numpy {ref}")
            else:
                ref = 100 * wt[d >= x].sum() / wt.sum(); ok(abs(v - ref) <= 1e-6, f"{n}: {key} {v} = numpy {ref}")
        ok(abs(s['median_gy'] - dx(d, wt, 50)) <= 1e-4, f"{n}: median = D50")
    ok(S['frac']['fractional'] is True and S['tumour']['fractional'] is False, "fractional flag")
    # The fractional weighting matters: the unweighted mean differs (so the check can fail).
    m = masks['frac']; sel = m > 0
    ok(abs(dose[sel].mean() - S['frac']['mean_gy']) > 1e-3, "frac: weighted mean differs from unweighted")
    ok(abs(S['tumour']['mean_gy'] - S['tumour_lab']['mean_gy']) < 1e-9, "label 2 = tumour mask")
    # CSV: cumulative at 0 = volume, matches numpy at 50 Gy.
    rows = list(csv.DictReader(open(w + '/curves/liver.csv')))
    ok(abs(float(rows[0]['cumulative_ml']) - S['liver']['volume_ml']) < 1e-9, "CSV cumulative[0] = volume")
    r50 = [r for r in rows if abs(float(r['dose_gy']) - 50) < 1e-9][0]
    ref = masks['liver'][dose >= 50].sum() * vv
    ok(abs(float(r50['cumulative_ml']) - ref) <= 1e-9 + vv, f"CSV V(>=50 Gy) {r50['cumulative_ml']} = numpy {ref}")
    diff = sum(float(r['differential_ml']) for r in rows)
    ok(abs(diff - S['liver']['volume_ml']) < 1e-6, "CSV differential sums to the volume")
elif what == 'plastimatch':
    rows = list(csv.reader(open(w + '/plm.csv')))
    head = [h.strip() for h in rows[0]]
    data = np.array([[float(v) for v in r] for r in rows[1:]])
    edges = data[:, 0]
    for n in ('tumour', 'liver'):
        s = S[n]; nvox = s['voxels']
        peer = data[:, head.index(n)]
        ok(peer[0] == nvox, f"{n}: plastimatch voxel count {peer[0]} = ours {nvox}")
        ours = list(csv.DictReader(open(w + f'/curves05/{n}.csv')))
        ours_vox = np.array([float(r['cumulative_ml']) / (2.5 * 2 * 3 / 1000) for r in ours])
        half = ours_vox[1::2]  # our rows 1, 3, 5, ... = (b - 0.5) * 0.1 Gy for b = 1, 2, ...
        m = min(len(half), len(peer) - 1)
        worst = np.max(np.abs(half[:m] - peer[1:m + 1]))
        ok(worst <= 1.0 + 1e-6, f"{n}: cumulative curve vs plastimatch, worst {worst:.3g} voxels over {m} edges (tol 1)")
        ok(np.all(peer[m + 1:] == 0), f"{n}: plastimatch has no volume above our maximum")
        for key, v in s['metrics'].items():
            x = float(key[1:].split('_')[0])
            if key[0] == 'D':
                b = np.nonzero(peer < x / 100 * nvox * (1 - 1e-9))[0][0]
                lo, hi = (b - 1.5) * 0.1, (b - 0.5) * 0.1
                ok(lo - 1e-6 <= v < hi + 1e-6, f"{n}: {key} {v:.3f} Gy in plastimatch's bin [{lo:.2f}, {hi:.2f}) Gy")
            elif abs((x + 0.05) * 10 - round((x + 0.05) * 10)) < 1e-6:
                b = int(round((x + 0.05) * 10)); pv = 100 * peer[b] / nvox
                ok(abs(v - pv) <= 100.0 / nvox + 1e-9, f"{n}: {key} {v:.4f}% vs plastimatch row {edges[b]:.1f} Gy {pv:.4f}% (tol 1 voxel)")
        st = open(w + f'/plm_{n}.txt').read()
        ave = float(re.search(r'AVE\s+([-0-9.eE+]+)', st).group(1))
        ok(abs(s['mean_gy'] - ave) <= 2e-6 * ave + 5e-7, f"{n}: mean {s['mean_gy']:.6f} Gy vs plastimatch stats {ave:.6f}")
PY
pycmp() {
  local out
  out=$("$PYTHON" "$WORK/cmp.py" "$WORK" "$1" 2>&1) || { fail "comparison script ($1) crashed: $out"; return; }
  echo "$out"
  if echo "$out" | grep -q '^FAIL'; then FAILURES=$((FAILURES + $(echo "$out" | grep -c '^FAIL'))); fi
  echo "$out" | grep -q '^PASS' || fail "no comparison ran ($1)"
}
pycmp numpy
pycmp plastimatch

# Mask on another grid: resampled (fractional) when sirt_mask_resample is available; the
# volume then matches the coarse mask's volume within 2% (partial voxels at the boundary);
# until then a clear refusal naming the file.
run_sirt coarse dvh "$WORK/dose.nii.gz" --mask t="$WORK/tumour_coarse.nii.gz" --json "$WORK/coarse.json"
if [ "$RC" -eq 0 ]; then
  json_check "$WORK/coarse.json" "approx(j['structures'][0]['volume_ml'], $("$PYTHON" -c "import nibabel as nb,numpy as np; print(np.asarray(nb.load('$WORK/tumour_coarse.nii.gz').dataobj).sum()*5*2*3/1000)"), 0.02)" "resampled mask keeps its volume (2%)"
else
  expect_rc 1 "mask on another grid refused"
  expect_grep "$WORK/coarse.err" "tumour_coarse.nii.gz" "grid error names the file"
  expect_grep "$WORK/coarse.err" "not on the dose grid" "grid error says why"
fi

# Empty mask: a warning naming it, null metrics, exit 0.
run_sirt empty dvh "$WORK/dose.nii.gz" --mask hole="$WORK/empty.nii.gz" --json "$WORK/empty.json"
expect_rc 0 "empty mask is not an error"
expect_grep "$WORK/empty.err" 'warning: structure "hole"' "empty mask warned by name"
json_check "$WORK/empty.json" "j['structures'][0]['mean_gy'] is None and j['structures'][0]['metrics']['D70_gy'] is None and j['warnings']" "empty: null metrics and a JSON warning"

# Units: Bq/mL refused (names the file and the override), --assume-gy accepts it; no unit:
# a warning.
run_sirt bq dvh "$WORK/bq.nii.gz" --mask t="$WORK/tumour.nii.gz" --json "$WORK/bq.json"
expect_rc 1 "dose in Bq/mL refused"
expect_grep "$WORK/bq.err" "bq.nii.gz" "unit error names the file"
expect_grep "$WORK/bq.err" "--assume-gy" "unit error names the override"
[ ! -e "$WORK/bq.json" ] && pass "nothing written on refusal" || fail "bq.json left behind"
run_sirt bq2 dvh "$WORK/bq.nii.gz" --mask t="$WORK/tumour.nii.gz" --assume-gy
expect_rc 0 "--assume-gy overrides"
run_sirt nounit dvh "$WORK/nounit.nii.gz" --mask t="$WORK/tumour.nii.gz"
expect_rc 0 "unitless dose accepted"
expect_grep "$WORK/nounit.err" "taken as Gy" "unitless dose warned"

# Bad inputs: exit 1, the file or token named, nothing left (no JSON, no CSV folder, no temp).
run_sirt lab dvh "$WORK/dose.nii.gz" --mask t="$WORK/tumour.nii.gz" --mask l="$WORK/label_as_mask.nii.gz" \
  --json "$WORK/bad.json" --csv "$WORK/badcsv"
expect_rc 1 "label map given as a mask refused"
expect_grep "$WORK/lab.err" "label_as_mask.nii.gz" "names the mask file"
expect_grep "$WORK/lab.err" "--labels" "suggests --labels"
run_sirt metric dvh "$WORK/dose.nii.gz" --mask t="$WORK/tumour.nii.gz" --metrics D70,X5 --json "$WORK/bad.json"
expect_rc 1 "bad metric refused"
expect_grep "$WORK/metric.err" '"X5"' "bad metric token named"
expect_grep "$WORK/metric.err" "D<x>" "metric grammar given"
run_sirt missing dvh "$WORK/nope.nii.gz" --mask t="$WORK/tumour.nii.gz" --json "$WORK/bad.json"
expect_rc 1 "missing dose file"
expect_grep "$WORK/missing.err" "nope.nii.gz" "missing file named"
run_sirt exists dvh "$WORK/dose.nii.gz" --mask t="$WORK/tumour.nii.gz" --csv "$WORK/curves"
expect_rc 1 "existing --csv folder refused"
left=$(ls "$WORK" | grep -E '^bad|tmp-' || true)
[ -z "$left" ] && pass "nothing left after the failures" || fail "left behind: $left"
[ "$(ls "$WORK/curves" | wc -l)" -eq 5 ] && pass "existing CSV folder untouched" || fail "curves changed"

# Usage errors: exit 2.
run_sirt u1 dvh "$WORK/dose.nii.gz"
expect_rc 2 "no structure is a usage error"
run_sirt u2 dvh "$WORK/dose.nii.gz" --mask "$WORK/tumour.nii.gz"
expect_rc 2 "--mask without NAME= is a usage error"
run_sirt u3 dvh "$WORK/dose.nii.gz" --label t=2
expect_rc 2 "--label without --labels"
run_sirt u4 dvh "$WORK/dose.nii.gz" --mask a="$WORK/tumour.nii.gz" --mask a="$WORK/liver.nii.gz"
expect_rc 2 "duplicate structure name"
finish
