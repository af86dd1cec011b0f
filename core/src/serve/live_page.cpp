#include "serve/live_page.hpp"

namespace caviar {

namespace {

// Every value from the study reaches the page through textContent or a canvas, never as HTML.
const char* page = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>caviar · live</title>
<style>
:root { --ink: #1d2433; --muted: #5b6473; --line: #e3e6eb; --bg: #f7f8fa; --accent: #1f77b4;
        --good: #2a9d5c; --warn: #d9822b; --bad: #c0392b; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 10px 18px; padding: 10px 18px;
         background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 18px; margin: 0; }
.pill { padding: 2px 9px; border-radius: 10px; font-size: 12px; background: var(--line); }
.pill.on { background: #dff3e8; color: var(--good); }
.counts span { margin-right: 10px; color: var(--muted); }
.counts b { color: var(--ink); font-weight: 600; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 360px; gap: 14px; padding: 14px 18px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; }
section h2 { font-size: 14px; margin: 0 0 8px; color: var(--muted); font-weight: 600; }
#chart { width: 100%; height: 360px; display: block; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { position: sticky; top: 0; background: #fff; cursor: pointer; color: var(--muted); font-weight: 600; }
th:first-child, td:first-child, td.state { text-align: left; }
tbody tr { cursor: pointer; }
tbody tr:hover { background: #f1f5fb; }
tbody tr.selected { background: #e3eefb; }
.tablewrap { max-height: 360px; overflow: auto; }
.state.running { color: var(--accent); } .state.paused { color: var(--warn); }
.state.failed { color: var(--bad); } .state.pruned { color: var(--muted); }
.state.complete { color: var(--good); }
label { display: block; font-size: 12px; color: var(--muted); margin-top: 8px; }
input, select { width: 100%; padding: 5px 7px; border: 1px solid #c9ced6; border-radius: 4px; font: inherit; }
input:disabled, select:disabled { background: #f1f2f4; color: var(--muted); }
.hint { font-size: 11px; color: var(--muted); }
.buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
button { padding: 5px 12px; border: 1px solid #c9ced6; background: #fff; border-radius: 4px;
         font: inherit; cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button:disabled { opacity: 0.45; cursor: default; }
#toast { position: fixed; right: 18px; bottom: 18px; max-width: 420px; padding: 10px 14px;
         border-radius: 6px; background: var(--ink); color: #fff; display: none; }
#toast.bad { background: var(--bad); }
.events { font-size: 12px; color: var(--muted); max-height: 140px; overflow: auto; margin-top: 8px; }
.row { display: flex; gap: 8px; align-items: end; }
.row > * { flex: 1; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header>
  <h1 id="title">caviar</h1>
  <span id="status" class="pill">…</span>
  <span class="counts" id="counts"></span>
  <span id="best"></span>
  <span style="flex: 1"></span>
  <span class="row" style="width: 230px"><input id="budget" type="number" min="1" title="trial budget">
    <button id="set-budget">Budget</button></span>
  <button id="stop">Stop study</button>
</header>
<main>
  <div>
    <section><h2 id="chart-title">Learning curves</h2><canvas id="chart"></canvas>
      <div class="hint">Click a curve or a row to select a trial. ◆ marks a change made mid-run.</div>
    </section>
    <section style="margin-top: 14px"><h2>Trials</h2>
      <div class="tablewrap"><table id="trials"><thead></thead><tbody></tbody></table></div>
      <div class="hint" id="more"></div>
    </section>
  </div>
  <div>
    <section id="panel"><h2 id="panel-title">No trial selected</h2>
      <div id="panel-body" class="hint">Select a trial to pause it, change its params or resume it.</div>
    </section>
    <section style="margin-top: 14px"><h2>Enqueue a configuration</h2>
      <div id="enqueue-form"></div>
      <div class="buttons"><button id="enqueue">Enqueue</button></div>
    </section>
  </div>
</main>
<div id="toast"></div>
<script>
"use strict";
const S = { study: null, trials: [], curves: new Map(), events: new Map(), cursor: 0,
            selected: null, sort: { key: "number", up: true }, source: null, dirty: true };
const $ = (id) => document.getElementById(id);
const el = (tag, text, cls) => { const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text); if (cls) e.className = cls; return e; };
function fmt(v) { if (v === null || v === undefined) return "–";
  if (typeof v === "number") return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3)
    ? v.toExponential(3) : String(+v.toPrecision(6)); return String(v); }
function toast(text, bad) { const t = $("toast"); t.textContent = text; t.className = bad ? "bad" : "";
  t.style.display = "block"; clearTimeout(toast.timer); toast.timer = setTimeout(() => t.style.display = "none", 6000); }

async function get(path) { const r = await fetch(path, { credentials: "same-origin" });
  if (!r.ok) throw new Error((await r.json()).error || r.statusText); return r.json(); }
async function post(path, body) {
  const r = await fetch(path, { method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}) });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) { toast(j.error || ("failed: " + r.status), true); return null; }
  toast((j.command && j.command.result) || "done"); return j; }

async function load() {
  const [study, trials, curves] = await Promise.all([get("/api/study"), get("/api/trials"),
                                                     get("/api/curves?points=400")]);
  S.study = study; S.trials = trials.trials; S.cursor = trials.cursor; S.curves.clear();
  for (const c of curves.curves) S.curves.set(c.trial, c.points);
  S.events.clear();
  renderStudy(); buildEnqueue(); S.dirty = true; renderTable(); follow();
  if (S.selected !== null) select(S.selected);
}

function follow() {
  if (S.source) S.source.close();
  S.source = new EventSource("/api/events?after=" + S.cursor);
  S.source.onmessage = (e) => { S.cursor = Math.max(S.cursor, +e.lastEventId || 0);
    apply(JSON.parse(e.data)); };
  S.source.addEventListener("reset", () => load());
}

function apply(item) {
  if (item.type === "point") {
    const pts = S.curves.get(item.trial) || [];
    if (!pts.length || pts[pts.length - 1][0] < item.step) pts.push([item.step, item.value]);
    S.curves.set(item.trial, pts);
    const t = S.trials[item.trial]; if (t) { t.steps = item.step; if (item.value !== null) t.value = item.value; }
    if (S.selected === item.trial) renderPanelTitle();
  } else if (item.type === "trial") {
    S.trials[item.trial.number] = item.trial;
    if (S.selected === item.trial.number) renderPanel();
  } else if (item.type === "truncate") {
    S.curves.set(item.trial, (S.curves.get(item.trial) || []).filter((p) => p[0] <= item.step));
  } else if (item.type === "event") {
    const e = item.event, list = S.events.get(e.trial) || [];
    if (!list.some((x) => x.seq === e.seq)) list.push(e);
    S.events.set(e.trial, list);
    if (S.selected === e.trial) renderPanel();
  } else if (item.type === "study") { S.study = item.study; renderStudy(); }
  S.dirty = true;
}

function renderStudy() {
  const s = S.study; $("title").textContent = "Study “" + s.name + "”";
  document.title = "caviar · " + s.name;
  $("status").textContent = s.running ? "running" : "not running"; $("status").className = "pill" + (s.running ? " on" : "");
  $("chart-title").textContent = "Learning curves of " + s.objective.metric + " (" + s.objective.direction + ")";
  if (document.activeElement !== $("budget")) $("budget").value = s.budget;
}

function counts() { const c = {}; for (const t of S.trials) if (t) c[t.state] = (c[t.state] || 0) + 1; return c; }
function best() { const min = S.study.objective.direction === "minimize"; let b = null;
  for (const t of S.trials) if (t && t.state === "complete" && t.value !== null &&
    (b === null || (min ? t.value < b.value : t.value > b.value))) b = t; return b; }

// ---- the chart -----------------------------------------------------------------------------
const colours = { running: "#1f77b4", paused: "#d9822b", failed: "#c0392b", pruned: "#9aa3ad",
                  queued: "#9aa3ad", complete: "#2a9d5c" };
let view = null;
function draw() {
  const c = $("chart"), dpr = window.devicePixelRatio || 1, w = c.clientWidth, h = c.clientHeight;
  if (c.width !== w * dpr) { c.width = w * dpr; c.height = h * dpr; }
  const g = c.getContext("2d"); g.setTransform(dpr, 0, 0, dpr, 0, 0); g.clearRect(0, 0, w, h);
  // The steps reached so far, with room to grow, up to the model's length.
  const vals = []; let reached = 1;
  for (const pts of S.curves.values()) for (const [x, y] of pts) { if (y !== null) vals.push(y); if (x > reached) reached = x; }
  const full = S.study && S.study.max_steps > 0 ? S.study.max_steps : reached;
  let maxStep = Math.min(Math.max(full, reached), Math.max(10, Math.ceil(reached * 1.25)));
  if (!vals.length) { g.fillStyle = "#5b6473"; g.fillText("no step reported yet", 20, 24); return; }
  vals.sort((a, b) => a - b);
  // The axis spans the 2nd to 98th percentile: one diverged trial does not flatten the rest.
  let lo = vals[Math.floor(vals.length * 0.02)], hi = vals[Math.min(vals.length - 1, Math.ceil(vals.length * 0.98))];
  if (hi === lo) { hi += 1e-9 + Math.abs(hi) * 0.01; lo -= 1e-9 + Math.abs(lo) * 0.01; }
  const pad = (hi - lo) * 0.06; lo -= pad; hi += pad;
  const L = 56, R = 14, T = 10, B = 28, X = (s) => L + (s / maxStep) * (w - L - R),
        Y = (v) => T + (1 - (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * (h - T - B);
  view = { X, Y, lo, hi, maxStep };
  g.strokeStyle = "#e3e6eb"; g.fillStyle = "#5b6473"; g.lineWidth = 1; g.font = "11px system-ui";
  for (let i = 0; i <= 4; ++i) { const v = lo + (hi - lo) * i / 4, y = Y(v);
    g.beginPath(); g.moveTo(L, y); g.lineTo(w - R, y); g.stroke(); g.fillText(fmt(v), 4, y + 4); }
  for (let i = 0; i <= 5; ++i) { const s = Math.round(maxStep * i / 5); g.fillText(String(s), X(s) - 4, h - 10); }
  const order = [...S.curves.keys()].sort((a, b) => (a === S.selected) - (b === S.selected));
  for (const n of order) {
    const pts = S.curves.get(n), t = S.trials[n]; if (!pts || !pts.length) continue;
    const sel = n === S.selected;
    g.strokeStyle = t ? (colours[t.state] || "#888") : "#888"; g.globalAlpha = sel ? 1 : 0.45;
    g.lineWidth = sel ? 2.6 : 1.1;
    if (pts.length === 1 && pts[0][1] !== null) {  // a one-step trial (a function) is a dot
      g.fillStyle = g.strokeStyle; g.beginPath(); g.arc(X(pts[0][0]), Y(pts[0][1]), sel ? 4 : 2, 0, 7); g.fill(); continue; }
    g.beginPath(); let on = false;
    for (const [x, y] of pts) { if (y === null) { on = false; continue; }
      if (on) g.lineTo(X(x), Y(y)); else { g.moveTo(X(x), Y(y)); on = true; } }
    g.stroke();
  }
  g.globalAlpha = 1;
  // Changes made mid-run, on the curve at their step.
  for (const [n, list] of S.events) { const pts = S.curves.get(n) || [];
    for (const e of list) { if (e.source !== "manual" && e.kind !== "update") continue;
      const p = pts.find((q) => q[0] === e.step); if (!p || p[1] === null) continue;
      const x = X(p[0]), y = Y(p[1]);
      g.fillStyle = e.source === "manual" ? "#1f77b4" : "#6c5ce7"; g.beginPath();
      g.moveTo(x, y - 6); g.lineTo(x + 6, y); g.lineTo(x, y + 6); g.lineTo(x - 6, y); g.closePath(); g.fill();
      // What changed, by the selected trial's diamonds (a pause or resume is the shape alone).
      if (n === S.selected && e.kind === "update" && e.detail && e.detail.changes) { g.fillStyle = "#1d2433";
        g.fillText(e.detail.changes, x + 8, y - 8); } } }
}
$("chart").addEventListener("click", (ev) => {
  if (!view) return; const r = ev.target.getBoundingClientRect(), mx = ev.clientX - r.left, my = ev.clientY - r.top;
  let bestN = null, bestD = 12;
  for (const [n, pts] of S.curves) for (const [x, y] of pts) { if (y === null) continue;
    const d = Math.hypot(view.X(x) - mx, view.Y(y) - my); if (d < bestD) { bestD = d; bestN = n; } }
  if (bestN !== null) select(bestN);
});

// ---- the table ------------------------------------------------------------------------------
function columns() { return ["number", "state", "steps", "value"].concat(S.study.space.map((d) => d.name)); }
function renderTable() {
  const head = $("trials").tHead, body = $("trials").tBodies[0], cols = columns();
  head.textContent = ""; const hr = head.insertRow();
  for (const k of cols) { const th = el("th", k === "value" ? S.study.objective.metric : k);
    if (S.sort.key === k) th.textContent += S.sort.up ? " ▲" : " ▼";
    th.onclick = () => { S.sort = { key: k, up: S.sort.key === k ? !S.sort.up : true }; S.dirty = true; renderTable(); };
    hr.appendChild(th); }
  const cell = (t, k) => k === "number" || k === "state" || k === "steps" || k === "value" ? t[k] : t.params[k];
  const rows = S.trials.filter(Boolean).slice().sort((a, b) => { const x = cell(a, S.sort.key), y = cell(b, S.sort.key);
    const c = x === y ? a.number - b.number : (x === undefined || x === null) ? 1 : (y === undefined || y === null) ? -1 : x < y ? -1 : 1;
    return S.sort.up ? c : -c; });
  body.textContent = "";
  // A study of thousands of trials: the first rows of the order chosen (sort to see others),
  // and the selected trial always.
  const shown = rows.slice(0, 500);
  if (S.selected !== null && !shown.some((t) => t.number === S.selected) && S.trials[S.selected]) shown.push(S.trials[S.selected]);
  $("more").textContent = rows.length > 500 ? "showing 500 of " + rows.length + " trials: sort by a column to see others" : "";
  for (const t of shown) { const tr = body.insertRow(); tr.dataset.trial = t.number;
    if (t.number === S.selected) tr.className = "selected";
    for (const k of cols) { const td = tr.insertCell(); td.textContent = k === "state" && t.held ? "paused (yours)" : fmt(cell(t, k));
      if (k === "state") td.className = "state " + t.state; }
    tr.onclick = () => select(t.number); }
  const c = counts(), parts = [];
  for (const k of ["running", "paused", "queued", "complete", "pruned", "failed"]) if (c[k]) parts.push([c[k], k]);
  $("counts").textContent = "";
  for (const [n, k] of parts) { const s = el("span"); s.appendChild(el("b", n)); s.appendChild(document.createTextNode(" " + k)); $("counts").appendChild(s); }
  const b = best(); $("best").textContent = b ? "best " + fmt(b.value) + " (trial " + b.number + ")" : "";
}

// ---- the selected trial ---------------------------------------------------------------------
function dimInput(d, value, locked, reason) {
  const wrap = el("div"), lab = el("label", d.name + (d.architecture ? " (architecture)" : "")); wrap.appendChild(lab);
  let input;
  if (d.kind === "categorical") { input = el("select");
    for (const c of d.choices) { const o = el("option", c); o.value = JSON.stringify(c); if (c === value) o.selected = true; input.appendChild(o); } }
  else { input = el("input"); input.type = "number"; input.min = d.low; input.max = d.high;
    input.step = d.kind === "integer" ? (d.step || 1) : (d.step || "any"); if (value !== undefined) input.value = value; }
  input.dataset.name = d.name; input.dataset.kind = d.kind; input.disabled = locked; if (reason) input.title = reason;
  wrap.appendChild(input);
  wrap.appendChild(el("div", d.kind === "categorical" ? "one of " + d.choices.map(fmt).join(", ")
    : "[" + fmt(d.low) + ", " + fmt(d.high) + "] " + d.scale + (d.step ? ", step " + d.step : "") + (reason ? " · " + reason : ""), "hint"));
  return wrap; }
function readInputs(root, only) { const out = {};
  for (const i of root.querySelectorAll("[data-name]")) { if (i.disabled) continue;
    const v = i.dataset.kind === "categorical" ? JSON.parse(i.value) : (i.dataset.kind === "integer" ? parseInt(i.value, 10) : parseFloat(i.value));
    if (only && JSON.stringify(only[i.dataset.name]) === JSON.stringify(v)) continue; out[i.dataset.name] = v; }
  return out; }

async function select(n) {
  S.selected = n; S.dirty = true; renderTable();
  try { const t = await get("/api/trials/" + n); S.events.set(n, t.events); } catch (e) {}
  renderPanel();
}
function renderPanelTitle() {
  const t = S.trials[S.selected]; if (!t) return;
  $("panel-title").textContent = "Trial " + t.number + " · " + (t.held ? "paused by you" : t.state) + " · step " + t.steps +
    (t.value !== null ? " · " + S.study.objective.metric + " " + fmt(t.value) : ""); }
function renderPanel() {
  const t = S.trials[S.selected], body = $("panel-body"); if (!t) return;
  renderPanelTitle();
  body.textContent = ""; body.className = "";
  const form = el("div"), live = t.state === "running" || t.state === "paused";
  for (const d of S.study.space) { if (!(d.name in t.params)) continue;
    const locked = !live || d.architecture || (t.state === "running" && !S.study.capabilities.update);
    const reason = d.architecture ? "architecture for model " + S.study.model + ": a running trial keeps it"
      : (live && t.state === "running" && !S.study.capabilities.update ? "the model cannot change it mid-run: pause, then resume with it" : "");
    form.appendChild(dimInput(d, t.params[d.name], locked, reason)); }
  body.appendChild(form);
  const bar = el("div", null, "buttons"), button = (text, on, fn, primary) => { const b = el("button", text, primary ? "primary" : "");
    b.disabled = !on; b.onclick = fn; bar.appendChild(b); };
  const changed = () => readInputs(form, t.params);
  button("Pause", t.state === "running", () => post("/api/trials/" + t.number + "/pause"));
  button(t.state === "paused" ? "Resume with these params" : "Apply at next step",
         t.state === "paused" || (t.state === "running" && S.study.capabilities.update), () => {
    const p = changed(); if (t.state === "paused") post("/api/trials/" + t.number + "/resume", { params: p });
    else if (Object.keys(p).length) post("/api/trials/" + t.number + "/update", { params: p }); else toast("nothing changed"); }, true);
  button("Prune", t.state !== "complete" && t.state !== "pruned" && t.state !== "failed",
         () => { if (confirm("Prune trial " + t.number + " for good?")) post("/api/trials/" + t.number + "/prune"); });
  body.appendChild(bar);
  if (t.error) body.appendChild(el("div", t.error, "hint"));
  const ev = el("div", null, "events");
  for (const e of (S.events.get(t.number) || [])) ev.appendChild(el("div", e.text));
  body.appendChild(ev);
}

function buildEnqueue() { const f = $("enqueue-form"); f.textContent = "";
  // The middle of each dimension on its scale, as a starting point to edit.
  const mid = (d) => d.kind === "categorical" ? d.choices[0] : d.kind === "integer" ? Math.round((d.low + d.high) / 2)
    : +(d.scale === "log" ? Math.sqrt(d.low * d.high) : d.scale === "log1m" ? 1 - Math.sqrt((1 - d.low) * (1 - d.high))
        : (d.low + d.high) / 2).toPrecision(3);
  for (const d of S.study.space) if (!d.when) f.appendChild(dimInput(d, mid(d), false, "")); }
$("enqueue").onclick = () => post("/api/study/enqueue", { params: readInputs($("enqueue-form")) });
$("stop").onclick = () => { if (confirm("Stop the study? Running trials run again when it resumes.")) post("/api/study/stop"); };
$("set-budget").onclick = () => post("/api/study/budget", { trials: parseInt($("budget").value, 10) });

// The chart at every change, the table at most twice a second (but always after the last one).
function frame() {
  if (S.dirty && S.study) { S.dirty = false; S.tableDirty = true; draw(); }
  if (S.tableDirty && S.study && (!frame.t || Date.now() - frame.t > 500)) {
    S.tableDirty = false; frame.t = Date.now(); renderTable(); }
  requestAnimationFrame(frame); }
window.addEventListener("resize", () => S.dirty = true);
load().then(() => requestAnimationFrame(frame)).catch((e) => toast("cannot read the study: " + e.message, true));
</script>
</body>
</html>
)html";

}  // namespace

const std::string& live_page() {
    static const std::string text = page;
    return text;
}

}  // namespace caviar
