#!/usr/bin/env bash
# sirt catalogue: tables with units, JSON that loads back identically, details with
# sources, clear errors; a user catalogue adds a product that sirt plan can use.
. "$(dirname "$0")/lib.sh"

run_sirt list catalogue;            expect_rc 0 "catalogue lists"
for s in Y-90 Ho-166 Lu-177 I-131 Re-188 Re-186 Sm-153 P-32 Tc-99m sir-spheres therasphere quiremspheres quiremscout "[J/GBq]" "[h]"; do
  expect_grep "$WORK/list.out" "$s" "table shows $s"
done
run_sirt js catalogue --json;       expect_rc 0 "catalogue --json"
cp "$WORK/js.out" "$WORK/round.json"
run_sirt js2 catalogue --catalogue "$WORK/round.json" --json; expect_rc 0 "its JSON loads back as a user catalogue"
"$PYTHON" - "$WORK/js.out" "$WORK/js2.out" <<'PY' && pass "JSON round trip is identical" || fail "JSON round trip differs"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):   # the merged version and description name both files
    d.pop("version", None); d.pop("description", None)
sys.exit(0 if a == b else 1)
PY
json_check "$WORK/js.out" "[n['half_life_h']['value'] for n in j['nuclides'] if n['id']=='Y-90'] == [64.1]" "JSON: 90Y half-life 64.1 h (ICRP 107)"
json_check "$WORK/js.out" "all(n['half_life_h']['source'] for n in j['nuclides'])" "JSON: every half-life has a source"

run_sirt y90 catalogue 90Y;         expect_rc 0 "detail by alias 90Y"
expect_grep "$WORK/y90.out" "ICRP" "detail cites ICRP 107"
expect_grep "$WORK/y90.out" "31.86" "detail shows the 90Y internal pair branching"
run_sirt nope catalogue Xx-999;     expect_rc 1 "unknown id"
expect_grep "$WORK/nope.err" "Xx-999" "unknown id named"
run_sirt badopt catalogue --frob;   expect_rc 2 "unknown option"

# A user-defined 177Lu glass product, planned with the single-compartment model:
# K(177Lu) = 19.6 J/GBq (catalogue); A = 100 Gy · 1.0 kg / (19.6 · (1 − 0.05)) = 5.371 GBq.
cat >"$WORK/user.json" <<'JSON'
{"format": "sirtkit-catalogue/1", "version": "lab-1", "nuclides": [],
 "products": [{"id": "lab-lu177-glass", "name": "Lu-177 glass research spheres", "manufacturer": "our lab",
   "nuclide": "Lu-177", "matrix": "glass",
   "calibration": {"convention": "label", "source": "our dose calibrator"},
   "vial_activity_gbq": {"value": 10, "unit": "GBq", "source": "our batch record 2026-11"}}]}
JSON
cat >"$WORK/lu.json" <<'JSON'
{"format": "sirtkit-case/1", "case_id": "lu177-user-product",
 "anatomy": {"liver_volume_ml": 1500, "liver_density_g_per_ml": 1.0, "lung_mass_kg": 1.0},
 "simulation": {"agent": "tc99m_maa", "lsf_fraction": 0.05, "lsf_from": "given"},
 "product": "lab-lu177-glass",
 "territories": [{"name": "right lobe", "perfused_volume_ml": 1000, "tumours": []}],
 "prescription": {"model": "mird", "perfused_dose_gy": 100, "residual_fraction": 0}}
JSON
run_sirt lu plan "$WORK/lu.json" --catalogue "$WORK/user.json" --json "$WORK/lu-plan.json"
expect_rc 0 "plan with a user-defined product"
json_check "$WORK/lu-plan.json" "approx(j['activity']['total_activity_gbq'], 5.371, 1e-3)" "177Lu MIRD: 5.371 GBq"
json_check "$WORK/lu-plan.json" "j['case']['nuclide'] == 'Lu-177' and 'lab-1' in j['provenance']['catalogue_version']" "plan names the nuclide and the user catalogue"
run_sirt lu2 plan "$WORK/lu.json" --json "$WORK/lu2.json"
expect_rc 1 "without --catalogue the product is unknown"
expect_grep "$WORK/lu2.err" '$.product' "unknown product names \$.product"
[ ! -e "$WORK/lu2.json" ] && pass "no output for the failed plan" || fail "output left"

# A broken user catalogue: the path and the JSON field are named.
echo '{"format": "sirtkit-catalogue/1", "version": "x", "nuclides": [], "products": [{"id": "p", "nuclide": "Nope-1"}]}' >"$WORK/bad.json"
run_sirt bad catalogue --catalogue "$WORK/bad.json"; expect_rc 1 "bad user catalogue"
expect_grep "$WORK/bad.err" "bad.json" "bad catalogue file named"
finish
