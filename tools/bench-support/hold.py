#!/usr/bin/env python3
"""hold.py N SECONDS RELAY_PID PORT — N keep-alive connections to the relay, each sending a
request every second for SECONDS; prints requests, errors and the relay's RSS at start and end."""
import socket, sys, time

n, secs, pid, port = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], int(sys.argv[4])

def rss():
    return int(next(l for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS")).split()[1]) // 1024

request = b"GET /jmap HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

def one(s):
    s.sendall(request); buf = b""
    while b"\r\n\r\n" not in buf:
        c = s.recv(65536)
        if not c: raise IOError("closed")
        buf += c
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
    while len(rest) < length:
        c = s.recv(65536)
        if not c: raise IOError("closed")
        rest += c
    if not head.startswith(b"HTTP/1.1 200"): raise IOError(head[:40])

socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port)); s.settimeout(10); socks.append(s)
start_rss = rss(); errors = 0; done = 0; end = time.time() + secs
while time.time() < end:
    t = time.time()
    for s in socks:
        try: one(s); done += 1
        except Exception: errors += 1
    time.sleep(max(0, 1 - (time.time() - t)))
print(f"{n} connections, {done} requests, {errors} errors; relay RSS {start_rss} MB after connecting, {rss()} MB at the end")
