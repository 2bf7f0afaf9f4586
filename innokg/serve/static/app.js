/* innokg explorer: the page.
 *
 * Everything from the graph is data, never markup: text goes into the page with
 * textContent and DOM nodes are made with createElement; labels are drawn on the
 * canvas by sigma.js.  The page talks only to its own server (/api/...), and the
 * server's Content-Security-Policy forbids anything else.
 */
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39",
    "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
  ];
  const NONE_COLOUR = "#c8c8c8";
  const PATH_COLOUR = "#d81b60";
  const SIZE_CLASS = { large: 14, medium: 10, small: 7, micro: 5 };
  const EXPAND_LIMIT = 30;
  const TABLE_ROWS_SHOWN = 1000;

  const state = {
    info: null,
    colourBy: "label",
    sizeBy: "degree",
    hiddenLabels: new Set(),
    hiddenTypes: new Set(),
    // facet filters of what is on the canvas: "" / null keeps everything
    filter: { city: "", industry: "", year: null, hiddenEvidence: new Set() },
    facets: null,
    path: null, // {nodes: Set, edges: Set} of the path drawn last
    selected: null,
    more: new Map(), // node id -> neighbours not yet on the canvas
    table: null, // {title, columns, rows, links, download}
    cypherGraph: null,
    ready: false,
    lastError: null,
    busy: 0,
  };

  const graph = new graphology.MultiDirectedGraph();
  let renderer = null;
  let layout = null;

  // --- talking to the server -------------------------------------------------------

  async function api(path, options) {
    state.busy += 1;
    try {
      const response = await fetch(path, options);
      const kind = response.headers.get("content-type") || "";
      if (!kind.startsWith("application/json")) {
        if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
        return response;
      }
      const body = await response.json();
      if (!response.ok) throw new Error(body.error || `${response.status}`);
      return body;
    } finally {
      state.busy -= 1;
    }
  }

  function postJSON(path, body) {
    return api(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  function status(text, isError) {
    const el = $("status");
    el.textContent = text;
    el.classList.toggle("error", Boolean(isError));
    if (isError) state.lastError = text;
  }

  function guard(fn) {
    return async (...args) => {
      try {
        await fn(...args);
      } catch (err) {
        status(String(err.message || err), true);
      }
    };
  }

  // --- small DOM helpers (text only) ------------------------------------------------

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function button(text, onClick, className) {
    const b = el("button", text, className);
    b.type = "button";
    b.addEventListener("click", guard(onClick));
    return b;
  }

  function swatch(colour, line) {
    const s = el("span", null, line ? "swatch line" : "swatch");
    s.style.background = colour;
    return s;
  }

  function download(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function fmt(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(+value.toPrecision(4));
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  // --- colours and sizes -------------------------------------------------------------

  function hashColour(key) {
    if (key === null || key === undefined || key === "") return NONE_COLOUR;
    let h = 0;
    const text = String(key);
    for (let i = 0; i < text.length; i += 1) h = (h * 31 + text.charCodeAt(i)) | 0;
    return PALETTE[Math.abs(h) % PALETTE.length];
  }

  function labelColour(label) {
    const found = state.info && state.info.labels.find((l) => l.name === label);
    return found ? found.colour : NONE_COLOUR;
  }

  function typeColour(type) {
    const found = state.info && state.info.edge_types.find((t) => t.name === type);
    return found ? found.colour : "#999";
  }

  function nodeColour(data) {
    if (state.colourBy === "cluster") {
      return data.cluster === null || data.cluster === undefined ? NONE_COLOUR : PALETTE[data.cluster % PALETTE.length];
    }
    if (state.colourBy === "city") return hashColour(data.city);
    return labelColour(data.nodeLabel);
  }

  function nodeSize(data) {
    if (state.sizeBy === "size") return SIZE_CLASS[data.sizeClass] || 4;
    return Math.min(22, 3 + 2.2 * Math.log2(1 + (data.degree || 0)));
  }

  // --- the graph on the canvas ----------------------------------------------------

  function place(near, k, n) {
    if (near && graph.hasNode(near)) {
      const c = graph.getNodeAttributes(near);
      const angle = (2 * Math.PI * k) / Math.max(n, 1) + Math.random() * 0.2;
      const r = 8 + 4 * Math.sqrt(n);
      return { x: c.x + r * Math.cos(angle), y: c.y + r * Math.sin(angle) };
    }
    return { x: Math.random() * 100, y: Math.random() * 100 };
  }

  function addNodes(nodes, near) {
    let added = 0;
    nodes.forEach((n, k) => {
      const attrs = {
        label: n.name,
        nodeLabel: n.label,
        city: n.city,
        industry: n.industry,
        since: n.since === undefined ? null : n.since,
        until: n.until === undefined ? null : n.until,
        cluster: n.cluster,
        degree: n.degree,
        sizeClass: n.size || null,
        role: n.role || null,
      };
      if (graph.hasNode(n.id)) {
        graph.mergeNodeAttributes(n.id, attrs);
        return;
      }
      const xy = n.x !== undefined ? { x: n.x, y: n.y } : place(near, k, nodes.length);
      graph.addNode(n.id, { ...attrs, ...xy });
      added += 1;
    });
    return added;
  }

  function addEdges(edges) {
    for (const e of edges) {
      if (graph.hasEdge(e.key) || !graph.hasNode(e.from) || !graph.hasNode(e.to)) continue;
      graph.addDirectedEdgeWithKey(e.key, e.from, e.to, {
        edgeType: e.type,
        properties: e.properties,
        size: e.type === "SUPPLIES" ? 1.6 : 1,
      });
    }
  }

  // --- filters ----------------------------------------------------------------------

  function inYear(since, until) {
    const y = state.filter.year;
    if (y === null) return true;
    return (since === null || since === undefined || since <= y) && (until === null || until === undefined || until >= y);
  }

  function nodeFiltered(data) {
    const f = state.filter;
    return (
      state.hiddenLabels.has(data.nodeLabel) ||
      (f.city !== "" && data.city !== f.city) ||
      (f.industry !== "" && data.industry !== f.industry) ||
      !inYear(data.since, data.until)
    );
  }

  function edgeFiltered(data) {
    const p = data.properties || {};
    return state.hiddenTypes.has(data.edgeType) || state.filter.hiddenEvidence.has(p.evidence) || !inYear(p.since, p.until);
  }

  function nodeReducer(node, data) {
    const out = { ...data, color: nodeColour(data), size: nodeSize(data) };
    if (nodeFiltered(data)) out.hidden = true;
    if (data.role === "chain_leader") {
      out.label = `★ 链主 ${data.label}`;
      out.forceLabel = true;
      out.size = out.size + 6;
      out.highlighted = true;
    }
    if (node === state.selected) {
      out.highlighted = true;
      out.forceLabel = true;
    }
    if (state.path && state.path.nodes.has(node)) {
      out.highlighted = true;
      out.forceLabel = true;
    }
    return out;
  }

  function edgeReducer(edge, data) {
    const out = { ...data, color: typeColour(data.edgeType) };
    const [s, t] = graph.extremities(edge);
    if (edgeFiltered(data) || nodeFiltered(graph.getNodeAttributes(s)) || nodeFiltered(graph.getNodeAttributes(t))) {
      out.hidden = true;
    }
    if (state.path && state.path.edges.has(edge)) {
      out.color = PATH_COLOUR;
      out.size = 4;
      out.zIndex = 1;
    }
    return out;
  }

  function refresh() {
    if (renderer) renderer.refresh();
    const shown = graph.filterNodes((n, a) => !nodeFiltered(a)).length;
    $("status").classList.remove("error");
    $("status").textContent = `${graph.order} nodes, ${graph.size} edges on the canvas` +
      (shown < graph.order ? ` (${graph.order - shown} hidden by filters)` : "");
  }

  function runLayout(ms) {
    if (graph.order < 2) return;
    if (layout) layout.kill();
    const settings = graphologyLibrary.layoutForceAtlas2.inferSettings(graph);
    settings.slowDown = 5;
    layout = new graphologyLibrary.FA2Layout(graph, { settings });
    layout.start();
    state.layoutRunning = true;
    setTimeout(() => {
      if (layout) layout.stop();
      state.layoutRunning = false;
      if (renderer) renderer.getCamera().animatedReset({ duration: 300 });
    }, ms || 1500);
  }

  async function linkAmong() {
    if (graph.order > state.info.limits.edges_nodes) return;
    const body = await postJSON("/api/edges", { ids: graph.nodes() });
    addEdges(body.edges);
  }

  async function expand(id, filter) {
    const params = new URLSearchParams({ limit: String(EXPAND_LIMIT) });
    for (const [k, v] of Object.entries(filter || {})) if (v) params.set(k, v);
    params.set("offset", "0");
    // page past the neighbours already drawn
    const page = await api(`/api/nodes/${encodeId(id)}/neighbours?${params}`);
    let fresh = page.nodes.filter((n) => !graph.hasNode(n.id));
    let offset = page.offset + page.nodes.length;
    let more = page.more;
    let tries = 0;
    while (fresh.length === 0 && more > 0 && tries < 20) {
      params.set("offset", String(offset));
      const next = await api(`/api/nodes/${encodeId(id)}/neighbours?${params}`);
      fresh = next.nodes.filter((n) => !graph.hasNode(n.id));
      page.edges.push(...next.edges);
      offset += next.nodes.length;
      more = next.more;
      tries += 1;
    }
    addNodes(fresh, id);
    addEdges(page.edges);
    state.more.set(id, more);
    await linkAmong();
    refresh();
    runLayout(1200);
    if (state.selected === id) showMore(id);
    return fresh.length;
  }

  function encodeId(id) {
    return id.split("/").map(encodeURIComponent).join("/");
  }

  async function focusNode(id) {
    if (!graph.hasNode(id)) {
      const node = await api(`/api/nodes/${encodeId(id)}`);
      addNodes([node]);
      await linkAmong();
      refresh();
    }
    await select(id);
    if (renderer) {
      const pos = renderer.getNodeDisplayData(id);
      if (pos) renderer.getCamera().animate({ x: pos.x, y: pos.y, ratio: 0.6 }, { duration: 300 });
    }
  }

  // --- the node panel ---------------------------------------------------------------

  function propRow(tbody, name, value, title) {
    const tr = el("tr");
    const th = el("th", name);
    if (title) th.title = title;
    tr.appendChild(th);
    tr.appendChild(el("td", fmt(value)));
    tbody.appendChild(tr);
  }

  function showMore(id) {
    const more = state.more.get(id);
    $("node-more").textContent = more ? `${more} more neighbours not drawn 另有 ${more} 个未显示 — Expand again` : "";
  }

  async function select(id) {
    state.selected = id;
    showTab("node");
    const node = await api(`/api/nodes/${encodeId(id)}`);
    if (state.selected !== id) return;
    $("node-empty").hidden = true;
    $("node-panel").hidden = false;
    $("node-name").textContent = node.name;
    $("node-label").textContent = `${node.label_zh} ${node.label}`;
    $("node-label").style.background = labelColour(node.label) + "33";
    $("node-id").textContent = node.id;
    const props = $("node-props").tBodies[0];
    clear(props);
    for (const p of node.properties) propRow(props, `${p.zh} ${p.name}`, p.value, p.en);
    if (node.city) propRow(props, "城市 city", node.city);
    if (node.cluster !== null && node.cluster !== undefined) propRow(props, "集群 cluster", node.cluster);
    const prov = $("node-provenance").tBodies[0];
    clear(prov);
    propRow(prov, "来源 source", node.provenance.source);
    propRow(prov, "起 since", node.provenance.since);
    propRow(prov, "止 until", node.provenance.until);
    const groups = $("node-groups");
    clear(groups);
    for (const g of node.groups) {
      const li = el("li");
      const arrow = g.direction === "out" ? "→" : "←";
      const labelInfo = state.info.labels.find((l) => l.name === g.label);
      li.appendChild(swatch(typeColour(g.type), true));
      li.appendChild(el("span", `${g.type} ${arrow} ${labelInfo ? labelInfo.zh : ""} ${g.label} (${g.count})`, "what"));
      li.appendChild(button("add 添加", () => expand(id, { type: g.type, label: g.label, direction: g.direction })));
      groups.appendChild(li);
    }
    showMore(id);
    clear($("node-questions"));
    refresh();
  }

  async function nodeQuestions(id) {
    const box = $("node-questions");
    clear(box);
    box.appendChild(el("p", "computing… 计算中", "hint"));
    const q = await api(`/api/nodes/${encodeId(id)}/questions`);
    clear(box);
    box.appendChild(el("h3", "Cluster 集群"));
    if (q.cluster) {
      const c = q.cluster;
      const p = el("p");
      p.appendChild(el("span", `#${c.cluster} ${c.label || ""} · ${c.size} firms · role ${c.role_zh} ${c.role} · 链主 leader `));
      if (c.leader) p.appendChild(nodeLink(c.leader, c.leader_name || c.leader));
      box.appendChild(p);
      box.appendChild(button("Draw this cluster 绘制集群", () => drawCluster(c.cluster)));
    } else {
      box.appendChild(el("p", "in no supply cluster 不在供应链集群中", "hint"));
    }
    box.appendChild(el("h3", `Gaps 缺口 (${q.gaps.total})`));
    if (q.gaps.total) box.appendChild(button("Show in the table 在表格中显示", () => showTable("gaps of " + id, q.gaps, null)));
    box.appendChild(el("h3", `Partner suggestions 合作建议 (${q.partners.total})`));
    const list = el("ol");
    const cols = q.partners.columns;
    const iSource = cols.indexOf("source"), iTarget = cols.indexOf("target");
    const iName = cols.indexOf("target_name"), iSourceName = cols.indexOf("source_name");
    const iWhy = cols.indexOf("explanation");
    for (const row of q.partners.rows.slice(0, 10)) {
      if (iSource < 0 || iTarget < 0 || !row[iTarget]) continue;
      const other = row[iSource] === id ? row[iTarget] : row[iSource];
      const otherName = row[iSource] === id ? row[iName] : row[iSourceName];
      const li = el("li");
      li.appendChild(nodeLink(other, otherName || other));
      if (iWhy >= 0 && row[iWhy]) li.appendChild(el("div", row[iWhy], "hint"));
      list.appendChild(li);
    }
    box.appendChild(list);
  }

  function nodeLink(id, text) {
    const b = el("button", text, "node-link");
    b.type = "button";
    b.title = id;
    b.addEventListener("click", guard(() => focusNode(id)));
    return b;
  }

  // --- search ------------------------------------------------------------------------

  let searchSeq = 0;
  async function search(text) {
    const box = $("search-results");
    const seq = ++searchSeq;
    if (!text.trim()) {
      box.hidden = true;
      return;
    }
    const body = await api(`/api/search?${new URLSearchParams({ q: text, limit: "15" })}`);
    if (seq !== searchSeq) return;
    clear(box);
    if (!body.results.length) {
      box.appendChild(el("li", "no match 无结果", "hint"));
    }
    for (const r of body.results) {
      const li = el("li");
      li.dataset.id = r.id;
      li.appendChild(swatch(labelColour(r.label)));
      li.appendChild(el("span", ` ${r.name}`));
      li.appendChild(el("span", `${r.label} · ${r.id}${r.city ? " · " + r.city : ""}`, "meta"));
      li.addEventListener("click", guard(async () => {
        box.hidden = true;
        await focusNode(r.id);
      }));
      box.appendChild(li);
    }
    box.hidden = false;
  }

  // --- tables ------------------------------------------------------------------------

  function showTable(title, table, downloadFn, extra) {
    state.table = { title, table, download: downloadFn, sort: null };
    $("bottom").hidden = false;
    $("table-title").textContent = title;
    const note = table.truncated || table.rows.length > TABLE_ROWS_SHOWN
      ? `showing ${Math.min(table.rows.length, TABLE_ROWS_SHOWN)} of ${table.total} rows; the files have all`
      : `${table.total} rows`;
    $("table-note").textContent = note + (extra ? ` · ${extra}` : "");
    $("table-csv").disabled = !downloadFn;
    $("table-xlsx").disabled = !downloadFn;
    renderTable();
    fit();
  }

  function fit() {
    // the canvas changed size (the table opened or closed): frame the graph again
    if (!renderer) return;
    renderer.resize();
    renderer.getCamera().animatedReset({ duration: 200 });
  }

  function renderTable() {
    const { table, sort } = state.table;
    const thead = $("table").tHead;
    const tbody = $("table").tBodies[0];
    clear(thead);
    clear(tbody);
    const tr = el("tr");
    table.columns.forEach((c, i) => {
      const th = el("th", c);
      if (sort && sort.col === i) th.className = sort.asc ? "sorted-asc" : "sorted-desc";
      th.addEventListener("click", () => {
        const asc = !(sort && sort.col === i && sort.asc);
        state.table.sort = { col: i, asc };
        renderTable();
      });
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    let rows = table.rows;
    if (sort) {
      rows = rows.slice().sort((a, b) => {
        const x = a[sort.col], y = b[sort.col];
        if (x === y) return 0;
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        const r = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh");
        return sort.asc ? r : -r;
      });
    }
    const links = new Set(table.links || []);
    for (const row of rows.slice(0, TABLE_ROWS_SHOWN)) {
      const r = el("tr");
      row.forEach((value, i) => {
        const td = el("td");
        const col = table.columns[i];
        if (links.has(col) && typeof value === "string" && value) {
          td.appendChild(nodeLink(value, value));
        } else if (col === "cluster" && state.table.title === "clusters" && value !== null) {
          td.appendChild(button(`${value} ▶ draw`, () => drawCluster(value), "node-link"));
        } else {
          td.textContent = fmt(value);
        }
        r.appendChild(td);
      });
      tbody.appendChild(r);
    }
  }

  async function fetchFile(path, name) {
    const response = await api(path);
    download(await response.blob(), name);
  }

  async function showQuestion(path, title) {
    status(`computing ${title}… 计算中（大图需要一些时间）`);
    const body = await api(path);
    const sep = path.includes("?") ? "&" : "?";
    showTable(title, body.table, (fmtName) => fetchFile(`${path}${sep}format=${fmtName}`, `${title}.${fmtName}`));
    refresh();
  }

  // --- clusters ----------------------------------------------------------------------

  async function drawCluster(n) {
    status(`drawing cluster ${n}… 绘制集群`);
    const view = await api(`/api/clusters/${n}/graph`);
    if (layout) layout.kill();
    graph.clear();
    state.more.clear();
    addNodes(view.nodes);
    addEdges(view.edges);
    const leader = view.nodes.find((x) => x.role === "chain_leader");
    state.cluster = view;
    const p = view.profile || {};
    $("cluster-note").textContent =
      `cluster ${n} ${p.label || ""}: ${view.drawn} of ${view.members} members drawn on the supply backbone ` +
      `(leader, tier-1, tier-2 suppliers, then by links inside), ${view.supplies_drawn} of ${view.supplies_inside} ` +
      `SUPPLIES edges inside; ${view.connected_drawn} drawn members linked.`;
    refresh();
    if (renderer) renderer.getCamera().animatedReset({ duration: 200 });
    if (leader) await select(leader.id);
    status(`cluster ${n}: ${view.drawn} members, ${view.supplies_drawn} supply links` + (leader ? `, 链主 ${leader.name}` : ""));
  }

  // --- Cypher ------------------------------------------------------------------------

  let library = [];
  async function loadLibrary() {
    const body = await api("/api/queries");
    library = body.queries;
    const select = $("cypher-library");
    for (const q of library) {
      const o = el("option", `${q.name} — ${q.title_zh}`);
      o.value = q.name;
      select.appendChild(o);
    }
  }

  function chooseQuery(name) {
    const q = library.find((x) => x.name === name);
    if (!q) return;
    $("cypher-text").value = q.text;
    $("cypher-params").value = JSON.stringify(q.example || {}, null, 1);
    $("cypher-about").textContent = `${q.title_zh} · ${q.title_en}`;
  }

  function cypherBody() {
    let params;
    try {
      params = JSON.parse($("cypher-params").value || "{}");
    } catch (err) {
      throw new Error(`the parameters are not valid JSON: ${err.message}`);
    }
    return { query: $("cypher-text").value, params };
  }

  async function runCypher() {
    const body = cypherBody();
    status("running… 运行中");
    const result = await postJSON("/api/cypher", body);
    state.cypherGraph = result.graph;
    $("cypher-draw").disabled = !(result.graph && result.graph.nodes.length);
    const extra = result.more ? "more rows exist: add LIMIT or narrow the query" : "";
    showTable("Cypher", result.table, async (fmtName) => {
      const response = await api("/api/cypher", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ...body, format: fmtName }),
      });
      download(await response.blob(), `cypher.${fmtName}`);
    }, extra);
    status(`${result.table.total} rows` + (result.graph.nodes.length ? `, ${result.graph.nodes.length} nodes to draw` : ""));
  }

  function drawCypherGraph() {
    const g = state.cypherGraph;
    if (!g) return;
    if (layout) layout.kill();
    graph.clear();
    state.more.clear();
    addNodes(g.nodes);
    addEdges(g.edges);
    refresh();
    runLayout(1500);
  }

  // --- export ------------------------------------------------------------------------

  function pictureName(ext) {
    return `innokg-view.${ext}`;
  }

  function exportPNG() {
    renderer.refresh(); // draw now: the WebGL buffers are read right after
    const { width, height } = renderer.getDimensions();
    const ratio = window.devicePixelRatio || 1;
    const canvas = document.createElement("canvas");
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const layers = renderer.getCanvases();
    for (const name of ["edges", "nodes", "edgeLabels", "labels", "hovers", "hoverNodes"]) {
      if (layers[name]) ctx.drawImage(layers[name], 0, 0, canvas.width, canvas.height);
    }
    return new Promise((resolve) => {
      canvas.toBlob((blob) => {
        state.lastExport = { kind: "png", bytes: blob.size, width: canvas.width, height: canvas.height };
        download(blob, pictureName("png"));
        resolve(blob);
      }, "image/png");
    });
  }

  function exportSVG() {
    const NS = "http://www.w3.org/2000/svg";
    const { width, height } = renderer.getDimensions();
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("xmlns", NS);
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    const bg = document.createElementNS(NS, "rect");
    bg.setAttribute("width", "100%");
    bg.setAttribute("height", "100%");
    bg.setAttribute("fill", "#ffffff");
    svg.appendChild(bg);
    const edges = document.createElementNS(NS, "g");
    const nodes = document.createElementNS(NS, "g");
    const labels = document.createElementNS(NS, "g");
    labels.setAttribute("font-family", "sans-serif");
    labels.setAttribute("font-size", "12");
    svg.append(edges, nodes, labels);
    const pos = (n) => {
      const a = graph.getNodeAttributes(n);
      return renderer.graphToViewport({ x: a.x, y: a.y });
    };
    graph.forEachEdge((edge, data, s, t) => {
      const d = edgeReducer(edge, data);
      if (d.hidden || nodeReducer(s, graph.getNodeAttributes(s)).hidden) return;
      const a = pos(s), b = pos(t);
      const line = document.createElementNS(NS, "line");
      line.setAttribute("x1", a.x.toFixed(1));
      line.setAttribute("y1", a.y.toFixed(1));
      line.setAttribute("x2", b.x.toFixed(1));
      line.setAttribute("y2", b.y.toFixed(1));
      line.setAttribute("stroke", d.color);
      line.setAttribute("stroke-width", String(d.size || 1));
      edges.appendChild(line);
    });
    graph.forEachNode((node, data) => {
      const d = nodeReducer(node, data);
      if (d.hidden) return;
      const p = pos(node);
      const shown = renderer.getNodeDisplayData(node);
      const r = renderer.scaleSize(shown ? shown.size : d.size);
      const c = document.createElementNS(NS, "circle");
      c.setAttribute("cx", p.x.toFixed(1));
      c.setAttribute("cy", p.y.toFixed(1));
      c.setAttribute("r", r.toFixed(1));
      c.setAttribute("fill", d.color);
      const title = document.createElementNS(NS, "title");
      title.textContent = `${data.label} (${node})`;
      c.appendChild(title);
      nodes.appendChild(c);
      if (d.forceLabel || d.size >= 8) {
        const t = document.createElementNS(NS, "text");
        t.setAttribute("x", (p.x + r + 2).toFixed(1));
        t.setAttribute("y", (p.y + 4).toFixed(1));
        t.textContent = d.label;
        labels.appendChild(t);
      }
    });
    const text = new XMLSerializer().serializeToString(svg);
    const blob = new Blob([text], { type: "image/svg+xml" });
    state.lastExport = { kind: "svg", bytes: blob.size, nodes: nodes.childNodes.length, edges: edges.childNodes.length };
    download(blob, pictureName("svg"));
    return text;
  }

  // --- the view tab ---------------------------------------------------------------

  function buildFilters() {
    const labels = $("filter-labels");
    const types = $("filter-types");
    for (const l of state.info.labels) {
      if (!l.count) continue;
      labels.appendChild(filterItem(`${l.zh} ${l.name} (${l.count})`, l.colour, false, (on) => {
        if (on) state.hiddenLabels.delete(l.name); else state.hiddenLabels.add(l.name);
      }, `label-${l.name}`));
    }
    for (const t of state.info.edge_types) {
      if (!t.count) continue;
      types.appendChild(filterItem(`${t.zh} ${t.name} (${t.count})`, t.colour, true, (on) => {
        if (on) state.hiddenTypes.delete(t.name); else state.hiddenTypes.add(t.name);
      }, `type-${t.name}`));
    }
  }

  function filterItem(text, colour, line, onChange, id) {
    const li = el("li");
    const label = el("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.id = `filter-${id}`;
    box.addEventListener("change", () => {
      onChange(box.checked);
      refresh();
    });
    label.append(box, swatch(colour, line), el("span", text));
    li.appendChild(label);
    return li;
  }

  function option(value, text) {
    const o = el("option", text);
    o.value = value;
    return o;
  }

  async function buildFacets() {
    const f = await api("/api/facets");
    state.facets = f;
    for (const [key, list] of [["city", f.cities], ["industry", f.industries]]) {
      const select = $(`filter-${key}`);
      while (select.options.length > 1) select.remove(1);
      for (const v of list) select.appendChild(option(v.name, `${v.name} (${v.count})`));
    }
    const year = $("filter-year");
    if (f.years.min !== null) {
      year.min = String(f.years.min);
      year.max = String(f.years.max);
      year.placeholder = `any year 任意 (${f.years.min}–${f.years.max})`;
    }
    const evidence = $("filter-evidence");
    clear(evidence);
    for (const e of f.evidence) {
      evidence.appendChild(filterItem(`${e.name} (${e.count})`, NONE_COLOUR, true, (on) => {
        if (on) state.filter.hiddenEvidence.delete(e.name); else state.filter.hiddenEvidence.add(e.name);
      }, `evidence-${e.name}`));
    }
    $("facets-wait").hidden = true;
  }

  // --- shortest path -------------------------------------------------------------------

  async function findPath(from, to, max) {
    const params = new URLSearchParams({ from, to, max: String(max || 6) });
    const types = state.info.edge_types.filter((t) => t.count && !state.hiddenTypes.has(t.name)).map((t) => t.name);
    if (state.hiddenTypes.size) params.set("types", types.join(","));
    const list = $("path-list");
    clear(list);
    $("path-note").textContent = "";
    state.path = null;
    let found;
    try {
      found = await api(`/api/path?${params}`);
    } catch (err) {
      $("path-note").textContent = String(err.message || err);
      refresh();
      throw err;
    }
    // the path's new nodes in a row above what is drawn, in order, so it reads left to
    // right; every other one a little higher, so that long names do not overlap
    let minX = 0, maxX = 100, maxY = 0;
    if (graph.order) {
      const xs = graph.mapNodes((n, a) => a.x), ys = graph.mapNodes((n, a) => a.y);
      minX = Math.min(...xs);
      maxX = Math.max(...xs, minX + 1);
      maxY = Math.max(...ys);
    }
    const step = (maxX - minX) / Math.max(found.nodes.length - 1, 1);
    found.nodes.forEach((n, k) => {
      const y = maxY + step + (k % 2) * step * 0.4;
      if (!graph.hasNode(n.id)) addNodes([{ ...n, x: minX + k * step, y }]);
    });
    addEdges(found.edges);
    state.path = { nodes: new Set(found.path), edges: new Set(found.edges.map((e) => e.key)) };
    found.nodes.forEach((n, k) => {
      const li = el("li");
      li.appendChild(nodeLink(n.id, n.name || n.id));
      const e = found.edges[k];
      if (e) li.appendChild(el("div", `${e.from === n.id ? "→" : "←"} ${e.type} (${e.properties.evidence || ""})`, "via"));
      list.appendChild(li);
    });
    $("path-note").textContent = `${found.hops} links 条连接 from ${from} to ${to}`;
    refresh();
    if (renderer) renderer.getCamera().animatedReset({ duration: 300 });
    status(`path of ${found.hops} links: ${found.nodes.map((n) => n.name).join(" → ")}`);
    return found;
  }

  // --- the city map ------------------------------------------------------------------

  async function mapIndicators() {
    const select = $("q-map-indicator");
    if (select.options.length > 1) return;
    const body = await api("/api/indicators?by=city");
    const cols = body.table.columns;
    const iName = cols.indexOf("indicator"), iZh = cols.indexOf("indicator_zh");
    const seen = new Set();
    for (const row of body.table.rows) {
      const name = row[iName];
      if (name === null || seen.has(name)) continue;
      seen.add(name);
      select.appendChild(option(name, iZh >= 0 && row[iZh] ? `${row[iZh]} ${name}` : name));
    }
  }

  async function showMap(indicator) {
    await mapIndicators();
    const select = $("q-map-indicator");
    const chosen = indicator || select.value || (select.options[1] && select.options[1].value);
    if (!chosen) throw new Error("this graph has no indicator by city 无城市指标");
    select.value = chosen;
    status("drawing the map… 绘制地图");
    // fetched, then shown as a picture: an SVG in an <img> runs nothing and loads nothing
    const response = await api(`/api/map?${new URLSearchParams({ indicator: chosen })}`);
    const blob = await response.blob();
    const figure = $("indicator-map");
    const old = figure.querySelector("img");
    if (old && old.src.startsWith("blob:")) URL.revokeObjectURL(old.src);
    clear(figure);
    const img = document.createElement("img");
    img.alt = select.options[select.selectedIndex].textContent;
    img.dataset.indicator = chosen;
    const loaded = new Promise((resolve, reject) => {
      img.addEventListener("load", resolve);
      img.addEventListener("error", () => reject(new Error("the map could not be shown")));
    });
    img.src = URL.createObjectURL(blob);
    figure.appendChild(img);
    figure.hidden = false;
    showTab("questions");
    await loaded;
    state.map = { indicator: chosen, bytes: blob.size };
    status(`map of ${chosen}`);
  }

  function buildLegend() {
    const legend = $("legend");
    clear(legend);
    if (state.colourBy === "label") {
      for (const l of state.info.labels) {
        if (!l.count) continue;
        const li = el("li");
        li.append(swatch(l.colour), el("span", `${l.zh} ${l.name}`));
        legend.appendChild(li);
      }
      return;
    }
    const key = state.colourBy === "cluster" ? "cluster" : "city";
    const seen = new Map();
    graph.forEachNode((n, a) => {
      const v = a[key];
      if (v !== null && v !== undefined && !seen.has(v)) seen.set(v, nodeColour(a));
    });
    if (!state.info.ready.clusters && key === "cluster") {
      legend.appendChild(el("li", "clusters are still being computed; nodes added later get theirs", "hint"));
    }
    for (const [v, c] of [...seen.entries()].slice(0, 40)) {
      const li = el("li");
      li.append(swatch(c), el("span", key === "cluster" ? `cluster ${v}` : String(v)));
      legend.appendChild(li);
    }
    const li = el("li");
    li.append(swatch(NONE_COLOUR), el("span", key === "cluster" ? "no cluster 无" : "unknown 未知"));
    legend.appendChild(li);
  }

  // --- tabs and wiring ---------------------------------------------------------------

  function showTab(name) {
    for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.tab === name);
    for (const s of document.querySelectorAll("#side .tab")) s.hidden = s.id !== `tab-${name}`;
  }

  function wire() {
    for (const b of document.querySelectorAll("#tabs button")) {
      b.addEventListener("click", () => showTab(b.dataset.tab));
    }
    let timer = null;
    $("search").addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(guard(() => search($("search").value)), 150);
    });
    $("search").addEventListener("keydown", guard(async (ev) => {
      if (ev.key === "Enter") {
        clearTimeout(timer);
        await search($("search").value);
        const first = $("search-results").querySelector("li[data-id]");
        if (first) first.click();
      } else if (ev.key === "Escape") {
        $("search-results").hidden = true;
      }
    }));
    $("node-expand").addEventListener("click", guard(() => expand(state.selected)));
    $("node-questions-button").addEventListener("click", guard(() => nodeQuestions(state.selected)));
    $("node-remove").addEventListener("click", () => {
      if (state.selected && graph.hasNode(state.selected)) graph.dropNode(state.selected);
      state.selected = null;
      $("node-panel").hidden = true;
      $("node-empty").hidden = false;
      refresh();
    });
    $("colour-by").addEventListener("change", () => {
      state.colourBy = $("colour-by").value;
      buildLegend();
      refresh();
    });
    $("size-by").addEventListener("change", () => {
      state.sizeBy = $("size-by").value;
      refresh();
    });
    $("q-clusters").addEventListener("click", guard(() => showQuestion("/api/clusters", "clusters")));
    $("q-gaps").addEventListener("click", guard(() => {
      const kind = $("q-gap-kind").value;
      return showQuestion(`/api/gaps${kind ? "?kind=" + encodeURIComponent(kind) : ""}`, `gaps ${kind || "all"}`);
    }));
    $("q-partners").addEventListener("click", guard(() => {
      const kind = $("q-partner-kind").value;
      return showQuestion(`/api/partners${kind ? "?kind=" + encodeURIComponent(kind) : ""}`, `partners ${kind || "all"}`);
    }));
    $("q-indicators").addEventListener("click", guard(() => {
      const by = $("q-indicator-by").value;
      return showQuestion(`/api/indicators?by=${encodeURIComponent(by)}`, `indicators by ${by}`);
    }));
    $("cypher-library").addEventListener("change", () => chooseQuery($("cypher-library").value));
    $("cypher-run").addEventListener("click", guard(runCypher));
    $("cypher-draw").addEventListener("click", guard(drawCypherGraph));
    $("fit").addEventListener("click", () => renderer.getCamera().animatedReset({ duration: 200 }));
    $("layout").addEventListener("click", () => runLayout(3000));
    $("clear").addEventListener("click", () => {
      if (layout) layout.kill();
      state.path = null;
      graph.clear();
      state.more.clear();
      refresh();
    });
    for (const key of ["city", "industry"]) {
      $(`filter-${key}`).addEventListener("change", () => {
        state.filter[key] = $(`filter-${key}`).value;
        refresh();
      });
    }
    $("filter-year").addEventListener("change", () => {
      const v = $("filter-year").value.trim();
      state.filter.year = v === "" || Number.isNaN(Number(v)) ? null : Math.trunc(Number(v));
      refresh();
    });
    $("path-from-selected").addEventListener("click", () => { if (state.selected) $("path-from").value = state.selected; });
    $("path-to-selected").addEventListener("click", () => { if (state.selected) $("path-to").value = state.selected; });
    $("path-find").addEventListener("click", guard(() => findPath($("path-from").value.trim(), $("path-to").value.trim(), Number($("path-max").value))));
    $("path-clear").addEventListener("click", () => {
      state.path = null;
      clear($("path-list"));
      $("path-note").textContent = "";
      refresh();
    });
    $("q-map").addEventListener("click", guard(() => showMap()));
    $("q-map-indicator").addEventListener("change", guard(() => showMap($("q-map-indicator").value)));
    $("export-png").addEventListener("click", guard(exportPNG));
    $("export-svg").addEventListener("click", guard(exportSVG));
    $("table-csv").addEventListener("click", guard(() => state.table.download("csv")));
    $("table-xlsx").addEventListener("click", guard(() => state.table.download("xlsx")));
    $("table-close").addEventListener("click", () => {
      $("bottom").hidden = true;
      fit();
    });
  }

  async function start() {
    wire();
    state.info = await api("/api/info");
    $("title").textContent = state.info.title;
    document.title = `innokg · ${state.info.title}`;
    $("synthetic").hidden = !state.info.synthetic;
    buildFilters();
    buildLegend();
    renderer = new Sigma(graph, $("graph"), {
      nodeReducer,
      edgeReducer,
      renderEdgeLabels: false,
      defaultEdgeType: "arrow",
      labelRenderedSizeThreshold: 9,
      zIndex: true,
    });
    renderer.on("clickNode", guard(({ node }) => select(node)));
    renderer.on("doubleClickNode", guard(({ node, event }) => {
      event.preventSigmaDefault();
      return expand(node);
    }));
    if (state.info.cypher) await loadLibrary();
    else $("cypher-about").textContent = "this package has no embedded database: Cypher is off";
    refresh();
    state.ready = true;
    // cities and clusters are computed after the server starts; pick them up when ready
    const poll = setInterval(guard(async () => {
      const info = await api("/api/info");
      state.info.ready = info.ready;
      if (info.ready.clusters && info.ready.cities) {
        clearInterval(poll);
        const ids = graph.nodes();
        for (let i = 0; i < ids.length; i += 500) {
          const body = await postJSON("/api/nodes", { ids: ids.slice(i, i + 500) });
          for (const n of body.nodes) {
            if (graph.hasNode(n.id)) graph.mergeNodeAttributes(n.id, { city: n.city, industry: n.industry, cluster: n.cluster });
          }
        }
        await buildFacets();
        buildLegend();
        refresh();
      }
    }), 2000);
  }

  window.innokg = {
    state,
    graph,
    get renderer() { return renderer; },
    search,
    select,
    expand,
    focusNode,
    drawCluster,
    findPath,
    showMap,
    exportPNG,
    exportSVG,
  };

  document.addEventListener("DOMContentLoaded", () => {
    start().catch((err) => status(String(err.message || err), true));
  });
})();
