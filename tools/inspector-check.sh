#!/usr/bin/env bash
# inspector-check.sh — the inspector page (GET /_relay/) in a real headless Chromium.
#   1. installs Debian's chromium when missing, builds the release relay, starts
#      `jmap-relay replay` (the shipped recording) on port 0;
#   2. sends the session and an Identity/get, adds a fault (serverFail on Mailbox/query)
#      through POST /_relay/faults;
#   3. starts headless Chromium and drives it over the DevTools protocol
#      (tools/inspector/page-check.py): the page shows the earlier exchanges, then the
#      Mailbox/query sent while it is open arrives live as a highlighted error row, and its
#      detail shows the call beside the serverFail; screenshots are saved and their paths printed.
# Prints "N passed, N failed" and exits non-zero on any failure. Stops everything by PID.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WORK=$(mktemp -d -t jmap-relay-inspector-check.XXXXXX)
SHOTS=${SCREENSHOT_DIR:-$(mktemp -d -t jmap-relay-inspector-shots.XXXXXX)}
PIDS=(); PASS=0; FAIL=0
# Each process leads its own group (setsid), so Chromium's helpers stop with it.
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -TERM -- "-$p" 2>/dev/null; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null; done
  for p in "${PIDS[@]:-}"; do
    for _ in $(seq 1 100); do kill -0 -- "-$p" 2>/dev/null || break; sleep 0.05; done
    kill -KILL -- "-$p" 2>/dev/null
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
ok()   { echo "ok   - $1"; PASS=$((PASS+1)); }
bad()  { echo "FAIL - $1"; FAIL=$((FAIL+1)); [ -n "${2:-}" ] && sed 's/^/       /' <<<"$2" | head -20; }
check(){ local name=$1; shift; local out; if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi; }
give_up() { bad "$1" "${2:-}"; echo "$PASS passed, $FAIL failed"; exit 1; }

CHROMIUM=$(command -v chromium || true)
if [ -z "$CHROMIUM" ]; then
  echo "# installing chromium (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$WORK/apt.log" 2>&1 \
    || give_up "chromium installs" "$(tail -20 "$WORK/apt.log")"
  CHROMIUM=$(command -v chromium) || give_up "chromium installs" "no chromium on PATH after apt-get"
fi
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
ok "$("$CHROMIUM" --version 2>/dev/null | head -1)"

echo "# building the relay (release)"
swift build -c release --product jmap-relay >/dev/null 2>"$WORK/build.err" || give_up "the relay builds" "$(tail -20 "$WORK/build.err")"
BIN=.build/release/jmap-relay

# Starts a process in its own process group and waits (up to 20 s) for a line matching
# PATTERN in its stderr; sets LINE to the match. Not run in a subshell, so PIDS keeps the PID.
start_and_read() { # name pattern command...
  local name=$1 pattern=$2; shift 2
  setsid "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  local pid=$!; PIDS+=("$pid"); LINE=""
  for _ in $(seq 1 400); do
    LINE=$(grep -o -m1 -E "$pattern" "$WORK/$name.err" || true)
    [ -n "$LINE" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  return 1
}

start_and_read relay 'http://127.0.0.1:[0-9]+' "$BIN" replay recordings/fastmail-demo.jsonl --listen 127.0.0.1:0 \
  || give_up "jmap-relay replay starts on port 0" "$(cat "$WORK/relay.err")"
URL=$LINE
ok "jmap-relay replay listens on $URL"

# Traffic before the page opens: it must show up from the relay's ring.
IDENTITY='{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:submission"],"methodCalls":[["Identity/get",{"accountId":"test"},"i"]]}'
DRAFTS='{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Mailbox/query",{"accountId":"test","filter":{"role":"drafts"}},"m"]]}'
printf '%s' "$DRAFTS" >"$WORK/drafts.json"
session() { curl -s -f -L "$URL/.well-known/jmap" | jq -e --arg u "$URL/jmap/" '.apiUrl == $u' >/dev/null; }
check "the session names the relay's apiUrl" session
identity() { curl -s -f -H 'Content-Type: application/json' -d "$IDENTITY" "$URL/jmap/" | jq -e '.methodResponses[0][0] == "Identity/get"'; }
check "Identity/get is answered from the recording" identity
add_fault() {
  local r; r=$(curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' \
    -d '{"spec":"call=Mailbox/query action=method-error:serverFail"}' "$URL/_relay/faults")
  [ "$(tail -1 <<<"$r")" = 201 ] || { echo "$r"; return 1; }
  curl -s -f "$URL/_relay/faults" | jq -e '.rules | length == 1 and (.[0].spec | contains("Mailbox/query"))'
}
check "POST /_relay/faults adds serverFail on Mailbox/query" add_fault

# The traffic page-check.py sends once the page is live: it must fail with serverFail.
cat >"$WORK/live-traffic.sh" <<SH
curl -s -f -H 'Content-Type: application/json' -d @"$WORK/drafts.json" "$URL/jmap/" | tee "$WORK/live-answer.json" \
  | jq -e '.methodResponses[0][0] == "error" and .methodResponses[0][1].type == "serverFail"' >/dev/null
SH

SANDBOX=(); [ "$(id -u)" = 0 ] && SANDBOX=(--no-sandbox)   # Chromium refuses root without it
start_and_read chromium 'ws://127.0.0.1:[0-9]+/devtools/browser/[A-Za-z0-9-]+' \
  "$CHROMIUM" --headless=new --remote-debugging-port=0 --remote-debugging-address=127.0.0.1 \
  --user-data-dir="$WORK/profile" "${SANDBOX[@]}" --disable-gpu --disable-dev-shm-usage --no-first-run \
  --no-default-browser-check --disable-extensions --disable-background-networking --disable-sync \
  --hide-scrollbars --mute-audio about:blank \
  || give_up "headless Chromium starts with DevTools" "$(tail -20 "$WORK/chromium.err")"
WS=$LINE
ok "headless Chromium listens for DevTools"

timeout 180 python3 tools/inspector/page-check.py --ws "$WS" --page "$URL/_relay/" --rows 3 \
  --live-traffic "sh $WORK/live-traffic.sh" --out "$SHOTS" >"$WORK/page.out" 2>&1
cat "$WORK/page.out" | grep -v '^# screenshots'
PASS=$((PASS + $(grep -c '^ok ' "$WORK/page.out"))); FAIL=$((FAIL + $(grep -c '^FAIL' "$WORK/page.out")))
grep -q '^ok \|^FAIL' "$WORK/page.out" || bad "page-check.py ran" "$(cat "$WORK/page.out")"
trace_marks_fault() { grep -q 'Mailbox/query.*fault: r1 method-error:serverFail' "$WORK/relay.out" || { cat "$WORK/relay.out"; return 1; }; }
check "the relay's trace marks the faulted exchange" trace_marks_fault
only_our_traffic() { ! grep -q -E 'favicon|replay-miss' "$WORK/relay.out" || { cat "$WORK/relay.out"; return 1; }; }
check "the page itself sends nothing through the relay (no /favicon.ico, no replay miss)" only_our_traffic

for f in "$SHOTS"/*.png; do [ -s "$f" ] && echo "# screenshot: $f"; done
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
