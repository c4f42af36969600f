#!/usr/bin/env bash
# sync-flow.sh BASE [USER:PASS] — a sync client's flow with curl: Email/query → Email/get by
# result reference, then a new message arrives (created by Email/set), then Email/changes and
# Email/queryChanges from the states the first answers gave. Prints each answer on stdout.
set -euo pipefail
BASE=$1; AUTH=${2:-test:test}
J=(-s -f -u "$AUTH" -H 'Content-Type: application/json')
session=$(curl -s -f -L -u "$AUTH" "$BASE/.well-known/jmap")
api=$(jq -r .apiUrl <<<"$session"); acct=$(jq -r '.primaryAccounts["urn:ietf:params:jmap:mail"]' <<<"$session")
U='"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"]'
call() { curl "${J[@]}" -d "$1" "$api"; echo; }
inbox=$(call '{'"$U"',"methodCalls":[["Mailbox/query",{"accountId":"'"$acct"'","filter":{"role":"inbox"}},"0"]]}' | jq -r '.methodResponses[0][1].ids[0]')
first=$(call '{'"$U"',"methodCalls":[["Email/query",{"accountId":"'"$acct"'","filter":{"inMailbox":"'"$inbox"'"},"sort":[{"property":"receivedAt","isAscending":false}]},"q"],["Email/get",{"accountId":"'"$acct"'","#ids":{"resultOf":"q","name":"Email/query","path":"/ids"},"properties":["subject","from","receivedAt"]},"g"]]}')
echo "$first"
state=$(jq -r '.methodResponses[1][1].state' <<<"$first"); qstate=$(jq -r '.methodResponses[0][1].queryState' <<<"$first")
call '{'"$U"',"methodCalls":[["Email/set",{"accountId":"'"$acct"'","create":{"new":{"mailboxIds":{"'"$inbox"'":true},"from":[{"email":"friend@example.com"}],"subject":"A new message","receivedAt":"2026-01-01T00:00:00Z","textBody":[{"partId":"t","type":"text/plain"}],"bodyValues":{"t":{"value":"hello"}}}}},"0"]]}'
call '{'"$U"',"methodCalls":[["Email/changes",{"accountId":"'"$acct"'","sinceState":"'"$state"'"},"c"],["Email/queryChanges",{"accountId":"'"$acct"'","filter":{"inMailbox":"'"$inbox"'"},"sort":[{"property":"receivedAt","isAscending":false}],"sinceQueryState":"'"$qstate"'"},"qc"]]}'
