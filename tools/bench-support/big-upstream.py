#!/usr/bin/env python3
"""big-upstream.py plain|tls PREFIX — an upstream for the 1 GiB transfers of tools/bench.

GET answers 1 GiB of zeros; POST reads the whole body and answers {"read": N}. With `tls` it
serves https with a self-signed certificate for 127.0.0.1 (written to PREFIX.crt, made with the
openssl command). Writes its port to PREFIX.port once it listens."""
import http.server, socketserver, ssl, subprocess, sys

GiB = 1 << 30
CHUNK = b"\0" * (1 << 20)

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(GiB))
        self.end_headers()
        for _ in range(GiB // len(CHUNK)):
            self.wfile.write(CHUNK)
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0")); left = n
        while left > 0:
            b = self.rfile.read(min(left, 1 << 20))
            if not b: break
            left -= len(b)
        body = b'{"read":%d}' % (n - left)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

mode, prefix = sys.argv[1], sys.argv[2]
server = Server(("127.0.0.1", 0), Handler)
if mode == "tls":
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", prefix + ".key", "-out", prefix + ".crt"], check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(prefix + ".crt", prefix + ".key")
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
open(prefix + ".port", "w").write(str(server.server_address[1]))
server.serve_forever()
