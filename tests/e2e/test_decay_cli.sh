#!/usr/bin/env bash
# sirt decay: domain §4 reference values through the CLI, and its input errors.
. "$(dirname "$0")/lib.sh"

# Sunday 12:00 EST → Wednesday 10:00 EST = 70 h; 90Y (64.1 h): exp(−ln2·70/64.1) = 0.4691;
# 7 GBq → 3.284 GBq (domain §4).
run_sirt w decay 90Y --from 2026-11-22T12:00:00-05:00 --to 2026-11-25T10:00:00-05:00 --activity-gbq 7 --json
expect_rc 0 "decay 70 h"
cp "$WORK/w.out" "$WORK/w.json"
json_check "$WORK/w.json" "approx(j['elapsed_h'], 70, 1e-12)" "70 h elapsed"
json_check "$WORK/w.json" "approx(j['decay_factor'], 0.4691, 1e-4)" "decay factor 0.4691"
json_check "$WORK/w.json" "approx(j['activity_to_gbq'], 3.284, 1e-3)" "7 GBq -> 3.284 GBq"
# Same instant written in two zones: the US DST switch (2026-03-08) is carried by the offsets:
# 2026-03-07T12:00-05:00 (EST) to 2026-03-09T13:00-04:00 (EDT) is 48 h, not 49 h.
run_sirt dst decay therasphere --from 2026-03-07T12:00-05:00 --to 2026-03-09T13:00-04:00 --json
expect_rc 0 "decay across the DST switch"
cp "$WORK/dst.out" "$WORK/dst.json"
json_check "$WORK/dst.json" "approx(j['elapsed_h'], 48, 1e-12)" "48 h across the DST switch"
# 94.2% of 90Y decays within 11 days (domain §4; Sirtex: 94% within 11 days).
run_sirt d11 decay Y-90 --from 2026-11-22T12:00Z --to 2026-12-03T12:00Z --json
cp "$WORK/d11.out" "$WORK/d11.json"
json_check "$WORK/d11.json" "approx(j['fraction_of_decays_between'], 0.942, 1e-3)" "94.2% of decays in 11 d"
# 166Ho over 24 h → 0.5376 (domain §4).
run_sirt ho decay Ho-166 --from 2026-11-22T12:00Z --to 2026-11-23T12:00Z --json
cp "$WORK/ho.out" "$WORK/ho.json"
json_check "$WORK/ho.json" "approx(j['decay_factor'], 0.5376, 1e-3)" "166Ho 24 h: 0.5376"

run_sirt notz decay Y-90 --from 2026-11-22T12:00 --to 2026-11-23T12:00Z
expect_rc 1 "a date-time without zone is refused"
expect_grep "$WORK/notz.err" "--from" "names --from"
run_sirt neg decay Y-90 --from 2026-11-22T12:00Z --to 2026-11-23T12:00Z --activity-gbq -3
expect_rc 1 "negative activity refused"
expect_grep "$WORK/neg.err" "--activity-gbq" "names --activity-gbq"
run_sirt nan decay Y-90 --from 2026-11-22T12:00Z --to 2026-11-23T12:00Z --activity-gbq nan
expect_rc 1 "NaN activity refused"
run_sirt unk decay Zz-1 --from 2026-11-22T12:00Z --to 2026-11-23T12:00Z
expect_rc 1 "unknown nuclide"
expect_grep "$WORK/unk.err" "Zz-1" "unknown nuclide named"
run_sirt use decay Y-90 --from 2026-11-22T12:00Z
expect_rc 2 "missing --to is a usage error"
finish
