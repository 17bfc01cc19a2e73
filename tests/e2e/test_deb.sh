#!/usr/bin/env bash
# sirt deb: loading arithmetic, release fits cross-checked against scipy's curve_fit, the
# PK window cross-checked against scipy's solve_ivp, and bad inputs (docs/cli/deb.md).
. "$(dirname "$0")/lib.sh"
BAD="$SIRT_SOURCE_DIR/tests/data/deb-bad"

# ---- help and products -------------------------------------------------------------------
run_sirt help deb --help
expect_rc 0 "deb --help"
for s in "sirt deb products" "sirt deb load" "sirt deb fit" "sirt deb pk"; do
  expect_grep "$WORK/help.out" "$s" "help lists '$s'"
done
run_sirt prod deb products --json "$WORK/prod.json"
expect_rc 0 "deb products"
json_check "$WORK/prod.json" "[p['loadings'][0]['typical'] for p in j['products'] if p['id']=='dc_bead'] == [37.5]" "DC Bead 37.5 mg/mL (domain §2.2)"

# ---- loading arithmetic (domain §2.2: 37.5 mg/mL, 2 mL vial → 75 mg per vial) -------------
run_sirt load deb load --product dc_bead --dose-mg 150 --max-dose-mg 150 --json "$WORK/load.json"
expect_rc 0 "load 150 mg"
json_check "$WORK/load.json" "j['dose_per_vial_mg'] == 75 and j['vials'] == 2 and j['beads_needed_ml'] == 4" "150 mg = 2 vials of 75 mg, 4 mL beads"
expect_grep "$WORK/load.out" "75 mg" "text dose per vial with unit"
# measured: 76 of 80 mg bound to 2 mL → 38 mg/mL, efficiency 95%
run_sirt meas deb load --product dc_bead --offered-mg 80 --loaded-mg 76 --beads-ml 2 --json "$WORK/meas.json"
json_check "$WORK/meas.json" "approx(j['loading_mg_per_ml'], 38, 1e-12) and approx(j['efficiency_fraction'], 0.95, 1e-12)" "38 mg/mL, 95% efficiency"
run_sirt over deb load --product dc_bead --dose-mg 160 --max-dose-mg 150 --strict --json "$WORK/over.json"
expect_rc 1 "--strict: dose above the maximum"
expect_grep "$WORK/over.out" "ABOVE the maximum dose" "above maximum shown"
run_sirt nomax deb load --product dc_bead --dose-mg 100 --json "$WORK/nomax.json"
expect_rc 1 "dose without a maximum"
expect_grep "$WORK/nomax.err" "--max-dose-mg" "names --max-dose-mg"
[ ! -e "$WORK/nomax.json" ] && pass "no JSON left (no maximum)" || fail "JSON left after an error"
run_sirt negd deb load --product dc_bead --dose-mg -75 --max-dose-mg 150
expect_rc 1 "negative dose"
expect_grep "$WORK/negd.err" "--dose-mg" "negative dose names --dose-mg"
run_sirt unkp deb load --product embosphere
expect_rc 1 "unknown product"
expect_grep "$WORK/unkp.err" '"embosphere"' "unknown product named"
run_sirt use deb fit
expect_rc 2 "fit without FILE is a usage error"
run_sirt use2 deb load --model all
expect_rc 2 "fit option given to load is a usage error"

# ---- release fit against scipy.optimize.curve_fit ----------------------------------------
# Realistic doxorubicin elution: Weibull τ 40 h, β 0.5 (ion-exchange burst then slow release,
# domain §8.2), 14 times over a week, replicate SD 0.008 + 0.02·F, Gaussian noise, seed 20260.
"$PYTHON" - "$WORK" <<'PY'
import json, sys
import numpy as np
w = sys.argv[1]
rng = np.random.default_rng(20260)
t = np.array([0.25, 0.5, 1, 2, 4, 6, 8, 12, 24, 36, 48, 72, 120, 168])
f_true = 1 - np.exp(-(t / 40.0) ** 0.5)
sd = 0.008 + 0.02 * f_true
f = np.clip(f_true + rng.normal(0, sd), 0, 1)
with open(f"{w}/rel.csv", "w") as fh:
    fh.write("time_h,fraction,sd\n")
    for a, b, c in zip(t, f, sd):
        fh.write(f"{a!r},{b!r},{c!r}\n")
json.dump({"format": "sirtkit-deb/1",
           "release": {"time_h": t.tolist(), "fraction": f.tolist(), "fraction_sd": sd.tolist()},
           "dose": {"product": "dc_bead", "drug": "doxorubicin", "dose_mg": 75},
           "prediction": {"t_end_h": 168, "step_h": 24}},
          open(f"{w}/rel.json", "w"))
PY
run_sirt fit deb fit "$WORK/rel.csv" --json "$WORK/fit.json"
expect_rc 0 "fit CSV, all models"
expect_grep "$WORK/fit.out" "tau_h" "text shows Weibull tau_h"
expect_grep "$WORK/fit.out" "1/h" "text parameters have units"
# Tolerances: parameters rel 1e-4: both minimise the same weighted sum of squares to tight
# tolerances (GSL xtol/gtol 1e-12, MINPACK ftol/xtol/gtol 1e-15) from different starting
# values, so they agree far better than 1e-4; 1e-4 allows for a flat AIC-irrelevant valley.
# Standard errors rel 1e-2: both are sqrt(diag((J'WJ)^-1)·RSS/(n-k)) with J at the optimum,
# but GSL's J is analytic and MINPACK's a forward difference (error ~1e-7 relative), and the
# optimum itself differs slightly; 1e-2 is the issue's bound with margin.
cat >"$WORK/cf.py" <<'PY'
import json, sys, warnings
import numpy as np
from scipy.optimize import curve_fit
warnings.simplefilter("ignore")
out = json.load(open(sys.argv[1]))["fit"]
d = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1)
t, y, sd = d[:, 0], d[:, 1], d[:, 2]
models = {  # name: (function, independent start, parameter names, restricted to F <= 0.6)
    "zero_order": (lambda t, k: k * t, [0.01], ["k0_per_h"], False),
    "first_order": (lambda t, k: 1 - np.exp(-k * t), [0.05], ["k1_per_h"], False),
    "higuchi": (lambda t, k: k * np.sqrt(t), [0.1], ["kh_per_sqrt_h"], True),
    "peppas": (lambda t, k, n: k * t ** n, [0.1, 0.5], ["k_per_h_n", "n"], True),
    "weibull": (lambda t, tau, b: 1 - np.exp(-(t / tau) ** b), [30.0, 0.8], ["tau_h", "beta"], False),
}
bad = []
aic = {}
for name, (fn, p0, pn, restricted) in models.items():
    m = y <= 0.6 if restricted else np.ones_like(y, bool)
    p, cov = curve_fit(fn, t[m], y[m], p0=p0, sigma=sd[m], absolute_sigma=False, method="lm",
                       ftol=1e-15, xtol=1e-15, gtol=1e-15, maxfev=100000)
    se = np.sqrt(np.diag(cov))
    r = (fn(t[m], *p) - y[m]) / sd[m]
    n, k = int(m.sum()), len(p)
    rss = float(r @ r)
    a = n * np.log(rss / n) + 2 * k
    if not restricted:
        aic[name] = a
    g = out["models"][name]
    if g["n_points"] != n:
        bad.append(f"{name}: n {g['n_points']} vs {n}")
    for i, key in enumerate(pn):
        v, s = g["parameters"][key]["value"], g["parameters"][key]["se"]
        if abs(v - p[i]) > 1e-4 * abs(p[i]):
            bad.append(f"{name}.{key} = {v} vs scipy {p[i]}")
        if abs(s - se[i]) > 1e-2 * abs(se[i]):
            bad.append(f"{name}.{key} SE = {s} vs scipy {se[i]}")
    if abs(g["aic"] - a) > 1e-6 * max(1, abs(a)):
        bad.append(f"{name} AIC {g['aic']} vs {a}")
best = min(aic, key=aic.get)
if out["best"] != best:
    bad.append(f"best {out['best']} vs scipy {best}")
print("\n".join(bad) if bad else "ok")
PY
cmp_out=$("$PYTHON" "$WORK/cf.py" "$WORK/fit.json" "$WORK/rel.csv" 2>&1)
[ "$cmp_out" = "ok" ] && pass "5 models: parameters (1e-4), SEs (1e-2), AIC and best match scipy curve_fit" || fail "scipy comparison: $cmp_out"
json_check "$WORK/fit.json" "j['fit']['best'] == 'weibull'" "AIC picks the generating Weibull model"
json_check "$WORK/fit.json" "j['fit']['models']['peppas']['n_points'] == sum(1 for x in open('$WORK/rel.csv').read().split()[1:] if float(x.split(',')[1]) <= 0.6)" "Peppas fitted on F <= 0.6 only"

# The JSON form of the same data gives the same fit, plus the predicted release of 75 mg.
run_sirt fitj deb fit "$WORK/rel.json" --json "$WORK/fitj.json"
expect_rc 0 "fit JSON input"
json_check "$WORK/fitj.json" "approx(j['fit']['models']['weibull']['parameters']['tau_h']['value'], json.load(open('$WORK/fit.json'))['fit']['models']['weibull']['parameters']['tau_h']['value'], 1e-12)" "JSON and CSV inputs agree"
# prediction: released = 75 mg · (1 − exp(−(t/τ)^β)) with the fitted τ, β; beads 75/37.5 = 2 mL
json_check "$WORK/fitj.json" "(lambda p, w: all(approx(m, 75*(1-math.exp(-(t/w['tau_h']['value'])**w['beta']['value'])), 1e-12) for t, m in zip(p['time_h'][1:], p['released_mg'][1:])))(j['prediction'], j['fit']['models']['weibull']['parameters'])" "prediction mg = dose·F(t)"
json_check "$WORK/fitj.json" "j['prediction']['beads_ml'] == 2 and j['prediction']['vials'] == 1 and j['prediction']['rate_mg_per_h'][0] is None" "2 mL beads, 1 vial; infinite rate at t=0 is null"
run_sirt one deb fit "$WORK/rel.csv" --model first_order --json "$WORK/one.json"
json_check "$WORK/one.json" "list(j['fit']['models']) == ['first_order'] and j['fit']['best'] == 'first_order'" "--model first_order fits one model"

# ---- PK window against scipy.integrate.solve_ivp ---------------------------------------
cat >"$WORK/pk1.json" <<'JSON'
{"format": "sirtkit-deb/1",
 "release": {"model": "first_order", "parameters": {"k1_per_h": 0.08}},
 "dose": {"product": "dc_bead", "dose_mg": 75},
 "pk": {"v_l": 700, "cl_l_per_h": 50, "threshold_ng_per_ml": 5,
        "local": {"volume_ml": 250, "washout_per_h": 0.3, "target_ng_per_ml": 1000},
        "t_end_h": 96, "step_h": 0.25}}
JSON
cat >"$WORK/pk2.json" <<'JSON'
{"format": "sirtkit-deb/1",
 "release": {"model": "weibull", "parameters": {"tau_h": 20, "beta": 1.4}},
 "dose": {"dose_mg": 150},
 "pk": {"model": "two_compartment", "v_l": 20, "k_el_per_h": 0.5, "k12_per_h": 0.8,
        "k21_per_h": 0.1, "t_end_h": 240, "step_h": 0.5}}
JSON
run_sirt pk1 deb pk "$WORK/pk1.json" --json "$WORK/pk1.out.json"
expect_rc 0 "pk one compartment + local"
expect_grep "$WORK/pk1.out" "ng/mL" "PK text has ng/mL"
expect_grep "$WORK/pk1.out" "ng·h/mL" "PK text has AUC unit"
run_sirt pk2 deb pk "$WORK/pk2.json" --json "$WORK/pk2.out.json"
expect_rc 0 "pk two compartments"
# Tolerance 1e-6: both integrate the same linear ODEs with error control far below it
# (GSL rk8pd rel 1e-10 on the shifted state A − D·F; DOP853 rtol 1e-12 on the direct form
# with the rate D·F'(t)); the time above a level uses the same 0.25 h grid interpolation.
cat >"$WORK/ivp.py" <<'PY'
import json, sys
import numpy as np
from scipy.integrate import solve_ivp
bad = []
# Case 1: first order k1 0.08/h, 75 mg → local (250 mL, 0.3/h) → plasma (700 L, CL 50 L/h).
j = json.load(open(sys.argv[1]))
D, k1, kw, V, k, VL = 75.0, 0.08, 0.3, 700.0, 50.0 / 700.0, 250.0
def f1(t, y):
    al, a1, auc = y
    return [D * k1 * np.exp(-k1 * t) - kw * al, kw * al - k * a1, a1]
tt = np.array(j["profile"]["time_h"])
s = solve_ivp(f1, (0, 96), [0, 0, 0], method="DOP853", rtol=1e-12, atol=1e-14, t_eval=tt)
cp = s.y[1] / V * 1000
cl = s.y[0] / VL * 1e6
for ti in (1, 6, 24, 72):
    i = int(round(ti / 0.25))
    if abs(j["profile"]["plasma_ng_per_ml"][i] - cp[i]) > 1e-6 * cp[i]:
        bad.append(f"plasma({ti}) {j['profile']['plasma_ng_per_ml'][i]} vs {cp[i]}")
    if abs(j["profile"]["local_ng_per_ml"][i] - cl[i]) > 1e-6 * cl[i]:
        bad.append(f"local({ti}) {j['profile']['local_ng_per_ml'][i]} vs {cl[i]}")
auc = s.y[2][-1] / V * 1000
if abs(j["auc_ng_h_per_ml"] - auc) > 1e-6 * auc:
    bad.append(f"AUC {j['auc_ng_h_per_ml']} vs {auc}")
if abs(j["cmax_ng_per_ml"] - cp.max()) > 1e-6 * cp.max() or j["tmax_h"] != tt[cp.argmax()]:
    bad.append(f"Cmax {j['cmax_ng_per_ml']} at {j['tmax_h']} vs {cp.max()} at {tt[cp.argmax()]}")
def above(c, level):
    tot = 0.0
    for i in range(len(tt) - 1):
        a, b, dt = c[i] - level, c[i + 1] - level, tt[i + 1] - tt[i]
        if a > 0 and b > 0: tot += dt
        elif a > 0: tot += dt * a / (a - b)
        elif b > 0: tot += dt * b / (b - a)
    return tot
ta = above(cp, 5.0)
if abs(j["time_above_threshold_h"] - ta) > 1e-4 * ta:
    bad.append(f"time above 5 ng/mL {j['time_above_threshold_h']} vs {ta}")
tl = above(cl, 1000.0)
if abs(j["local"]["time_above_target_h"] - tl) > 1e-4 * tl:
    bad.append(f"local time above {j['local']['time_above_target_h']} vs {tl}")
# Case 2: Weibull τ 20 h, β 1.4 (finite rate), 150 mg → two compartments.
j = json.load(open(sys.argv[2]))
D, tau, b, V1, k10, k12, k21 = 150.0, 20.0, 1.4, 20.0, 0.5, 0.8, 0.1
def rate(t):
    u = (t / tau) ** b
    return D * b / t * u * np.exp(-u) if t > 0 else 0.0
def f2(t, y):
    a1, a2, auc = y
    return [rate(t) - (k10 + k12) * a1 + k21 * a2, k12 * a1 - k21 * a2, a1]
tt = np.array(j["profile"]["time_h"])
s = solve_ivp(f2, (0, 240), [0, 0, 0], method="DOP853", rtol=1e-12, atol=1e-14, t_eval=tt)
cp = s.y[0] / V1 * 1000
for ti in (2, 12, 48, 200):
    i = int(round(ti / 0.5))
    if abs(j["profile"]["plasma_ng_per_ml"][i] - cp[i]) > 1e-6 * cp[i]:
        bad.append(f"2-comp plasma({ti}) {j['profile']['plasma_ng_per_ml'][i]} vs {cp[i]}")
auc = s.y[2][-1] / V1 * 1000
if abs(j["auc_ng_h_per_ml"] - auc) > 1e-6 * auc:
    bad.append(f"2-comp AUC {j['auc_ng_h_per_ml']} vs {auc}")
print("\n".join(bad) if bad else "ok")
PY
ivp_out=$("$PYTHON" "$WORK/ivp.py" "$WORK/pk1.out.json" "$WORK/pk2.out.json" 2>&1)
[ "$ivp_out" = "ok" ] && pass "PK (1- and 2-compartment, local) matches solve_ivp: C(t), AUC, Cmax, time above" || fail "solve_ivp comparison: $ivp_out"

# PK from fitted data uses the best model.
"$PYTHON" - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
d = json.load(open(f"{w}/rel.json"))
d["pk"] = {"v_l": 700, "cl_l_per_h": 50, "t_end_h": 168, "step_h": 1}
del d["prediction"]
json.dump(d, open(f"{w}/pkfit.json", "w"))
PY
run_sirt pkf deb pk "$WORK/pkfit.json" --json "$WORK/pkf.json"
expect_rc 0 "pk on fitted data"
json_check "$WORK/pkf.json" "j['release']['model'] == j['fit']['best'] == 'weibull'" "PK uses the best fitted model"
json_check "$WORK/pkf.json" "approx(j['profile']['released_mg'][-1], 75*(1-math.exp(-(168/j['release']['parameters']['tau_h']['value'])**j['release']['parameters']['beta']['value'])), 1e-12)" "released mg at 168 h = dose·F"

run_sirt badm deb fit "$SIRT_SOURCE_DIR/examples/deb/release.csv" --model hixson --json "$WORK/badm.json"
expect_rc 1 "unknown --model"
expect_grep "$WORK/badm.err" '--model: "hixson" is not a release model' "unknown model named"
[ ! -e "$WORK/badm.json" ] && pass "no output left (unknown model)" || fail "output left (unknown model)"

# ---- the examples run as documented (examples/deb/README.md) -------------------------------
EX="$SIRT_SOURCE_DIR/examples/deb"
run_sirt ex1 deb fit "$EX/release.csv" --model all --dose-mg 75 --product dc_bead
expect_rc 0 "example: fit CSV with a prediction"
run_sirt ex2 deb pk "$EX/release-pk.json" --json "$WORK/ex2.json"
expect_rc 0 "example: pk"
json_check "$WORK/ex2.json" "j['release']['model'] == 'weibull' and j['local']['cmax_ng_per_ml'] > 0" "example PK uses the Weibull fit"

# ---- bad inputs: exit 1, the field named, no output file left -----------------------------
while IFS=$'\t' read -r file sub extra want; do
  case "$file" in ''|'#'*) continue ;; esac
  rm -f "$WORK/bad.json"
  [ "$extra" = "-" ] && extra=""
  # shellcheck disable=SC2086
  run_sirt bad deb "$sub" "$BAD/$file" $extra --json "$WORK/bad.json"
  expect_rc 1 "bad input $file ($sub $extra)"
  expect_grep "$WORK/bad.err" "$want" "$file: error names '$want'"
  [ ! -e "$WORK/bad.json" ] && pass "$file: no output left" || fail "$file: output left behind"
  [ ! -s "$WORK/bad.out" ] && pass "$file: nothing on stdout" || fail "$file: stdout not empty"
done <"$BAD/expected.tsv"
finish
