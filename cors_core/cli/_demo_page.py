"""The demo's HTML page: runs the matrix with ``fetch()`` and shows browser, oracle and server side by side."""

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>cors-core demo</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; }
.sub { color: #666; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
th, td { border-bottom: 1px solid #ddd; padding: .45rem .5rem; text-align: left; vertical-align: top; }
th { background: #f4f4f6; font-weight: 600; }
code { font: 13px ui-monospace, monospace; }
.allowed { color: #0a7c2f; font-weight: 600; }
.blocked { color: #b3261e; font-weight: 600; }
.pending { color: #888; }
tr.mismatch { background: #fff3cd; }
.server div { margin-bottom: .2rem; }
.small { font-size: 12px; color: #555; }
#summary { font-weight: 600; margin-top: 1rem; }
button { font: inherit; padding: .3rem .8rem; }
</style>
</head>
<body>
<h1>cors-core demo</h1>
<p class="sub">This page (<code id="page-origin"></code>) calls the API (<code id="api-origin"></code>), another origin
served through <code>cors_wsgi.CORSMiddleware</code>. Each row is a real <code>fetch()</code> made by this browser.</p>
<button id="again" type="button">Run again</button>
<div id="summary" data-done="false">running...</div>
<table>
<thead><tr><th>request</th><th>expected (oracle)</th><th>browser</th><th>server said</th></tr></thead>
<tbody id="rows"></tbody>
</table>
<p class="small">"expected" comes from <code>cors_core.testing.simulate</code> under the API's policy; "server said" is the
middleware's decision for each request it received, with the reason and, for refusals, the policy change that
would allow it. The API sends <code>X-Request-Id</code> and <code>X-Internal</code> on every answer; a script
reads only the exposed one. A blocked request is invisible to the script: the browser only says <code>TypeError</code>.</p>
<script>
"use strict";
let matrix = null;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function describe(row) {
  const parts = [row.method + " " + row.path];
  for (const [k, v] of Object.entries(row.headers)) parts.push(k + ": " + v);
  if (row.credentials) parts.push("credentials: include");
  return parts.join("\\n");
}

async function runRow(row, run, tr) {
  const url = matrix.api + row.path + "?run=" + run + "&row=" + row.id;
  const init = { method: row.method, headers: row.headers, mode: "cors",
                 credentials: row.credentials ? "include" : "same-origin" };
  if (row.method === "POST" || row.method === "PUT") init.body = row.method === "PUT" ? "{}" : "hello";
  let outcome = "blocked", detail = "";
  try {
    const resp = await fetch(url, init);
    outcome = "allowed";
    const readable = [];
    resp.headers.forEach((v, k) => readable.push(k));
    detail = "status " + resp.status + "; readable headers: " + readable.join(", ");
    await resp.text();
  } catch (err) {
    detail = String(err);
  }
  const cell = tr.querySelector(".browser");
  cell.textContent = "";
  cell.append(el("span", outcome, outcome), el("div", "small", detail));
  tr.dataset.outcome = outcome;
  tr.dataset.match = outcome === row.expected ? "yes" : "no";
  if (outcome !== row.expected) tr.classList.add("mismatch");
  return outcome === row.expected;
}

async function showServer(run) {
  const resp = await fetch("/log.json?run=" + run, { cache: "no-store" });
  const entries = await resp.json();
  for (const row of matrix.rows) {
    const cell = document.querySelector("tr[data-row='" + row.id + "'] .server");
    cell.textContent = "";
    const mine = entries.filter(e => e.row === row.id);
    if (mine.length === 0) cell.append(el("div", "small", "(no request reached the server)"));
    for (const e of mine) {
      const line = el("div");
      line.append(el("code", "", e.method + " -> " + e.status + " "),
                  el("span", e.reason === "allowed" ? "allowed" : "blocked", e.reason),
                  el("div", "small", e.message));
      if (e.fix) line.append(el("div", "small", "fix: " + e.fix));
      cell.append(line);
      if (e.reason === "allowed" && e.method !== "OPTIONS" && row.expected === "blocked") {
        cell.append(el("div", "small", "the server allowed it, but its answer fails the browser's check: "
                                       + row.expected_reason));
      }
    }
  }
}

async function runAll() {
  const summary = document.getElementById("summary");
  summary.dataset.done = "false";
  summary.textContent = "running...";
  const tbody = document.getElementById("rows");
  tbody.textContent = "";
  const run = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
  const trs = matrix.rows.map(row => {
    const tr = el("tr");
    tr.dataset.row = row.id;
    tr.dataset.expected = row.expected;
    const req = el("td");
    req.append(el("div", "", row.title), el("code", "small", describe(row)));
    req.lastChild.style.whiteSpace = "pre";
    const exp = el("td");
    exp.append(el("span", row.expected, row.expected),
               el("div", "small", (row.preflight ? "preflight first. " : "no preflight. ") + (row.expected_reason || "")));
    if (row.fix && row.fix.length) exp.append(el("div", "small", "to allow it: " + row.fix.join("; ")));
    else if (row.fix_note) exp.append(el("div", "small", row.fix_note));
    const br = el("td", "browser pending", "...");
    tr.append(req, exp, br, el("td", "server small", ""));
    tbody.append(tr);
    return tr;
  });
  let good = 0;
  for (let i = 0; i < matrix.rows.length; i++) {
    if (await runRow(matrix.rows[i], run, trs[i])) good++;
  }
  await showServer(run);
  summary.textContent = good + " of " + matrix.rows.length + " rows as expected";
  summary.className = good === matrix.rows.length ? "allowed" : "blocked";
  summary.dataset.good = String(good);
  summary.dataset.total = String(matrix.rows.length);
  summary.dataset.done = "true";
}

async function main() {
  matrix = await (await fetch("/matrix.json", { cache: "no-store" })).json();
  document.getElementById("page-origin").textContent = matrix.page;
  document.getElementById("api-origin").textContent = matrix.api;
  document.getElementById("again").addEventListener("click", runAll);
  await runAll();
}
main();
</script>
</body>
</html>
"""
