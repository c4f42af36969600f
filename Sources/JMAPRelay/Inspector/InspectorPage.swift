/// The page served at `GET /_relay/`: one self-contained HTML document (no CDN, no external
/// file) that lists exchanges live from `/_relay/events`, expands a batch into its method calls
/// beside their responses, marks method errors and SetErrors in red, filters by method name or
/// errors only, and lists, adds and removes faults through `/_relay/faults`. Data from the wire
/// is only ever inserted as text, never as HTML.
enum InspectorPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>jmap-relay inspector</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%230a66c2'/%3E%3C/svg%3E">
<style>
  :root { --bg:#fff; --fg:#1d1d1f; --muted:#6e6e73; --line:#e5e5ea; --err:#c62828; --errbg:#fdecea; --ok:#2e7d32; --accent:#0a66c2; }
  @media (prefers-color-scheme: dark) { :root { --bg:#1c1c1e; --fg:#f2f2f7; --muted:#98989d; --line:#3a3a3c; --err:#ff6b6b; --errbg:#3b1f1f; --ok:#7bd88f; --accent:#64a8ff; } }
  * { box-sizing: border-box; }
  body { margin:0; font:13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background:var(--bg); color:var(--fg); }
  header { display:flex; gap:12px; align-items:center; padding:8px 12px; border-bottom:1px solid var(--line); position:sticky; top:0; background:var(--bg); z-index:1; flex-wrap:wrap; }
  header h1 { font-size:14px; margin:0; }
  #conn { color:var(--muted); }
  #conn.live { color:var(--ok); }
  main { display:grid; grid-template-columns: 1fr 340px; min-height: calc(100vh - 42px); }
  @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
  #exchanges { list-style:none; margin:0; padding:0; border-right:1px solid var(--line); }
  .row { border-bottom:1px solid var(--line); }
  .summary { display:grid; grid-template-columns: 56px 54px 1fr 44px 70px; gap:8px; padding:4px 12px; cursor:pointer; }
  .summary:hover { background:rgba(127,127,127,.08); }
  .methods { grid-column: 3 / 6; color:var(--muted); overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
  .target { overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
  .ms { text-align:right; color:var(--muted); }
  .row.error .summary { background:var(--errbg); }
  .row.error .status, .err, .seterr { color:var(--err); font-weight:600; }
  .detail { display:none; padding:6px 12px 12px 12px; }
  .row.open .detail { display:block; }
  table.calls { width:100%; border-collapse:collapse; table-layout:fixed; }
  table.calls td, table.calls th { border:1px solid var(--line); vertical-align:top; padding:4px 6px; text-align:left; }
  table.calls tr.error td.res { background:var(--errbg); }
  pre { margin:2px 0 0 0; white-space:pre-wrap; word-break:break-word; max-height:320px; overflow:auto; }
  .ref { color:var(--accent); }
  .muted { color:var(--muted); }
  aside { padding:8px 12px; }
  aside h2 { font-size:13px; margin:4px 0 8px 0; }
  #fault-list { list-style:none; padding:0; margin:0 0 8px 0; }
  #fault-list li { display:flex; gap:6px; align-items:baseline; padding:3px 0; border-bottom:1px solid var(--line); }
  #fault-list li code { flex:1; overflow-wrap:anywhere; }
  input[type=text] { font:inherit; padding:3px 6px; border:1px solid var(--line); background:var(--bg); color:var(--fg); }
  #fault-spec { width:100%; }
  button { font:inherit; cursor:pointer; }
  #fault-status { min-height:1.4em; }
</style>
</head>
<body>
<header>
  <h1>jmap-relay</h1>
  <span id="conn">connecting…</span>
  <label>method <input type="text" id="filter-method" placeholder="Email/set" size="18"></label>
  <label><input type="checkbox" id="errors-only"> errors only</label>
  <button id="clear" type="button">clear</button>
  <a href="/_relay/export.har" download="jmap-relay.har">export HAR</a>
  <span id="count" class="muted"></span>
</header>
<main>
  <ul id="exchanges"></ul>
  <aside id="faults">
    <h2>Faults</h2>
    <ul id="fault-list"></ul>
    <form id="fault-form">
      <input type="text" id="fault-spec" placeholder="call=Email/set action=method-error:serverFail" autocomplete="off">
      <button type="submit">add fault</button>
    </form>
    <div id="fault-status" class="muted"></div>
    <p class="muted">Click an exchange to see its method calls beside their responses.
      Method errors and SetErrors are red.</p>
  </aside>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const list = $("exchanges");
const MAX_ROWS = 2000;
let shown = 0;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function pretty(v) { try { return JSON.stringify(v, null, 2); } catch (_) { return String(v); } }

// What a JMAP batch holds: calls beside their responses, method errors, SetErrors.
function analyse(x) {
  const calls = (x.requestBody && Array.isArray(x.requestBody.methodCalls)) ? x.requestBody.methodCalls : [];
  const responses = (x.responseBody && Array.isArray(x.responseBody.methodResponses)) ? x.responseBody.methodResponses : [];
  const pairs = calls.map((c) => ({ call: c, responses: responses.filter((r) => r[2] === c[2]) }));
  const answered = new Set(calls.map((c) => c[2]));
  for (const r of responses) if (!answered.has(r[2])) pairs.push({ call: null, responses: [r] });
  const methodErrors = [];
  let setErrors = 0;
  for (const p of pairs) {
    p.errors = [];
    for (const r of p.responses) {
      if (r[0] === "error") {
        const type = (r[1] && r[1].type) || "unknown";
        // As the trace line says it: the type, then the call that failed.
        methodErrors.push(type + " (" + (p.call ? p.call[0] : r[2]) + ")");
        p.errors.push("error " + type);
        continue;
      }
      for (const k of ["notCreated", "notUpdated", "notDestroyed"]) {
        const failed = r[1] && r[1][k];
        if (failed && typeof failed === "object") {
          for (const id of Object.keys(failed)) { setErrors++; p.errors.push(k + " " + id + ": " + ((failed[id] && failed[id].type) || "unknown")); }
        }
      }
    }
  }
  const problem = (x.status >= 400 && x.responseBody && x.responseBody.type) ? x.responseBody.type : null;
  const names = calls.map((c) => c[0]);
  const isError = x.status === null || x.status >= 400 || !!x.error || methodErrors.length > 0 || setErrors > 0;
  return { pairs, names, methodErrors, setErrors, problem, isError };
}

// Result references (`#ids: {resultOf, name, path}`) spelled out beside the call.
function references(args) {
  const out = [];
  if (args && typeof args === "object") {
    for (const k of Object.keys(args)) {
      const v = args[k];
      if (k.startsWith("#") && v && typeof v === "object" && v.resultOf !== undefined) {
        out.push(k.slice(1) + " ← result of call " + v.resultOf + " (" + v.name + ") at " + v.path);
      }
    }
  }
  return out;
}

function detail(x, a) {
  const d = el("div", "detail");
  if (x.error) d.appendChild(el("div", "err", "relay: " + x.error));
  if (x.faults && x.faults.length) d.appendChild(el("div", "err", "faults: " + x.faults.join("; ")));
  if (a.problem) d.appendChild(el("div", "err", "problem: " + a.problem));
  if (a.pairs.length) {
    const t = el("table", "calls");
    const head = el("tr");
    head.appendChild(el("th", null, "call"));
    head.appendChild(el("th", null, "response"));
    t.appendChild(head);
    for (const p of a.pairs) {
      const tr = el("tr", p.errors.length ? "error" : "");
      const req = el("td", "req");
      if (p.call) {
        req.appendChild(el("strong", null, p.call[0]));
        req.appendChild(el("span", "muted", "  " + p.call[2]));
        for (const r of references(p.call[1])) req.appendChild(el("div", "ref", r));
        req.appendChild(el("pre", null, pretty(p.call[1])));
      } else {
        req.appendChild(el("span", "muted", "(no call with this id)"));
      }
      const res = el("td", "res");
      for (const r of p.responses) {
        res.appendChild(el("strong", r[0] === "error" ? "err" : null, r[0]));
        res.appendChild(el("span", "muted", "  " + r[2]));
        res.appendChild(el("pre", null, pretty(r[1])));
      }
      if (!p.responses.length) res.appendChild(el("span", "muted", "(no response)"));
      for (const e of p.errors) res.appendChild(el("div", "seterr", e));
      tr.appendChild(req);
      tr.appendChild(res);
      t.appendChild(tr);
    }
    d.appendChild(t);
  } else {
    if (x.requestBody !== undefined) { d.appendChild(el("div", "muted", "request body")); d.appendChild(el("pre", null, pretty(x.requestBody))); }
    if (x.responseBody !== undefined) { d.appendChild(el("div", "muted", "response body")); d.appendChild(el("pre", null, pretty(x.responseBody))); }
    if (x.requestBody === undefined && x.responseBody === undefined) {
      d.appendChild(el("div", "muted", "bodies not kept (" + x.requestBytes + " bytes up, " + x.responseBytes + " bytes down)"));
    }
  }
  return d;
}

function add(x) {
  if (document.querySelector('[data-seq="' + Number(x.seq) + '"]')) return;
  const a = analyse(x);
  const li = el("li", "row" + (a.isError ? " error" : ""));
  li.dataset.seq = String(Number(x.seq));
  li.dataset.methods = a.names.join(" ").toLowerCase();
  li.dataset.error = a.isError ? "1" : "";
  const s = el("div", "summary");
  s.appendChild(el("span", "seq", "#" + x.seq));
  s.appendChild(el("span", "verb", x.method));
  const target = el("span", "target", x.target);
  target.title = x.target;
  s.appendChild(target);
  s.appendChild(el("span", "status", x.status === null ? "---" : String(x.status)));
  s.appendChild(el("span", "ms", (x.ms < 10 ? x.ms.toFixed(1) : Math.round(x.ms)) + "ms"));
  let m = a.names.join(", ");
  const badges = [];
  badges.push(...a.methodErrors);
  if (a.setErrors) badges.push(a.setErrors + " SetError" + (a.setErrors > 1 ? "s" : ""));
  if (a.problem) badges.push(a.problem.replace(/^.*:/, ""));
  if (x.error) badges.push(x.error);
  if (x.faults && x.faults.length) badges.push("fault " + x.faults.map((f) => f.split(" ")[0].replace(/:$/, "")).join(" "));
  // The second line only when there is something to say (an empty one would pad the row).
  if (m || badges.length) {
    const methods = el("span", "methods", m);
    if (badges.length) methods.appendChild(el("span", "err", (m ? "  " : "") + "! " + badges.join(", ")));
    s.appendChild(methods);
  }
  li.appendChild(s);
  let d = null;
  s.addEventListener("click", () => {
    if (!d) { d = detail(x, a); li.appendChild(d); }
    li.classList.toggle("open");
  });
  list.insertBefore(li, list.firstChild);
  while (list.children.length > MAX_ROWS) list.removeChild(list.lastChild);
  applyFilter(li);
  count();
}

function applyFilter(li) {
  const q = $("filter-method").value.trim().toLowerCase();
  const errorsOnly = $("errors-only").checked;
  li.hidden = (q && !li.dataset.methods.includes(q)) || (errorsOnly && !li.dataset.error);
}
function applyFilters() { for (const li of list.children) applyFilter(li); count(); }
function count() {
  shown = 0;
  for (const li of list.children) if (!li.hidden) shown++;
  $("count").textContent = shown + " of " + list.children.length + " exchanges";
}
$("filter-method").addEventListener("input", applyFilters);
$("errors-only").addEventListener("change", applyFilters);
$("clear").addEventListener("click", () => { list.textContent = ""; count(); });

const events = new EventSource("/_relay/events");
events.onopen = () => { $("conn").textContent = "live"; $("conn").className = "live"; };
events.onerror = () => { $("conn").textContent = "reconnecting…"; $("conn").className = ""; };
events.onmessage = (ev) => { try { add(JSON.parse(ev.data)); } catch (e) { console.error(e); } };

// Faults: GET lists {"rules":[{id, spec, …}]}, POST {"spec"} adds, DELETE /_relay/faults/<id> removes.
function faultStatus(text, bad) { const s = $("fault-status"); s.textContent = text; s.className = bad ? "err" : "muted"; }
async function problemText(r) {
  try { const j = await r.json(); return j.detail || j.title || j.error || ("HTTP " + r.status); } catch (_) { return "HTTP " + r.status; }
}
async function loadFaults() {
  let r;
  try { r = await fetch("/_relay/faults", { headers: { "Accept": "application/json" } }); }
  catch (e) { faultStatus("cannot reach the relay", true); return; }
  if (r.status === 404) { faultStatus("this relay has no fault API", true); return; }
  if (!r.ok) { faultStatus(await problemText(r), true); return; }
  const body = await r.json();
  const ul = $("fault-list");
  ul.textContent = "";
  for (const rule of (body.rules || [])) {
    const li = el("li");
    li.appendChild(el("code", null, rule.spec || pretty(rule)));
    const del = el("button", null, "remove");
    del.type = "button";
    del.addEventListener("click", async () => {
      const d = await fetch("/_relay/faults/" + encodeURIComponent(rule.id), { method: "DELETE" });
      if (!d.ok) faultStatus(await problemText(d), true); else faultStatus("removed " + rule.id);
      loadFaults();
    });
    li.appendChild(del);
    ul.appendChild(li);
  }
  if (!(body.rules || []).length) ul.appendChild(el("li", "muted", "no faults"));
}
$("fault-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const spec = $("fault-spec").value.trim();
  if (!spec) return;
  const r = await fetch("/_relay/faults", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ spec }) });
  if (!r.ok) { faultStatus(await problemText(r), true); return; }
  $("fault-spec").value = "";
  faultStatus("added");
  loadFaults();
});
loadFaults();
count();
</script>
</body>
</html>
"""#
}
