#!/usr/bin/env bash
# fuzz.sh — the long fuzz run over the HTTP request parser, the response parser and the
# recording loader.
#   1. builds relay-fuzz in release and runs FUZZ_ITERATIONS (default 1,000,000) mutated inputs
#      per target from FUZZ_SEED (default 1): the same loop `swift test` runs 10k of;
#   2. with LIBFUZZER=1, also builds one libFuzzer binary per target (swiftc -sanitize=fuzzer,address,
#      RelayCore compiled in; binaries stay in .build/fuzz, never committed) and runs each for
#      LIBFUZZER_SECONDS (default 60) from the seed corpus. Crash inputs land in .build/fuzz/<target>/.
# Prints "N passed, N failed" (one per target and engine) and exits non-zero on any failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PASS=0; FAIL=0
ITER=${FUZZ_ITERATIONS:-1000000}
SEED=${FUZZ_SEED:-1}

echo "# building relay-fuzz (release)"
swift build -c release --product relay-fuzz >/dev/null 2>/tmp/relay-fuzz-build.err || { cat /tmp/relay-fuzz-build.err; echo "0 passed, 1 failed"; exit 1; }
for t in http-request http-response recording; do
  start=$(date +%s)
  if .build/release/relay-fuzz --target "$t" --iterations "$ITER" --seed "$SEED"; then
    echo "ok   - $t: $ITER inputs in $(( $(date +%s) - start )) s"; PASS=$((PASS+1))
  else
    echo "FAIL - $t"; FAIL=$((FAIL+1))
  fi
done

if [ "${LIBFUZZER:-0}" = 1 ]; then
  # libFuzzer ships with the Swift toolchain on Linux (-sanitize=fuzzer). Coverage-guided, so it
  # complements the seeded loop above; the checks are the same code.
  OUT=.build/fuzz
  mkdir -p "$OUT"
  .build/release/relay-fuzz --write-corpus "$OUT/seeds" || { echo "0 passed, 1 failed"; exit 1; }
  SOURCES=$(find Sources/RelayCore -name '*.swift' | sort)
  CHECKS="Sources/RelayTestSupport/Fuzz/FuzzRandom.swift Sources/RelayTestSupport/Fuzz/FuzzOutcome.swift
          Sources/RelayTestSupport/Fuzz/HTTPFuzzCheck.swift Sources/RelayTestSupport/Fuzz/RecordingFuzzCheck.swift"
  for t in http-request http-response recording; do
    flag=FUZZ_$(echo "$t" | tr 'a-z-' 'A-Z_')
    bin="$OUT/fuzz-$t"
    echo "# building $bin"
    # shellcheck disable=SC2086
    if ! swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name RelayCore -D "$flag" \
        $SOURCES $CHECKS tools/fuzz/LibFuzzerEntry.swift -o "$bin" 2>"$OUT/build-$t.err"; then
      grep -v "ld.gold: warning" "$OUT/build-$t.err" | head -20; echo "FAIL - libFuzzer $t (build)"; FAIL=$((FAIL+1)); continue
    fi
    mkdir -p "$OUT/$t/corpus"
    start=$(date +%s)
    if (cd "$OUT/$t" && "../fuzz-$t" -max_total_time="${LIBFUZZER_SECONDS:-60}" -max_len=8192 -print_final_stats=1 \
          corpus "../seeds/$t" >run.log 2>&1); then
      echo "ok   - libFuzzer $t: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$OUT/$t/run.log" | grep -o '[0-9]*$') runs in $(( $(date +%s) - start )) s"
      PASS=$((PASS+1))
    else
      tail -30 "$OUT/$t/run.log"; echo "FAIL - libFuzzer $t (crash input in $OUT/$t)"; FAIL=$((FAIL+1))
    fi
  done
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
