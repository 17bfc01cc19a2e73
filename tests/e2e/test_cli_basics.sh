#!/usr/bin/env bash
# The command line's contract: --help, --version, usage errors exit 2.
. "$(dirname "$0")/lib.sh"

run_sirt version --version;        expect_rc 0 "--version"
expect_grep "$WORK/version.out" "sirt 0." "--version prints the version"
run_sirt help --help;              expect_rc 0 "--help"
expect_grep "$WORK/help.out" "plan" "--help lists the plan command"
expect_grep "$WORK/help.out" "catalogue" "--help lists the catalogue command"
run_sirt none;                     expect_rc 2 "no command is a usage error"
run_sirt unknown frobnicate;       expect_rc 2 "unknown command"
expect_grep "$WORK/unknown.err" "unknown command 'frobnicate'" "unknown command named"
run_sirt planhelp plan --help;     expect_rc 0 "plan --help"
expect_grep "$WORK/planhelp.out" "--override RULE" "plan --help documents --override"
run_sirt cathelp catalogue --help; expect_rc 0 "catalogue --help"
run_sirt noarg plan;               expect_rc 2 "plan without a case file"
run_sirt badopt plan x.json --frob; expect_rc 2 "plan with an unknown option"
expect_grep "$WORK/badopt.err" "unknown option '--frob'" "unknown option named"
run_sirt noreason plan x.json --override lung_dose_single; expect_rc 2 "--override without --reason"
run_sirt nojsonval plan x.json --json; expect_rc 2 "--json without a value"
run_sirt missing plan "$WORK/does-not-exist.json"; expect_rc 1 "a case file that does not exist"
expect_grep "$WORK/missing.err" "does-not-exist.json" "missing file is named"
finish
