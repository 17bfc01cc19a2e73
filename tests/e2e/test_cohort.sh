#!/usr/bin/env bash
# sirt cohort end to end: a synthetic cohort (fixed seed) fitted by sirt and, on the
# same data, by scipy; the plot decoded with PIL; bad inputs refused without output.
. "$(dirname "$0")/lib.sh"

# Under AddressSanitizer: fontconfig (loaded by cairo for the plot's text) keeps a font
# pattern cached for the life of the process and never frees it; that one-time cache is
# third-party code, not a leak of ours, so LeakSanitizer is told to ignore it there only.
printf 'leak:libfontconfig.so\n' >"$WORK/lsan.supp"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$WORK/lsan.supp"

# 1. A realistic cohort: 80 lesions in 30 patients (1-6 lesions each), lesion doses
#    log-normal around 150 Gy (geometric SD e^0.5), response drawn from a logistic with
#    true D50 = 150 Gy and b1 = 0.025 /Gy (γ50 = 150·0.025/4 ≈ 0.94, a shallow curve as
#    in Dewaraja 2020). Written as JSON and as CSV (same numbers, repr round-trips).
"$PYTHON" - "$WORK" <<'PY'
import json, sys
import numpy as np
work = sys.argv[1]
rng = np.random.default_rng(20200104)
sizes = rng.integers(1, 5, 30)          # 1-4 lesions, then nudged to exactly 80 (max 6)
while sizes.sum() != 80:
    k = rng.integers(0, 30)
    if sizes.sum() < 80 and sizes[k] < 6:
        sizes[k] += 1
    elif sizes.sum() > 80 and sizes[k] > 1:
        sizes[k] -= 1
recs = []
for p, k in enumerate(sizes):
    for l in range(k):
        d = round(float(rng.lognormal(np.log(150.0), 0.5)), 3)
        pr = 1.0 / (1.0 + np.exp(-0.025 * (d - 150.0)))
        recs.append({"patient_id": "P%02d" % p, "lesion_id": "L%d" % l, "dose_gy": d,
                     "response": ("CR" if rng.random() < 0.3 else "PR") if rng.random() < pr
                                 else ("SD" if rng.random() < 0.6 else "PD")})
json.dump({"format": "sirtkit-cohort/1", "metric": "dose_gy", "outcome": "response",
           "responder_classes": ["CR", "PR"], "records": recs},
          open(work + "/cohort.json", "w"), indent=1)
with open(work + "/cohort.csv", "w") as f:
    f.write("# same cohort as cohort.json\npatient_id,lesion_id,dose_gy,response\n")
    for r in recs:
        f.write("%s,%s,%r,%s\n" % (r["patient_id"], r["lesion_id"], r["dose_gy"], r["response"]))
PY

run_sirt fit cohort "$WORK/cohort.json" --json "$WORK/fit.json" --png "$WORK/fit.png" \
    --width 1000 --height 700
expect_rc 0 "cohort.json fitted"
expect_grep "$WORK/fit.out" "D50" "text output names D50"
expect_grep "$WORK/fit.out" "Gy, 95 % CI" "text output gives D50 in Gy with its CI"
json_check "$WORK/fit.json" "j['ci']['method'] == 'cluster-bootstrap' and j['clustered'] and j['n_patients'] == 30" \
    "several lesions per patient: cluster bootstrap by default"

# 2. The same likelihood maximised by scipy (trust-exact with the exact Hessian), polished
#    by Newton steps in numpy until the Newton decrement is < 1e-18. Both are converged MLEs of one concave likelihood, so
#    coefficients agree to ~1e-10 relative; 1e-6 leaves room for platform rounding and
#    still fails on any wrong formula (e.g. D80 with logit 0.75 would be off by ~20 %).
check_scipy() { # check_scipy FIT.json MODEL  (MODEL: dose or log)
  "$PYTHON" - "$WORK/cohort.json" "$1" "$2" <<'PY'
import json, math, sys
import numpy as np
from scipy.optimize import minimize
from scipy.stats import mannwhitneyu
cohort, fit, model = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
d = np.array([r["dose_gy"] for r in cohort["records"]])
y = np.array([1.0 if r["response"] in ("CR", "PR") else 0.0 for r in cohort["records"]])
x = np.log(d) if model == "log" else d
X = np.column_stack([np.ones_like(x), x])
def nll(b):
    e = X @ b
    return float(np.sum(np.logaddexp(0.0, e) - y * e))
def grad(b):
    p = 1.0 / (1.0 + np.exp(-(X @ b)))
    return X.T @ (p - y)
def hess(b):
    p = 1.0 / (1.0 + np.exp(-(X @ b)))
    return X.T @ (X * (p * (1 - p))[:, None])
start = np.array([-np.mean(x) * 0.01, 0.01]) if model != "log" else np.array([-5.0, 1.0])
res = minimize(nll, start, jac=grad, hess=hess, method="trust-exact", options={"gtol": 1e-9})
b = res.x
for _ in range(3):                       # polish: plain Newton steps with numpy
    b = b - np.linalg.solve(hess(b), grad(b))
g = grad(b)
decrement = float(g @ np.linalg.solve(hess(b), g))   # predicted gain left in the likelihood
b0, b1 = b
cov = np.linalg.inv(hess(b))
tx = (lambda v: math.exp(v)) if model == "log" else (lambda v: v)
d50, d80 = tx(-b0 / b1), tx((math.log(4.0) - b0) / b1)
u = mannwhitneyu(d[y == 1], d[y == 0], alternative="two-sided").statistic
auc = u / (np.sum(y == 1) * np.sum(y == 0))
# Youden by brute force: thresholds = observed doses, rule dose >= t, lowest t if tied.
best = None
for t in np.unique(d):
    se = np.mean(d[y == 1] >= t); sp = np.mean(d[y == 0] < t)
    if best is None or se + sp - 1 > best[0]:
        best = (se + sp - 1, t, se, sp)
checks = {
    "b0": (fit["fit"]["b0"], b0, 1e-6), "b1": (fit["fit"]["b1"], b1, 1e-6),
    "se_b1": (fit["fit"]["se_b1"], math.sqrt(cov[1, 1]), 1e-5),
    "D50": (fit["d50"]["dose_gy"], d50, 1e-6), "D80": (fit["d80"]["dose_gy"], d80, 1e-6),
    "loglik": (fit["fit"]["log_likelihood"], -nll(b), 1e-9),
    "youden_threshold": (fit["roc"]["youden_threshold_gy"], best[1], 0.0),
    "youden_j": (fit["roc"]["youden_j"], best[0], 1e-12),
}
bad = [k for k, (a, b, tol) in checks.items() if not abs(a - b) <= tol * abs(b)]
# AUC: both are U/(n1·n0) with U a sum of halves, exact in binary: compare exactly.
if fit["roc"]["auc"] != auc:
    bad.append("auc %r != %r" % (fit["roc"]["auc"], auc))
if not decrement < 1e-18:
    bad.append("scipy/numpy fit not converged: Newton decrement %g" % decrement)
for k, (a, b, tol) in checks.items():
    print("  %-16s sirt %.12g scipy %.12g" % (k, a, b))
print("  auc              sirt %r scipy %r" % (fit["roc"]["auc"], auc))
print("MISMATCH " + ", ".join(bad) if bad else "OK")
PY
}
out=$(check_scipy "$WORK/fit.json" dose)
echo "$out"
case "$out" in *OK) pass "dose model: b0, b1, SE, D50, D80, log-likelihood, AUC, Youden match scipy" ;;
                *) fail "dose model differs from scipy" ;; esac

run_sirt logfit cohort "$WORK/cohort.json" --model log-dose --ci delta --json "$WORK/log.json"
expect_rc 0 "log-dose model fitted"
out=$(check_scipy "$WORK/log.json" log)
echo "$out"
case "$out" in *OK) pass "log-dose model matches scipy" ;; *) fail "log-dose model differs from scipy" ;; esac
json_check "$WORK/log.json" "any(w['rule'] == 'cohort_clustered' for w in j['warnings'])" \
    "delta interval on clustered lesions warns that clustering is ignored"

# 3. Profile likelihood: at each reported bound the profile deviance (maximised over the
#    slope by scipy) equals the χ²₁ 95 % quantile 3.8415 (to 1e-6: the bounds come from a
#    root search to 1e-12 relative).
run_sirt prof cohort "$WORK/cohort.json" --ci profile --json "$WORK/prof.json" --quiet
expect_rc 0 "profile-likelihood interval"
out=$("$PYTHON" - "$WORK/cohort.json" "$WORK/prof.json" <<'PY'
import json, math, sys
import numpy as np
from scipy.optimize import minimize_scalar
from scipy.stats import chi2
cohort, fit = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
d = np.array([r["dose_gy"] for r in cohort["records"]])
y = np.array([1.0 if r["response"] in ("CR", "PR") else 0.0 for r in cohort["records"]])
def ll(b0, b1):
    e = b0 + b1 * d
    return float(np.sum(y * e - np.logaddexp(0.0, e)))
lhat = fit["fit"]["log_likelihood"]
crit = chi2.ppf(0.95, 1)
bad = []
for key, L in (("d50", 0.0), ("d80", math.log(4.0))):
    for side in ("ci_lo_gy", "ci_hi_gy"):
        xp = fit[key][side]
        r = minimize_scalar(lambda b1: -ll(L - b1 * xp, b1), bounds=(1e-6, 1.0), method="bounded",
                            options={"xatol": 1e-12})
        dev = 2 * (lhat + r.fun)
        print("  %s %s = %.6f Gy: deviance %.9f" % (key, side, xp, dev))
        if abs(dev - crit) > 1e-6:
            bad.append("%s %s" % (key, side))
    if not fit[key]["ci_lo_gy"] < fit[key]["dose_gy"] < fit[key]["ci_hi_gy"]:
        bad.append(key + " not bracketed")
print("MISMATCH " + ", ".join(bad) if bad else "OK")
PY
)
echo "$out"
case "$out" in *OK) pass "profile bounds sit at deviance 3.8415" ;; *) fail "profile bounds" ;; esac

# 4. Bootstrap: reproducible with its seed, brackets the estimates, counts replicates.
run_sirt fit2 cohort "$WORK/cohort.json" --json "$WORK/fit2.json" --quiet
if cmp -s "$WORK/fit.json" "$WORK/fit2.json"; then pass "same seed, identical JSON"; else fail "bootstrap not reproducible"; fi
run_sirt fit3 cohort "$WORK/cohort.json" --seed 7 --bootstrap 500 --json "$WORK/fit3.json" --quiet
json_check "$WORK/fit3.json" "j['ci']['seed'] == 7 and j['ci']['n_used'] + j['ci']['n_separated'] == 500" \
    "seed and replicate count recorded"
json_check "$WORK/fit.json" "j['d50']['ci_lo_gy'] < j['d50']['dose_gy'] < j['d50']['ci_hi_gy'] and j['d80']['ci_lo_gy'] < j['d80']['dose_gy'] < j['d80']['ci_hi_gy'] and j['roc']['auc_ci_lo'] < j['roc']['auc'] < j['roc']['auc_ci_hi']" \
    "bootstrap intervals bracket D50, D80 and AUC"
json_check "$WORK/fit.json" "abs(j['d50']['dose_gy'] - 150) < 40" "D50 near the true 150 Gy"

# 5. CSV of the same cohort gives the same fit.
run_sirt csv cohort "$WORK/cohort.csv" --json "$WORK/csv.json" --quiet
expect_rc 0 "cohort.csv fitted"
"$PYTHON" - "$WORK/fit.json" "$WORK/csv.json" <<'PY' && pass "CSV and JSON give the same fit" || fail "CSV and JSON fits differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["fit"]["b0"] == b["fit"]["b0"] and a["fit"]["b1"] == b["fit"]["b1"], (a["fit"], b["fit"])
assert a["d50"] == b["d50"] and a["roc"] == b["roc"]
PY

# 6. The PNG: decodes, has the requested size, and the plot area is drawn on.
"$PYTHON" - "$WORK/fit.png" <<'PY' && pass "PNG decodes, 1000x700, plot area not blank" || fail "PNG check"
import sys
from PIL import Image
im = Image.open(sys.argv[1])
im.load()
assert im.format == "PNG" and im.size == (1000, 700), (im.format, im.size)
rgb = im.convert("RGB")
w, h = rgb.size
# Interior of the plot frame (margins scale with the size: 90/900 left, 60/600 top).
box = rgb.crop((int(0.12 * w), int(0.12 * h), int(0.95 * w), int(0.85 * h)))
px = list(box.getdata())
colours = len(set(px))
nonwhite = sum(1 for p in px if p != (255, 255, 255)) / len(px)
red = sum(1 for r, g, b in px if r > 150 and g < 120 and b < 100)   # responder marks
blue = sum(1 for r, g, b in px if b > 150 and r < 100)              # non-responder marks
print("  colours %d, non-white %.3f, red px %d, blue px %d" % (colours, nonwhite, red, blue))
assert colours > 50 and 0.01 < nonwhite < 0.6 and red > 200 and blue > 200
PY

# 7. Toxicity outcome, per patient (no clustering: ordinary bootstrap), small cohort.
cat >"$WORK/tox.json" <<'EOF'
{"format": "sirtkit-cohort/1", "metric": "normal_liver_mean_dose_gy", "outcome": "toxicity",
 "records": [
  {"patient_id": "A", "normal_liver_mean_dose_gy": 20, "toxicity": false},
  {"patient_id": "B", "normal_liver_mean_dose_gy": 30, "toxicity": false},
  {"patient_id": "C", "normal_liver_mean_dose_gy": 35, "toxicity": true},
  {"patient_id": "D", "normal_liver_mean_dose_gy": 40, "toxicity": false},
  {"patient_id": "E", "normal_liver_mean_dose_gy": 50, "toxicity": true},
  {"patient_id": "F", "normal_liver_mean_dose_gy": 55, "toxicity": false},
  {"patient_id": "G", "normal_liver_mean_dose_gy": 60, "toxicity": true},
  {"patient_id": "H", "normal_liver_mean_dose_gy": 70, "toxicity": true}]}
EOF
run_sirt tox cohort "$WORK/tox.json" --json "$WORK/tox.json.out" --png "$WORK/tox.png" --log-axis
expect_rc 0 "toxicity cohort fitted"
expect_grep "$WORK/tox.out" "only 8 records" "fewer than 10 records warns"
json_check "$WORK/tox.json.out" "j['outcome'] == 'toxicity' and j['ci']['method'] == 'bootstrap' and not j['clustered'] and j['metric'] == 'normal_liver_mean_dose_gy'" \
    "toxicity, one record per patient: ordinary bootstrap, metric kept"

# 8. Bad inputs: exit 1, the error names the field or line, no output file left.
while IFS=$'\t' read -r file expected; do
  case "$file" in '#'*|'') continue ;; esac
  rm -f "$WORK/bad.json" "$WORK/bad.png"
  run_sirt bad cohort "$SIRT_SOURCE_DIR/tests/data/cohort-bad/$file" --json "$WORK/bad.json" --png "$WORK/bad.png"
  if [ "$RC" -eq 1 ] && grep -qF -- "$expected" "$WORK/bad.err" && [ ! -e "$WORK/bad.json" ] && [ ! -e "$WORK/bad.png" ]; then
    pass "bad input $file"
  else
    fail "bad input $file: exit $RC, stderr: $(cat "$WORK/bad.err"), expected: $expected"
  fi
done <"$SIRT_SOURCE_DIR/tests/data/cohort-bad/expected.tsv"
ls "$WORK"/*.tmp.* >/dev/null 2>&1 && fail "temporary files left" || pass "no temporary files left"

printf 'patient_id,dose_gy,outcome\nP1,0,0\nP2,50,1\nP3,80,0\nP4,120,1\n' >"$WORK/zero.csv"
run_sirt zero cohort "$WORK/zero.csv" --model log-dose --json "$WORK/zero.json"
expect_rc 1 "log-dose with a 0 Gy record refused"
expect_grep "$WORK/zero.err" "zero.csv: line 2: dose_gy = 0 Gy cannot be used with the log-dose model" "log-dose error names the file and line"
[ ! -e "$WORK/zero.json" ] && pass "no JSON after a failed fit" || fail "JSON left after a failed fit"
run_sirt zero-dose cohort "$WORK/zero.csv" --quiet
expect_rc 0 "the same file is fine with the dose model"

# 9. The examples run, and the CSV example gives the JSON example's numbers.
for f in lesions.json lesions.csv toxicity.json; do
  run_sirt "ex-$f" cohort "$SIRT_SOURCE_DIR/examples/cohort/$f" --json "$WORK/ex-$f.out.json" --quiet
  expect_rc 0 "example $f"
done
json_check "$WORK/ex-lesions.json.out.json" "abs(j['d50']['dose_gy'] - 292.9) < 0.05 and j['ci']['method'] == 'cluster-bootstrap'" \
    "lesions.json: D50 = 292.9 Gy as in docs/cli/cohort.md"
"$PYTHON" - "$WORK/ex-lesions.json.out.json" "$WORK/ex-lesions.csv.out.json" <<'PY' && pass "lesions.csv = lesions.json" || fail "lesions.csv and lesions.json differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["fit"] == b["fit"] and a["d50"] == b["d50"] and a["d80"] == b["d80"] and a["roc"] == b["roc"]
PY

# 10. Usage errors exit 2.
run_sirt u1 cohort;                                   expect_rc 2 "no file"
run_sirt u2 cohort "$WORK/cohort.json" --model logit; expect_rc 2 "unknown model"
run_sirt u3 cohort "$WORK/cohort.json" --bootstrap 5; expect_rc 2 "too few bootstrap replicates"
run_sirt u4 cohort "$WORK/cohort.json" --level 95;    expect_rc 2 "level given in percent"
run_sirt u5 cohort "$WORK/cohort.json" --json "$WORK/a" --png "$WORK/a"; expect_rc 2 "same output file twice"
finish
