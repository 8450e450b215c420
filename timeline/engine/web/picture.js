/* The page's picture of the chart (view/chart_preview.py: SVG in the page's HTML),
 * made to answer for the chart until plotly.js is needed, so that the embed
 * and the static export load plotly.js (300 KB of their 365) only when a
 * reader asks for a view the picture cannot show.
 *
 * The picture is of the whole timeline by category, drawn from the figure the
 * engine draws it from. The engine (timeline-engine.js) hands it what Plotly
 * would draw of that view (`show`): a mark answers hover (its title and date,
 * as Plotly's hover label) and clicks (the event opens, as from Plotly's
 * chart), the selected event has Plotly's ring, and labels follow the chart's
 * rule at this width. Its mode bar looks like Plotly's and does the same:
 * pressed, it loads plotly.js and presses Plotly's button. A filter, a zoom
 * (a drag, as Plotly's zoom box), the Filters opened (a filter is coming) or
 * a link to another view load plotly.js (`loadPlotly`), and Plotly's chart
 * replaces the picture. Every editor's string is set as text.
 */
(function () {
  "use strict";
  /* The interface's words (TimelineCore.t: view/language.py); as they are without it. */
  function t(msgid) {
    var core = typeof self !== "undefined" && self.TimelineCore;
    return core && core.t ? core.t(msgid) : msgid;
  }
  var SVG = "http://www.w3.org/2000/svg";
  var SCRIPT_ID = "timeline-plotly";  // chart_preview.PLOTLY_SCRIPT_ID: the guard may have started it
  var HOVER_PX = 20;       // Plotly's hoverdistance: how near a mark answers
  var DRAG_PX = 8;         // Plotly's MINDRAG: a shorter drag is a click
  var NARROW_PX = 600;     // the engine's: a narrower chart does not capture drags
  var LABEL_GAP_PX = 5;    // chart_preview.LABEL_GAP_PX
  var RING_RADIUS = 11;    // the engine's selection ring: marker size 22
  // Plotly's mode bar as the engine configures it (GRAPH_CONFIG), with Plotly's
  // icons (plotly.js's ploticon.js, MIT): title, Plotly's data-attr, data-val,
  // icon width, path.
  // t("Zoom in") t("Zoom out") t("Pan") t("Zoom") t("Autoscale"): their titles, translated.
  var BUTTONS = [
    ["Zoom in", "zoom", "in", 875, "m1 787l0-875 875 0 0 875-875 0z m687-500l-187 0 0-187-125 0 0 187-188 0 0 125 188 0 0 187 125 0 0-187 187 0 0-125z"],
    ["Zoom out", "zoom", "out", 875, "m0 788l0-876 875 0 0 876-875 0z m688-500l-500 0 0 125 500 0 0-125z"],
    ["Pan", "dragmode", "pan", 1000, "m1000 350l-187 188 0-125-250 0 0 250 125 0-188 187-187-187 125 0 0-250-250 0 0 125-188-188 186-187 0 125 252 0 0-250-125 0 187-188 188 188-125 0 0 250 250 0 0-126 187 188z"],
    ["Zoom", "dragmode", "zoom", 1000, "m1000-25l-250 251c40 63 63 138 63 218 0 224-182 406-407 406-224 0-406-182-406-406s183-406 407-406c80 0 155 22 218 62l250-250 125 125z m-812 250l0 438 437 0 0-438-437 0z m62 375l313 0 0-312-313 0 0 312z"],
    ["Autoscale", "zoom", "auto", 1000, "m250 850l-187 0-63 0 0-62 0-188 63 0 0 188 187 0 0 62z m688 0l-188 0 0-62 188 0 0-188 62 0 0 188 0 62-62 0z m-875-938l0 188-63 0 0-188 0-62 63 0 187 0 0 62-187 0z m875 188l0-188-188 0 0-62 188 0 62 0 0 62 0 188-62 0z m-125 188l-1 0-93-94-156 156 156 156 92-93 2 0 0 250-250 0 0-2 93-92-156-156-156 156 94 92 0 2-250 0 0-250 0 0 93 93 157-156-157-156-93 94 0 0 0-250 250 0 0 0-94 93 156 157 156-157-93-93 0 0 250 0 0 250z"]
  ];

  // ------------------------------------------------------------- plotly.js

  var loading = null;

  /* plotly.js, loaded once, from the address the page names (#timeline's
   * data-plotly: the same fingerprinted file, so the browser's cache and the
   * page's Content-Security-Policy treat it as before), or already on its way
   * (the page's guard starts it for a link to another view). Resolves with
   * window.Plotly; a failed load may be tried again. */
  function loadPlotly() {
    if (window.Plotly) { return Promise.resolve(window.Plotly); }
    if (loading) { return loading; }
    loading = new Promise(function (resolve, reject) {
      var script = document.getElementById(SCRIPT_ID);
      if (!script) {
        var page = document.getElementById("timeline");
        var url = page && page.getAttribute("data-plotly");
        if (!url) { reject(new Error("the page names no plotly.js")); return; }
        script = document.createElement("script");
        script.id = SCRIPT_ID;
        script.src = url;
        document.head.appendChild(script);
      }
      script.addEventListener("load", function () {
        if (window.Plotly) { resolve(window.Plotly); }
        else { reject(new Error("plotly.js ran but defined no Plotly")); }
      });
      script.addEventListener("error", function () {
        reject(new Error("plotly.js could not be loaded"));
      });
    });
    loading.catch(function () {
      loading = null;  // the next reader's action tries again, with a new script element
      var failed = document.getElementById(SCRIPT_ID);
      if (failed) { failed.remove(); }
    });
    return loading;
  }

  // ---------------------------------------------------------------- picture

  function svgElement(tag, attributes) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }

  /* Plotly's hover text is escaped for Plotly (markup.escape_for_plotly,
   * TimelineFigurePacking.escapeForPlotly): here it is set as text, so unescaped once. */
  function plainText(text) {
    return String(text == null ? "" : text).replace(/&(lt|gt|amp);/g, function (all, name) {
      return { lt: "<", gt: ">", amp: "&" }[name];
    });
  }

  /* Dark text on a light colour, white on a dark one (Plotly's hover labels do the same). */
  function textColourOn(colour) {
    // As the browser computes it: "rgb(r, g, b)" (the picture's colours follow the theme).
    var rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(colour || "");
    if (!rgb) { return "#222"; }
    var light = 0.299 * rgb[1] + 0.587 * rgb[2] + 0.114 * rgb[3];
    return light > 150 ? "#222" : "#fff";
  }

  /* The picture in `graph` made ready to answer for the chart, or null when the
   * graph holds none. `actions`: open(item) opens a mark's event(s) (its
   * customdata, as a click on Plotly's mark does); zoom(from, to) zooms to that
   * share of the time axis (fractions, as a drag of Plotly's zoom box does);
   * wantPlotly() says a reader is about to need Plotly's chart. */
  function attach(graph, actions) {
    var root = graph && graph.querySelector(".chart-preview");
    var plot = root && root.querySelector(".preview-plot");
    if (!plot) { return null; }
    var inner = plot.querySelector("svg") || plot;
    var marks = Array.prototype.map.call(
      // Circles, and shapes (<use>) for other certainties, each with cx, cy and r.
      root.querySelectorAll(".preview-mark[data-event]"), function (circle) {
        return { element: circle, id: circle.getAttribute("data-event"),
                 x: parseFloat(circle.getAttribute("cx")) / 100,
                 y: parseFloat(circle.getAttribute("cy")) / 100,
                 r: parseFloat(circle.getAttribute("r")) || 6, item: null };
      });
    var labels = new Map();
    root.querySelectorAll("text[data-event]").forEach(function (text) {
      labels.set(text.getAttribute("data-event"), text);
    });
    var ring = svgElement("circle", { "class": "preview-selected", r: RING_RADIUS });
    ring.style.display = "none";
    inner.appendChild(ring);
    var hover = document.createElement("div");
    hover.className = "preview-hover";
    hover.setAttribute("aria-hidden", "true");  // the list says the same, as text
    hover.hidden = true;
    root.appendChild(hover);
    var zoomBox = svgElement("rect", { "class": "preview-zoombox", y: 0, height: "100%" });
    zoomBox.style.display = "none";
    inner.appendChild(zoomBox);
    var pressed = null;  // a mode bar button pressed before Plotly's chart was there
    var toolbar = modeBar();
    root.appendChild(toolbar);
    var hovered = null, drag = null, afterDrag = false, active = false;

    function modeBar() {
      var bar = document.createElement("div");
      bar.className = "preview-modebar";
      bar.setAttribute("role", "toolbar");
      bar.setAttribute("aria-label", t("Chart tools"));
      BUTTONS.forEach(function (spec) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "preview-modebar-btn";
        button.setAttribute("aria-label", t(spec[0]));
        button.setAttribute("data-title", t(spec[0]));
        button.setAttribute("data-attr", spec[1]);
        button.setAttribute("data-val", spec[2]);
        var icon = svgElement("svg", { viewBox: "0 0 " + spec[3] + " 1000", height: "1em",
                                       width: "1em", "aria-hidden": "true" });
        icon.appendChild(svgElement("path", { d: spec[4], transform: "matrix(1 0 0 -1 0 850)" }));
        button.appendChild(icon);
        button.addEventListener("click", function () {
          pressed = { attr: spec[1], val: spec[2], focused: document.activeElement === button };
          actions.wantPlotly();
        });
        bar.appendChild(button);
      });
      return bar;
    }

    function wide() { return graph.clientWidth >= NARROW_PX; }

    /* The mark nearest the pointer (from its edge: inside overlapping marks, the
     * one whose centre is nearest), within Plotly's hover distance. */
    function markAt(clientX, clientY) {
      var box = plot.getBoundingClientRect(), best = null, bestDistance = HOVER_PX;
      for (var i = 0; i < marks.length; i++) {
        var mark = marks[i];
        if (!mark.item) { continue; }
        var dx = box.left + mark.x * box.width - clientX, dy = box.top + mark.y * box.height - clientY;
        var distance = Math.sqrt(dx * dx + dy * dy) - mark.r;
        if (distance <= bestDistance) { best = mark; bestDistance = distance; }
      }
      return best;
    }

    function showHover(mark) {
      if (hovered === mark) { return; }
      hovered = mark;
      plot.style.cursor = mark ? "pointer" : "";
      if (!mark) { hover.hidden = true; return; }
      var title = document.createElement("b");
      title.textContent = plainText(mark.item[1]);
      hover.replaceChildren(title, document.createElement("br"),
                            document.createTextNode(plainText(mark.item[2])));
      var group = mark.element.parentNode;
      var colours = getComputedStyle(group), fill = colours.fill, edge = colours.stroke;
      hover.style.background = fill;
      hover.style.borderColor = edge;
      hover.style.color = textColourOn(fill);
      hover.hidden = false;
      // Beside the mark, as Plotly puts its label: right of it, or left near the edge.
      var frame = root.getBoundingClientRect(), box = plot.getBoundingClientRect();
      var x = box.left - frame.left + mark.x * box.width, y = box.top - frame.top + mark.y * box.height;
      var width = hover.offsetWidth, height = hover.offsetHeight;
      var left = x + mark.r + 6;
      if (left + width > frame.width) { left = Math.max(x - mark.r - 6 - width, 0); }
      hover.style.left = left + "px";
      hover.style.top = Math.max(y - height / 2, 0) + "px";
    }

    function fraction(clientX) {
      var box = plot.getBoundingClientRect();
      return Math.min(Math.max((clientX - box.left) / box.width, 0), 1);
    }

    root.addEventListener("pointermove", function (event) {
      if (!active) { return; }
      if (drag) {
        var from = Math.min(drag.x, event.clientX), to = Math.max(drag.x, event.clientX);
        if (!drag.moved && to - from < DRAG_PX) { return; }  // a click, so far
        // Not loading plotly.js yet: its chart would take the picture, and the
        // drag, from under the reader's hand. The zoom loads it.
        drag.moved = true;
        showHover(null);
        var box = plot.getBoundingClientRect();
        zoomBox.setAttribute("x", (fraction(from) * 100) + "%");
        zoomBox.setAttribute("width", ((fraction(to) - fraction(from)) * box.width) + "px");
        zoomBox.style.display = "";
        return;
      }
      if (event.target.closest(".preview-modebar")) { showHover(null); return; }
      showHover(markAt(event.clientX, event.clientY));
    });
    root.addEventListener("pointerleave", function () { showHover(null); });
    // Plotly's zoom box: a mouse drag across a wide chart zooms to the dates it
    // spans (a narrow one leaves touch and drags to the page, which must scroll).
    root.addEventListener("pointerdown", function (event) {
      if (!active || event.pointerType !== "mouse" || event.button !== 0 || !wide() ||
          event.target.closest(".preview-modebar")) { return; }
      drag = { x: event.clientX, moved: false };
      root.setPointerCapture(event.pointerId);
    });
    root.addEventListener("pointerup", function (event) {
      if (!drag) { return; }
      var done = drag;
      drag = null;
      zoomBox.style.display = "none";
      if (done.moved) {
        // The click that follows a drag (in this same task) is no click on a mark.
        afterDrag = true;
        setTimeout(function () { afterDrag = false; }, 0);
        var a = fraction(done.x), b = fraction(event.clientX);
        if (a !== b) { actions.zoom(Math.min(a, b), Math.max(a, b)); }
      }
    });
    root.addEventListener("pointercancel", function () {
      drag = null;
      zoomBox.style.display = "none";
    });
    root.addEventListener("click", function (event) {
      if (afterDrag) { afterDrag = false; return; }
      if (!active || event.target.closest(".preview-modebar")) { return; }
      var mark = markAt(event.clientX, event.clientY);
      if (mark) { actions.open(mark.item); }
    });
    // The Filters opened: a filter is coming, which Plotly's chart will draw.
    var filters = document.getElementById("filters");
    if (filters) {
      filters.addEventListener("toggle", function () {
        if (filters.open) { actions.wantPlotly(); }
      });
    }

    return {
      /* Shows the view whose chart would be `data` (the traces the engine
       * gives Plotly: each mark's customdata, its label and side) with the
       * event `selected` (an id, or null) ringed. */
      show: function (data, selected) {
        var items = new Map(), shown = new Map();
        data.forEach(function (trace) {
          if (trace.mode === "lines" || !trace.customdata) { return; }
          trace.customdata.forEach(function (item, i) {
            if (!Array.isArray(item)) { return; }
            items.set(item[0], item);
            if (trace.text && trace.text[i]) {
              shown.set(item[0], [trace.text[i], trace.textposition[i]]);
            }
          });
        });
        var chosen = null;
        marks.forEach(function (mark) {
          mark.item = items.get(mark.id) || null;
          mark.element.style.display = mark.item ? "" : "none";
          if (mark.item && selected &&
              window.TimelineFigurePacking.markIds(mark.item).indexOf(selected) >= 0) {
            chosen = mark;
          }
        });
        // Labels as the chart draws them at this width (density.js's rule, then
        // label-fit.js's): one with no room is left out or shortened, as in
        // Plotly's chart.
        labels.forEach(function (text, id) {
          var label = shown.get(id), side = label && label[1];
          text.style.display = side ? "" : "none";
          if (!side) { return; }
          if (text.textContent !== plainText(label[0])) { text.textContent = plainText(label[0]); }
          var left = side.indexOf("left") >= 0;
          if (left) { text.setAttribute("text-anchor", "end"); }
          else { text.removeAttribute("text-anchor"); }
          text.setAttribute("dx", left ? -LABEL_GAP_PX : LABEL_GAP_PX);
        });
        ring.style.display = chosen ? "" : "none";
        if (chosen) {
          ring.setAttribute("cx", chosen.element.getAttribute("cx"));
          ring.setAttribute("cy", chosen.element.getAttribute("cy"));
        }
        toolbar.querySelector("[data-val=zoom]").classList.toggle("active", wide());
        hovered = null;
        hover.hidden = true;
        root.classList.remove("is-stale");
        root.classList.add("is-interactive");
        active = true;
      },
      /* The view is one the picture cannot show: it stays, faded and answering
       * nothing, until Plotly's chart replaces it. */
      stale: function () {
        active = false;
        drag = null;
        showHover(null);
        ring.style.display = "none";
        root.classList.add("is-stale");
      },
      /* Plotly's chart is drawn (the engine removes the picture): a mode bar
       * button pressed meanwhile is pressed on Plotly's, which keeps the focus
       * if the picture's had it. */
      replaced: function () {
        active = false;
        var press = pressed;
        pressed = null;
        if (!press) { return; }
        var button = graph.querySelector(".modebar-btn[data-attr=\"" + press.attr +
                                         "\"][data-val=\"" + press.val + "\"]");
        if (!button) { return; }
        if (press.focused) { button.focus(); }
        button.click();
      }
    };
  }

  window.TimelinePicture = { attach: attach, loadPlotly: loadPlotly };
}());
