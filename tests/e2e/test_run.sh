#!/usr/bin/env bash
# sirt run end to end on the digital patient: the numbers in plan.json against the phantom's
# truth, the same numbers in report.pdf (pdftotext), every page rendered (pdftoppm) with
# non-blank figures, a lung-dose warning on the terminal, in the JSON and on page one, and bad
# runs that leave no output folder.
. "$(dirname "$0")/lib.sh"
cache="$WORK/kernels"
# 2e4 kernel histories: the structure means move by < 0.2 % against 1e6 (checked by hand on
# the small phantom), and the run stays a few seconds.
fast=(--histories 20000 --cache "$cache")

run_sirt phantom phantom --seed 3 --size small --out "$WORK/patient"
expect_rc 0 "phantom (small, seed 3)"

# A case that leaves every image-measurable number to the images.
"$PYTHON" - "$WORK/patient" <<'PY'
import json, sys
d = sys.argv[1]
c = json.load(open(d + "/case.json"))
c["anatomy"].pop("liver_volume_ml", None)
c["simulation"].pop("spect", None)
t = c["territories"][0]
t.pop("perfused_volume_ml", None)
for u in t["tumours"]:
    u.pop("volume_ml", None); u.pop("tn_ratio", None)
c["images"] = {"ct": "nifti/ct.nii.gz", "spect": "nifti/spect_maa.nii.gz",
  "masks": {"liver": "nifti/masks/liver.nii.gz", "lungs": "nifti/masks/lungs.nii.gz",
            "body": "nifti/masks/body.nii.gz",
            "tumours": {u["name"]: "nifti/masks/%s.nii.gz" % u["name"] for u in t["tumours"]}},
  "post_treatment": {"image": "nifti/pet_y90.nii.gz", "kind": "y90_pet"}}
json.dump(c, open(d + "/case-images.json", "w"), indent=1)
# Lung over 30 Gy: the same patient, forward dosimetry of 4 GBq with a lung shunt of 19 %
# given: lung dose = 4 GBq × 0.19 × 49.67 J/GBq / 1.126 kg = 33.5 Gy.
c["simulation"]["lsf_fraction"] = 0.19
c["simulation"]["lsf_from"] = "given"
c["prescription"] = {"model": "fixed", "residual_fraction": 0}
c["territories"][0]["activity_gbq"] = 4.0
json.dump(c, open(d + "/case-lung.json", "w"), indent=1)
# A mask that does not exist.
c = json.load(open(d + "/case-images.json"))
c["images"]["masks"]["lungs"] = "nifti/masks/no-such-lungs.nii.gz"
json.dump(c, open(d + "/case-missing-mask.json", "w"), indent=1)
PY

out="$WORK/run"
run_sirt run run "$WORK/patient/case-images.json" --out "$out" "${fast[@]}"
expect_rc 0 "sirt run on the image case"
for f in plan.json plan.txt report.pdf dvh.csv dose_planned.nii.gz dose_planned_rtdose.dcm \
         dose_delivered.nii.gz dose_difference.nii.gz figures/dvh.png figures/slices_1.png; do
  [ -s "$out/$f" ] && pass "wrote $f" || fail "missing $f"
done
ls "$WORK" | grep -q 'run.tmp-' && fail "temporary folder left" || pass "no temporary folder left"

# plan.json against truth.json. Tolerances: volumes come from the phantom's own masks (only
# float rounding); the SPECT LSF is raised by liver counts blurred into the lung mask (12 mm
# FWHM, 8.8 mm voxels: +0.4 % absolute seen, 1.5 % allowed); T/N is lowered by partial volume
# (tumour 1, 57 mL: −21 % seen, 30 % allowed); the activity follows the LSF and T/N (−3.5 %
# seen, 6 % allowed).
"$PYTHON" - "$out/plan.json" "$WORK/patient/truth.json" >"$WORK/truth.out" 2>&1 <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); t = json.load(open(sys.argv[2]))
m = j["run"]["measured"]; bad = []
def check(name, got, want, tol, rel=True):
    err = abs(got - want) / abs(want) if rel else abs(got - want)
    print(("ok  " if err <= tol else "BAD ") + "%s: %.6g vs truth %.6g (tolerance %g%s)" % (name, got, want, tol, "" if rel else " absolute"))
    if err > tol: bad.append(name)
check("liver volume mL", m["liver_volume_ml"], t["liver"]["volume_ml"], 1e-4)
check("lung volume mL", m["lungs_volume_ml"], t["lungs"]["volume_ml"], 1e-4)
for a, b in zip(m["tumours"], t["tumours"]):
    check(a["name"] + " volume mL", a["volume_ml"], b["volume_ml"], 1e-4)
check("LSF (SPECT)", m["lsf_spect_fraction"], t["maa"]["lsf_fraction"], 0.015, rel=False)
check("T/N tumour 1", m["tumours"][0]["tn_ratio"], t["tumours"][0]["tn_ratio"], 0.30)
check("activity GBq", j["activity"]["total_activity_gbq"], t["y90"]["activity_administered_gbq"], 0.06)
# Energy conservation in the dose: liver mean voxel dose vs the plan's whole-liver mean.
s = {x["name"]: x for x in j["run"]["structures"]}
check("liver mean voxel dose vs plan", s["liver"]["planned"]["mean_gy"], j["activity"]["whole_liver_dose_gy"], 0.20)
assert s["tumour_1"]["planned"]["mean_gy"] > 2 * s["normal liver"]["planned"]["mean_gy"], "tumour hotter than normal liver"
assert "delivered" in s["tumour_1"], "delivered dose per structure"
print("BAD" if bad else "all within tolerance", bad)
PY
grep -q "all within tolerance" "$WORK/truth.out" && pass "plan.json matches truth.json within the stated tolerances" ||
  { fail "plan.json vs truth:"; cat "$WORK/truth.out" >&2; }
grep '^ok\|^BAD' "$WORK/truth.out" | sed 's/^/    /'

# The report: the plan's numbers in the text, every page rendered, figures not blank.
if command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null; then
  pdftotext -layout "$out/report.pdf" "$WORK/report.txt"
  act=$("$PYTHON" -c "import json,sys; print('%.3f GBq' % json.load(open(sys.argv[1]))['activity']['total_activity_gbq'])" "$out/plan.json")
  expect_grep "$WORK/report.txt" "$act" "report.pdf shows the activity $act"
  lung=$("$PYTHON" -c "import json,sys; print('%.2f Gy' % json.load(open(sys.argv[1]))['activity']['lung_dose_gy'])" "$out/plan.json")
  expect_grep "$WORK/report.txt" "$lung" "report.pdf shows the lung dose $lung"
  expect_grep "$WORK/report.txt" "PHANTOM-3" "report.pdf names the patient"
  expect_grep "$WORK/report.txt" "Planned versus delivered" "report.pdf has the planned-versus-delivered page"
  pdftoppm -r 40 -png "$out/report.pdf" "$WORK/page"
  pages=$(ls "$WORK"/page-*.png | wc -l)
  [ "$pages" -ge 4 ] && pass "pdftoppm rendered $pages pages" || fail "only $pages pages rendered"
  "$PYTHON" - "$WORK" <<'PY' >"$WORK/blank.out" 2>&1
import glob, sys
from PIL import Image, ImageStat
bad = 0
for p in sorted(glob.glob(sys.argv[1] + "/page-*.png")):
    im = Image.open(p).convert("L")
    sd = ImageStat.Stat(im).stddev[0]
    print(p, "stddev %.1f" % sd)
    bad += sd < 5
# Page 2 holds the slices: its middle third (figure area) must vary strongly.
im = Image.open(sorted(glob.glob(sys.argv[1] + "/page-*.png"))[1]).convert("L")
w, h = im.size
fig = im.crop((0, h // 10, w, h // 2))
sd = ImageStat.Stat(fig).stddev[0]
print("slice figure stddev %.1f" % sd)
print("blank" if bad or sd < 30 else "not blank")
PY
  grep -q "not blank" "$WORK/blank.out" && pass "every page and the slice figure are not blank" ||
    { fail "blank page or figure"; cat "$WORK/blank.out" >&2; }
else
  fail "pdftotext/pdftoppm missing (poppler-utils is in scripts/install-deps)"
fi

# The same run again gives the same plan.json numbers and the same report (determinism).
run_sirt run2 run "$WORK/patient/case-images.json" --out "$WORK/run2" "${fast[@]}" --quiet
expect_rc 0 "second run"
cmp -s "$out/report.pdf" "$WORK/run2/report.pdf" && pass "report.pdf is byte-identical on a re-run" ||
  fail "report.pdf differs between two identical runs"

# Lung dose over 30 Gy: on the terminal, in the JSON, on page one of the PDF.
run_sirt lung run "$WORK/patient/case-lung.json" --out "$WORK/lung" "${fast[@]}"
expect_rc 0 "run with LSF 40 % (warnings do not fail without --strict)"
expect_grep "$WORK/lung.out" "Lung dose" "terminal shows the lung-dose warning"
json_check "$WORK/lung/plan.json" "any(w['rule'].startswith('lung_dose') for w in j['warnings'])" "JSON has the lung-dose warning"
pdftotext -f 1 -l 1 "$WORK/lung/report.pdf" "$WORK/lung-p1.txt"
expect_grep "$WORK/lung-p1.txt" "WARNINGS" "page one has the warnings box"
expect_grep "$WORK/lung-p1.txt" "Lung dose" "page one names the lung dose"
run_sirt lungstrict run "$WORK/patient/case-lung.json" --out "$WORK/lung-strict" --strict "${fast[@]}" --quiet
expect_rc 1 "--strict fails on the lung-dose warning"

# Bad runs: a clear error, exit 1, nothing left at --out.
run_sirt missing run "$WORK/patient/case-missing-mask.json" --out "$WORK/missing" "${fast[@]}"
expect_rc 1 "a missing mask file fails"
expect_grep "$WORK/missing.err" "no-such-lungs.nii.gz" "the error names the missing file"
[ ! -e "$WORK/missing" ] && pass "no output folder after a failed run" || fail "output folder left after failure"
ls "$WORK" | grep -q 'missing.tmp-' && fail "temporary folder left after failure" || pass "no temporary folder after failure"
run_sirt exists run "$WORK/patient/case-images.json" --out "$out" "${fast[@]}"
expect_rc 1 "an existing output folder is not replaced without --force"
expect_grep "$WORK/exists.err" "--force" "the error says how to replace it"
run_sirt mc run "$WORK/patient/case-images.json" --out "$WORK/mc" --mc
expect_rc 1 "--mc is refused while Monte Carlo dose is not available"
expect_grep "$WORK/mc.err" "Monte Carlo" "the refusal says why"
run_sirt nocase run --out "$WORK/x"
expect_rc 2 "no case: usage error"

# --db: the plan, the image sets (hashes, geometry) and the voxel doses in one transaction.
run_sirt db run "$WORK/patient/case-images.json" --out "$WORK/rundb" --db "$WORK/clinic.db" "${fast[@]}" --quiet
expect_rc 0 "sirt run --db"
"$PYTHON" - "$WORK/clinic.db" "$WORK/rundb/plan.json" >"$WORK/db.out" 2>&1 <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1]); j = json.load(open(sys.argv[2]))
studies = db.execute("select modality, content_sha256, geometry_json from studies").fetchall()
inputs = {i["path"]: i["sha256"] for i in j["run"]["inputs"]}
assert len(studies) == len(j["run"]["inputs"]) - 1, (len(studies), len(inputs))   # all but the case
ct = [s for s in studies if s[0] == "ct"][0]
assert json.loads(ct[2])["size"] == [128, 128, 60], ct
assert ct[1] in inputs.values(), "CT hash as in plan.json"
vox = dict(db.execute("select structure, planned_dose_gy from structure_doses where kind='voxel'").fetchall())
s = {x["name"]: x["planned"]["mean_gy"] for x in j["run"]["structures"]}
assert set(vox) == set(s) and all(abs(vox[k] - s[k]) < 1e-9 for k in s), (vox, s)
assert j["database"]["plan_id"] == 1
print("db ok")
PY
grep -q "db ok" "$WORK/db.out" && pass "database holds the plan, studies with hashes and voxel doses" ||
  { fail "database contents"; cat "$WORK/db.out" >&2; }
run_sirt verify db verify --db "$WORK/clinic.db"
expect_rc 0 "the audit chain verifies after sirt run --db"

# The same chain from DICOM: CT series, NM SPECT, PET series, masks as RTSTRUCT ROIs.
run_sirt phantomd phantom --seed 2 --size tiny --format both --out "$WORK/pd"
expect_rc 0 "phantom with DICOM (tiny)"
"$PYTHON" - "$WORK/pd" <<'PY'
import json, sys
d = sys.argv[1]
c = json.load(open(d + "/case.json"))
c["anatomy"].pop("liver_volume_ml", None); c["simulation"].pop("spect", None)
t = c["territories"][0]; t.pop("perfused_volume_ml", None)
for u in t["tumours"]:
    u.pop("volume_ml", None); u.pop("tn_ratio", None)
rs = lambda roi: {"rtstruct": "dicom/rtstruct.dcm", "roi": roi}
c["images"] = {"ct": "dicom/ct", "spect": "dicom/spect_maa",
  "masks": {"liver": rs("liver"), "lungs": rs("lungs"), "body": rs("body"),
            "tumours": {u["name"]: rs(u["name"]) for u in t["tumours"]}},
  "post_treatment": {"image": "dicom/pet_y90", "kind": "y90_pet"}}
json.dump(c, open(d + "/case-dicom.json", "w"), indent=1)
c["images"]["masks"]["liver"] = rs("Liver (typo)")
json.dump(c, open(d + "/case-bad-roi.json", "w"), indent=1)
PY
run_sirt rund run "$WORK/pd/case-dicom.json" --out "$WORK/rund" "${fast[@]}" --quiet
expect_rc 0 "sirt run from DICOM folders and RTSTRUCT ROIs"
# RTSTRUCT contours are the 0.5 isolines of the fractional masks on 6.4 mm pixels: the liver
# volume moves by about 1 % (1.2 % seen), 3 % allowed.
json_check "$WORK/rund/plan.json" "approx(j['run']['measured']['liver_volume_ml'], json.load(open('$WORK/pd/truth.json'))['liver']['volume_ml'], 0.03)" "liver volume from the RTSTRUCT within 3 % of truth"
json_check "$WORK/rund/plan.json" "abs(j['run']['measured']['lsf_spect_fraction'] - 0.08) < 0.015" "LSF from the DICOM SPECT within 1.5 % of truth"
run_sirt badroi run "$WORK/pd/case-bad-roi.json" --out "$WORK/badroi" "${fast[@]}"
expect_rc 1 "an ROI name not in the RTSTRUCT fails"
expect_grep "$WORK/badroi.err" 'no ROI named "Liver (typo)"' "the error names the missing ROI"
expect_grep "$WORK/badroi.err" '"liver"' "and lists the ROIs the RTSTRUCT holds"
[ ! -e "$WORK/badroi" ] && pass "nothing left after the ROI error" || fail "output left after the ROI error"

# The README's first command, at the smallest size.
run_sirt demo run demo --size tiny --out "$WORK/demo" "${fast[@]}" --quiet
expect_rc 0 "sirt run demo"
[ -s "$WORK/demo/report.pdf" ] && [ -s "$WORK/demo-patient/truth.json" ] && pass "demo: patient and report written" ||
  fail "demo outputs missing"
json_check "$WORK/demo/plan.json" "len(j['run']['measured']['filled_into_case']) >= 5 and len(j['run']['structures']) == 6" "demo: measured on the images (case-run.json) and dosed per structure"
finish
