// phenotk serve: the page's client of the JSON API. Plain DOM, no framework; user text only via textContent.
"use strict";
(function () {
  const TOKEN = document.querySelector('meta[name="phenotk-token"]').content;
  const $ = (id) => document.getElementById(id);
  const state = { ws: null, sheet: null, run: null, meanings: [], shown: 300, shipped: [] };

  function el(tag, attrs, ...kids) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids) if (kid !== null && kid !== undefined) node.append(kid);
    return node;
  }

  async function api(method, path, body) {
    const opts = { method, headers: { "X-Phenotk-Token": TOKEN } };
    if (body instanceof FormData) opts.body = body;
    else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
    const res = await fetch(path, opts);
    let data = null;
    try { data = await res.json(); } catch (e) { data = { error: res.statusText }; }
    if (!res.ok) throw new Error((data && data.error) || res.statusText);
    return data;
  }

  function status(id, text, bad) { const p = $(id); p.textContent = text; p.classList.toggle("bad", !!bad); }
  const wsPath = (rest) => `/api/workspaces/${state.ws}${rest}`;
  const enc = encodeURIComponent;

  // ------------------------------------------------------------------ files
  async function upload(files) {
    if (!files.length) return;
    const most = Number($("drop").dataset.maxFiles);
    if (files.length > most) {  // refused by the server anyway: say it before sending them all
      status("upload-status", `upload refused: ${files.length} files at once, and a session holds at most ${most}; ` +
        "drop phenopackets as one .zip file (it counts as one), or start phenotk serve with a higher --max-files", true);
      return;
    }
    const form = new FormData();
    for (const f of files) form.append("files", f, f.name);
    status("upload-status", `uploading ${files.length} file(s)…`);
    try {
      const data = await api("POST", wsPath("/files"), form);
      status("upload-status", "stored: " + data.saved.map((s) => `${s.name} (${s.kind}${s.mapping_kept ? "; its mapping is kept" : ""})`).join(", "));
      showFiles(data.files, data.converted);
    } catch (e) { status("upload-status", e.message, true); refreshFiles().catch(() => {}); }  // some may be stored
  }

  // a button's aria-label starts with (or holds) its visible words (WCAG 2.5.3): voice control users say those
  function showFiles(files, converted) {
    if (converted === false) runOutdated();
    const body = $("file-table").querySelector("tbody");
    // the rows are rebuilt (after Remove, Map columns, Use mapping): the pressed control left the page and the
    // focus fell to <body>. It goes back to the same control of the same file (Map columns is Edit mapping now),
    // else to the row that took the removed one's place, else to the file chooser
    const active = document.activeElement;
    const row = active && body.contains(active) ? active.closest("tr") : null;
    const was = row ? { file: row.dataset.file, label: active.getAttribute("aria-label"),
      at: [...row.querySelectorAll("button, select")].indexOf(active), index: [...body.rows].indexOf(row) } : null;
    body.replaceChildren();
    $("file-table").hidden = files.length === 0;
    const uploaded = files.filter((f) => f.kind === "mapping").map((f) => f.name);
    for (const f of files) {
      const actions = el("td", {});
      if (f.sheet) actions.append(el("button", { type: "button", text: f.mapped ? "Edit mapping" : "Map columns",
        "aria-label": `${f.mapped ? "Edit mapping" : "Map columns"} of ${f.name}`, onclick: () => (f.mapped ? openAssistant(f.name) : startMapping(f.name)) }));
      else if (f.takes_mapping && f.mapped) actions.append(el("button", { type: "button", text: "Edit mapping",
        "aria-label": `Edit mapping of ${f.name}`, onclick: () => openAssistant(f.name) }));
      if (f.takes_mapping) chooser(actions, f, uploaded);
      actions.append(el("button", { type: "button", class: "quiet", text: "Remove", "aria-label": `Remove ${f.name}`,
        onclick: async () => {
          try { const data = await api("DELETE", wsPath(`/files/${enc(f.name)}`)); showFiles(data.files, data.converted); status("upload-status", `removed ${f.name}`); }
          catch (e) { status("upload-status", e.message, true); } } }));
      body.append(el("tr", { "data-file": f.name }, el("td", { text: f.name }),
        el("td", { text: f.kind + (f.mapped ? ` · mapped (${f.mapping_from || "mapping"})` : "") }),
        el("td", { text: kb(f.size) }), actions));
    }
    $("convert").disabled = files.filter((f) => f.kind !== "mapping").length === 0;
    if (was) {
      const rows = [...body.rows];
      const same = rows.find((r) => r.dataset.file === was.file);
      const controls = (r) => [...r.querySelectorAll("button, select")];
      const target = (same && (controls(same).find((c) => c.getAttribute("aria-label") === was.label) || controls(same)[was.at])) ||
        (rows.length ? controls(rows[Math.min(was.index, rows.length - 1)])[0] : $("file-input"));
      (target || $("file-input")).focus();
    }
  }
  // a shipped mapping (REDCap ones for REDCap exports, the others for sheets) or a mapping YAML dropped here;
  // applied with a button, not on "change": arrow keys on a closed select fire it at every step
  function chooser(cell, f, uploaded) {
    const shipped = state.shipped.filter((m) => m.redcap === !!f.redcap);
    if (!shipped.length && !uploaded.length) return;
    const select = el("select", { "aria-label": `Mapping for ${f.name}`, "data-file": f.name },
      el("option", { value: "", text: "choose a mapping…" }));
    if (shipped.length) select.append(el("optgroup", { label: f.redcap ? "Shipped REDCap mappings" : "Shipped mappings" },
      ...shipped.map((m) => el("option", { value: `shipped:${m.name}`, title: m.description,
        text: m.description ? `${m.name} — ${m.description.slice(0, 70)}` : m.name }))));
    if (uploaded.length) select.append(el("optgroup", { label: "Dropped here" },
      ...uploaded.map((n) => el("option", { value: `upload:${n}`, text: n }))));
    cell.append(select, el("button", { type: "button", text: "Use mapping", "aria-label": `Use mapping chosen for ${f.name}`,
      onclick: () => useMapping(f.name, select.value) }));
  }

  async function useMapping(name, choice) {
    if (!choice) { status("upload-status", `${name}: choose a mapping in the list first`, true); return; }
    const [what, which] = [choice.slice(0, choice.indexOf(":")), choice.slice(choice.indexOf(":") + 1)];
    try {
      showAssistant(await api("POST", wsPath(`/mapping/${enc(name)}/use`), what === "shipped" ? { shipped: which } : { upload: which }));
      status("upload-status", `${name}: read with the mapping ${which}`);
      await refreshFiles();
    } catch (e) { status("upload-status", e.message, true); }
  }

  const kb = (n) => (n > 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(n / 1024)) + " kB");

  // ------------------------------------------------------------------ mapping assistant
  async function startMapping(name) {
    status("upload-status", `starting a mapping for ${name}…`);
    try { showAssistant(await api("POST", wsPath(`/mapping/${enc(name)}/init`))); status("upload-status", ""); refreshFiles(); }
    catch (e) { status("upload-status", e.message, true); }
  }
  async function openAssistant(name) {
    try { showAssistant(await api("GET", wsPath(`/mapping/${enc(name)}`))); } catch (e) { status("upload-status", e.message, true); }
  }
  async function refreshFiles() { const ws = await api("GET", wsPath("")); showFiles(ws.files, ws.converted); }

  function showAssistant(view) {
    if (state.sheet !== view.file) status("mapping-status", "");  // another sheet's answer is not this one's
    state.sheet = view.file;
    state.meanings = view.meanings;
    $("assistant").hidden = false;
    $("skip-assistant").hidden = false;
    $("assistant-file").textContent = view.file;
    $("column-table").setAttribute("aria-label", `Columns of ${view.file} and their meanings`);
    $("mapping-yaml").value = view.yaml;
    $("mapping-download").href = wsPath(`/mapping/${enc(view.file)}/yaml`);
    const msgs = $("assistant-messages");
    msgs.replaceChildren(...view.messages.map((m) => el("li", { text: m })));
    const body = $("column-table").querySelector("tbody");
    // the rows are rebuilt: the control that has the focus (meaning-3, term-3 …) gets it back afterwards
    const active = document.activeElement;
    const focused = active && body.contains(active) ? active.id : null;
    // a suggestion chip has no id (the row's chips change): the focus goes to that row's HPO term field
    const chipRow = active && body.contains(active) && !active.id ? [...body.rows].indexOf(active.closest("tr")) : -1;
    body.replaceChildren();
    view.columns.forEach((c, i) => {
      const select = el("select", { id: `meaning-${i}`, "aria-label": `Meaning of column ${c.column}`, "data-column": c.column });
      for (const m of view.meanings) select.append(el("option", { value: m.value, text: m.label, selected: m.value === c.meaning }));
      // a keyboard user walks the meanings with the arrow keys, and Chromium fires "change" at every step: each
      // step was applied (rewriting other columns' roles on the way) and rebuilt the table, which threw the focus
      // out after the first key. Keys now only choose; Enter or leaving the list applies; a pointer applies at once
      let viaKeys = false;
      let sent = false;
      const commit = () => {
        if (sent || select.value === c.meaning) return;
        sent = true;
        changeColumn(c.column, select.value, null);
      };
      select.addEventListener("keydown", (e) => {
        viaKeys = true;
        if (e.key === "Enter") { e.preventDefault(); commit(); }
      });
      select.addEventListener("mousedown", () => { viaKeys = false; });
      select.addEventListener("change", () => { if (!viaKeys) commit(); });
      select.addEventListener("blur", commit);
      const term = el("input", { type: "text", list: "hpo-options", id: `term-${i}`, "aria-label": `HPO term of column ${c.column}`,
        value: c.term ? `${c.term.id} ${c.term.label}` : "", placeholder: "type to search HPO", autocomplete: "off" });
      term.addEventListener("input", () => suggest(term.value));
      // text without an HP id was dropped without a word: a term's exact label (any case) is looked up, anything
      // else is said to be not applied
      term.addEventListener("change", async () => {
        const text = term.value.trim();
        const m = text.match(/HP:\d{7}/);
        if (m) { changeColumn(c.column, "hpo", m[0]); return; }
        if (!text) return;
        let hit = null;
        try { hit = (await api("GET", `/api/hpo/search?q=${enc(text)}&limit=50`)).terms.find((t) => t.label.toLowerCase() === text.toLowerCase()); }
        catch (e) { hit = null; }
        if (hit) { changeColumn(c.column, "hpo", hit.id); return; }
        status("mapping-status", `${c.column}: '${text}' is not applied: no HPO term has this label; choose one in ` +
          "the list that opens while you type (its HP:nnnnnnn id comes with it) or type the id", true);
      });
      const values = c.values ? Object.entries(c.values).map(([k, v]) => `${k} → ${v}`).join("; ") : "";
      const sugg = el("td", {});
      for (const s of c.suggestions || []) {
        sugg.append(el("button", { type: "button", class: "chip", text: `${s.id} ${s.label}`,
          "aria-label": `${s.id} ${s.label}: use for column ${c.column}`, onclick: () => changeColumn(c.column, "hpo", s.id) }));
      }
      body.append(el("tr", { class: c.meaning === "unplaced" ? "unplaced" : null },
        el("th", { scope: "row", text: c.column }), el("td", {}, select), el("td", {}, term), el("td", { class: "values", text: values }), sugg));
    });
    if (focused && $(focused)) $(focused).focus();
    else if (chipRow >= 0 && $(`term-${chipRow}`)) $(`term-${chipRow}`).focus();
  }

  let suggestTimer = null;
  function suggest(text) {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(async () => {
      if (text.trim().length < 2 || /^HP:\d{7}\s/.test(text)) return;
      const data = await api("GET", `/api/hpo/search?q=${enc(text)}`);
      $("hpo-options").replaceChildren(...data.terms.map((t) => el("option", { value: `${t.id} ${t.label}` })));
    }, 150);
  }

  async function changeColumn(column, meaning, term) {
    try {
      showAssistant(await api("POST", wsPath(`/mapping/${enc(state.sheet)}/column`), { column, meaning, term }));
      status("mapping-status", "");
      if (state.run) await convert();
    } catch (e) { status("mapping-status", e.message, true); }
  }

  // ------------------------------------------------------------------ convert + findings
  async function convert() {
    status("run-status", "converting and checking…");
    const t0 = performance.now();
    const poll = setInterval(showProgress, 1000);
    $("convert").disabled = true;  // a second click would queue a second run of the same files
    try {
      const run = await api("POST", wsPath(`/convert?limit=${state.shown}`)).finally(() => {
        clearInterval(poll); $("run-progress").replaceChildren(); $("convert").disabled = false;
        if (document.activeElement === document.body) $("convert").focus(); });  // disabling it dropped the focus
      state.run = run;
      showRun(run);
      const ms = Math.round(performance.now() - t0);
      document.body.dataset.lastRunMs = String(ms);
      status("run-status", `${made(run)}, ${run.findings_total} finding(s) — server ${run.seconds.toFixed(2)} s, page ${(ms / 1000).toFixed(2)} s` +
        (run.errors.length ? ` — ${run.errors.length} file(s) could not be read` : ""), run.errors.length > 0);
      for (const id of ["plan-fixes", "summarize"]) $(id).disabled = false;
      showDownloads(run);
      await refreshFiles();  // a change that landed while the run went on (Map columns still working) outdates it
    } catch (e) { status("run-status", e.message, true); }
  }

  // the links have no address until a run made something to download (href="#" with "download" saved the page)
  const DOWNLOADS = { "dl-packets": "/download/packets.zip", "dl-fixed": "/download/fixed.zip",
    "dl-html": "/download/report.html", "dl-sarif": "/download/report.sarif", "dl-json": "/download/report.json" };

  // a link gets its address when there is something to download: packets when the run made some, fixed copies
  // once fixes were applied to uploaded phenopackets (both saved an empty zip before), the reports always
  function showDownloads(run) {
    const empty = { "dl-packets": run.packets === 0, "dl-fixed": !run.fixed_copies };
    for (const [id, path] of Object.entries(DOWNLOADS)) {
      if (empty[id]) { $(id).removeAttribute("href"); $(id).setAttribute("aria-disabled", "true"); }
      else { $(id).href = wsPath(path); $(id).removeAttribute("aria-disabled"); }
    }
  }

  // a download refused by the server (the session removed after idle time, the files changed from another window)
  // was a failed download in the browser's list and no word here: the page asks first, then follows the link
  function guardDownload(link) {
    link.addEventListener("click", async (e) => {
      if (!link.hasAttribute("href") || link.dataset.asked === "1") { delete link.dataset.asked; return; }
      e.preventDefault();
      try {
        const ws = await api("GET", wsPath(""));
        if (!ws.converted) { showFiles(ws.files, false); return; }
      } catch (err) { status("run-status", err.message, true); return; }
      link.dataset.asked = "1";
      link.click();
    });
  }

  // an upload, a removal or a mapping change ends the server's run: its findings stay on view, marked as
  // outdated, and what needs the run (fixes, downloads, summary) waits for the next Convert
  function runOutdated() {
    if (!state.run) return;
    for (const id of ["plan-fixes", "apply-fixes", "summarize"]) $(id).disabled = true;
    for (const id of Object.keys(DOWNLOADS)) { $(id).removeAttribute("href"); $(id).setAttribute("aria-disabled", "true"); }
    $("fix-list").replaceChildren();
    status("run-status", "the files or a mapping changed since these findings: press Convert and check to convert again", true);
  }

  // while a big conversion runs: packets and findings so far, and the first findings (not a live region: a
  // screen reader would read it every second; the result is announced by #run-status)
  async function showProgress() {
    let p;
    try { p = await api("GET", wsPath("/progress")); } catch (e) { return; }
    if (!p.running) return;
    const box = $("run-progress");
    box.replaceChildren(el("p", { text: `${p.file} (file ${p.file_number} of ${p.files}): ${p.packets} packet(s), ` +
      `${p.findings} finding(s) so far, ${p.seconds} s` }));
    if (p.first.length) box.append(el("ul", {}, ...p.first.map((f) => el("li", { class: `sev-${f.severity}`,
      text: `${f.severity}: ${f.path}${f.pointer ? " " + f.pointer : ""}: ${f.message}` }))));
  }

  // packets made from sheets and other formats; uploaded phenopackets are checked as they are, not made
  function made(run) {
    const checked = run.checked ? `${run.checked} uploaded phenopacket document(s) checked` : "";
    if (run.packets === 0 && checked) return checked;
    return `${run.packets} packet(s)` + (checked ? `, ${checked}` : "");
  }

  function showRun(run) {
    state.page = null;
    $("results").hidden = false;
    const s = run.summary;
    $("counts").replaceChildren(
      el("span", { class: "count error", text: `${s.errors} error(s)` }),
      el("span", { class: "count warning", text: `${s.warnings} warning(s)` }),
      el("span", { class: "count info", text: `${s.info} info` }),
      el("span", { class: "count", text: made(run) }),
      ...run.notes.map((n) => el("span", { class: "note", text: n })));
    $("preview").textContent = JSON.stringify(run.preview, null, 1);
    renderFindings();
    const filtered = $("filter-text").value.trim() || document.querySelectorAll('input[name="sev"]:not(:checked)').length;
    if (filtered && run.findings_total > run.findings.length) filterChanged();  // the filter applies to the new run
  }

  function where(f) {
    const parts = [f.cell.row ? f.path.replace(/:row \d+$/, "") : f.path];
    if (f.cell.row) parts.push(`row ${f.cell.row}`);
    if (f.cell.column) parts.push(`column ${f.cell.column}`);
    if (f.line) parts.push(`line ${f.line}` + (f.column ? `:${f.column}` : ""));
    if (f.id) parts.push(f.id);
    if (f.pointer && !f.line) parts.push(f.pointer);
    return parts.join(" · ");
  }

  function context(f) {
    const c = f.context;
    if (!c) return null;
    if (c.kind === "cells") {
      // named, as every table here: a screen reader announces "table" with its name when one jumps between them
      const table = el("table", { class: "cells", "aria-label": `Row ${c.row} of ${(f.cell && f.cell.sheet) || f.path}, the cell marked` });
      table.append(el("tr", {}, el("th", { scope: "col", text: "row" }), ...c.header.map((h) => el("th", { scope: "col", text: h }))));
      table.append(el("tr", {}, el("td", { text: String(c.row) }), ...c.cells.map((v, j) => el("td", { class: c.mark.includes(j) ? "mark" : null, text: v }))));
      return table;
    }
    if (c.kind === "lines") {
      const pre = el("pre", { class: "lines" });
      c.lines.forEach((line, j) => pre.append(el("span", { class: c.first + j === c.mark ? "mark" : null, text: `${String(c.first + j).padStart(5)}  ${line}` })));
      return pre;
    }
    return el("pre", { class: "value", text: `${c.pointer} = ${c.value}` });
  }

  // a run with more findings than one answer carries is filtered by the server (each answer: the first 300 that
  // match, with their context); a smaller one here, at once
  let filterTimer = null;
  let filterAsked = 0;
  function filterChanged() {
    if (!state.run) return;
    if (state.run.findings_total <= state.run.findings.length) { renderFindings(); return; }
    clearTimeout(filterTimer);
    filterTimer = setTimeout(async () => {
      const asked = ++filterAsked;
      const sev = [...document.querySelectorAll('input[name="sev"]:checked')].map((i) => i.value).join(",");
      try {
        const page = await api("GET", wsPath(`/findings?limit=${state.shown}&severity=${enc(sev || "none")}&q=${enc($("filter-text").value.trim())}`));
        if (asked !== filterAsked) return;  // a later filter is on its way
        state.page = page;
        renderFindings();
      } catch (e) { status("run-status", e.message, true); }
    }, 250);
  }

  function renderFindings() {
    if (!state.run) return;
    const sev = new Set([...document.querySelectorAll('input[name="sev"]:checked')].map((i) => i.value));
    const text = $("filter-text").value.trim().toLowerCase();
    const partial = state.run.findings_total > state.run.findings.length;
    const source = partial && state.page ? state.page.findings : state.run.findings;
    const rows = partial ? source : source.filter((f) => sev.has(f.severity) &&
      (!text || `${f.path} ${f.code} ${f.rule} ${f.message} ${f.id || ""}`.toLowerCase().includes(text)));
    const matching = partial ? (state.page || state.run).findings_matching : rows.length;
    const body = $("finding-table").querySelector("tbody");
    body.replaceChildren();
    for (const f of rows.slice(0, state.shown)) {
      const ctx = context(f);
      const msg = el("td", {}, el("div", { text: f.message }));
      if (ctx) msg.append(ctx);
      if (f.fix) msg.append(el("span", { class: "tag", text: f.fix === "safe" ? "safe fix available" : "suggestion" }));
      body.append(el("tr", { class: `finding ${f.severity}` + (f.fixed ? " fixed" : ""), "data-code": f.code },
        el("td", {}, el("span", { class: `sev ${f.severity}`, text: f.fixed ? "fixed" : f.severity })),
        el("td", { class: "where", text: where(f) }),
        el("td", {}, el("button", { type: "button", class: "link", text: `${f.code} ${f.rule}`,
          "aria-label": `Documentation of ${f.code} ${f.rule}`, onclick: () => showDoc(f.code) }), el("div", { class: "help", text: f.summary })),
        msg));
    }
    $("more-findings").textContent = matching > state.shown ? `showing ${state.shown} of ${matching}; narrow the filter or download the report for all` :
      `${matching} of ${state.run.findings_total} finding(s) shown`;
  }

  async function showDoc(code) {
    let d;
    try { d = await api("GET", `/api/findings/${enc(code)}`); } catch (e) { status("run-status", e.message, true); return; }
    $("doc-panel").hidden = false;
    $("doc-title").textContent = `${d.code} ${d.name} (${d.severity}): ${d.summary}`;
    $("doc-text").textContent = d.doc;
    $("doc-panel").scrollIntoView({ block: "nearest" });
  }

  // ------------------------------------------------------------------ fixes
  async function planFixes() {
    status("fix-status", "looking for safe fixes…");
    try {
      const data = await api("POST", wsPath("/fixes/plan"));
      const list = $("fix-list");
      list.replaceChildren();
      for (const f of data.files) {
        list.append(el("details", { class: "fix", open: true },
          el("summary", { text: `${f.file}: ${f.fixes.length} fix(es) — ` + f.fixes.map((x) => x.rule).join(", ") }),
          el("ul", {}, ...f.fixes.map((x) => el("li", { text: `${x.code} ${x.pointer}: ${x.message}` }))),
          diffView(f.diff)));
      }
      const left = (data.not_fixed || []).map((z) => `${z.file}: ${z.fixes} safe fix(es) in ${z.documents} file(s) not applied (${z.why})`);
      status("fix-status", [data.files.length ? `${data.files.length} file(s) can be fixed safely; review the diff, then apply` :
        left.length ? "no safe fixes here" : "no safe fixes", ...left].join("; "));
      $("apply-fixes").disabled = data.files.length === 0;
    } catch (e) { status("fix-status", e.message, true); }
  }
  function diffView(diff) {
    const pre = el("pre", { class: "diff" });
    for (const line of diff.split("\n")) {
      const cls = line.startsWith("+") && !line.startsWith("+++") ? "add" : line.startsWith("-") && !line.startsWith("---") ? "del" : null;
      pre.append(el("span", { class: cls, text: line }));
    }
    return pre;
  }
  async function applyFixes() {
    try {
      const data = await api("POST", wsPath("/fixes/apply"), {});
      state.run = data; showRun(data); showDownloads(data);
      status("fix-status", `applied ${data.applied.length} fix(es); the packets download has them`);
      $("apply-fixes").disabled = true;
      $("fix-list").replaceChildren();
      if (document.activeElement === document.body) $("plan-fixes").focus();  // the disabled button lost it
    } catch (e) { status("fix-status", e.message, true); }
  }

  // ------------------------------------------------------------------ summary
  async function summarize() {
    const box = $("summary");
    box.replaceChildren(el("p", { class: "status", text: "summarising…" }));
    try {
      const data = await api("GET", wsPath("/summary"));
      box.replaceChildren();
      if (!data.summary) { box.append(el("p", { text: "no phenopackets to summarise" })); return; }
      const s = data.summary;
      const dl = el("dl", { class: "facts" });
      for (const [k, v] of Object.entries(s)) {
        if (v === null || typeof v === "object") continue;
        dl.append(el("dt", { text: k.replace(/_/g, " ") }), el("dd", { text: String(v) }));
      }
      box.append(dl);
      const names = { terms: "Most frequent HPO terms", organ_systems: "Organ systems", onsets: "Onset ages" };
      for (const [k, src] of Object.entries(data.plots)) box.append(el("figure", {}, el("img", { src, alt: names[k] || k }), el("figcaption", { text: names[k] || k })));
    } catch (e) { box.replaceChildren(el("p", { class: "status bad", text: e.message })); }
  }

  // ------------------------------------------------------------------ wiring
  async function init() {
    try { state.ws = (await api("POST", "/api/workspaces")).id; document.body.dataset.workspace = state.ws; }
    catch (e) { status("upload-status", e.message, true); return; }
    try { state.shipped = (await api("GET", "/api/mappings")).mappings; } catch (e) { state.shipped = []; }
    const input = $("file-input");
    input.addEventListener("change", () => { upload([...input.files]); input.value = ""; });
    const drop = $("drop");
    drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); upload([...e.dataTransfer.files]); });
    $("convert").addEventListener("click", convert);
    for (const id of Object.keys(DOWNLOADS)) guardDownload($(id));
    $("plan-fixes").addEventListener("click", planFixes);
    $("apply-fixes").addEventListener("click", applyFixes);
    $("summarize").addEventListener("click", summarize);
    $("filter-text").addEventListener("input", filterChanged);
    for (const box of document.querySelectorAll('input[name="sev"]')) box.addEventListener("change", filterChanged);
    $("mapping-save").addEventListener("click", async () => {
      try { showAssistant(await api("PUT", wsPath(`/mapping/${enc(state.sheet)}`), { yaml: $("mapping-yaml").value })); await refreshFiles(); status("mapping-status", `${state.sheet}: mapping updated`); }
      catch (e) { status("mapping-status", e.message, true); }
    });
    $("mapping-upload").addEventListener("change", async (e) => {
      const file = e.target.files[0];
      if (!file || !state.sheet) return;
      try { showAssistant(await api("PUT", wsPath(`/mapping/${enc(state.sheet)}`), { yaml: await file.text() })); await refreshFiles(); status("mapping-status", `${state.sheet}: using ${file.name}`); }
      catch (err) { status("mapping-status", err.message, true); }
      e.target.value = "";
    });
    document.body.dataset.ready = "1";
  }
  init();
})();
