#!/usr/bin/env python3
"""page-check.py — drives headless Chromium over the DevTools protocol (CDP) to check the
relay's inspector page, with only the standard library (a minimal WebSocket client).

  page-check.py --ws ws://127.0.0.1:P/devtools/browser/ID --page http://127.0.0.1:R/_relay/ \
                --rows N --live-traffic 'CMD' --out DIR

Opens the page, waits for it to connect to /_relay/events and show N rows from the relay's
ring, runs CMD (traffic that must fail), waits for that exchange to arrive live as an error
row, opens it, and saves screenshots to DIR. Every wait is on a DOM condition (a
MutationObserver inside the page) with a deadline, never a fixed sleep. Prints "ok   - …" or
"FAIL - …" per check; exits 1 if any failed.
"""
import argparse, base64, json, os, socket, struct, subprocess, sys, time
from urllib.parse import urlsplit

FAILED = 0


def ok(msg):
    print("ok   - " + msg, flush=True)


def bad(msg, detail=""):
    global FAILED
    FAILED += 1
    print("FAIL - " + msg, flush=True)
    for line in str(detail).splitlines()[:20]:
        print("       " + line, flush=True)


class WebSocket:
    """RFC 6455 client: the opening handshake, masked text frames out, frames in."""

    def __init__(self, url, timeout=30):
        u = urlsplit(url)
        self.sock = socket.create_connection((u.hostname, u.port or 80), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {u.path or '/'} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during the WebSocket handshake")
            head += chunk
        head, self.buf = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError("WebSocket handshake refused: " + head.decode(errors="replace"))

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("WebSocket closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _frame(self, opcode, payload):
        n = len(payload)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def send(self, text):
        self._frame(0x1, text.encode())

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            opcode = b0 & 0x0F
            if opcode == 0x9:
                self._frame(0xA, data)
                continue
            if opcode == 0x8:
                raise ConnectionError("WebSocket closed by the browser")
            if opcode in (0x0, 0x1, 0x2):
                message += data
                if b0 & 0x80:
                    return message.decode()


class CDP:
    """Commands with ids over one browser connection; events are kept for later checks."""

    def __init__(self, ws_url):
        self.ws = WebSocket(ws_url)
        self.next_id = 0
        self.events = []
        self.session = None

    def call(self, method, params=None, timeout=20, browser=False):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session and not browser:
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while True:
            self.ws.sock.settimeout(max(0.1, deadline - time.monotonic()))
            m = json.loads(self.ws.recv())
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, name, timeout=20):
        for i, e in enumerate(self.events):
            if e["method"] == name:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.ws.sock.settimeout(max(0.1, deadline - time.monotonic()))
            m = json.loads(self.ws.recv())
            if m.get("method") == name:
                return m
            if "method" in m:
                self.events.append(m)
        raise TimeoutError(name)

    def evaluate(self, expression, timeout=20):
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True},
                      timeout=timeout + 5)
        if "exceptionDetails" in r:
            raise RuntimeError(json.dumps(r["exceptionDetails"])[:800])
        return r["result"].get("value")

    def wait_for(self, predicate, timeout_ms=10000):
        """Resolves with the predicate's first truthy value, re-checked on every DOM change,
        or false at the deadline."""
        js = """new Promise((resolve) => {
          const pred = () => { try { return (%s); } catch (e) { return false; } };
          let timer;
          const obs = new MutationObserver(() => { const v = pred(); if (v) { obs.disconnect(); clearTimeout(timer); resolve(v); } });
          const first = pred();
          if (first) { resolve(first); return; }
          obs.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
          timer = setTimeout(() => { obs.disconnect(); resolve(pred() || false); }, %d);
        })""" % (predicate, timeout_ms)
        return self.evaluate(js, timeout=timeout_ms / 1000 + 5)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ws", required=True)
    ap.add_argument("--page", required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--live-traffic", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    cdp = CDP(a.ws)
    target = cdp.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    cdp.session = cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True}, browser=True)["sessionId"]
    for domain in ("Page", "Runtime", "Log"):
        cdp.call(domain + ".enable")
    cdp.call("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    cdp.call("Page.navigate", {"url": a.page})
    try:
        cdp.wait_event("Page.loadEventFired")
        title = cdp.evaluate("document.title")
        if title != "jmap-relay inspector":
            bad(f"the page loads (title {title!r})", cdp.evaluate("document.body ? document.body.innerText : ''"))
            return
        ok(f"the page loads ({title!r})")
    except TimeoutError:
        bad("the page loads", "no load event within 20 s")
        return

    if cdp.wait_for("document.getElementById('conn').className === 'live'"):
        ok("the page connects to /_relay/events (shows 'live')")
    else:
        bad("the page connects to /_relay/events", cdp.evaluate("document.getElementById('conn').textContent"))

    n = cdp.wait_for(f"document.querySelectorAll('#exchanges li.row').length >= {a.rows} && "
                     "document.querySelectorAll('#exchanges li.row').length")
    if n:
        ok(f"rows for the exchanges before the page opened appear ({n} rows)")
    else:
        bad(f"rows appear (expected {a.rows})", cdp.evaluate("document.getElementById('exchanges').innerText"))

    before = cdp.evaluate("document.querySelectorAll('#exchanges li.row').length") or 0
    t = subprocess.run(a.live_traffic, shell=True, capture_output=True, text=True)
    if t.returncode == 0:
        ok("failing traffic sent while the page is open")
    else:
        bad("failing traffic sent while the page is open", t.stdout + t.stderr)

    err = cdp.wait_for("(() => { const r = [...document.querySelectorAll('#exchanges li.row.error')]"
                       ".find((li) => li.innerText.includes('Mailbox/query'));"
                       " return r ? r.innerText.replace(/\\s+/g, ' ') : false; })()")
    after = cdp.evaluate("document.querySelectorAll('#exchanges li.row').length") or 0
    if err and after > before:
        ok(f"the failing exchange arrives live as an error row: {err.strip()}")
    else:
        bad("the failing exchange arrives live as an error row",
            f"rows before={before} after={after}\n" + str(cdp.evaluate("document.getElementById('exchanges').innerText")))

    colours = cdp.evaluate("""(() => {
        const e = document.querySelector('#exchanges li.row.error .summary');
        const n = document.querySelector('#exchanges li.row:not(.error) .summary');
        const badge = document.querySelector('#exchanges li.row.error .methods .err');
        return e && n && badge ? { error: getComputedStyle(e).backgroundColor, normal: getComputedStyle(n).backgroundColor,
                                   badge: getComputedStyle(badge).color, text: badge.textContent } : null; })()""")
    if colours and colours["error"] != colours["normal"] and "serverFail (Mailbox/query)" in colours["text"]:
        ok(f"the error row is highlighted (background {colours['error']}, badge {colours['text'].strip()!r} in {colours['badge']})")
    else:
        bad("the error row is highlighted", json.dumps(colours))

    spec = cdp.wait_for("(() => { const c = [...document.querySelectorAll('#fault-list code')]"
                        ".find((c) => c.textContent.includes('Mailbox/query')); return c ? c.textContent : false; })()")
    (ok if spec else bad)(f"the faults panel lists the rule added through the API ({spec})")

    count = cdp.evaluate("document.getElementById('count').textContent")
    (ok if count == f"{after} of {after} exchanges" else bad)(f"the counter agrees with the rows ({count!r})")

    targets = cdp.evaluate("[...document.querySelectorAll('#exchanges li.row .target')].map((t) => t.textContent)")
    if targets and not any(t.startswith("/_relay") or t == "/favicon.ico" for t in targets):
        ok(f"rows show only the client's traffic, not the page's own requests ({' '.join(reversed(targets))})")
    else:
        bad("rows show only the client's traffic, not the page's own requests", json.dumps(targets))

    shot = cdp.screenshot(os.path.join(a.out, "inspector.png"))

    cdp.evaluate("(() => { const r = [...document.querySelectorAll('#exchanges li.row.error')]"
                 ".find((li) => li.innerText.includes('Mailbox/query')); r.querySelector('.summary').click(); return true; })()")
    detail = cdp.wait_for("(() => { const d = document.querySelector('#exchanges li.row.error.open .detail');"
                          " return d && d.innerText.includes('serverFail') ? d.innerText.replace(/\\s+/g, ' ') : false; })()")
    if detail and "Mailbox/query" in detail:
        ok("clicking the error row shows the call beside its serverFail response")
    else:
        bad("clicking the error row shows the call beside its serverFail response",
            cdp.evaluate("document.getElementById('exchanges').innerText"))
    shot2 = cdp.screenshot(os.path.join(a.out, "inspector-detail.png"))

    problems = [e for e in cdp.events if e["method"] == "Runtime.exceptionThrown" or
                (e["method"] == "Runtime.consoleAPICalled" and e["params"].get("type") == "error") or
                (e["method"] == "Log.entryAdded" and e["params"]["entry"].get("level") == "error")]
    if problems:
        bad("no script errors, console errors or CSP violations on the page", json.dumps(problems, indent=1)[:2000])
    else:
        ok("no script errors, console errors or CSP violations on the page")
    print(f"# screenshots: {shot} {shot2}", flush=True)
    try:
        cdp.call("Browser.close", browser=True, timeout=5)
    except Exception:
        pass


if __name__ == "__main__":
    try:
        main()
    except Exception as e:
        bad("the DevTools session ran to the end", f"{type(e).__name__}: {e}")
    sys.exit(1 if FAILED else 0)
