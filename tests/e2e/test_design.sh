#!/usr/bin/env bash
# sirt design: the comparison table, activation of a batch file and sphere counts, with
# JSON checks against domain.md §2.1, §4, §8.1 and hand arithmetic; bad inputs exit 1
# with a message naming the field; usage errors exit 2; no partial JSON on error.
. "$(dirname "$0")/lib.sh"
EX="$SIRT_SOURCE_DIR/examples/design"

# ---- table
run_sirt table design --json "$WORK/table.json"
expect_rc 0 "design table"
expect_grep "$WORK/table.out" "120 Gy to 1 kg (970.9 mL at 1.03 g/mL)" "table header names dose, mass, volume"
expect_grep "$WORK/table.out" "SPECT 81 keV, bremsstrahlung SPECT, MRI" "holmium imaging options"
# Glass: A = 120*1/50 = 2.4 GBq, N = 2.4*4e5 = 9.6e5, per mL 9.6e5/970.87 = 988.8.
json_check "$WORK/table.json" "[p['product'] for p in j['products']] == ['sir-spheres', 'therasphere', 'quiremspheres']" "table rows: therapy products, scout left out"
json_check "$WORK/table.json" "approx([p for p in j['products'] if p['product']=='therasphere'][0]['spheres'], 9.6e5, 1e-9)" "glass: 9.6e5 spheres for 120 Gy to 1 kg"
json_check "$WORK/table.json" "approx([p for p in j['products'] if p['product']=='therasphere'][0]['spheres_per_ml'], 988.8, 1e-3)" "glass: 988.8 spheres per mL"
# Ho: A = 120/15.87 = 7.5614 GBq; N = 7.5614e9/300 = 2.5205e7.
json_check "$WORK/table.json" "approx([p for p in j['products'] if p['product']=='quiremspheres'][0]['spheres'], 2.5205e7, 1e-3)" "Ho: 2.52e7 spheres"
json_check "$WORK/table.json" "[p for p in j['products'] if p['product']=='sir-spheres'][0]['imaging'] == ['PET', 'bremsstrahlung SPECT']" "90Y imaging: PET + bremsstrahlung"
json_check "$WORK/table.json" "'MRI' in [p for p in j['products'] if p['product']=='quiremspheres'][0]['imaging']" "Ho imaging includes MRI"
# Other dose and mass: 60 Gy to 2 kg at 1.05 g/mL: glass A = 60*2/50 = 2.4 GBq again; V = 1904.8 mL.
run_sirt table2 design table --dose-gy 60 --mass-kg 2 --density-g-per-ml 1.05 --json "$WORK/table2.json"
expect_rc 0 "design table with options"
json_check "$WORK/table2.json" "approx(j['tissue_volume_ml'], 1904.76, 1e-5) and approx(j['products'][1]['spheres_per_ml'], 9.6e5/1904.76, 1e-5)" "table options: volume 1904.8 mL"

# A user microsphere merged with --catalogue appears in the table.
cat >"$WORK/user-cat.json" <<'JSON'
{"format": "sirtkit-catalogue/1", "version": "test-1",
 "products": [{"id": "lu-glass", "name": "Lu-177 glass (test)", "nuclide": "Lu-177", "matrix": "glass",
   "sphere_diameter_um": {"value": 25, "unit": "um", "source": "test"},
   "sphere_density_g_per_ml": {"value": 3.3, "unit": "g/mL", "source": "test"},
   "activity_per_sphere_bq": {"value": 10000, "unit": "Bq", "source": "test"},
   "calibration": {"convention": "label", "source": "test"}}]}
JSON
run_sirt usercat design --catalogue "$WORK/user-cat.json" --json "$WORK/usercat.json"
expect_rc 0 "design table with a user catalogue"
# Lu: K = 19.6 J/GBq, A = 120/19.6 = 6.1224 GBq, N = 6.1224e9/1e4 = 6.1224e5; SPECT 208 keV only.
json_check "$WORK/usercat.json" "approx([p for p in j['products'] if p['product']=='lu-glass'][0]['spheres'], 6.1224e5, 1e-4)" "user Lu sphere: 6.12e5 spheres"
json_check "$WORK/usercat.json" "[p for p in j['products'] if p['product']=='lu-glass'][0]['imaging'] == ['SPECT'] and [p for p in j['products'] if p['product']=='lu-glass'][0]['spect_kev'] == 208.4" "user Lu sphere: SPECT 208 keV"

# ---- activation
run_sirt glass design activation "$EX/glass-y90.json" --json "$WORK/glass.json"
expect_rc 0 "activation: glass example"
# domain §8.1: w_Y = 0.315, m = 2.69e-8 g, N = 5.74e13, saturation 7.35 kBq, 7 d 6.16 kBq/sphere;
# 96 h cooling: 6155.4*2^(-96/64.1) = 2179.5 Bq.
json_check "$WORK/glass.json" "approx(j['target']['element_mass_fraction'], 0.315, 1e-3)" "glass: w_Y = 0.315"
json_check "$WORK/glass.json" "approx(j['material']['sphere_mass_g'], 2.69e-8, 1e-3)" "glass: sphere mass 2.69e-8 g"
json_check "$WORK/glass.json" "approx(j['material']['element_mass_per_sphere_g']*j['target']['activity']['per_gram_element']['target_atoms'], 5.74e13, 1e-3)" "glass: 5.74e13 atoms per sphere"
json_check "$WORK/glass.json" "approx(j['material']['element_mass_per_sphere_g']*j['target']['activity']['per_gram_element']['saturation_activity_bq'], 7350, 1e-3)" "glass: saturation 7.35 kBq per sphere"
json_check "$WORK/glass.json" "approx(j['target']['activity']['eoi_bq_per_sphere'], 6160, 1.5e-3)" "glass: 6.16 kBq per sphere after 7 d"
json_check "$WORK/glass.json" "approx(j['target']['activity']['cooled_bq_per_sphere'], 2179.5, 1e-3)" "glass: 2.18 kBq after 96 h cooling"
json_check "$WORK/glass.json" "j['target']['data']['thermal_cross_section_b']['value'] == 1.28 and 'Mughabghab' in j['target']['data']['thermal_cross_section_b']['source']" "glass: cross-section with its source"

run_sirt ho design activation "$EX/ho-plla.json" --json "$WORK/ho.json"
expect_rc 0 "activation: Ho-PLLA example"
# 61 b to the ground state: 538.6 Bq/sphere at EOI (571 Bq with the 64.7 b total, see docs/design.md).
json_check "$WORK/ho.json" "approx(j['target']['activity']['eoi_bq_per_sphere'], 538.6, 1e-3)" "Ho: 538.6 Bq per sphere with 61 b"
json_check "$WORK/ho.json" "approx(j['material']['spheres_in_batch'], 3.0316e7, 1e-3)" "Ho: 600 mg = 3.03e7 spheres (§2.1)"
# 166mHo/166Ho at EOI 1.353e-7; after 24 h cooling x 2^(24/26.8) = 1.8600 -> 2.516e-7.
json_check "$WORK/ho.json" "approx(j['impurities'][0]['activity']['fraction_of_main_cooled'], 2.516e-7, 2e-3)" "Ho: 166mHo fraction after cooling"

run_sirt lu design activation "$EX/lu177-burnup.json" --json "$WORK/lu.json"
expect_rc 0 "activation: Lu burn-up example"
# 14 d at 1e15: burn-up/simple = 0.27139, burnt fraction 1 - e^-2.52806 = 0.92019 (see the unit test).
json_check "$WORK/lu.json" "approx(j['target']['activity']['per_gram_element']['activity_eoi_bq']/j['target']['activity']['per_gram_element']['activity_eoi_simple_bq'], 0.27139, 1e-4)" "Lu: burn-up leaves 27% of the simple formula"
json_check "$WORK/lu.json" "approx(j['target']['activity']['per_gram_element']['target_burnup_fraction'], 0.92019, 1e-4)" "Lu: 92% of 176Lu burnt"

# Cross-check the burn-up solution with scipy: integrate dNt/dt = -r Nt, dNp/dt = R Nt - lam Np.
"$PYTHON" - "$WORK/lu.json" <<'PY' && pass "Lu: closed form matches scipy ODE integration" || fail "Lu: scipy ODE cross-check"
import json, math, sys
from scipy.integrate import solve_ivp
j = json.load(open(sys.argv[1]))
g = j['target']['activity']['per_gram_element']
N0 = g['target_atoms']
phi = j['irradiation']['thermal_flux_per_cm2_s']
R = 2090e-24 * phi      # capture to 177Lu per atom, s^-1
r = 2090e-24 * phi      # absorption (burn-up) per atom
lam = math.log(2) / (159.53 * 3600)
T = j['irradiation']['irradiation_h'] * 3600
sol = solve_ivp(lambda t, y: [-r * y[0], R * y[0] - lam * y[1]], (0, T), [1.0, 0.0],
                method='LSODA', rtol=1e-10, atol=1e-14)
A = lam * sol.y[1][-1] * N0
# rtol 1e-10 on a smooth 2-state linear system: agreement to 1e-6 is ample and a wrong
# formula (e.g. the simple one, 3.7x larger) is far outside.
sys.exit(0 if abs(A - g['activity_eoi_bq']) <= 1e-6 * A else 1)
PY

# ---- spheres
run_sirt glass96 design spheres --product therasphere --activity-gbq 3 --hours-after-calibration 96 --perfused-ml 1000 --json "$WORK/s96.json"
expect_rc 0 "spheres: glass at +96 h"
expect_grep "$WORK/glass96.out" "885.3 Bq" "text: 885.3 Bq per sphere"
# §4: 2500 -> 885.3 Bq; N = 3e9/885.32 = 3.3886e6; 3388.6 /mL; fraction 2.7724e-5.
json_check "$WORK/s96.json" "approx(j['planned']['activity_per_sphere_bq'], 885.3, 1e-3)" "§4: 2500 Bq -> 885 Bq at +96 h"
json_check "$WORK/s96.json" "approx(j['planned']['spheres'], 3.3886e6, 1e-3)" "glass: 3.39e6 spheres for 3 GBq at +96 h"
json_check "$WORK/s96.json" "approx(j['planned']['spheres_per_ml'], 3388.6, 1e-3) and approx(j['planned']['sphere_volume_fraction'], 2.7724e-5, 1e-3)" "glass: embolic load"
json_check "$WORK/s96.json" "[v['spheres'] for v in j['sphere']['dose_vials']][:2] == [1.2e6, 2e6]" "glass: spheres per 3 and 5 GBq vial"
run_sirt quirem design spheres --product quiremspheres --activity-gbq 6 --json "$WORK/sq.json"
expect_rc 0 "spheres: QuiremSpheres"
json_check "$WORK/sq.json" "approx(j['sphere']['spheres_per_vial'], 3.0316e7, 1e-3) and approx(j['sphere']['sphere_mass_g'], 1.98e-8, 1e-3)" "§2.1: 600 mg = 3.0e7 spheres of 1.98e-8 g"
run_sirt resin design spheres --product sir-spheres --activity-gbq 3
expect_rc 0 "spheres: SIR-Spheres"
expect_grep "$WORK/resin.out" "4.4e+07 spheres in 3 GBq" "resin: 44 million per vial"
expect_grep "$WORK/resin.out" "36 % off" "resin: the disagreeing table value is flagged"
run_sirt user design spheres --nuclide 90Y --diameter-um 20 --sphere-density-g-per-ml 3.3 --activity-per-sphere-bq 1000 --activity-gbq 2 --hours-after-calibration 64.1 --json "$WORK/su.json"
expect_rc 0 "spheres: user-defined sphere"
# One half-life later: 500 Bq per sphere, 2 GBq needs 4e6 spheres.
json_check "$WORK/su.json" "approx(j['planned']['activity_per_sphere_bq'], 500, 1e-6) and approx(j['planned']['spheres'], 4e6, 1e-6)" "user sphere: 4e6 spheres after one half-life"
# Not applicable is a key with null (docs/cli/sirt.md): no vial for a user sphere, no --perfused-ml.
json_check "$WORK/su.json" "j['sphere']['vial_activity_gbq'] is None and j['planned']['spheres_per_ml'] is None" "user sphere: vial and embolic load null"

# ---- bad inputs: exit 1, the field named, no JSON left behind
bad_batch() { # NAME JSON-TEXT EXPECTED-MESSAGE-FRAGMENT
  printf '%s\n' "$2" >"$WORK/$1.json"
  run_sirt "$1" design activation "$WORK/$1.json" --json "$WORK/$1.out.json"
  expect_rc 1 "bad batch $1"
  expect_grep "$WORK/$1.err" "$3" "bad batch $1: message"
  if [ -e "$WORK/$1.out.json" ]; then fail "bad batch $1 left a JSON file"; else pass "bad batch $1: no JSON file"; fi
}
HEAD='"format": "sirtkit-activation-batch/1"'
IRR='"irradiation": {"thermal_flux_per_cm2_s": 1e14, "irradiation_h": 6}'
bad_batch negmass "{$HEAD, \"material\": {\"batch_mass_g\": -2}, \"target\": {\"reaction\": \"Y-90\", \"element_mass_fraction\": 1}, $IRR}" \
  '$.material.batch_mass_g = -2 g is out of range'
bad_batch zeroflux "{$HEAD, \"material\": {}, \"target\": {\"reaction\": \"Y-90\", \"element_mass_fraction\": 1}, \"irradiation\": {\"thermal_flux_per_cm2_s\": 0, \"irradiation_h\": 6}}" \
  '$.irradiation.thermal_flux_per_cm2_s = 0 cm^-2 s^-1 is out of range'
bad_batch unknown "{$HEAD, \"material\": {}, \"target\": {\"reaction\": \"Xe-136(n,g)Xe-137\", \"element_mass_fraction\": 1}, $IRR}" \
  '$.target.reaction: "Xe-136(n,g)Xe-137" is not in the activation data'
bad_batch abundance "{$HEAD, \"material\": {}, \"target\": {\"element_mass_fraction\": 1, \"data\": {\"id\": \"x\", \"target\": \"Y-89\", \"product\": \"Y-90\", \"element_molar_mass_g_per_mol\": {\"value\": 88.9, \"unit\": \"g/mol\", \"source\": \"s\"}, \"isotopic_abundance\": {\"value\": 1.2, \"unit\": \"fraction\", \"source\": \"s\"}, \"thermal_cross_section_b\": {\"value\": 1.28, \"unit\": \"b\", \"source\": \"s\"}}}, $IRR}" \
  '$.target.data.isotopic_abundance.value = 1.2 fraction is out of range'
bad_batch noproduct "{$HEAD, \"material\": {}, \"target\": {\"element_mass_fraction\": 1, \"data\": {\"id\": \"x\", \"target\": \"Co-59\", \"product\": \"Co-60\", \"element_molar_mass_g_per_mol\": {\"value\": 58.9, \"unit\": \"g/mol\", \"source\": \"s\"}, \"isotopic_abundance\": {\"value\": 1, \"unit\": \"fraction\", \"source\": \"s\"}, \"thermal_cross_section_b\": {\"value\": 37, \"unit\": \"b\", \"source\": \"s\"}}}, $IRR}" \
  'the product Co-60 is not a nuclide of the catalogue'
bad_batch typo "{$HEAD, \"material\": {}, \"target\": {\"reaction\": \"Y-90\", \"element_mass_fraction\": 1}, \"irradiation\": {\"thermal_flux_per_cm2_s\": 1e14, \"irradiation_hours\": 6}}" \
  'irradiation_h'

run_sirt noproduct2 design spheres --product nope --activity-gbq 3 --json "$WORK/np.json"
expect_rc 1 "spheres: unknown product"
expect_grep "$WORK/noproduct2.err" '--product "nope" is not a product of the catalogue' "unknown product message"
[ -e "$WORK/np.json" ] && fail "unknown product left JSON" || pass "unknown product: no JSON"
run_sirt nonuc design spheres --nuclide Zz-99 --diameter-um 20 --sphere-density-g-per-ml 3 --activity-per-sphere-bq 100 --activity-gbq 3
expect_rc 1 "spheres: unknown nuclide"
expect_grep "$WORK/nonuc.err" '--nuclide "Zz-99" is not a nuclide' "unknown nuclide message"
run_sirt negact design spheres --product therasphere --activity-gbq -3
expect_rc 1 "spheres: negative activity"
expect_grep "$WORK/negact.err" "activity_gbq = -3 GBq is out of range" "negative activity message"
run_sirt negdiam design spheres --nuclide Y-90 --diameter-um -20 --sphere-density-g-per-ml 3 --activity-per-sphere-bq 100 --activity-gbq 3
expect_rc 1 "spheres: negative diameter"
run_sirt negmasskg design --mass-kg -1
expect_rc 1 "table: negative mass"
expect_grep "$WORK/negmasskg.err" "mass_kg = -1 kg is out of range" "negative mass message"
run_sirt nofile design activation "$WORK/does-not-exist.json"
expect_rc 1 "activation: missing file"

# ---- usage errors: exit 2
run_sirt u1 design frobnicate
expect_rc 2 "unknown subcommand"
run_sirt u2 design spheres --product therasphere
expect_rc 2 "spheres without --activity-gbq"
run_sirt u3 design activation
expect_rc 2 "activation without a file"
run_sirt u4 design --product therasphere
expect_rc 2 "--product does not apply to the table"
run_sirt u5 design spheres --product therasphere --nuclide Y-90 --activity-gbq 1
expect_rc 2 "product and user sphere together"
run_sirt help design --help
expect_rc 0 "design --help"
expect_grep "$WORK/help.out" "sirt design spheres" "help lists the subcommands"

finish
