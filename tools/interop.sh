#!/usr/bin/env bash
# interop.sh — the relay against a real Cyrus JMAP server, with real clients.
#   1. starts Cyrus with push (tools/cyrus-up) and the release relay in front of it, recording;
#   2. runs the demo and sync flows with curl directly and through the relay and compares the
#      read-only answers byte for byte (session URLs aside), checks the trace names the calls;
#   3. runs a real Python JMAP client (jmapc) through the relay;
#   4. checks an EventSource stream through the relay delivers a StateChange, and JMAP over
#      WebSocket (request, push, close) works through it and is traced;
#   4b. injects serverFail on Email/set before and after Cyrus runs it, checks Cyrus's state;
#   4c. the same port over https (--tls, trusting the relay's CA): session with https/wss URLs,
#      an API call, the event stream, a WebSocket over wss://, jmapc as documented (https to
#      the host it is given), and tools/cyrus/client_libs_check.py (at least 7 of its 9 checks);
#   5. stops Cyrus and replays the recording with the same flow: same answers, no misses
#      (also for jmapc against the recording with ids and states normalised to tokens).
# Prints "N passed, N failed" and exits non-zero on any failure. Stops everything by PID.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WORK=$(mktemp -d -t jmap-relay-interop.XXXXXX)
PIDS=(); PASS=0; FAIL=0; CYRUS=0
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
            [ "$CYRUS" = 1 ] && tools/cyrus-down >/dev/null 2>&1; rm -rf "$WORK"; }
trap cleanup EXIT
ok()   { echo "ok   - $1"; PASS=$((PASS+1)); }
bad()  { echo "FAIL - $1"; FAIL=$((FAIL+1)); [ -n "${2:-}" ] && sed 's/^/       /' <<<"$2" | head -20; }
check(){ local name=$1; shift; local out; if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi; }

command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
echo "# starting Cyrus (push-enabled httpd is built once and cached)"
tools/cyrus-up > "$WORK/cyrus.env" 2>"$WORK/cyrus.err" || { cat "$WORK/cyrus.err"; echo "0 passed, 1 failed"; exit 1; }
CYRUS=1
echo "# building the relay (release)"
swift build -c release --product jmap-relay >/dev/null 2>"$WORK/build.err" || { cat "$WORK/build.err"; echo "0 passed, 1 failed"; exit 1; }
BIN=.build/release/jmap-relay

start_relay() { # log-prefix args... ; sets RELAY_URL and RELAY_PID
  local name=$1; shift
  "$BIN" "$@" --listen 127.0.0.1:0 >"$WORK/$name.trace" 2>"$WORK/$name.err" &
  RELAY_PID=$!; PIDS+=("$RELAY_PID"); RELAY_URL=""
  for _ in $(seq 1 200); do
    RELAY_URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/$name.err" | head -1 || true)
    [ -n "$RELAY_URL" ] && return 0; sleep 0.05
  done
  echo "relay $name did not start: $(cat "$WORK/$name.err")"; return 1
}

start_relay live serve --upstream http://127.0.0.1:8480 --record "$WORK/rec.jsonl" --tls --tls-dir "$WORK/tls" || exit 1
LIVE=$RELAY_URL; LIVE_PID=$RELAY_PID
# The same port speaks https; clients trust the CA the relay made in --tls-dir.
LIVE_TLS=${LIVE/http:/https:}; CA="$WORK/tls/ca.pem"

# Read-only calls: through the relay and directly must be byte-identical.
same_answer() {
  local body=$1 a b
  a=$(curl -s -f -u test:test -H 'Content-Type: application/json' -d "$body" http://127.0.0.1:8480/jmap/) || return 1
  b=$(curl -s -f -u test:test -H 'Content-Type: application/json' -d "$body" "$LIVE/jmap/") || return 1
  [ "$a" = "$b" ] || { echo "direct: $a"; echo "relay:  $b"; return 1; }
}
check "Mailbox/get through the relay equals direct" same_answer '{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Mailbox/get",{"accountId":"test"},"0"]]}'
check "Email/query -> Email/get by result reference equals direct" same_answer '{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Email/query",{"accountId":"test","sort":[{"property":"receivedAt","isAscending":false}]},"q"],["Email/get",{"accountId":"test","#ids":{"resultOf":"q","name":"Email/query","path":"/ids"},"properties":["subject"]},"g"]]}'
session_rewritten() {
  local s; s=$(curl -s -f -L -u test:test "$LIVE/.well-known/jmap") || return 1
  jq -e --arg b "$LIVE" '(.apiUrl|startswith($b)) and (.uploadUrl|startswith($b)) and (.downloadUrl|contains("{blobId}")) and (.eventSourceUrl|contains("{types}")) and (.capabilities["urn:ietf:params:jmap:websocket"].url|startswith("ws://127.0.0.1"))' <<<"$s" >/dev/null || { echo "$s"; return 1; }
}
check "session URLs rewritten to the relay, templates intact" session_rewritten
check "demo flow (draft + #draft submission + blob upload/download) through the relay" tools/interop/demo-flow.sh "$LIVE"
check "sync flow (query/get by reference, changes, queryChanges) through the relay" tools/interop/sync-flow.sh "$LIVE"
trace_names_calls() { grep -q 'Email/set,EmailSubmission/set' "$WORK/live.trace" && grep -q 'Email/changes,Email/queryChanges' "$WORK/live.trace" || { cat "$WORK/live.trace"; return 1; }; }
check "trace shows the method calls of each exchange" trace_names_calls
no_secret_in_recording() { ! grep -q 'dGVzdDp0ZXN0' "$WORK/rec.jsonl"; }
check "recording carries no credentials" no_secret_in_recording

python_client() { # [BASE]
  local py; py=$(tools/python-env) || return 1
  "$py" - "${1:-$LIVE}" <<'PY'
import sys, requests
from urllib.parse import urljoin
import jmapc
base = sys.argv[1]
# jmapc fetches https://host/.well-known/jmap; point it at the relay over http instead.
s = requests.get(base + "/.well-known/jmap", auth=("test", "test")).json()
assert s["apiUrl"].startswith(base), s["apiUrl"]
class C(jmapc.Client):
    @property
    def jmap_session(self):
        if not getattr(self, "_s", None):
            r = self.requests_session.get(base + "/.well-known/jmap"); r.raise_for_status()
            self._s = jmapc.session.Session.from_dict(r.json())
        return self._s
c = C(host="unused", auth=("test", "test"))
from jmapc.methods import MailboxGet, EmailQuery, EmailGet
from jmapc import Ref
res = c.request([MailboxGet(ids=None), EmailQuery(), EmailGet(ids=Ref("/ids"), properties=["subject"])])
names = [m.response.__class__.__name__ for m in res]
assert len(res) == 3, names
print("jmapc through the relay:", names)
PY
}
check "a real Python JMAP client (jmapc) works through the relay" python_client

traced() { # lines the live trace must show (its writer flushes within milliseconds)
  for l in "$@"; do
    for _ in $(seq 1 40); do grep -qF "$l" "$WORK/live.trace" && break; sleep 0.05; done
    grep -qF "$l" "$WORK/live.trace" || { echo "no trace line with: $l"; cat "$WORK/live.trace"; return 1; }
  done
}
# Names fixed for this run, so that the replay below sees the same requests.
ES_MAILBOX="es-$$-$RANDOM"; export WS_MAILBOX="ws-$$-$RANDOM"
push_by_eventsource() { # BASE TRACE-FILE
  local base=$1 trace=$2 out="$WORK/es-$RANDOM.txt"
  curl -s -N -u test:test "$base/jmap/eventsource/?types=*&closeafter=state&ping=0" >"$out" &
  local cpid=$!; PIDS+=("$cpid")
  for _ in $(seq 1 40); do grep -q 'eventsource' "$trace" 2>/dev/null && break; [ -s "$out" ] && break; sleep 0.05; done
  curl -s -f -u test:test -H 'Content-Type: application/json' -d '{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Mailbox/set",{"accountId":"test","create":{"es":{"name":"'"$ES_MAILBOX"'"}}},"0"]]}' "$base/jmap/" >/dev/null
  for _ in $(seq 1 100); do grep -q StateChange "$out" && break; sleep 0.05; done
  kill "$cpid" 2>/dev/null
  grep -q '"@type":"StateChange"' "$out" || { cat "$out"; return 1; }
}
eventsource() {
  push_by_eventsource "$LIVE" "$WORK/live.trace" || return 1
  traced 'sse < push state  test: '
}
check "EventSource StateChange arrives through the relay" eventsource
websocket() {
  python3 tools/interop/ws-flow.py "$LIVE" || return 1
  traced 'ws > Request r1 Mailbox/get' 'ws < Response r1 Mailbox/get' 'ws < push state  test: Mailbox=' 'ws < close 4000'
}
check "JMAP over WebSocket through the relay: answers, push, close code, traced" websocket
websockets_library() {
  local py; py=$(tools/python-env) || return 1
  "$py" tools/interop/ws-websockets.py "$LIVE"
}
check "a real WebSocket client (Python websockets) gets answers and a StateChange through the relay" websockets_library

# Faults against a real server: serverFail on Email/set before Cyrus sees it leaves the
# mailbox unchanged; after it ran, Cyrus has the draft although the client was told it failed.
drafts_total() {
  local drafts; drafts=$(curl -s -f -u test:test -H 'Content-Type: application/json' -d '{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Mailbox/query",{"accountId":"test","filter":{"role":"drafts"}},"0"]]}' http://127.0.0.1:8480/jmap/ | jq -r '.methodResponses[0][1].ids[0]')
  curl -s -f -u test:test -H 'Content-Type: application/json' -d '{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Email/query",{"accountId":"test","filter":{"inMailbox":"'"$drafts"'"},"calculateTotal":true},"0"]]}' http://127.0.0.1:8480/jmap/ | jq -r '.methodResponses[0][1].total'
}
fault_on_email_set() {
  local phase=$1 expect_delta=$2 before after answer drafts
  start_relay "fault-$phase" serve --upstream http://127.0.0.1:8480 --fault "call=Email/set action=method-error:serverFail phase=$phase" || return 1
  local pid=$RELAY_PID url=$RELAY_URL
  curl -s -f -L -u test:test "$url/.well-known/jmap" >/dev/null || { kill "$pid"; return 1; }
  drafts=$(curl -s -f -u test:test -H 'Content-Type: application/json' -d '{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Mailbox/query",{"accountId":"test","filter":{"role":"drafts"}},"0"]]}' "$url/jmap/" | jq -r '.methodResponses[0][1].ids[0]')
  before=$(drafts_total)
  answer=$(curl -s -f -u test:test -H 'Content-Type: application/json' -d '{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Email/set",{"accountId":"test","create":{"d":{"mailboxIds":{"'"$drafts"'":true},"keywords":{"$draft":true},"subject":"fault '"$phase"'","textBody":[{"partId":"t","type":"text/plain"}],"bodyValues":{"t":{"value":"x"}}}}},"0"]]}' "$url/jmap/")
  after=$(drafts_total)
  kill -INT "$pid"; wait "$pid"
  jq -e '.methodResponses[0][0]=="error" and .methodResponses[0][1].type=="serverFail"' <<<"$answer" >/dev/null || { echo "answer: $answer"; return 1; }
  [ $((after - before)) = "$expect_delta" ] || { echo "drafts before=$before after=$after, expected +$expect_delta"; return 1; }
  grep -q 'fault: r1 method-error:serverFail' "$WORK/fault-$phase.trace" || { cat "$WORK/fault-$phase.trace"; return 1; }
}
check "fault: serverFail on Email/set before the server leaves Cyrus unchanged" fault_on_email_set before 0
check "fault: serverFail on Email/set after the server ran it leaves the draft in Cyrus" fault_on_email_set after 1

# https on the same port, trusting the relay's CA as its start-up message says.
start_message_says_how_to_trust() {
  for l in "SSL_CERT_FILE=$CA" "REQUESTS_CA_BUNDLE=$CA" "NODE_EXTRA_CA_CERTS=$CA" "curl --cacert $CA $LIVE_TLS/.well-known/jmap"; do
    grep -qF "  $l" "$WORK/live.err" || { echo "no line: $l"; cat "$WORK/live.err"; return 1; }
  done
}
check "https: the start-up message prints the CA and how to trust it" start_message_says_how_to_trust
https_session() {
  local s; s=$(curl -s -f -L --cacert "$CA" -u test:test "$LIVE_TLS/.well-known/jmap") || return 1
  jq -e --arg b "$LIVE_TLS" '(.apiUrl|startswith($b)) and (.uploadUrl|startswith($b)) and (.downloadUrl|startswith($b)) and (.eventSourceUrl|startswith($b)) and (.capabilities["urn:ietf:params:jmap:websocket"].url|startswith("wss://127.0.0.1"))' <<<"$s" >/dev/null || { echo "$s"; return 1; }
}
check "https: the session names https and wss URLs" https_session
https_same_answer() {
  local body='{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Mailbox/get",{"accountId":"test"},"0"]]}' a b
  a=$(curl -s -f -u test:test -H 'Content-Type: application/json' -d "$body" http://127.0.0.1:8480/jmap/) || return 1
  b=$(curl -s -f --cacert "$CA" -u test:test -H 'Content-Type: application/json' -d "$body" "$LIVE_TLS/jmap/") || return 1
  [ "$a" = "$b" ] || { echo "direct: $a"; echo "relay:  $b"; return 1; }
}
check "https: Mailbox/get through the relay equals direct" https_same_answer
https_eventsource() { ( export CURL_CA_BUNDLE=$CA; ES_MAILBOX="$ES_MAILBOX-tls"; push_by_eventsource "$LIVE_TLS" "$WORK/live.trace" ); }
check "https: EventSource StateChange arrives through the relay" https_eventsource
https_websocket() {
  local py; py=$(tools/python-env) || return 1
  SSL_CERT_FILE=$CA WSLIB_MAILBOX="wslib-tls-$$-$RANDOM" "$py" tools/interop/ws-websockets.py "$LIVE_TLS"
}
check "https: a WebSocket over wss:// (Python websockets) gets answers and a StateChange" https_websocket
jmapc_documented() {
  local py; py=$(tools/python-env) || return 1
  REQUESTS_CA_BUNDLE=$CA "$py" - "${LIVE#http://}" <<'PY'
import sys, jmapc
from jmapc.methods import MailboxGet
# As jmapc documents it: https://HOST/.well-known/jmap, then the URLs the session names.
c = jmapc.Client.create_with_password(host=sys.argv[1], user="test", password="test")
assert c.jmap_session.api_url.startswith("https://"), c.jmap_session.api_url
boxes = c.request(MailboxGet(ids=None))
assert boxes.data, boxes
print("jmapc as documented, over https:", [m.name for m in boxes.data])
PY
}
check "https: jmapc as documented (create_with_password(host=...)) works through the relay" jmapc_documented
client_libraries() {
  local py out passed; py=$(tools/python-env) || return 1
  out=$(REQUESTS_CA_BUNDLE=$CA "$py" tools/cyrus/client_libs_check.py "$LIVE" test test 2>&1) || { echo "$out" | tail -30; return 1; }
  passed=$(sed -n '/^SUMMARY/,$p' <<<"$out" | grep -c '^  OK  ')
  # Each check with its reason when it failed.
  sed -n '/^SUMMARY/,$p' <<<"$out" | grep -Ev '^SUMMARY|^        OK$' | sed 's/^/       /' >"$WORK/client-libs.txt"
  [ "$passed" -ge 7 ] || { echo "$passed of 9 passed"; sed -n '/^SUMMARY/,$p' <<<"$out"; return 1; }
}
check "client_libs_check.py through the relay (http and https): at least 7 of 9 client checks pass" client_libraries
cat "$WORK/client-libs.txt" 2>/dev/null

kill -TERM "$LIVE_PID"; wait "$LIVE_PID" 2>/dev/null
# Lint over everything the clients (curl flows, jmapc, WebSocket) sent Cyrus: findings are
# printed, not failed on; the check fails only if lint cannot read the recording.
lint_recording() {
  local rc=0; "$BIN" lint "$WORK/rec.jsonl" > "$WORK/lint.txt" || rc=$?
  [ "$rc" -le 1 ]
}
check "lint reads the recorded session (findings below)" lint_recording
sed 's/^/       /' "$WORK/lint.txt" 2>/dev/null | grep -v '^ *$' | head -60
tools/cyrus-down >/dev/null 2>&1; CYRUS=0
replayed_same() {
  local flow=$1
  start_relay replay replay "$WORK/rec.jsonl" --strict || return 1
  local pid=$RELAY_PID
  "tools/interop/$flow" "$RELAY_URL" >/dev/null 2>"$WORK/replay-flow.err" || { cat "$WORK/replay-flow.err"; kill "$pid"; return 1; }
  kill -INT "$pid"; wait "$pid"
}
check "with Cyrus stopped, the recording answers the demo flow (--strict: no misses)" replayed_same demo-flow.sh
check "with Cyrus stopped, the recording answers the sync flow (--strict: no misses)" replayed_same sync-flow.sh
shipped() {
  start_relay shipped replay recordings/fastmail-demo.jsonl --require-all || return 1
  local pid=$RELAY_PID
  tools/interop/demo-flow.sh "$RELAY_URL" >/dev/null || { kill "$pid"; return 1; }
  kill -INT "$pid"; wait "$pid"
}
check "the shipped recording replays completely (--require-all)" shipped
jmapc_replayed() {
  start_relay jmapc-replay replay "$WORK/rec.jsonl" --strict || return 1
  local pid=$RELAY_PID
  python_client "$RELAY_URL" || { kill "$pid"; return 1; }
  kill -INT "$pid"; wait "$pid"
}
check "with Cyrus stopped, jmapc gets its answers from the recording (--strict: no misses)" jmapc_replayed
# The same recording with Cyrus's ids and states replaced by stable tokens: jmapc reads its
# account from the replayed session, so it asks with the tokens and every request matches.
jmapc_normalized() {
  "$BIN" normalize "$WORK/rec.jsonl" -o "$WORK/rec.norm.jsonl" >/dev/null || return 1
  grep -q '"test"' <(grep '"endpoint":"session"' "$WORK/rec.norm.jsonl" | head -1) && { echo "session still names account test"; return 1; }
  start_relay jmapc-normalized replay "$WORK/rec.norm.jsonl" --strict || return 1
  local pid=$RELAY_PID
  python_client "$RELAY_URL" || { kill "$pid"; return 1; }
  kill -INT "$pid"; wait "$pid"
}
check "the recording normalised (ids and states as tokens) still answers jmapc (--strict)" jmapc_normalized
push_replayed() {
  start_relay push-replay replay "$WORK/rec.jsonl" || return 1
  local pid=$RELAY_PID
  curl -s -f -L -u test:test "$RELAY_URL/.well-known/jmap" >/dev/null || { kill "$pid"; return 1; }
  push_by_eventsource "$RELAY_URL" "$WORK/push-replay.trace" || { echo "eventsource from the recording failed"; kill "$pid"; return 1; }
  python3 tools/interop/ws-flow.py "$RELAY_URL" || { echo "WebSocket from the recording failed"; kill "$pid"; return 1; }
  kill -INT "$pid"; wait "$pid"
}
check "with Cyrus stopped, EventSource and WebSocket push come from the recording" push_replayed

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
