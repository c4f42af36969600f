#!/usr/bin/env bash
# demo-flow.sh BASE [USER:PASS] — the Fastmail-demo-shaped flow with curl, as a JMAP client
# would run it against BASE (a relay or a server): session → Identity/get → Mailbox/query by
# role → Email/set creating a draft (#draft) + EmailSubmission/set with onSuccessDestroyEmail,
# then a blob upload and its download. Prints each answer (one JSON per line) on stdout.
set -euo pipefail
BASE=$1; AUTH=${2:-test:test}
J=(-s -f -u "$AUTH" -H 'Content-Type: application/json')
session=$(curl -s -f -L -u "$AUTH" "$BASE/.well-known/jmap")
echo "$session" | jq -c '{apiUrl,uploadUrl,downloadUrl,username}'
api=$(jq -r .apiUrl <<<"$session"); upload=$(jq -r .uploadUrl <<<"$session"); download=$(jq -r .downloadUrl <<<"$session")
acct=$(jq -r '.primaryAccounts["urn:ietf:params:jmap:mail"]' <<<"$session")
call() { curl "${J[@]}" -d "$1" "$api"; echo; }
call '{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:submission"],"methodCalls":[["Identity/get",{"accountId":"'"$acct"'"},"0"]]}'
drafts=$(call '{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Mailbox/query",{"accountId":"'"$acct"'","filter":{"role":"drafts"}},"0"]]}' | tee /dev/stderr | jq -r '.methodResponses[0][1].ids[0]')
identity=$(call '{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:submission"],"methodCalls":[["Identity/get",{"accountId":"'"$acct"'"},"0"]]}' | jq -r '.methodResponses[0][1].list[0].id')
call '{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail","urn:ietf:params:jmap:submission"],"methodCalls":[["Email/set",{"accountId":"'"$acct"'","create":{"draft":{"mailboxIds":{"'"$drafts"'":true},"keywords":{"$draft":true},"from":[{"email":"test@localhost"}],"to":[{"email":"someone@example.com"}],"subject":"Hello from jmap-relay","textBody":[{"partId":"t","type":"text/plain"}],"bodyValues":{"t":{"value":"Sent through the relay."}}}}},"0"],["EmailSubmission/set",{"accountId":"'"$acct"'","create":{"send":{"identityId":"'"$identity"'","emailId":"#draft"}},"onSuccessDestroyEmail":["#send"]},"1"]]}'
up=$(printf 'hello, blob\n' | curl -s -f -u "$AUTH" -H 'Content-Type: text/plain' --data-binary @- "${upload/\{accountId\}/$acct}")
echo "$up"
blob=$(jq -r .blobId <<<"$up")
url=${download/\{accountId\}/$acct}; url=${url/\{blobId\}/$blob}; url=${url/\{name\}/hello.txt}; url=${url/\{type\}/text%2Fplain}
curl -s -f -u "$AUTH" "$url"
