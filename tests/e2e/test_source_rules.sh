#!/usr/bin/env bash
# Source rules (checksrc-style): banned functions, layering of the stages, and every
# public function prefixed sirt_. Fails with the offending lines.
. "$(dirname "$0")/lib.sh"
cd "$SIRT_SOURCE_DIR"

# 1. Banned functions: unchecked conversions, unbounded copies, global-state RNG/tokenizer.
banned=$(find src cli include tests/unit tests/fuzz -name '*.[ch]' -o -name '*.cpp' 2>/dev/null | xargs perl -ne '
  my $l = $_; $l =~ s{/\*.*?\*/}{}g; $l =~ s{//.*}{}; $l =~ s{"(?:[^"\\]|\\.)*"}{""}g;
  print "$ARGV:$.: $_" if $l =~ /\b(atoi|atol|atof|sprintf|vsprintf|strcpy|strcat|strtok|rand|srand|gets)\s*\(/;
  close ARGV if eof;')
[ -z "$banned" ] && pass "no banned functions" || fail "banned functions used:
$banned"

# 2. Layering: a stage includes only stages on its left (core → catalogue → io → plan → analysis → report).
order="core catalogue io phantom plan dose analysis report store run"
rank() { local i=0; for s in $order; do [ "$s" = "$1" ] && { echo $i; return; }; i=$((i+1)); done; echo -1; }
viol=""
for f in $(find src -name '*.[ch]' -o -name '*.cpp'); do
  st=$(echo "$f" | cut -d/ -f2); r=$(rank "$st"); [ "$r" -ge 0 ] || continue
  for inc in $(grep -oE '#include *"[^"]+"' "$f" | sed -E 's/#include *"([^"]+)"/\1/'); do
    s=${inc%%/*}; [ "$s" = "$inc" ] && continue
    ri=$(rank "$s"); [ "$ri" -gt "$r" ] && viol="$viol $f→$inc"
  done
done
[ -z "$viol" ] && pass "stages include only stages on their left" || fail "layering:$viol"

# 3. Public headers declare only sirt_-prefixed functions.
bad=$(grep -hE '^[a-z_ ]+\**[a-z_]+\(' include/sirt/*.h | grep -vE '^\s*(static|typedef)|__attribute__' | grep -vE '\bsirt_[a-z0-9_]+\(' || true)
[ -z "$bad" ] && pass "public functions are prefixed sirt_" || fail "unprefixed public functions: $bad"
finish
