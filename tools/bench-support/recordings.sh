#!/usr/bin/env bash
# recordings.sh — the offline commands and replay's start-up on a large recording, beside
# Python's json module streaming the same file (`for line in f: json.loads(line)`), in the same
# run. Prints, per command, the median of ROUNDS rounds of its time relative to Python's and its
# peak RSS (GNU time), with the spread of the rounds.
#
#   tools/bench-support/recordings.sh BIN [MB] [ROUNDS]
#   MB=160 (sync.jsonl repeated, 750 exchanges a megabyte: 160 is 120,000 exchanges, 1000 is
#   750,000), ROUNDS=3 (or RECORDING_ROUNDS). tools/bench runs it with RECORDINGS=1.
# The file and every output go to a temporary directory, removed at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:?usage: recordings.sh BIN [MB] [ROUNDS]}
EXCHANGES=$(( ${2:-160} * 750 ))
ROUNDS=${3:-${RECORDING_ROUNDS:-3}}
PORT=${PORT:-18090}
WORK=$(mktemp -d -t jmap-relay-large.XXXXXX)
RELAY_PID=
cleanup() { [ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
FILE=$WORK/large.jsonl
"$ROOT/tools/make-large-recording" "$FILE" "$EXCHANGES"
SIZE_KB=$(( $(stat -c %s "$FILE") / 1024 ))
cat > "$WORK/stream.py" <<'PY'
import json, sys
with open(sys.argv[1], "rb") as f:
    for line in f:
        json.loads(line)
PY

# One measurement: "seconds peak_kb" of a command run to its end.
measure() { /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/err.txt" || true; cat "$WORK/time.txt"; }

# Replay: from start until the first request is answered, and the peak RSS by then.
measure_replay() {
  local start end hwm
  start=$(date +%s.%N)
  "$BIN" replay "$FILE" --listen "127.0.0.1:$PORT" --trace off 2>/dev/null &
  RELAY_PID=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/.well-known/jmap" 2>/dev/null; do
    kill -0 "$RELAY_PID" 2>/dev/null || { echo "0 0"; RELAY_PID=; return; }
    sleep 0.02
  done
  end=$(date +%s.%N)
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$RELAY_PID/status")
  kill "$RELAY_PID"; wait "$RELAY_PID" 2>/dev/null || true; RELAY_PID=
  echo "$(echo "$end - $start" | bc) $hwm"
}

: > "$WORK/results.txt"
for r in $(seq 1 "$ROUNDS"); do
  echo "python $(measure python3 "$WORK/stream.py" "$FILE")" >> "$WORK/results.txt"
  echo "inspect $(measure "$BIN" inspect "$FILE")" >> "$WORK/results.txt"
  echo "lint $(measure "$BIN" lint "$FILE")" >> "$WORK/results.txt"
  echo "export-har $(measure "$BIN" export-har "$FILE" -o "$WORK/out.har")" >> "$WORK/results.txt"
  echo "normalize $(measure "$BIN" normalize "$FILE" -o "$WORK/out.jsonl")" >> "$WORK/results.txt"
  echo "replay $(measure_replay)" >> "$WORK/results.txt"
  echo "round:$r" >> "$WORK/results.txt"
done

echo "## large recording: $EXCHANGES exchanges, $((SIZE_KB / 1024)) MiB, $ROUNDS rounds (median [min–max])"
python3 - "$WORK/results.txt" "$SIZE_KB" <<'PY'
import statistics, sys
rounds, cur = [], {}
for line in open(sys.argv[1]):
    parts = line.split()
    if parts[0].startswith("round:"):
        rounds.append(cur); cur = {}
    else:
        cur[parts[0]] = (float(parts[1]), int(parts[2]))
size_kb = int(sys.argv[2])
py = [r["python"][0] for r in rounds]
print(f"{'command':<12} {'seconds':>16} {'× python':>18} {'peak RSS MiB':>18}")
for name in ["python", "inspect", "lint", "export-har", "normalize", "replay"]:
    secs = [r[name][0] for r in rounds]
    ratio = [r[name][0] / r["python"][0] for r in rounds if r["python"][0] > 0]
    rss = [r[name][1] / 1024 for r in rounds]
    f = lambda xs, p: f"{statistics.median(xs):{p}} [{min(xs):{p}}–{max(xs):{p}}]"
    print(f"{name:<12} {f(secs, '.2f'):>16} {f(ratio, '.2f'):>18} {f(rss, '.0f'):>18}")
print(f"file {size_kb / 1024:.0f} MiB; targets: offline ≤ 1.0× python and ≤ 64 MiB; replay ≤ 1.5× python and ≤ the file's size")
PY
