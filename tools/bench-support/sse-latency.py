#!/usr/bin/env python3
"""sse-latency.py RELAY_BIN — how long an EventSource event takes to cross the relay.

Starts a small event-stream upstream that stamps each event with CLOCK_MONOTONIC (shared by
all processes on the machine), reads the stream directly and through `RELAY_BIN serve`, and
prints p50/p99 arrival delay for both and what the relay adds. 2000 events, 1 ms apart."""
import http.server, socketserver, socket, subprocess, sys, threading, time, re

N = 2000

class Stream(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        for i in range(N):
            data = '{"@type":"StateChange","changed":{"u1":{"Email":"s%d"}},"t":%d}' % (i, time.monotonic_ns())
            self.wfile.write(b"event: state\nid: %d\ndata: %s\n\n" % (i, data.encode()))
            self.wfile.flush()
            time.sleep(0.001)
        self.close_connection = True

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

def read_delays(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /jmap/eventsource/?types=*&closeafter=no&ping=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
    buf = b""; delays = []
    while len(delays) < N:
        c = s.recv(65536)
        if not c: break
        now = time.monotonic_ns()
        buf += c
        for m in re.finditer(rb'"t":(\d+)\}', buf):
            delays.append((now - int(m.group(1))) / 1000)
        buf = buf[buf.rfind(b"\n\n") + 2:] if b"\n\n" in buf else buf
    s.close()
    return sorted(delays)

def pct(d, p): return d[min(len(d) - 1, int(len(d) * p))] if d else float("nan")

up = Server(("127.0.0.1", 0), Stream)
threading.Thread(target=up.serve_forever, daemon=True).start()
upport = up.server_address[1]
relay = subprocess.Popen([sys.argv[1], "serve", "--upstream", f"http://127.0.0.1:{upport}", "--listen", "127.0.0.1:0",
                          "--trace", "off"], stderr=subprocess.PIPE, text=True)
try:
    line = ""
    while "http://127.0.0.1:" not in line:
        line = relay.stderr.readline()
    rport = int(re.search(r"http://127.0.0.1:(\d+)", line).group(1))
    direct = read_delays(upport)
    through = read_delays(rport)
    print("EventSource %d events: direct p50 %.0f µs p99 %.0f µs; through the relay p50 %.0f µs p99 %.0f µs; "
          "added p50 %.0f µs p99 %.0f µs" % (len(through), pct(direct, .5), pct(direct, .99), pct(through, .5),
                                             pct(through, .99), pct(through, .5) - pct(direct, .5),
                                             pct(through, .99) - pct(direct, .99)))
finally:
    relay.terminate(); relay.wait()
