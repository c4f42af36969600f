#!/usr/bin/env python3
"""ws-websockets.py BASE [USER:PASS] — JMAP over WebSocket (RFC 8887) with the third-party
Python `websockets` client: subprotocol jmap, a Request answered by a Response, push enabled
and a StateChange after a Mailbox/set over the same socket. An https BASE goes over wss://
(trusting what SSL_CERT_FILE names, as OpenSSL does). Exits non-zero on any miss."""
import base64, json, os, sys
from urllib.parse import urlparse
from websockets.sync.client import connect

base = sys.argv[1]
auth = "Basic " + base64.b64encode((sys.argv[2] if len(sys.argv) > 2 else "test:test").encode()).decode()
url = ("wss://" if base.startswith("https://") else "ws://") + urlparse(base).netloc + "/jmap/ws/"
using = ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail"]
with connect(url, subprotocols=["jmap"], additional_headers={"Authorization": auth}, open_timeout=10) as ws:
    assert ws.subprotocol == "jmap", ws.subprotocol
    ws.send(json.dumps({"@type": "Request", "id": "q1", "using": using,
                        "methodCalls": [["Mailbox/get", {"accountId": "test", "properties": ["name"]}, "a"]]}))
    r = json.loads(ws.recv(timeout=10))
    assert r["@type"] == "Response" and r["requestId"] == "q1", r
    assert r["methodResponses"][0][0] == "Mailbox/get", r
    ws.send(json.dumps({"@type": "WebSocketPushEnable", "dataTypes": ["Mailbox"]}))
    name = os.environ.get("WSLIB_MAILBOX", "wslib-%d" % os.getpid())
    ws.send(json.dumps({"@type": "Request", "id": "q2", "using": using,
                        "methodCalls": [["Mailbox/set", {"accountId": "test", "create": {"k": {"name": name}}}, "c"]]}))
    seen = set()
    while not {"Response", "StateChange"} <= seen:
        m = json.loads(ws.recv(timeout=10))
        seen.add(m.get("@type"))
    print("websockets through the relay:", sorted(seen))
