#!/usr/bin/env bash
# instructions.sh — what one exchange costs the relay, counted rather than timed: CPU
# instructions and heap allocations per exchange under callgrind, which do not drift with the
# machine's load the way requests per second do. Compare two binaries in one run.
#
#   tools/bench-support/instructions.sh BIN [BIN2 ...]
#   MODES="plain trace-off record replay tls" (default: all), N=400 exchanges after 100 warm-up.
#
# A Python upstream answers a 2.4 KB Mailbox/get (over TLS in mode tls) and a Python client sends
# the POSTs one after another on one keep-alive connection; neither runs under callgrind, so the
# figures are the relay's alone. Instrumentation is switched on after the warm-up.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: instructions.sh BIN [BIN2 ...]" >&2; exit 64; }
command -v valgrind >/dev/null || { echo "instructions.sh: needs valgrind (apt-get install valgrind)" >&2; exit 69; }
MODES=${MODES:-plain trace-off record replay tls}
N=${N:-400}
WORK=$(mktemp -d -t jmap-relay-instr.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
python3 "$ROOT/tools/bench-support/instructions.py" upstream "$WORK" & PIDS+=($!)
python3 "$ROOT/tools/bench-support/instructions.py" wait-port "$WORK/up-plain.port" "$WORK/up-tls.port"
UP_PLAIN=http://127.0.0.1:$(cat "$WORK/up-plain.port")
UP_TLS=https://127.0.0.1:$(cat "$WORK/up-tls.port")

printf '%-26s %-10s %14s %14s\n' binary mode instr/exchange mallocs/exchange
for bin in "$@"; do
  for mode in $MODES; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    case $mode in
      plain)     args=(serve --upstream "$UP_PLAIN" --trace text) ;;
      trace-off) args=(serve --upstream "$UP_PLAIN" --trace off) ;;
      record)    args=(serve --upstream "$UP_PLAIN" --trace text --record "$WORK/rec.jsonl") ;;
      replay)    [ -s "$WORK/rec.jsonl" ] || { echo "replay needs mode record first" >&2; exit 64; }
                 args=(replay "$WORK/rec.jsonl" --trace text) ;;
      tls)       args=(serve --upstream "$UP_TLS" --upstream-ca "$WORK/up.crt" --trace text) ;;
      *) echo "unknown mode $mode" >&2; exit 64 ;;
    esac
    rm -f "$WORK/cg.out"*
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$WORK/cg.out" \
      "$bin" "${args[@]}" --listen "127.0.0.1:$port" --loops 1 >"$WORK/trace.out" 2>"$WORK/relay.err" &
    vpid=$!; PIDS+=($vpid)
    python3 "$ROOT/tools/bench-support/instructions.py" client "$port" 100
    callgrind_control -i on "$vpid" >/dev/null 2>&1
    python3 "$ROOT/tools/bench-support/instructions.py" client "$port" "$N"
    callgrind_control -i off "$vpid" >/dev/null 2>&1
    kill -INT "$vpid"; wait "$vpid" 2>/dev/null || true
    python3 "$ROOT/tools/bench-support/instructions.py" count "$WORK/cg.out" "$N" "$(basename "$bin")" "$mode"
  done
  rm -f "$WORK/rec.jsonl"
done
