/* inconcert evidence report: zoom/hover for the network, timelines, account lookup.
   Every string from the data is put into the page with textContent or setAttribute,
   never as HTML. */
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var dataEl = document.getElementById("report-data");
  var data = dataEl ? JSON.parse(dataEl.textContent) : { accounts: [], timelines: {}, sections: [] };
  var sectionSet = {};
  (data.sections || []).forEach(function (g) { sectionSet[String(g)] = true; });

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function sv(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function clip(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + "\u2026" : s; }
  function fmtNum(x) { return (x === null || x === undefined) ? "" : (typeof x === "number" ? x.toLocaleString("en-US", { maximumFractionDigits: 3 }) : String(x)); }
  function fmtSpan(s) {
    if (s < 60) { return (Math.round(s * 10) / 10) + "s"; }
    if (s < 3600) { return Math.floor(s / 60) + "m " + Math.round(s % 60) + "s"; }
    if (s < 86400) { return Math.floor(s / 3600) + "h " + Math.round((s % 3600) / 60) + "m"; }
    return Math.floor(s / 86400) + "d " + Math.round((s % 86400) / 3600) + "h";
  }

  /* ---------- network: hover, zoom, pan ---------- */
  var net = document.getElementById("net");
  var tip = document.getElementById("tip");
  if (net) {
    var W = parseFloat(net.getAttribute("data-w")), H = parseFloat(net.getAttribute("data-h"));
    var view = { x: 0, y: 0, w: W, h: H };
    var apply = function () { net.setAttribute("viewBox", view.x + " " + view.y + " " + view.w + " " + view.h); };
    var zoomAt = function (factor, cx, cy) {
      var nw = Math.min(W * 4, Math.max(W / 60, view.w * factor));
      var f = nw / view.w;
      view.x = cx - (cx - view.x) * f; view.y = cy - (cy - view.y) * f;
      view.w = nw; view.h = view.h * f; apply();
    };
    var toSvg = function (evt) {
      var r = net.getBoundingClientRect();
      return { x: view.x + (evt.clientX - r.left) / r.width * view.w, y: view.y + (evt.clientY - r.top) / r.height * view.h };
    };
    net.addEventListener("wheel", function (evt) {
      evt.preventDefault();
      var p = toSvg(evt);
      zoomAt(evt.deltaY > 0 ? 1.2 : 1 / 1.2, p.x, p.y);
    }, { passive: false });
    var drag = null, moved = false;
    net.addEventListener("pointerdown", function (evt) {
      if (evt.button !== 0) { return; }
      drag = { x: evt.clientX, y: evt.clientY, vx: view.x, vy: view.y }; moved = false;
    });
    window.addEventListener("pointermove", function (evt) {
      if (!drag) { return; }
      var dx = evt.clientX - drag.x, dy = evt.clientY - drag.y;
      if (!moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
      if (!moved) { moved = true; net.classList.add("dragging"); }
      var r = net.getBoundingClientRect();
      view.x = drag.vx - dx / r.width * view.w; view.y = drag.vy - dy / r.height * view.h; apply();
    });
    window.addEventListener("pointerup", function () { drag = null; net.classList.remove("dragging"); });
    net.addEventListener("click", function (evt) {
      if (moved) { evt.preventDefault(); evt.stopPropagation(); moved = false; return; }
      var t = evt.target;
      if (t.tagName === "circle" && !t.closest("a")) { showAccount(t.getAttribute("data-a"), true); }
    }, true);
    var center = function () { return { x: view.x + view.w / 2, y: view.y + view.h / 2 }; };
    var bind = function (id, fn) { var b = document.getElementById(id); if (b) { b.addEventListener("click", fn); } };
    bind("zoom-in", function () { var c = center(); zoomAt(1 / 1.5, c.x, c.y); });
    bind("zoom-out", function () { var c = center(); zoomAt(1.5, c.x, c.y); });
    bind("zoom-reset", function () { view = { x: 0, y: 0, w: W, h: H }; apply(); });
    net.addEventListener("mouseover", function (evt) {
      var t = evt.target;
      if (t.tagName !== "circle" || !tip) { return; }
      var g = t.closest(".grp");
      var gid = g ? g.getAttribute("data-g") : "";
      tip.textContent = t.getAttribute("data-a") + (gid ? " \u00b7 group " + gid : " \u00b7 no group");
      tip.hidden = false;
    });
    net.addEventListener("mousemove", function (evt) {
      if (!tip || tip.hidden) { return; }
      var box = net.parentNode.getBoundingClientRect();
      tip.style.left = (evt.clientX - box.left + 12) + "px";
      tip.style.top = (evt.clientY - box.top + 12) + "px";
    });
    net.addEventListener("mouseout", function (evt) { if (tip && evt.target.tagName === "circle") { tip.hidden = true; } });
  }

  /* ---------- timelines: histogram of member actions + one row per member ---------- */
  function renderTimeline(box) {
    if (box.getAttribute("data-done")) { return; }
    box.setAttribute("data-done", "1");
    var tl = (data.timelines || {})[box.getAttribute("data-group")];
    if (!tl || !tl.n_events) { return; }
    var colour = box.getAttribute("data-colour") || "#4e79a7";
    var rows = tl.rows || [], bins = tl.bins || [];
    var Wd = 960, left = 170, right = 14, plotW = Wd - left - right;
    var histH = 60, top = 8, rowH = 14, rowsTop = top + histH + 26;
    var Hd = rowsTop + rows.length * rowH + 10;
    var span = Math.max((tl.t1 - tl.t0) / 1e6, 1e-6);
    var svg = sv("svg", { viewBox: "0 0 " + Wd + " " + Hd, role: "img", "aria-label": "timeline of co-actions" });
    var maxb = Math.max.apply(null, bins.concat([1]));
    var bw = plotW / Math.max(bins.length, 1);
    bins.forEach(function (b, i) {
      if (!b) { return; }
      var h = Math.max(1, b / maxb * histH);
      var r = sv("rect", { "class": "bar", x: (left + i * bw).toFixed(1), y: (top + histH - h).toFixed(1), width: Math.max(bw - 1, 0.5).toFixed(1), height: h.toFixed(1) });
      r.appendChild(sv("title", null, b + " action" + (b === 1 ? "" : "s")));
      svg.appendChild(r);
    });
    svg.appendChild(sv("line", { "class": "axis", x1: left, x2: left + plotW, y1: top + histH + 0.5, y2: top + histH + 0.5 }));
    svg.appendChild(sv("text", { x: left - 8, y: top + 12, "text-anchor": "end" }, "actions per"));
    svg.appendChild(sv("text", { x: left - 8, y: top + 26, "text-anchor": "end" }, fmtSpan(span / Math.max(bins.length, 1))));
    svg.appendChild(sv("text", { x: left, y: top + histH + 16 }, tl.t0_text));
    svg.appendChild(sv("text", { x: left + plotW, y: top + histH + 16, "text-anchor": "end" }, tl.t1_text));
    svg.appendChild(sv("text", { x: left + plotW / 2, y: top + histH + 16, "text-anchor": "middle" }, "span " + fmtSpan(span)));
    rows.forEach(function (row, i) {
      var y = rowsTop + i * rowH + rowH / 2;
      svg.appendChild(sv("line", { "class": "row", x1: left, x2: left + plotW, y1: y, y2: y }));
      var label = sv("text", { x: left - 8, y: y + 4, "text-anchor": "end" }, clip(row[0], 24));
      label.appendChild(sv("title", null, row[0] + ": " + row[1] + " action" + (row[1] === 1 ? "" : "s")));
      svg.appendChild(label);
      var d = (row[2] || []).map(function (t) {
        return "M" + (left + t / span * plotW).toFixed(1) + " " + (y - 5) + "v10";
      }).join("");
      var p = sv("path", { "class": "ticks", d: d, stroke: colour });
      p.appendChild(sv("title", null, row[0] + ": inside the window of another member's action"));
      svg.appendChild(p);
      if (row[3] && row[3].length) {
        var dOut = row[3].map(function (t) {
          return "M" + (left + t / span * plotW).toFixed(1) + " " + (y - 2.5) + "v5";
        }).join("");
        var q = sv("path", { "class": "ticks-out", d: dOut });
        q.appendChild(sv("title", null, row[0] + ": outside the window (no other member acted that close)"));
        svg.appendChild(q);
      }
    });
    box.appendChild(svg);
  }
  var boxes = Array.prototype.slice.call(document.querySelectorAll(".timeline[data-group]"));
  if ("IntersectionObserver" in window) {
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (en) { if (en.isIntersecting) { renderTimeline(en.target); io.unobserve(en.target); } });
    }, { rootMargin: "600px" });
    boxes.forEach(function (b) { io.observe(b); });
  } else {
    boxes.forEach(renderTimeline);
  }
  window.addEventListener("beforeprint", function () {
    boxes.forEach(renderTimeline);
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });

  /* ---------- account lookup ---------- */
  var accounts = data.accounts || [];
  var byId = {};
  accounts.forEach(function (a) { byId[a.id] = a; });
  var search = document.getElementById("account-search");
  var results = document.getElementById("account-results");
  var detail = document.getElementById("account-detail");

  function accountButton(id) {
    var b = el("button", { type: "button", "class": "linkbtn" }, id);
    b.addEventListener("click", function () { showAccount(id, false); });
    return b;
  }
  function groupLink(g) {
    if (g === null || g === undefined || g === "") { return document.createTextNode("none"); }
    var key = String(g);
    if (sectionSet[key]) { return el("a", { href: "#group-" + key }, "G" + key); }
    return el("a", { href: "#row-" + key }, "G" + key);
  }
  function table(head, rows) {
    var t = el("table", { "class": "data" });
    var tr = el("tr");
    head.forEach(function (h) { tr.appendChild(el("th", null, h)); });
    var thead = el("thead"); thead.appendChild(tr); t.appendChild(thead);
    var tb = el("tbody");
    rows.forEach(function (r) {
      var row = el("tr");
      r.forEach(function (c) {
        var td = el("td");
        if (c instanceof Node) { td.appendChild(c); } else { td.textContent = c === null || c === undefined ? "" : String(c); }
        row.appendChild(td);
      });
      tb.appendChild(row);
    });
    t.appendChild(tb);
    return t;
  }
  function showAccount(id, scroll) {
    if (!detail) { return; }
    detail.textContent = "";
    var a = byId[id];
    if (!a) {
      detail.appendChild(el("p", null, "Account " + id + " is not in this report's lookup (see accounts.csv)."));
    } else {
      detail.appendChild(el("h3", null, a.id));
      var p = el("p");
      p.appendChild(document.createTextNode("group "));
      p.appendChild(groupLink(a.g));
      p.appendChild(document.createTextNode(" \u00b7 degree " + fmtNum(a.deg) + " \u00b7 strength " + fmtNum(a.str) +
        " \u00b7 actions " + fmtNum(a.act) + " \u00b7 co-actions " + fmtNum(a.co)));
      detail.appendChild(p);
      (a.info || []).forEach(function (kv) { detail.appendChild(el("p", { "class": "muted" }, kv[0] + ": " + kv[1])); });
      if (a.nb && a.nb.length) {
        detail.appendChild(el("h4", null, "Strongest links"));
        detail.appendChild(table(["account", "weight", "behaviours", "same group"], a.nb.map(function (n) {
          return [accountButton(n[0]), n[1], n[2], n[3] === null ? "no" : "G" + n[3]];
        })));
      }
      if (a.ob && a.ob.length) {
        detail.appendChild(el("h4", null, "Co-acted most on"));
        detail.appendChild(table(["behaviour", "object", "co-actions", "first"], a.ob.map(function (o) {
          return [o[0], o[1], o[2], o[3]];
        })));
      }
    }
    if (scroll) { detail.scrollIntoView({ block: "nearest" }); }
  }
  function runSearch() {
    if (!results) { return; }
    results.textContent = "";
    var q = search.value.trim().toLowerCase();
    if (!q) { return; }
    var hits = [];
    for (var i = 0; i < accounts.length && hits.length < 40; i++) {
      var a = accounts[i];
      var hay = a.id.toLowerCase();
      if (a.info) { hay += " " + a.info.map(function (kv) { return kv[1]; }).join(" ").toLowerCase(); }
      if (hay.indexOf(q) !== -1) { hits.push(a); }
    }
    if (!hits.length) { results.appendChild(el("li", { "class": "muted" }, "no account matches")); return; }
    hits.forEach(function (a) {
      var li = el("li");
      var b = el("button", { type: "button" }, a.id + (a.g !== null && a.g !== undefined ? " \u00b7 G" + a.g : ""));
      b.addEventListener("click", function () { showAccount(a.id, false); });
      li.appendChild(b);
      results.appendChild(li);
    });
    if (hits.length === 1) { showAccount(hits[0].id, false); }
  }
  if (search) { search.addEventListener("input", runSearch); }
  function fromHash() {
    var h = window.location.hash;
    if (h.indexOf("#account=") === 0) {
      var id;
      try { id = decodeURIComponent(h.slice(9)); } catch (e) { return; }
      if (search) { search.value = id; runSearch(); }
      showAccount(id, false);
      var sec = document.getElementById("accounts");
      if (sec) { sec.scrollIntoView(); }
    }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
