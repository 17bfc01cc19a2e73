#!/usr/bin/env bash
# Install into a fresh prefix, then use it as a new user would: the installed sirt finds the
# installed catalogue and rules, and a C program builds against the library with pkg-config.
. "$(dirname "$0")/lib.sh"
prefix="$WORK/prefix"
cmake -S "$SIRT_SOURCE_DIR" -B "$WORK/build" -G Ninja -DBUILD_TESTING=OFF \
  -DCMAKE_INSTALL_PREFIX="$prefix" >"$WORK/cmake.log" 2>&1 &&
  cmake --build "$WORK/build" >>"$WORK/cmake.log" 2>&1 &&
  cmake --install "$WORK/build" >>"$WORK/cmake.log" 2>&1
RC=$?; expect_rc 0 "configure, build and install into $prefix"
[ "$RC" -eq 0 ] || { tail -20 "$WORK/cmake.log" >&2; finish; }
rm -rf "$WORK/build"   # the installed copy must not depend on the build tree
for f in bin/sirt include/sirt/sirt.h share/sirtkit/catalogue.json share/sirtkit/rules.json; do
  [ -e "$prefix/$f" ] && pass "installed $f" || fail "missing $f"
done
ls "$prefix"/lib*/libsirt.so* >/dev/null 2>&1 && pass "shared library installed" || fail "no shared library"
ls "$prefix"/lib*/libsirt.a >/dev/null 2>&1 && pass "static library installed" || fail "no static library"

env -u SIRT_DATA_DIR "$prefix/bin/sirt" plan "$SIRT_SOURCE_DIR/examples/ho166.json" --json "$WORK/ho.json" --quiet
RC=$?; expect_rc 0 "installed sirt plans with the installed data"
json_check "$WORK/ho.json" "approx(j['activity']['total_activity_gbq'], 5.671, 1e-3)" "installed sirt: 166Ho 5.671 GBq"

pc=$(ls -d "$prefix"/lib*/pkgconfig | head -1)
cflags_libs=$(PKG_CONFIG_PATH="$pc" pkg-config --cflags --libs sirt) && pass "pkg-config knows sirt" || fail "pkg-config sirt"
cc -std=c11 -Wall -Wextra -Werror "$SIRT_SOURCE_DIR/examples/api/plan_case.c" $cflags_libs \
  -Wl,-rpath,"$(dirname "$(ls "$prefix"/lib*/libsirt.so | head -1)")" -o "$WORK/plan_case" 2>"$WORK/cc.log"
RC=$?; expect_rc 0 "examples/api/plan_case.c builds against the installed library"
[ "$RC" -eq 0 ] || cat "$WORK/cc.log" >&2
env -u SIRT_DATA_DIR "$WORK/plan_case" "$SIRT_SOURCE_DIR/examples/partition-ho1996.json" >"$WORK/api.out" 2>&1
RC=$?; expect_rc 0 "the API example runs"
expect_grep "$WORK/api.out" "total activity 1.838 GBq" "API example: partition 1.838 GBq"
finish
