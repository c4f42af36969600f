#!/usr/bin/env python3
"""ws-flow.py BASE [USER:PASS] - JMAP over WebSocket (RFC 8887) against BASE (a relay or a
server), with the Python standard library only: the handshake offering permessage-deflate (a
relay strips it; a server talking to us directly would compress, so do not run this straight
against Cyrus), a Request and its Response, WebSocketPushEnable then a Mailbox/set whose
StateChange must arrive, and a close whose code must come back. Exits non-zero on any miss."""
import base64, hashlib, json, os, socket, struct, sys
from urllib.parse import urlparse

base = urlparse(sys.argv[1])
auth = base64.b64encode((sys.argv[2] if len(sys.argv) > 2 else "test:test").encode()).decode()
sock = socket.create_connection((base.hostname, base.port or 80), timeout=10)

def read_exact(n):
    b = b""
    while len(b) < n:
        c = sock.recv(n - len(b))
        if not c:
            raise SystemExit("connection closed")
        b += c
    return b

def read_frame():
    h = read_exact(2)
    if h[0] & 0x40:
        raise SystemExit("a compressed frame reached the client")
    n = h[1] & 127
    if n == 126:
        n = struct.unpack(">H", read_exact(2))[0]
    elif n == 127:
        n = struct.unpack(">Q", read_exact(8))[0]
    return h[0] & 15, read_exact(n)

def send(op, payload):
    key = os.urandom(4)
    n = len(payload)
    head = bytes([0x80 | op, 0x80 | n]) if n < 126 else bytes([0x80 | op, 0x80 | 126]) + struct.pack(">H", n)
    sock.sendall(head + key + bytes(b ^ key[i & 3] for i, b in enumerate(payload)))

def send_json(o):
    send(1, json.dumps(o).encode())

def next_json():
    while True:
        op, p = read_frame()
        if op == 1:
            return json.loads(p)
        if op == 8:
            raise SystemExit("closed early")

key = base64.b64encode(os.urandom(16)).decode()
sock.sendall((f"GET /jmap/ws/ HTTP/1.1\r\nHost: {base.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              f"Authorization: Basic {auth}\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
              "Sec-WebSocket-Protocol: jmap\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n").encode())
head = b""
while b"\r\n\r\n" not in head:
    head += read_exact(1)
lines = head.decode().split("\r\n")
assert " 101 " in lines[0], lines[0]
accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
assert any(l.split(":", 1)[0].lower() == "sec-websocket-accept" and l.split(":", 1)[1].strip() == accept for l in lines), head

using = ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail"]
send_json({"@type": "Request", "id": "r1", "using": using, "methodCalls": [["Mailbox/get", {"accountId": "test", "properties": ["name"]}, "a"]]})
r = next_json()
assert r["@type"] == "Response" and r["requestId"] == "r1" and r["methodResponses"][0][0] == "Mailbox/get", r
send_json({"@type": "WebSocketPushEnable", "dataTypes": ["Mailbox"]})
send_json({"@type": "Request", "id": "r2", "using": using,
           "methodCalls": [["Mailbox/set", {"accountId": "test", "create": {"k": {"name": os.environ.get("WS_MAILBOX", f"ws-{os.getpid()}")}}}, "c"]]})
seen = []
while True:
    m = next_json()
    seen.append(m.get("@type"))
    if m.get("@type") == "StateChange":
        assert "Mailbox" in m["changed"]["test"], m
        break
assert "Response" in seen, seen
send(8, struct.pack(">H", 4000) + b"done")
while True:
    op, p = read_frame()
    if op == 8:
        assert struct.unpack(">H", p[:2])[0] == 4000, p
        break
print("websocket: request answered, StateChange pushed, close 4000 echoed")
