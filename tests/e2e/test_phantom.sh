#!/usr/bin/env bash
# sirt phantom: files written, read by nibabel, truth.json consistent with the images
# (recomputed in numpy), case.json accepted by sirt plan with the same activity, same seed
# -> same bytes, other seed -> other bytes, bad options -> exit 1/2 with nothing left.
. "$(dirname "$0")/lib.sh"

P1=$WORK/p1
run_sirt gen1 phantom --seed 7 --size small --out "$P1"
expect_rc 0 "phantom --seed 7 --size small"
for f in truth.json case.json case-run.json planar.json nifti/ct.nii.gz nifti/labels.nii.gz \
         nifti/spect_maa.nii.gz nifti/spect_maa_truth.nii.gz nifti/pet_y90.nii.gz \
         nifti/pet_y90_truth.nii.gz nifti/spect_ho166.nii.gz nifti/spect_ho166_truth.nii.gz \
         nifti/masks/liver.nii.gz nifti/masks/tumour_1.nii.gz nifti/masks_spect/lungs.nii.gz; do
  [ -s "$P1/$f" ] && pass "$f written" || fail "$f missing"
done
[ -z "$(ls "$WORK" | grep -E 'tmp-|old-')" ] && pass "no temporary folder left" || fail "temporary left: $(ls "$WORK")"
expect_grep "$WORK/gen1.out" "written to $P1" "summary names the folder"
[ ! -s "$WORK/gen1.err" ] && pass "stderr quiet when not a terminal" || fail "stderr not empty: $(head -3 "$WORK/gen1.err")"

# Every number below is recomputed from the files, with the tolerance stated at each check.
"$PYTHON" - "$P1" >"$WORK/py.out" 2>&1 <<'PY'
import json, math, os, sys, glob
import numpy as np, nibabel as nib
d = sys.argv[1]
t = json.load(open(os.path.join(d, "truth.json")))
bad = []
def check(cond, what):
    print(("PASS: " if cond else "FAIL: ") + what)
    if not cond: bad.append(what)
def load(rel):
    img = nib.load(os.path.join(d, rel))
    return img, np.asarray(img.dataobj, dtype=np.float64)

# Every NIfTI listed in truth.json reads, with the listed grid.
ct, ctv = load(t["images"]["ct"]["nifti"])
check(list(ctv.shape) == [int(v) for v in t["grids"]["ct"]["size"]], "CT shape = truth grid")
check(np.allclose(ct.header.get_zooms(), t["grids"]["ct"]["spacing_mm"], rtol=1e-6), "CT spacing")
# NIfTI is RAS: the affine's x and y rows are the LPS origin negated.
o = t["grids"]["ct"]["origin_mm"]
check(np.allclose(ct.affine[:3, 3], [-o[0], -o[1], o[2]], atol=1e-3), "CT origin (LPS->RAS)")
for name, e in t["images"].items():
    img, v = load(e["nifti"])
    grid = "ct" if name in ("ct", "labels") else ("pet" if name.startswith("pet") else "spect")
    check(list(v.shape) == [int(s) for s in t["grids"][grid]["size"]], f"{name}: shape of the {grid} grid")
    check(e["unit"] in img.header["descrip"].tobytes().decode(), f"{name}: unit {e['unit']} in descrip")
vvox_ct = float(np.prod(ct.header.get_zooms()))
sp, _ = load(t["images"]["spect_maa"]["nifti"])
vvox_sp = float(np.prod(sp.header.get_zooms())) / 1000.0
masks, masks_sp = {}, {}
for s in t["structures"]:
    m, mv = load(s["mask"])
    ms, msv = load(s["mask_spect_grid"])
    masks[s["name"]], masks_sp[s["name"]] = mv, msv
    check(mv.shape == ctv.shape and np.allclose(m.affine, ct.affine, atol=1e-4), f"mask {s['name']}: CT grid and affine")
    check(np.allclose(ms.affine, sp.affine, atol=1e-4), f"mask {s['name']}: SPECT grid")
    check(mv.min() >= 0 and mv.max() <= 1, f"mask {s['name']}: fractions in 0..1")
    # Volume from the fractional mask: float32 sums, 1e-5 relative.
    check(math.isclose(mv.sum() * vvox_ct / 1000.0, s["volume_ml"], rel_tol=1e-5), f"{s['name']}: volume {s['volume_ml']:.2f} mL from the mask")
    check(math.isclose(msv.sum() * vvox_sp, s["volume_spect_grid_ml"], rel_tol=1e-5), f"{s['name']}: SPECT-grid volume")
# Tumour volumes vs 4/3 pi abc: 1% (sub-sample quadrature error observed <= 0.3%).
for tu in t["tumours"]:
    a, b, c = tu["semi_axes_mm"]
    check(math.isclose(tu["volume_ml"], 4/3*math.pi*a*b*c/1000, rel_tol=0.01), f"{tu['name']}: volume vs 4/3 pi abc")
# Anatomy in LPS: the liver on the patient's right (RAS x > 0), the stomach on the left.
def centroid_ras(mv):
    idx = np.argwhere(mv > 0.5).mean(axis=0)
    return ct.affine.dot(np.append(idx, 1.0))[:3]
check(centroid_ras(masks["liver"])[0] > 20, "liver on the patient's right")
check(centroid_ras(masks["stomach"])[0] < -20, "stomach on the patient's left")
check(centroid_ras(masks["lungs"])[2] > centroid_ras(masks["liver"])[2], "lungs above the liver")
# HU in pure voxels: the class value +- noise; the median within 3 HU.
for name, hu in (("liver_normal", 55), ("lungs", -850), ("bone", 700), ("spleen", 45)):
    med = np.median(ctv[masks[name] == 1.0])
    check(abs(med - hu) <= 3, f"{name}: median HU {med:.0f} ~ {hu}")
noise = np.std(ctv[masks["liver_normal"] == 1.0])
check(abs(noise - t["ct_noise_hu"]) < 0.1 * t["ct_noise_hu"] + 0.5, f"CT noise sigma {noise:.1f} HU ~ {t['ct_noise_hu']}")
# Labels: the dominant structure; a pure liver_normal voxel has label 3.
_, lab = load(t["images"]["labels"]["nifti"])
check(np.all(lab[masks["liver_normal"] == 1.0] == t["labels"]["liver_normal"]), "label map: liver_normal")
check(np.all(lab[masks["tumour_2"] == 1.0] == t["labels"]["tumour_2"]), "label map: tumour_2")

# MAA truth: rebuild the map from the SPECT-grid masks and the concentrations of truth.json;
# the necrotic core (0 uptake) is inside tumour_1 only. Float32 voxels: 1e-5 of the max.
_, maa = load(t["images"]["spect_maa_truth"]["nifti"])
m = t["maa"]; comp = m["compartments"]
rec = comp["lungs"]["concentration_kbq_per_ml"] * masks_sp["lungs"] \
    + comp["liver_normal"]["concentration_kbq_per_ml"] * masks_sp["liver_normal"] \
    + comp["extrahepatic"]["concentration_kbq_per_ml"] * masks_sp["extrahepatic"]
for tu in t["tumours"]:
    viable = masks_sp[tu["name"]] - np.where(masks_sp[tu["name"]] > 0, masks_sp["necrosis"], 0)
    rec = rec + tu["maa"]["concentration_kbq_per_ml"] * viable
    check(math.isclose(tu["maa"]["concentration_kbq_per_ml"] / comp["liver_normal"]["concentration_kbq_per_ml"], tu["tn_ratio_viable"], rel_tol=1e-9), f"{tu['name']}: T/N {tu['tn_ratio_viable']}")
rec *= 1000.0
check(np.max(np.abs(rec - maa)) <= 1e-5 * maa.max(), "MAA truth = masks x concentrations")
check(math.isclose(maa.sum() * vvox_sp, m["activity_injected_mbq"] * 1e6, rel_tol=1e-5), "MAA truth sums to the injected activity")
a_lung = comp["lungs"]["concentration_kbq_per_ml"] * masks_sp["lungs"].sum() * vvox_sp
a_liv = comp["liver_normal"]["concentration_kbq_per_ml"] * masks_sp["liver_normal"].sum() * vvox_sp
for tu in t["tumours"]:
    viable = masks_sp[tu["name"]] - np.where(masks_sp[tu["name"]] > 0, masks_sp["necrosis"], 0)
    a_liv += tu["maa"]["concentration_kbq_per_ml"] * viable.sum() * vvox_sp
check(math.isclose(a_lung / (a_lung + a_liv), m["lsf_fraction"], rel_tol=1e-5), f"LSF {a_lung/(a_lung+a_liv):.5f} from the truth map")
check(math.isclose(m["lsf_fraction"], 0.08, rel_tol=1e-9), "LSF as chosen (8%)")
# Noisy SPECT: Poisson total counts within 5 sigma of the expected (sigma = sqrt(N));
# counts x calibration = injected activity within the same relative tolerance.
_, spv = load(t["images"]["spect_maa"]["nifti"])
n, e = spv.sum(), m["spect"]["counts_expected"]
check(np.all(spv == np.round(spv)) and spv.min() >= 0, "SPECT holds whole counts")
check(abs(n - e) < 5 * math.sqrt(e), f"SPECT counts {n:.0f} vs expected {e:.0f} (5 sigma {5*math.sqrt(e):.0f})")
check(abs(n * m["spect"]["calibration_bq_per_count"] / 1e6 - m["activity_injected_mbq"]) < 5 / math.sqrt(e) * m["activity_injected_mbq"] + 1e-3, "SPECT counts x calibration = injected MBq")
# Noisy SPECT vs an independent blur of the truth (scipy, same FWHM, zero outside): the
# counts in the lung and liver VOIs (mask >= 0.5) are Poisson sums, sigma = sqrt(expected);
# 5 sigma plus 0.1% for the kernel truncation (ours ceil(4 sigma), scipy's round(4 sigma)).
from scipy.ndimage import gaussian_filter
sig = [m["spect"]["fwhm_mm"] / (2 * math.sqrt(2 * math.log(2))) / z for z in sp.header.get_zooms()]
lam = gaussian_filter(maa * vvox_sp / m["spect"]["calibration_bq_per_count"], sig, mode="constant", truncate=4.0)
for voi in ("lungs", "liver"):
    sel = masks_sp[voi] >= 0.5
    ex, got = lam[sel].sum(), spv[sel].sum()
    check(abs(got - ex) < 5 * math.sqrt(ex) + 1e-3 * ex, f"SPECT {voi} VOI: {got:.0f} counts vs {ex:.0f} expected")
lsf_voi = spv[masks_sp["lungs"] >= 0.5].sum() / (spv[masks_sp["lungs"] >= 0.5].sum() + spv[masks_sp["liver"] >= 0.5].sum())
check(0.05 < lsf_voi < 0.12, f"LSF from noisy SPECT VOIs {lsf_voi:.4f} (blur spills liver counts)")
# Planar: the GM LSF of the written counts, and planar.json = truth.
pl = m["planar"]
gm_l = math.sqrt(pl["lung_anterior_counts"] * pl["lung_posterior_counts"])
gm_h = math.sqrt(pl["liver_anterior_counts"] * pl["liver_posterior_counts"])
check(math.isclose(gm_l / (gm_l + gm_h), pl["lsf_fraction"], rel_tol=1e-9), "planar GM LSF")
for k in ("lung_anterior", "lung_posterior", "liver_anterior", "liver_posterior"):
    exp = pl[k + "_expected"]
    check(abs(pl[k + "_counts"] - exp) < 5 * math.sqrt(exp), f"planar {k}: Poisson within 5 sigma")
frag = json.load(open(os.path.join(d, "planar.json")))
check(frag["planar"] == {k: pl[k] for k in frag["planar"]}, "planar.json = truth planar counts")
case = json.load(open(os.path.join(d, "case.json")))
check(case["simulation"]["planar"] == frag["planar"], "case.json planar block = planar.json")
check(math.isclose(case["anatomy"]["liver_volume_ml"], t["liver"]["volume_ml"], rel_tol=1e-12), "case liver volume = truth")
# 90Y PET: Bq/mL; sum x voxel volume = administered within the Poisson tolerance of its counts.
y = t["y90"]
pet, petv = load(t["images"]["pet_y90"]["nifti"])
vvox_pet = float(np.prod(pet.header.get_zooms())) / 1000.0
npet = y["pet"]["counts_expected"]
check(abs(petv.sum() * vvox_pet / 1e9 - y["activity_administered_gbq"]) < 5 / math.sqrt(npet) * y["activity_administered_gbq"], f"PET total {petv.sum()*vvox_pet/1e9:.4f} GBq = administered {y['activity_administered_gbq']:.4f} GBq (5 sigma, {npet:.0f} counts)")
# Expected PET counts: A x 31.86e-6 x 900 s x 0.02 (Selwyn 2007 branching).
check(math.isclose(npet, y["activity_administered_gbq"] * 1e9 * 31.86e-6 * 900 * 0.02, rel_tol=1e-4), "PET expected counts by hand")
_, pett = load(t["images"]["pet_y90_truth"]["nifti"])
check(math.isclose(pett.sum() * vvox_pet / 1e9, y["activity_administered_gbq"], rel_tol=1e-5), "PET truth sums to the administered activity")
# Partition model by hand: A = 40 (sum T/N m_T + m_N) / (49.67 (1 - LSF)).
s = t["liver"]["normal_mass_kg"] + sum(tu["tn_ratio"] * tu["mass_g"] / 1000 for tu in t["tumours"])
check(math.isclose(y["activity_administered_gbq"], 40 * s / (49.67 * 0.92), rel_tol=1e-9), "partition activity by hand")
# 166Ho: counts x calibration = administered (5 sigma).
ho = t["ho166"]
_, hov = load(t["images"]["spect_ho166"]["nifti"])
nh = ho["spect"]["counts_expected"]
check(abs(hov.sum() - nh) < 5 * math.sqrt(nh), "166Ho SPECT counts within 5 sigma")
check(math.isclose(nh * ho["spect"]["calibration_bq_per_count"] / 1e6, ho["activity_administered_mbq"], rel_tol=1e-4), "166Ho expected counts x calibration = administered")
print("python failures:", len(bad))
sys.exit(1 if bad else 0)
PY
rc=$?
grep -E '^FAIL' "$WORK/py.out" >&2
[ $rc -eq 0 ] && pass "images consistent with truth.json ($(grep -c '^PASS' "$WORK/py.out") numpy checks)" || { fail "numpy checks"; tail -5 "$WORK/py.out" >&2; }

# case.json runs through sirt plan, giving the phantom's activity.
run_sirt plan plan "$P1/case.json" --json "$WORK/plan.json"
expect_rc 0 "sirt plan case.json"
act=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["y90"]["activity_administered_gbq"])' "$P1/truth.json")
json_check "$WORK/plan.json" "approx(j['activity']['total_activity_gbq'], $act, 1e-9)" "plan activity = phantom partition activity"
expect_grep "$WORK/plan.out" "extrahepatic" "plan warns about the extrahepatic spot"

# Same seed: same bytes for every file; other seed: other noise, other truth.
run_sirt gen2 phantom --seed 7 --size small --out "$WORK/p2"
expect_rc 0 "same seed again"
if diff -r "$P1" "$WORK/p2" >/dev/null; then pass "same seed: every file identical"; else fail "same seed: files differ: $(diff -rq "$P1" "$WORK/p2" | head -3)"; fi
n_files=$(find "$P1" -type f | wc -l)
n_nii=$(find "$P1" -type f \( -name '*.json' -o -name '*.nii.gz' \) | wc -l)
# 4 JSON (case, case-run, truth, planar) + 8 images + 14 structures on the CT and on the SPECT grid = 40, plus DICOM
# (default --format both): 60 CT slices, 64 PET slices, 2 NM files, 1 RTSTRUCT = 167.
[ "$n_nii" -eq 40 ] && pass "$n_nii JSON and NIfTI files" || fail "$n_nii JSON and NIfTI files, expected 40"
[ "$n_files" -eq 167 ] && pass "$n_files files compared" || fail "$n_files files, expected 167"
run_sirt gen3 phantom --seed 8 --size small --format nifti --out "$WORK/p3"
expect_rc 0 "seed 8"
cmp -s "$P1/nifti/ct.nii.gz" "$WORK/p3/nifti/ct.nii.gz" && fail "other seed: same CT" || pass "other seed: other CT"
cmp -s "$P1/nifti/spect_maa.nii.gz" "$WORK/p3/nifti/spect_maa.nii.gz" && fail "other seed: same SPECT" || pass "other seed: other SPECT"
cmp -s "$P1/nifti/masks/liver.nii.gz" "$WORK/p3/nifti/masks/liver.nii.gz" && pass "other seed: same anatomy" || fail "other seed: other masks"

# Bad options: exit 1 (bad value) or 2 (usage), nothing left behind.
before=$(ls "$WORK" | grep -vE '[.](out|err)$' | sort)
run_sirt neg phantom --seed -1 --size small --out "$WORK/bad1"
expect_rc 1 "negative seed"
expect_grep "$WORK/neg.err" "--seed" "message names --seed"
run_sirt frac phantom --seed 1.5 --size small --out "$WORK/bad1"
expect_rc 1 "fractional seed"
run_sirt size phantom --seed 1 --size huge --out "$WORK/bad1"
expect_rc 1 "unknown size"
expect_grep "$WORK/size.err" "clinical, small, tiny" "message lists the sizes"
run_sirt lsf phantom --lsf-fraction 8 --size small --out "$WORK/bad1"
expect_rc 1 "LSF in percent"
run_sirt fmt phantom --format png --size small --out "$WORK/bad1"
expect_rc 1 "unknown format"
run_sirt opt phantom --sise small --out "$WORK/bad1"
expect_rc 2 "unknown option"
run_sirt noout phantom --seed 1
expect_rc 2 "no --out"
run_sirt exist phantom --seed 2 --size small --out "$P1"
expect_rc 1 "existing non-empty folder"
expect_grep "$WORK/exist.err" "--force" "message suggests --force"
after=$(ls "$WORK" | grep -vE '[.](out|err)$' | sort)
[ "$before" = "$after" ] && pass "nothing left by the refused runs" || fail "left behind: $(comm -13 <(echo "$before") <(echo "$after"))"
cmp -s "$P1/truth.json" "$WORK/p2/truth.json" && pass "refused run left the folder untouched" || fail "existing folder changed"
# --force replaces it.
run_sirt force phantom --seed 8 --size tiny --out "$P1" --force
expect_rc 0 "--force"
json_check "$P1/truth.json" "j['seed'] == 8 and j['size'] == 'tiny'" "--force replaced the folder"
[ -z "$(ls "$WORK" | grep -E 'tmp-|old-')" ] && pass "no temporary or old folder left" || fail "left: $(ls "$WORK")"

# DICOM (default --format both): pydicom reads the CT series; its geometry and HU match the
# NIfTI (HU stored as int16 with a rescale: within 1 HU).
[ -d "$WORK/p2/dicom/ct" ] && pass "DICOM written by default" || fail "no DICOM folder"
"$PYTHON" - "$WORK/p2" >"$WORK/dcm.out" 2>&1 <<'PY'
import glob, json, os, sys
import numpy as np, nibabel as nib, pydicom
d = sys.argv[1]
t = json.load(open(os.path.join(d, "truth.json")))
files = sorted(glob.glob(os.path.join(d, t["images"]["ct"]["dicom"], "**", "*"), recursive=True))
ds = [pydicom.dcmread(f) for f in files if os.path.isfile(f)]
ds.sort(key=lambda x: float(x.ImagePositionPatient[2]))
nii = nib.load(os.path.join(d, t["images"]["ct"]["nifti"]))
vol = np.stack([x.pixel_array * float(x.RescaleSlope) + float(x.RescaleIntercept) for x in ds], axis=-1)
ok = True
ok &= len(ds) == nii.shape[2]
ok &= np.allclose([float(v) for v in ds[0].ImagePositionPatient], t["grids"]["ct"]["origin_mm"], atol=1e-2)
ok &= np.allclose([float(v) for v in ds[0].PixelSpacing], t["grids"]["ct"]["spacing_mm"][:2], atol=1e-4)
ok &= np.allclose(vol.transpose(1, 0, 2), np.asarray(nii.dataobj), atol=1.0)
print("ok" if ok else "mismatch")
sys.exit(0 if ok else 1)
PY
[ $? -eq 0 ] && pass "pydicom CT series matches the NIfTI geometry and HU" || fail "DICOM CT: $(tail -3 "$WORK/dcm.out")"
[ -s "$WORK/p2/dicom/rtstruct.dcm" ] && pass "RTSTRUCT written" || fail "no RTSTRUCT"
"$PYTHON" - "$WORK/p2" >"$WORK/rts.out" 2>&1 <<'PY'
import json, os, sys, pydicom
d = sys.argv[1]
t = json.load(open(os.path.join(d, "truth.json")))
r = pydicom.dcmread(os.path.join(d, "dicom", "rtstruct.dcm"))
names = [x.ROIName for x in r.StructureSetROISequence]
ct = pydicom.dcmread(os.path.join(d, "dicom", "ct", sorted(os.listdir(os.path.join(d, "dicom", "ct")))[0]))
ok = names == [s["name"] for s in t["structures"]] and r.Modality == "RTSTRUCT"
ok &= r.ReferencedFrameOfReferenceSequence[0].FrameOfReferenceUID == ct.FrameOfReferenceUID
ok &= all(len(getattr(c, "ContourSequence", [])) > 0 for c in r.ROIContourSequence)
print(names)
sys.exit(0 if ok else 1)
PY
[ $? -eq 0 ] && pass "RTSTRUCT: every structure, contours, the CT's frame of reference" || fail "RTSTRUCT: $(tail -3 "$WORK/rts.out")"
finish
