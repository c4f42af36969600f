#!/usr/bin/env python3
"""instructions.py — the Python halves of instructions.sh.

    instructions.py upstream DIR          plain and TLS upstreams; ports to DIR/up-{plain,tls}.port
    instructions.py wait-port FILE...     until every FILE holds a port
    instructions.py client PORT N         the session, then N POSTs of Mailbox/get, on one keep-alive connection
    instructions.py count CGOUT N BIN MODE  instructions and malloc calls per exchange
"""
import http.client, http.server, json, os, re, socketserver, ssl, subprocess, sys, threading, time

REQUEST = json.dumps({"using": ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail"],
                      "methodCalls": [["Mailbox/get", {"accountId": "u1"}, "0"]]}).encode()
MAILBOXES = [{"id": f"mb{i}", "name": f"Folder {i}", "role": None, "totalEmails": i * 7,
              "unreadEmails": i, "sortOrder": i, "parentId": None,
              "myRights": {"mayReadItems": True, "mayAddItems": True}} for i in range(12)]
ANSWER = json.dumps({"methodResponses": [["Mailbox/get", {"accountId": "u1", "state": "s1",
                     "list": MAILBOXES, "notFound": []}, "0"]], "sessionState": "abc"}).encode()

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        base = ("https" if isinstance(self.connection, ssl.SSLSocket) else "http") + "://" + self.headers["Host"]
        body = json.dumps({"capabilities": {"urn:ietf:params:jmap:core": {}, "urn:ietf:params:jmap:mail": {}},
                           "accounts": {"u1": {"name": "u1", "isPersonal": True, "isReadOnly": False,
                                               "accountCapabilities": {"urn:ietf:params:jmap:mail": {}}}},
                           "primaryAccounts": {"urn:ietf:params:jmap:mail": "u1"}, "username": "u1",
                           "apiUrl": base + "/jmap/api/", "downloadUrl": base + "/jmap/download/{accountId}/{blobId}/{name}?accept={type}",
                           "uploadUrl": base + "/jmap/upload/{accountId}/", "eventSourceUrl": base + "/jmap/eventsource/?types={types}&closeafter={closeafter}&ping={ping}",
                           "state": "abc"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(ANSWER)))
        self.end_headers()
        self.wfile.write(ANSWER)

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

def upstream(d):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", f"{d}/up.key", "-out", f"{d}/up.crt"], check=True, capture_output=True)
    plain = Server(("127.0.0.1", 0), Handler)
    tls = Server(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(f"{d}/up.crt", f"{d}/up.key")
    tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
    for name, s in (("plain", plain), ("tls", tls)):
        threading.Thread(target=s.serve_forever, daemon=True).start()
        with open(f"{d}/up-{name}.port.tmp", "w") as f: f.write(str(s.server_address[1]))
        os.rename(f"{d}/up-{name}.port.tmp", f"{d}/up-{name}.port")
    threading.Event().wait()

def wait_port(files):
    deadline = time.monotonic() + 60
    while not all(os.path.exists(f) for f in files):
        if time.monotonic() > deadline: sys.exit("instructions.py: the upstream did not start")
        time.sleep(0.05)

def client(port, n):
    deadline = time.monotonic() + 120
    while True:   # the relay under valgrind takes a few seconds to listen
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60); conn.connect(); break
        except OSError:
            if time.monotonic() > deadline: sys.exit("instructions.py: the relay did not listen")
            time.sleep(0.1)
    conn.request("GET", "/.well-known/jmap"); r = conn.getresponse(); r.read()
    if r.status != 200: sys.exit(f"instructions.py: the session answered {r.status}")
    for _ in range(n):
        conn.request("POST", "/jmap/api/", body=REQUEST, headers={"Content-Type": "application/json"})
        r = conn.getresponse(); body = r.read()
        if r.status != 200: sys.exit(f"instructions.py: the relay answered {r.status}: {body[:200]!r}")
    conn.close()

def count(path, n, binary, mode):
    files = [f for f in os.listdir(os.path.dirname(path)) if f.startswith(os.path.basename(path))]
    total = 0; mallocs = 0
    for f in files:
        fn_names = {}; current_callee = None
        for line in open(os.path.join(os.path.dirname(path), f), errors="replace"):
            if line.startswith("summary:") or line.startswith("totals:"):
                total = max(total, int(line.split()[1]))
            m = re.match(r"(c?)fn=\((\d+)\)(?: (.*))?", line)
            if m:
                if m.group(3): fn_names[m.group(2)] = m.group(3).strip()
                if m.group(1): current_callee = fn_names.get(m.group(2))
                continue
            m = re.match(r"calls=(\d+)", line)
            if m and current_callee in ("malloc", "calloc", "realloc", "posix_memalign", "aligned_alloc"):
                mallocs += int(m.group(1))
    print(f"{binary[:26]:<26} {mode:<10} {total / n:14.0f} {mallocs / n:14.1f}")

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "upstream": upstream(sys.argv[2])
    elif cmd == "wait-port": wait_port(sys.argv[2:])
    elif cmd == "client": client(int(sys.argv[2]), int(sys.argv[3]))
    elif cmd == "count": count(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    else: sys.exit(__doc__)
