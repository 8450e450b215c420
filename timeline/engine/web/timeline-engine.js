/* The timeline's engine in the browser, for every page a reader opens: the
 * explorer (`/`), the embed (`/embed`) and the static export. No server round
 * trip for anything a reader does.
 *
 * Reads the view from the URL (TimelineCore), filters the events, keeps the
 * Python-built figure's points for them (TimelineFigurePacking), and draws the
 * chart, the list, the details and the count, and the filters: plain HTML
 * controls (below) on every page, the explorer's shell (timeline-explorer.js)
 * adding its own parts (the embed snippets). Every
 * editor's string is set as text (textContent, attributes), never as HTML; the
 * only links are the ones Python already checked. Page ids: README, "Page ids".
 */
(function () {
  "use strict";
  var core = window.TimelineCore, packing = window.TimelineFigurePacking;
  if (!core || !packing) { return; }
  var t = core.t, tn = core.tn;  // the interface's words (view/language.py)
  var root = null;   // the page's #timeline, which names the data files
  var shell = null;  // the page's controls: plainControls, with the explorer's changes
  var GRAPH_CONFIG = {
    displaylogo: false, displayModeBar: true, responsive: true, scrollZoom: false,
    modeBarButtons: [["zoomIn2d", "zoomOut2d", "pan2d", "zoom2d", "autoScale2d"]]
  };
  /* GRAPH_CONFIG in the page's language: Plotly's mode bar titles from our
   * catalogue and its axis's month names from the browser's Intl (CLDR's, as
   * Babel's dates in the data). English is Plotly's own. */
  function plotlyConfig() {
    var language = core.language();
    if (language === "en") { return GRAPH_CONFIG; }
    function names(style) {
      var format = new Intl.DateTimeFormat(language, { month: style, timeZone: "UTC" });
      return [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(function (month) {
        return format.format(new Date(Date.UTC(2024, month, 15)));
      });
    }
    var dictionary = {};
    ["Zoom in", "Zoom out", "Pan", "Zoom", "Autoscale"].forEach(function (title) {
      dictionary[title] = t(title);
    });
    var locales = {};
    locales[language] = { dictionary: dictionary,
                          format: { months: names("long"), shortMonths: names("short") } };
    return core.withChanges(GRAPH_CONFIG, { locale: language, locales: locales });
  }
  var state = { data: null, events: [], eventsById: new Map(), figures: {}, details: {},
                list: null, view: null, pendingFigure: {} };

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (attributes[name] === undefined || attributes[name] === null) { return; }
      if (name === "text") { node.textContent = attributes[name]; }
      else if (name === "className") { node.className = attributes[name]; }
      else { node.setAttribute(name, attributes[name]); }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function byId(id) { return document.getElementById(id); }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(url + ": " + response.status); }
      return response.json();
    });
  }

  function webAddress(url) { return /^https?:\/\/[^\s]+$/i.test(url || ""); }

  // ------------------------------------------------------------ navigation

  function href(view) {
    var query = core.toQueryString(view);
    return query ? "?" + query : location.pathname;
  }

  /* Shows `view`, then puts it in the address bar (in a new history entry,
   * or in place of the current one): the chart first, the bookkeeping once
   * its frame is out. */
  var pendingAddress = null;
  function go(view, replace) {
    flushAddress();  // an earlier view's entry first, so back still finds it
    // The list's toggle event comes a task after the reader opened it; a quick
    // next action (a link, a filter) can come first, and must not fold it back.
    var disclosure = shell.listInView && listDisclosure();
    if (disclosure && state.view && view.listOpen === state.view.listOpen
        && disclosure.open !== view.listOpen) {
      view = core.withChanges(view, { listOpen: disclosure.open });
    }
    // A reader's choice of event brings its card into sight (revealCard), and
    // the chart's window to it when they had zoomed elsewhere.
    if (view.event && (!state.view || view.event !== state.view.event)) {
      state.revealCard = true;
      var figure = state.figures[view.lanes], event = state.eventsById.get(view.event);
      if (figure && event && Array.isArray(view.zoom)) {
        var at = event.startDay * DAY_MS, zoom = view.zoom.map(packing.dateMs);
        if (at < zoom[0] || at > zoom[1] + DAY_MS) {
          view = core.withChanges(view, { zoom: windowHolding(view.event, view.zoom,
                                                                figure.layout) });
        }
      }
    }
    pendingAddress = { replace: replace };
    draw(view);
  }

  function flushAddress() {
    var address = pendingAddress;
    pendingAddress = null;
    if (!address) { return; }
    // The view drawn, which may differ from the one asked for (a story opens
    // its first event: draw).
    var target = href(state.view);
    if (address.replace) { history.replaceState(null, "", target); }
    else { history.pushState(null, "", target); }
  }

  // --------------------------------------------------------------- controls

  /* Up to this many actors the filter is one checkbox each (quicker to scan);
   * above it, a search box listing the names typed (actor-picker.js), so a
   * timeline of thousands of actors does not put thousands in the page. */
  var ACTOR_CHECKBOXES_MAX = 30;
  var actorPicker = null;  // the picker, when the actors are too many for checkboxes

  /* A group of choices: a fieldset named by its legend (its `id` the page id). */
  function group(id, legend, choices) {
    return element("fieldset", { id: id, className: "field choices" },
                   [element("legend", { text: legend })].concat(choices));
  }

  function checkboxes(id, legend, name, options, labelOf) {
    return group(id, legend, options.map(function (value) {
      return element("label", {}, [element("input", { type: "checkbox", name: name,
                                                      value: value }),
                                   labelOf ? labelOf(value) : value]);
    }));
  }

  function dateField(id, label) {
    return element("span", { className: "date-field" }, [
      element("label", { for: id, text: label }), element("input", { id: id, type: "date" })]);
  }

  function field(label, control, forId) {
    return element("div", { className: "field" }, [
      element("label", { for: forId, text: label }), control]);
  }

  function buildControls() {
    var data = state.data;
    var search = element("input", { id: "search", type: "search", maxlength: "200",
                                    placeholder: t("Words in titles, text, names"),
                                    autocomplete: "off" });
    var dates = group("date-filter", t("Dates"), [dateField("date-from", t("From")),
                                                  dateField("date-to", t("To"))]);
    dates.classList.add("dates");
    var lanes = group("lane-switch", t("Lanes"),
      [["category", t("by category")], ["actor", t("by actor")]].map(function (pair) {
        return element("label", {}, [element("input", { type: "radio", name: "lanes",
                                                        value: pair[0] }), pair[1]]);
      }));
    var filters = byId("filters");
    filters.appendChild(field(t("Search"), search, "search"));
    if (data.actors.length > ACTOR_CHECKBOXES_MAX && window.TimelineActorPicker) {
      actorPicker = window.TimelineActorPicker.create({
        names: data.actors,
        onChange: function (actors) { go(core.withChanges(state.view, { actors: actors })); }
      });
      filters.appendChild(field(t("Who"), actorPicker.element, "actor-filter-input"));
    } else {
      filters.appendChild(checkboxes("actor-filter", t("Who"), "actor", data.actors));
    }
    filters.appendChild(checkboxes("category-filter", t("Category"), "category",
                                   data.categories, categoryLabel));
    if (data.certainties.length) {
      // The certainties are the contract's words: their labels in the page's language.
      filters.appendChild(checkboxes("certainty-filter", t("Certainty"), "certainty",
                                     data.certainties, t));
    }
    filters.appendChild(dates);
    filters.appendChild(lanes);
    filters.appendChild(element("button", { id: "reset", type: "button", className: "reset",
                                            text: t("Reset") }));

    var typing = null;
    search.addEventListener("input", function () {
      clearTimeout(typing);
      typing = setTimeout(function () {
        go(core.withChanges(state.view, { q: core.cleanValue(search.value), event: null }),
           true);
      }, 200);
    });
    filters.addEventListener("change", function (event) {
      var target = event.target;
      var view = state.view;
      if (target.name === "actor" || target.name === "category" || target.name === "certainty") {
        var key = { actor: "actors", category: "categories", certainty: "certainties" }[target.name];
        var chosen = Array.prototype.map.call(
          filters.querySelectorAll("input[name=" + target.name + "]:checked"),
          function (box) { return box.value; });
        var change = {}; change[key] = chosen;
        go(core.withChanges(view, change));
      } else if (target.id === "date-from" || target.id === "date-to") {
        go(core.withChanges(view, {
          from: core.partialDay(byId("date-from").value, false),
          to: core.partialDay(byId("date-to").value, true) }));
      } else if (target.name === "lanes") {
        go(core.withChanges(view, { lanes: target.value }));
      }
    });
    byId("reset").addEventListener("click", function () {
      go(core.withChanges(core.parseView(""), { lanes: state.view.lanes,
                                                listOpen: state.view.listOpen,
                                                story: state.view.story,
                                                theme: state.view.theme }));
    });
  }

  function plainSync(view) {
    function tick(name, values) {
      document.querySelectorAll("#filters input[name=" + name + "]").forEach(function (box) {
        var on = values.some(function (v) {
          return core.normaliseText(v) === core.normaliseText(box.value);
        });
        if (box.checked !== on) { box.checked = on; }
      });
    }
    if (actorPicker) { actorPicker.sync(view.actors); }
    else { tick("actor", view.actors); }
    tick("category", view.categories);
    tick("certainty", view.certainties);
    var search = byId("search");
    if (document.activeElement !== search && search.value !== view.q) { search.value = view.q; }
    if (byId("date-from").value !== (view.from || "")) { byId("date-from").value = view.from || ""; }
    if (byId("date-to").value !== (view.to || "")) { byId("date-to").value = view.to || ""; }
    document.querySelectorAll("#lane-switch input").forEach(function (radio) {
      radio.checked = radio.value === view.lanes;
    });
  }

  /* Every page's controls (the explorer changes some parts: start): plain HTML,
   * and in the embed and the static export the link to the full explorer. */
  var plainControls = {
    build: buildControls,
    listInView: true,  // the list folded unless the view says list=open (listDisclosure)
    teaserCards: true,  // a card opens as its first lines and "Read more" (drawDetail)
    sync: plainSync,
    openFilters: function (wide) { byId("filters").open = wide; },
    afterDraw: function (view) {
      var explorer = byId("full-explorer-link");
      if (explorer && state.data.explorer_url) {
        var query = core.toQueryString(view);
        explorer.href = state.data.explorer_url + (query ? "?" + query : "");
      }
    }
  };

  // ------------------------------------------------------------------ chart

  var density = window.TimelineDensity;
  var DAY_MS = 86400000;

  /* A figure with its marks packed (once: every redraw starts from it); where
   * each event is among them (density.js) is worked out on first use. */
  function packed(figure) {
    return { data: packing.packMarks(figure.data), layout: figure.layout, placed: null,
             filtered: null, drawn: [] };
  }

  function placedMarks(figure) {
    if (!figure.placed) {
      figure.placed = density.marks(figure.data, function (id) {
        return state.eventsById.get(id).startDay * DAY_MS;
      });
    }
    return figure.placed;
  }

  /* What a chart of `figure` shows at `frame` (see frameFor; by default the
   * whole timeline at the chart's width) with only the events in `ids` (a Set;
   * null: every event): the marks at that scale (density.js), the bars, lanes
   * the filter emptied closed up. The last few drawn are kept (selecting an
   * event, or going back, redraws one), and the filter's part while the
   * filter stays (a zoom or a pan redraws the marks only). */
  function drawnFigure(figure, ids, frame) {
    if (!frame) {
      // The idle warm-up (warmUpFilter): a zoom's grouping runs once too, so
      // the reader's first zoom is not the first run of its code.
      frame = frameFor(figure, null);
      var quarter = (frame.range[1] - frame.range[0]) / 4;
      density.draw(placedMarks(figure), ids, core.withChanges(frame, {
        range: [frame.range[0] + quarter, frame.range[1] - quarter], columns: true }),
        { one: hoverText, many: densityText });
    }
    var key = [frame.range[0], frame.range[1], frame.width, frame.columns, !!frame.labelFor,
               frame.labelChars].join(" ");
    var kept = figure.drawn.find(function (d) { return d.ids === ids && d.key === key; });
    if (kept) { return kept.figure; }
    var placed = placedMarks(figure);
    if (!figure.filtered || figure.filtered.ids !== ids) {
      figure.filtered = { ids: ids, rows: density.rowsInUse(placed, ids),
                          others: ids ? packing.filterFigureData(placed.others, ids)
                                      : placed.others };
    }
    var marks = density.draw(placed, ids, frame, { one: hoverText, many: densityText });
    fitLabels(marks.data, frame, figure.layout);
    var others = frame.columns ? density.clipBars(figure.filtered.others, frame.range)
                               : figure.filtered.others;
    var drawn = packing.asShapes(packing.compactLanes(marks.data.concat(others), figure.layout,
                                                      figure.filtered.rows));
    figure.drawn = [{ ids: ids, key: key, figure: drawn }].concat(figure.drawn.slice(0, 2));
    return drawn;
  }

  /* The labels measured with the reader's fonts at the plot's real width, so
   * none collides or runs off the plot: each kept, moved to the other side of
   * its mark, shortened at a word or dropped (label-fit.js). */
  function fitLabels(data, frame, layout) {
    if (window.TimelineLabelFit) {
      window.TimelineLabelFit.fitTraces(data, frame, (layout.font || {}).family || "sans-serif");
    }
  }

  /* The scale a chart of `figure` is drawn at for `view` (null: the whole
   * timeline): its time range (dates as numbers), the plot's width in px, and
   * how marks are grouped: the figure's own groups for the whole timeline
   * (the view it was built for, which the page's picture shows), pixel
   * columns of this width for a zoom, where the figure's labels are joined by
   * those of events with room for one. */
  function frameFor(figure, view) {
    var layout = figure.layout, margin = layout.margin || {};
    var graph = byId("timeline-graph");
    var width = (graph && graph.clientWidth) || 900;  // hidden: the figure's own width
    var zoom = view && view.zoom;
    var range = (zoom ? zoomRange(graph, zoom, layout) : layout.xaxis.range).map(packing.dateMs);
    if (!(range[1] > range[0])) { range = [range[0], range[0] + DAY_MS]; }
    var labelChars = width < 600 ? 22 : 34;  // figure.LABEL_MAX_CHARS(_NARROW)
    return { range: range, width: Math.max(width - (margin.l || 0) - (margin.r || 0), 120),
             columns: !!zoom, labelChars: labelChars, shortens: !!window.TimelineLabelFit,
             labelFor: zoom ? function (id) {
               return packing.escapeForPlotly(shortLabel(state.eventsById.get(id).title,
                                                         labelChars));
             } : null };
  }

  /* The time range a chart of the figure laid out as `layout` shows for
   * `zoom` (two days, or the whole timeline): the one Plotly holds when it is
   * that zoom, as a reader's zoom or pan left it (to the millisecond: redrawn
   * to whole days, the chart would jump under the reader's hand), else from
   * the first day to the last. */
  function zoomRange(graph, zoom, layout) {
    if (zoom === core.WHOLE) { return wholeRange(layout); }
    var shown = graph && graph.layout && graph.layout.xaxis && graph.layout.xaxis.range;
    if (shown && String(shown[0]).slice(0, 10) === zoom[0] &&
        String(shown[1]).slice(0, 10) === zoom[1] && String(shown[1]) > String(shown[0])) {
      return [shown[0], shown[1]];
    }
    // A zoom of one day (zoom=d..d) is that day, not an empty range.
    return [zoom[0], zoom[1] > zoom[0] ? zoom[1] : isoDay(packing.dateMs(zoom[0]) + DAY_MS)];
  }

  /* The whole timeline's range: its figure's meta.whole (figure.py), where the
   * figure's own range is the first window (view/window.py). */
  function wholeRange(layout) {
    return ((layout.meta && layout.meta.whole) || layout.xaxis.range).slice();
  }

  /* figure.short_label: a title cut to `most` characters (code points). */
  function shortLabel(title, most) {
    var characters = Array.from(title);
    return characters.length <= most ? title
      : characters.slice(0, most - 1).join("").replace(/\s+$/, "") + "\u2026";
  }

  function figureFor(lanes) {
    if (state.figures[lanes]) { return state.figures[lanes]; }
    if (!state.pendingFigure[lanes]) {
      state.pendingFigure[lanes] = fetchJson(root.getAttribute("data-actor-figure"))
        .then(function (figure) { state.figures[lanes] = packed(figure); draw(); });
    }
    return state.figures.category;  // until the other one arrives
  }

  /* The ids of the events `shown` (a Set; null: every event): the same Set
   * while the same events are shown, so a zoom or a pan reuses what was
   * worked out for them (drawnFigure). */
  function shownIds(shown) {
    if (shown.length === state.events.length) { return null; }
    var kept = state.shownIds;
    var same = kept && kept.shown.length === shown.length && shown.every(function (event, i) {
      return kept.shown[i] === event;
    });
    if (!same) {
      state.shownIds = kept = { shown: shown, ids: new Set(shown.map(function (e) { return e.id; })) };
    }
    return kept.ids;
  }

  /* The embed and the export load plotly.js when a reader first needs it: until
   * then the page's picture of the chart (picture.js) answers for the chart,
   * for the view it shows (the whole timeline by category, an event open or
   * not), with what Plotly would draw of it. Any other view (a filter, a zoom,
   * the lanes by actor) loads plotly.js, and the picture stays, faded, until
   * Plotly's chart replaces it. (The explorer has plotly.js from the start.) */
  function drawPicture(view) {
    if (state.picture === undefined) {
      state.picture = window.TimelinePicture.attach(
        byId("timeline-graph"), { open: openItem, zoom: zoomTo, wantPlotly: usePlotly });
    }
    var picture = state.picture;
    var pictured = picture && view.lanes === "category" && !view.zoom && !core.isFiltered(view) &&
      !outsideFirstWindow(view, state.figures.category.layout, state.shown) &&
      !document.documentElement.classList.contains("no-preview");  // the guard hid it
    if (!pictured) {
      if (picture) { picture.stale(); }
      figureFor(view.lanes);  // the actor lanes' figure on its way meanwhile
      usePlotly();
      return;
    }
    var figure = state.figures.category;
    picture.show(drawnFigure(figure, null, frameFor(figure, view)).data, view.event);
    // Answering hover and clicks: tests and newsroom scripts wait on it (README, "Page ids").
    document.documentElement.setAttribute("data-timeline", "interactive");
  }

  /* plotly.js loaded (once) and the view drawn with it: Plotly's chart replaces the picture. */
  function usePlotly() {
    if (window.Plotly || state.plotlyComing) { return; }
    state.plotlyComing = window.TimelinePicture.loadPlotly().then(function () {
      drawChart(state.view, state.shown);
    }, function () {
      state.plotlyComing = null;  // the next view that needs it tries again
      byId("event-count").textContent +=
        " " + t("The chart could not be loaded: reload the page to try again.");
    });
  }

  function plotlyChart() {
    if (!window.Plotly) { usePlotly(); }
    return Promise.resolve(state.plotlyComing).then(function () {
      if (!window.Plotly) { throw new Error("plotly.js could not be loaded"); }
      if (!state.chartDrawn) { drawChart(state.view, state.shown); }
      return state.chartDrawn;
    }).then(function () { return byId("timeline-graph"); });
  }

  /* A zoom to the share `from`–`to` (fractions) of the whole timeline's time axis. */
  function zoomTo(from, to) {
    var range = state.figures.category.layout.xaxis.range.map(packing.dateMs);
    var span = range[1] - range[0];
    go(core.withChanges(state.view, { zoom: [isoDay(range[0] + from * span),
                                             isoDay(range[0] + to * span)] }), true);
  }

  /* A click on a mark (its customdata): its event opens, or a mark for several
   * zooms into them (openMany). */
  function openItem(item) {
    if (item && Array.isArray(item[3]) && item[3].length > 1) { openMany(item[3]); }
    else if (item && item[0]) { go(core.withChanges(state.view, { event: item[0] })); }
  }

  /* `view` as its chart is drawn: at its zoom, else at the first window, but
   * for a filter that leaves no event there (an empty chart would say
   * nothing): then at the whole timeline. The link keeps no zoom. */
  function drawnView(view, shown, layout) {
    if (!view.zoom && outsideFirstWindow(view, layout, shown)) {
      return core.withChanges(view, { zoom: windowHolding(view.event, layout.xaxis.range, layout) });
    }
    if (view.zoom || !core.isFiltered(view)) { return view; }
    var first = layout.xaxis.range.map(packing.dateMs);
    var inside = shown.some(function (event) {
      return event.startDay * DAY_MS <= first[1] &&
        (event.ongoing || packing.dateMs(event.lastDay) >= first[0]);
    });
    return inside ? view : core.withChanges(view, { zoom: core.WHOLE });
  }

  /* Whether the view's open event, one of those `shown`, lies outside the
   * first window (a step in a story, a link to an early event), which the
   * chart is drawn at by default. An event the filters hide moves nothing. */
  function outsideFirstWindow(view, layout, shown) {
    var event = view.event && state.eventsById.get(view.event);
    if (!event || shown.indexOf(event) < 0) { return false; }
    var first = layout.xaxis.range.map(packing.dateMs), at = event.startDay * DAY_MS;
    return at < first[0] || at > first[1];
  }

  /* A window as long as `range` moved to hold event `id` in its middle, within
   * the whole timeline: two ISO days, as a zoom. A reader who steps to an event
   * sees it on the chart, at the scale they were reading. */
  function windowHolding(id, range, layout) {
    var span = packing.dateMs(range[1]) - packing.dateMs(range[0]);
    var whole = wholeRange(layout).map(packing.dateMs);
    var from = state.eventsById.get(id).startDay * DAY_MS - span / 2;
    from = Math.max(whole[0], Math.min(from, whole[1] - span));
    return [isoDay(from), isoDay(from + span)];
  }

  /* The era names written in a per-language column carry their language, as the
   * events' titles do (layout.meta.annotation_lang, view/figure.py add_eras). Plotly
   * makes its annotations anew on each draw, so this runs after each. */
  function markAnnotationLanguages(graph) {
    var meta = (graph.layout && graph.layout.meta) || {};
    var languages = meta.annotation_lang || {};
    graph.querySelectorAll("g.annotation[data-index]").forEach(function (label) {
      var language = languages[label.getAttribute("data-index")];
      if (language) { label.setAttribute("lang", language); }
      else { label.removeAttribute("lang"); }
    });
  }

  function drawChart(view, shown) {
    if (!window.Plotly && window.TimelinePicture) { drawPicture(view); return; }
    var figure = figureFor(view.lanes);
    view = drawnView(view, shown, figure.layout);
    var everything = shown.length === state.events.length;
    var ids = shownIds(shown);
    var drawn = drawnFigure(figure, ids, frameFor(figure, view));
    var data = drawn.data.slice();  // the selection ring may be added, not to a kept one
    var mark = view.event && (everything ? state.eventsById.get(view.event) : ids.has(view.event))
      ? packing.markPosition(data, view.event) : null;
    if (mark) {
      data.push({ type: "scatter", name: "selected", x: [mark[0]], y: [mark[1]], mode: "markers",
                  hoverinfo: "skip", showlegend: false,
                  marker: { size: 22, symbol: "circle-open", color: "#111",
                            line: { width: 3, color: "#111" } } });
    }
    var layout = core.withChanges(drawn.layout, {});
    var graph = byId("timeline-graph");
    // Its own range array: Plotly's zoom buttons change the one they are given
    // in place, which would move the figure's whole-timeline range with them.
    layout.xaxis = core.withChanges(figure.layout.xaxis, { range: figure.layout.xaxis.range.slice() });
    if (view.zoom) { layout.xaxis.range = zoomRange(graph, view.zoom, figure.layout); }
    layout.dragmode = graph.clientWidth < 600 ? false : "zoom";
    // The page's SVG picture of the chart (view/chart_preview.py) stays on top, out of
    // the flow, until Plotly's chart is drawn under it.
    var preview = graph.querySelector(".chart-preview");
    if (preview) { preview.classList.add("is-replaced"); }
    // The configuration once: given again, Plotly works it out again, measuring the page.
    var config = graph._context ? undefined : plotlyConfig();
    var colours = inTheme({ data: data, layout: layout });
    state.chartDrawn = window.Plotly.react(graph, colours.data, colours.layout, config);
    state.chartDrawn.then(function () {
      if (preview) { preview.remove(); }
      markAnnotationLanguages(graph);
      if (state.picture) { state.picture.replaced(); state.picture = null; }
      if (performance.mark) { performance.mark("timeline:drawn"); }  // for the benchmarks
      // Drawn, and answering hover and clicks (wired below, before this runs):
      // tests and newsroom scripts wait on it (README, "Page ids").
      document.documentElement.setAttribute("data-timeline", "interactive");
      placeCursor();
      if (!state.zoomWarmedUp) {
        state.zoomWarmedUp = true;
        (window.requestIdleCallback || setTimeout)(warmUpZoom);
      }
    });
    if (!graph.timelineWired) {
      graph.timelineWired = true;
      // Plotly's own redraws (Plots.resize, its responsive resizing) make them anew too.
      graph.on("plotly_afterplot", function () { markAnnotationLanguages(graph); });
      graph.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        openItem(point && Array.isArray(point.customdata) ? point.customdata : null);
      });
      // A reader's zoom or pan (or a reset) is drawn once, by the engine, with
      // the marks for its range: Plotly would first redraw the old ones there
      // (the plotly.js build lets a page take a relayout over: build.mjs).
      graph.takeRelayout = function (change) {
        var keys = Object.keys(change);
        if (!keys.length || !keys.every(function (key) { return TIME_RANGE_KEYS[key]; })) {
          return null;
        }
        if (!followRelayout(graph, change)) { return null; }
        return state.chartDrawn.then(function () { return graph; });
      };
      graph.on("plotly_relayout", function (change) { followRelayout(graph, change); });
    }
  }

  var TIME_RANGE_KEYS = { "xaxis.range": true, "xaxis.range[0]": true, "xaxis.range[1]": true,
                          "xaxis.autorange": true };

  /* The view after a relayout of the chart's time axis (a reader's zoom, pan or
   * reset), drawn; false when `change` says nothing of the time range. */
  function followRelayout(graph, change) {
    if (change["xaxis.autorange"]) {
      go(core.withChanges(state.view, { zoom: null }), true);
      return true;
    }
    if (change["xaxis.range[0]"] === undefined && !change["xaxis.range"]) { return false; }
    var range = change["xaxis.range"] || [change["xaxis.range[0]"], change["xaxis.range[1]"]];
    var first = String(range[0]).slice(0, 10), last = String(range[1]).slice(0, 10);
    if (first > last) { return false; }
    // Plotly's double click goes back to the range it first drew: the first
    // window is no zoom.
    var own = figureFor(state.view.lanes).layout.xaxis.range.map(function (end) {
      return String(end).slice(0, 10);
    });
    var zoom = first === own[0] && last === own[1] ? null : [first, last];
    // The range to the millisecond, as zoomRange reads it: redrawn to whole
    // days, the chart would jump under the reader's hand.
    if (zoom && graph.layout && graph.layout.xaxis) { graph.layout.xaxis.range = range.slice(); }
    go(core.withChanges(state.view, { zoom: zoom }), true);
    return true;
  }

  /* The strip under the chart (overview.js): the whole timeline, the window
   * shown (draggable), the events shown outside it. Not needed, so hidden,
   * when the first window is the whole timeline and no zoom is asked for. */
  function drawOverview(view, shown) {
    var box = byId("timeline-overview");
    if (!box || !window.TimelineOverview) { return; }
    if (!state.overview) {
      state.overview = window.TimelineOverview.create(box, {
        move: function (from, to) {
          go(core.withChanges(state.view, { zoom: [isoDay(from), isoDay(to)] }), true);
        },
        whole: function (on) { go(core.withChanges(state.view, { zoom: on ? core.WHOLE : null })); }
      });
    }
    var layout = figureFor(view.lanes).layout, zoom = drawnView(view, shown, layout).zoom;
    var first = layout.xaxis.range.map(packing.dateMs);
    var whole = wholeRange(layout).map(packing.dateMs);
    state.overview.update({
      whole: whole, all: view.zoom === core.WHOLE, margin: layout.margin || {},
      range: zoom ? zoomRange(byId("timeline-graph"), zoom, layout).map(packing.dateMs) : first,
      hidden: !zoom && first[0] <= whole[0] && first[1] >= whole[1],
      events: shown, startOf: function (event) { return event.startDay * DAY_MS; } });
  }

  /* A click on a mark that stands for several events zooms into their dates,
   * where they have room to stand apart: a reader asks to see what is there,
   * and any one of them opened instead would be an arbitrary pick. Events of
   * one day never stand apart (dates are days), so there it opens the first,
   * and stepping (← →) goes through the others, next in date order. */
  function openMany(ids) {
    var starts = ids.map(function (id) { return packing.dateMs(state.eventsById.get(id).start); });
    var first = Math.min.apply(null, starts), last = Math.max.apply(null, starts);
    if (last - first < DAY_MS) {
      go(core.withChanges(state.view, { event: ids[starts.indexOf(first)] }));
      return;
    }
    var room = Math.max(DAY_MS, (last - first) / 4);
    go(core.withChanges(state.view, { zoom: [isoDay(first - room), isoDay(last + room)] }),
       true);
  }

  function isoDay(ms) {
    var day = new Date(ms);
    var year = day.getUTCFullYear();
    return (year < 1000 ? ("000" + year).slice(-4) : String(year)) + "-" +
      ("0" + (day.getUTCMonth() + 1)).slice(-2) + "-" + ("0" + day.getUTCDate()).slice(-2);
  }

  /* The hover lines of an event's own mark: its title and date. */
  function hoverText(id) {
    var event = state.eventsById.get(id);
    return [packing.escapeForPlotly(event.title), packing.escapeForPlotly(event.date)];
  }

  /* The hover lines of a mark for `count` events, from `firstId`'s start to
   * `lastId`'s, each at the precision its data has ("2019", "c. 2022"). */
  function densityText(firstId, lastId, count) {
    var from = startText(state.eventsById.get(firstId));
    var to = startText(state.eventsById.get(lastId));
    return [tn("{count} event", "{count} events", count),
            from === to ? from : from + " \u2013 " + to];
  }

  /* An event's start as a reader reads it: its date label, or for one that lasts,
   * its start's own (payload.start_labels); never a day the data does not hold. */
  function startText(event) { return event.startLabel || event.date; }

  /* 12345 as "12,345", "12 345" (core.formatNumber). */
  function thousands(count) { return core.formatNumber(count); }

  /* The key to the marks. Colours are named only when the lanes are actors: in
   * lanes of categories, each lane's own name says its colour, and a phone's
   * first screen has no line to spare for saying it twice. */
  function drawLegend(view, shown) {
    var present = {};
    if (view.lanes === "actor") { shown.forEach(function (e) { present[e.category] = true; }); }
    var items = state.data.categories.filter(function (c) { return present[c]; })
      .map(function (category) {
        var swatch = element("span", { className: "swatch" });
        swatch.style.background = themeColour(state.data.colours[category]);
        return element("li", {}, [swatch, categoryLabel(category)]);
      });
    items.push(element("li", { className: "key-exact" }, [element("span", { className: "swatch" }),
                                                           t("exact date")]));
    items.push(element("li", { className: "key-inexact" }, [
      element("span", { className: "swatch" }), t("approximate or uncertain")]));
    // How firmly each event stands, by the shape of its mark (view/figure.py).
    var symbols = state.data.certainty_symbols || {};
    (state.data.certainties || []).forEach(function (certainty) {
      items.push(element("li", { className: "key-certainty" }, [
        element("span", { className: "swatch shape-" + (symbols[certainty] || "circle") }),
        t(certainty)]));
    });
    byId("timeline-legend").replaceChildren(element("ul", { className: "legend-items" }, items));
  }

  // ------------------------------------------------------------------ theme

  /* The page is dark when the link says `theme=dark`, or says no theme and the
   * reader's system prefers dark: the style sheet's rule (assets/style.css), which
   * the class on <html> drives. The server sets the class already where it can
   * (no flash of light colours); the engine keeps it in step with the view. */
  var PREFERS_DARK = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)")
                                       : null;
  function applyTheme(view) {
    var page = document.documentElement;
    page.classList.toggle("theme-dark", view.theme === "dark");
    page.classList.toggle("theme-light", view.theme === "light");
  }

  function pageIsDark() {
    var page = document.documentElement;
    return page.classList.contains("theme-dark") ||
      (!page.classList.contains("theme-light") && !!PREFERS_DARK && PREFERS_DARK.matches);
  }

  /* What readers call a category: its declared label (payload.category_labels,
   * in the page's language), else its name. */
  function categoryLabel(category) {
    var labels = state.data.category_labels || {};
    return Object.prototype.hasOwnProperty.call(labels, category) ? labels[category]
                                                                   : category;
  }

  /* A colour of the light figure as the page's theme draws it. */
  function themeColour(colour) {
    var twins = state.data.dark_colours;
    return pageIsDark() && twins && colour ? twins[colour.toLowerCase()] || colour : colour;
  }

  /* The figure about to be drawn in the page's theme: a dark page's colours
   * (figure-packing.js themed) and Plotly's mode bar to suit. */
  function inTheme(figure) {
    if (!pageIsDark() || !state.data.dark_colours) { return figure; }
    var dark = packing.themed(figure, state.data.dark_colours);
    var ink = themeColour(figure.layout.font && figure.layout.font.color) || "#c9ccd1";
    dark.layout = core.withChanges(dark.layout, { modebar: {
      bgcolor: "rgba(0, 0, 0, 0.3)", color: ink, activecolor: "#ffffff" } });
    return dark;
  }

  /* A reader's system turning dark or light redraws the page in its colours. */
  function followThemePreference() {
    if (!PREFERS_DARK) { return; }
    var redraw = function () { if (state.view && !state.view.theme) { draw(); } };
    if (PREFERS_DARK.addEventListener) { PREFERS_DARK.addEventListener("change", redraw); }
    else if (PREFERS_DARK.addListener) { PREFERS_DARK.addListener(redraw); }
  }

  // ------------------------------------------------------------- chart keys

  /* The chart is one stop in the tab order. Focused, ← → move a cursor through
   * the events shown, in date order (Home and End: the first, the last), from
   * the one open; Enter opens the cursor's event and sends the focus to its
   * card; Escape in the card or the stepper brings the focus back. The cursor
   * is a ring over its mark and a line under the chart naming its event (read
   * out: aria-live). A cursor outside the chart's window moves the window to
   * it, at the same scale, as a step does. The picture (picture.js) has no
   * cursor ring: the first key brings Plotly's chart. A chart focused by a
   * click leaves the arrows to stepping (stepping.js), as they were. */
  var cursor = null;  // the id of the event the cursor is on
  var chartKeysOn = false;  // the chart has the focus from the keyboard (not a click)

  function cursorRing() {
    var graph = byId("timeline-graph"), ring = graph.querySelector(".chart-cursor");
    if (!ring) {
      ring = element("div", { className: "chart-cursor", "aria-hidden": "true" });
      graph.appendChild(ring);
    }
    return ring;
  }

  /* The ring over the cursor's mark, where Plotly drew it; hidden without one. */
  function placeCursor() {
    var graph = byId("timeline-graph"), layout = graph._fullLayout;
    var drag = graph.querySelector(".nsewdrag");
    var at = cursor && layout && drag && document.activeElement === graph &&
             packing.markPosition(graph.data, cursor);
    var ring = cursorRing();
    ring.hidden = !at;
    if (!at) { return; }
    var box = drag.getBoundingClientRect(), outer = graph.getBoundingClientRect();
    var x = layout.xaxis.d2p(at[0]), y = layout.yaxis.d2p(at[1]);
    ring.hidden = !(x >= -1 && x <= box.width + 1 && y >= -1 && y <= box.height + 1);
    ring.style.left = (box.left - outer.left + x) + "px";
    ring.style.top = (box.top - outer.top + y) + "px";
  }

  function sayKeys(text) {
    var help = byId("chart-keys");
    help.hidden = false;
    help.textContent = text;
  }

  function sayCursor(index) {
    var event = state.shown[index];
    sayKeys(t("{title}, {date} ({position} of {total}). Enter opens it.", {
      title: event.title, date: event.date, position: thousands(index + 1),
      total: thousands(state.shown.length) }));
  }

  /* Moves the cursor to the event at `index` of those shown. */
  function moveCursor(index) {
    var event = state.shown[index];
    cursor = event.id;
    sayCursor(index);
    var graph = byId("timeline-graph"), figure = state.figures[state.view.lanes];
    var range = graph._fullLayout && graph._fullLayout.xaxis.range.map(packing.dateMs);
    var start = event.startDay * DAY_MS;
    if (range && figure && (start < range[0] || start > range[1])) {
      var zoom = [isoDay(range[0]), isoDay(range[1])];
      go(core.withChanges(state.view, { zoom: windowHolding(event.id, zoom, figure.layout) }),
         true);
    } else if (!window.Plotly) { usePlotly(); }
    placeCursor();
  }

  /* Where the cursor starts on a first key: the event open, else the first (or
   * with ←, the last) in the chart's window. */
  function cursorStart(direction) {
    var shown = state.shown, open = shown.findIndex(function (e) { return e.id === state.view.event; });
    if (open >= 0) { return open; }
    var layout = byId("timeline-graph")._fullLayout;
    var range = layout ? layout.xaxis.range.map(packing.dateMs) : [-Infinity, Infinity];
    var inside = shown.map(function (e) { return e.startDay * DAY_MS; }).map(function (start, i) {
      return start >= range[0] && start <= range[1] ? i : -1;
    }).filter(function (i) { return i >= 0; });
    if (!inside.length) { return direction > 0 ? 0 : shown.length - 1; }
    return direction > 0 ? inside[0] : inside[inside.length - 1];
  }

  function chartKey(key) {
    var graph = byId("timeline-graph");
    // Focused by a click (on a mark, say), the arrows step, as on the rest of the page.
    if (key.target !== graph || !chartKeysOn || key.altKey || key.ctrlKey || key.metaKey ||
        !state.view) { return; }
    var shown = state.shown, at = shown.findIndex(function (e) { return e.id === cursor; });
    var moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (key.key in moves || key.key === "Home" || key.key === "End") {
      key.preventDefault();  // the page's own arrows (stepping.js) are the chart's here
      if (!shown.length) { sayKeys(t("No events are shown: change the filters.")); return; }
      var direction = moves[key.key] || 0;
      var target = key.key === "Home" ? 0 : key.key === "End" ? shown.length - 1
        : at < 0 ? cursorStart(direction) : Math.max(0, Math.min(shown.length - 1, at + direction));
      moveCursor(target);
    } else if (key.key === "Enter" && at >= 0) {
      key.preventDefault();
      if (cursor === state.view.event) { byId("event-detail-title").focus(); return; }
      state.focusCard = true;
      go(core.withChanges(state.view, { event: cursor }));
    } else if (key.key === "Escape" && cursor) {
      cursor = null;
      placeCursor();
      sayKeys(chartHelp());
    }
  }

  function chartHelp() {
    return tn("Chart of {count} event: the arrow keys move between them, Enter opens one.",
              "Chart of {count} events: the arrow keys move between them, Enter opens one.",
              state.shown.length);
  }

  function wireChartKeys() {
    var graph = byId("timeline-graph");
    graph.addEventListener("keydown", chartKey);
    graph.addEventListener("focus", function () {
      // Read as the focus comes: Chrome shows the ring at a click's first key too.
      chartKeysOn = graph.matches(":focus-visible");
      if (!chartKeysOn || !state.view) { return; }  // a click: no help
      var at = state.shown.findIndex(function (e) { return e.id === cursor; });
      if (at >= 0) { sayCursor(at); } else { sayKeys(chartHelp()); }
      placeCursor();
    });
    graph.addEventListener("blur", function () {
      chartKeysOn = false;
      byId("chart-keys").hidden = true;
      placeCursor();
    });
    // Escape in the card or the stepper: back to the chart, the cursor on the event open.
    document.addEventListener("keydown", function (key) {
      var from = document.activeElement;
      if (key.key !== "Escape" || key.defaultPrevented || !from || !from.closest ||
          !from.closest("#event-detail, #event-stepper")) { return; }
      key.preventDefault();
      cursor = state.view.event || cursor;
      graph.focus();
    });
  }

  // ------------------------------------------------------- list and details

  /* The list's <details>. Where the shell says `listInView` (the embed), it is
   * part of the view: folded unless the link says `list=open`, so an article
   * shows the chart and the card, not screens of list; a reader's opening or
   * closing it is a view change like any other. The explorer's opens with the
   * page, and folding it is the reader's own (no parameter says "closed"). */
  function listDisclosure() { return byId("event-list").closest("details"); }

  function followListDisclosure() {
    var disclosure = listDisclosure();
    if (!disclosure || !shell.listInView) { return; }
    disclosure.addEventListener("toggle", function () {
      // Also fired when draw() set it to the view's: then it says nothing new.
      if (disclosure.open !== state.view.listOpen) {
        go(core.withChanges(state.view, { listOpen: disclosure.open }));
      }
    });
  }

  function listLink(event, view) {
    var link = element("a", { href: href(core.withChanges(view, { event: event.id })),
                              className: "list-link" + (event.id === view.event ? " selected" : "")
                            }, [
      element("span", { className: "list-date", text: event.date }),
      element("span", { className: "list-title", text: event.title, lang: event.lang }),
      event.certainty ? element("span", { className: "badge badge-" + event.certainty,
                                          text: t(event.certainty) }) : null]);
    link.addEventListener("click", function (click) {
      if (click.ctrlKey || click.metaKey || click.shiftKey || click.button) { return; }
      click.preventDefault();
      go(core.withChanges(state.view, { event: event.id }));
    });
    return link;
  }

  /* The list holds only the rows in its box (virtual-list.js): an ordered list
   * of links whose rows say where they are in the whole (aria-posinset). */
  function drawList(view, shown) {
    var list = byId("event-list");
    if (!state.list) {
      state.list = window.TimelineList.create(list, {
        renderRow: function (event) { return listLink(event, state.view); } });
    }
    var selected = view.event ? shown.findIndex(function (e) { return e.id === view.event; }) : -1;
    state.list.update(shown, selected);
    var count = document.querySelector("#timeline .list-count");  // the list's summary
    if (count) {
      count.textContent = tn("{count} event", "{count} events", shown.length);
    }
    if (state.listFromTop && selected < 0) { state.list.scrollToIndex(0); }
    state.listFromTop = false;
    if (!shown.length) {
      list.replaceChildren(element("li", { className: "list-empty",
                                           text: t("No events match these filters.") }));
    }
  }

  function paragraph(pieces) {
    return element("p", {}, pieces.map(function (piece) {
      if (piece[0] === "link" && webAddress(piece[2])) {
        return element("a", { href: piece[2], target: "_blank", rel: "noopener noreferrer",
                              text: piece[1] });
      }
      return piece[1];  // text, or a link Python could not vouch for, shown as its label
    }));
  }

  function chunkOf(event) { return Math.floor(event.index / state.data.detail_chunk); }

  /* The details of the events in chunk `chunk` by id, fetched once: a Promise.
   * The card of an event in it is drawn again when they come; one that could
   * not be fetched shows none (the card stays usable), and is asked for again
   * by the next download (a download must not leave its text out). */
  function detailChunk(chunk) {
    var kept = state.details[chunk];
    if (!kept || (state.detailsFailed && state.detailsFailed[chunk] && !(kept instanceof Promise))) {
      var url = root.getAttribute("data-details").replace("{chunk}", chunk);
      state.details[chunk] = fetchJson(url).then(function (records) {
        state.details[chunk] = records;
        if (state.detailsFailed) { delete state.detailsFailed[chunk]; }
        var open = state.view && state.view.event && state.eventsById.get(state.view.event);
        if (open && chunkOf(open) === chunk) { draw(); }
        return records;
      }, function (problem) {
        state.details[chunk] = {};
        state.detailsFailed = state.detailsFailed || {};
        state.detailsFailed[chunk] = true;
        throw problem;
      });
    }
    return Promise.resolve(state.details[chunk]);
  }

  function detailsOf(event) {
    var chunk = chunkOf(event);
    if (!state.details[chunk]) { detailChunk(chunk).catch(function () {}); }
    return state.details[chunk] instanceof Promise ? null : state.details[chunk][event.id] || {};
  }

  /* The details of `events` (a Promise of a Map by id), their chunks fetched as
   * need be, a few at a time. */
  function detailsFor(events) {
    var chunks = Array.from(new Set(events.map(chunkOf))), found = new Map();
    function next() {
      var chunk = chunks.shift();
      if (chunk === undefined) { return Promise.resolve(found); }
      return detailChunk(chunk).then(function (records) {
        Object.keys(records).forEach(function (id) { found.set(id, records[id]); });
        return next();
      });
    }
    return Promise.all([next(), next(), next()]).then(function () { return found; });
  }

  function drawDetail(view, shown) {
    var panel = byId("event-detail");
    var event = view.event && shown.find(function (e) { return e.id === view.event; });
    if (!event) {
      panel.replaceChildren(element("p", { className: "detail-empty",
        text: t("Choose an event on the chart or in the list to read about it.") }));
      return;
    }
    var more = detailsOf(event);
    var facts = [[t("Date"), event.date], [t("Who"), event.actors.join("; ")],
                 [t("Category"), categoryLabel(event.category)]];
    if (event.certainty) { facts.push([t("Certainty"), t(event.certainty)]); }
    if (more && (more.source || more.source_url)) {
      facts.push([t("Source"), more.source_url
        ? element("a", { href: more.source_url, target: "_blank", rel: "noopener noreferrer",
                         text: more.source || more.source_url })
        : more.source]);
    }
    var children = [element("h2", { id: "event-detail-title", tabindex: "-1", text: event.title,
                                    lang: event.lang }),
                    element("p", { className: "detail-date", text: event.date })];
    if (!more) {
      children.push(element("p", { className: "detail-loading", text: t("Loading…") }));
    }
    var paragraphs = more && more.description || [];
    // In an article (shell.teaserCards) the card opens as a teaser: its first
    // lines and "Read more", so the chart and the card fit one screen. Once a
    // reader reads more, every card opens whole; a story's always do.
    var whole = !shell.teaserCards || view.story || state.cardsWhole;
    if (shell.teaserCards && !view.story && more) {
      if (paragraphs.length) {
        children.push(whole ? paragraph(paragraphs[0]) : element("p", {
          className: "detail-lead",
          text: paragraphs[0].map(function (piece) { return piece[1]; }).join("") }));
        paragraphs = paragraphs.slice(1);
      }
      children.push(readMoreToggle(whole));
    }
    var media = null;
    if (whole) {
      paragraphs.forEach(function (pieces) { children.push(paragraph(pieces)); });
      children.push(element("dl", { className: "detail-facts" }, facts.reduce(function (all, fact) {
        return all.concat([element("dt", { text: fact[0] }), element("dd", {}, [fact[1]])]);
      }, [])));
      // Image, sound, video, player or link (media.js), kept as it is while the card
      // stays: a teaser loads none.
      media = more && window.TimelineMedia ? window.TimelineMedia.figure(more, event.title)
                                           : null;
    }
    if (media) { children.push(media); }
    var close = element("a", { href: href(core.withChanges(view, { event: null })),
                               className: "detail-close", text: t("Close") });
    close.addEventListener("click", function (click) {
      click.preventDefault();
      go(core.withChanges(state.view, { event: null }));
    });
    children.push(close);
    // The card's focus survives its redraw (a step, its details arriving), and
    // Enter on the chart sends the focus to it (chart keys).
    var focused = state.focusCard || panel.contains(document.activeElement);
    state.focusCard = false;
    if (media) { window.TimelineMedia.replaceKeeping(panel, children); }
    else { panel.replaceChildren.apply(panel, children); }
    if (focused) { children[0].focus({ preventScroll: true }); }
  }

  /* The teaser card's disclosure: reading more opens this card and the ones
   * after it whole; focus stays on the button, which then offers less. */
  function readMoreToggle(whole) {
    var toggle = element("button", { type: "button", className: "detail-more",
                                     "aria-expanded": whole ? "true" : "false",
                                     text: whole ? t("Show less") : t("Read more") });
    toggle.addEventListener("click", function () {
      state.cardsWhole = !whole;
      drawDetail(state.view, state.shown);
      var again = byId("event-detail").querySelector(".detail-more");
      if (again) { again.focus(); }
    });
    return toggle;
  }

  /* Scrolls the page, if need be, just far enough that the card's first lines
   * are in sight (under the chart on a phone), the chart staying as much in
   * view as it can. Only on a reader's choice: the page never moves on its
   * own as it opens, and an embed sized to its content (resize.js) has no
   * scrolling of its own, so an article never moves under its reader. */
  function revealCard() {
    var card = byId("event-detail").getBoundingClientRect();
    var wanted = Math.min(card.height, window.innerHeight * 0.5);
    var below = card.top + wanted - window.innerHeight;
    if (below > 0) { window.scrollBy({ top: below, behavior: "auto" }); }
    else if (card.top < 0) { window.scrollBy({ top: card.top - 8, behavior: "auto" }); }
  }

  /* Story mode's button and progress line. The explorer always offers a story;
   * an embed when its timeline's title row says `story` (payload.story) or its
   * link opened one (and still after the reader leaves it), so that an
   * article's embed shows what its editor chose. */
  function drawStory(view, shown) {
    var toggle = byId("story-toggle"), progress = byId("story-progress");
    state.storyOffered = state.storyOffered || view.story || state.data.story ||
                         root.hasAttribute("data-shell");
    toggle.hidden = !state.storyOffered;
    toggle.setAttribute("aria-pressed", view.story ? "true" : "false");
    toggle.textContent = view.story ? t("Leave the story") : t("Read as a story");
    var at = view.story ? shown.findIndex(function (e) { return e.id === view.event; }) : -1;
    progress.hidden = at < 0;
    progress.textContent = at < 0 ? "" : t("Event {position} of {total}", {
      position: thousands(at + 1), total: thousands(shown.length) });
  }

  /* The story button: a story starts at the first event shown, in date order;
   * leaving it keeps the event open. */
  function wireStory() {
    byId("story-toggle").addEventListener("click", function () {
      var story = !state.view.story;
      go(core.withChanges(state.view, story ? { story: true, event: null } : { story: false }));
    });
  }

  function drawStepper(view, shown) {
    var around = core.neighbours(shown.map(function (e) { return e.id; }), view.event);
    byId("prev-event").disabled = around[0] === null;
    byId("next-event").disabled = around[1] === null;
  }

  // ------------------------------------------------------------------- draw

  /* A big timeline's search text (descriptions included) comes after the first paint. */
  function loadSearchText() {
    if (state.searchLoading || state.data.events.search) {
      return;
    }
    state.searchLoading = fetchJson(root.getAttribute("data-search")).then(function (texts) {
      state.events.forEach(function (event, index) { event.search = texts[index]; });
      if (state.view.q) { draw(); }
    });
  }

  /* Draws `view` (by default the one shown: a redraw as more data arrives). */
  function draw(view) {
    view = view || state.view;
    var sameEvents = { event: null, listOpen: false };
    if (state.view && core.toQueryString(core.withChanges(view, sameEvents)) !==
        core.toQueryString(core.withChanges(state.view, sameEvents))) {
      state.listFromTop = true;  // other events: the list starts again at its first
    }
    state.view = view;
    applyTheme(view);
    if (view.q) { loadSearchText(); }  // fetched when a reader first searches
    var shown = state.shown = core.filterEvents(state.events, view);
    // A story always has an event open: the first shown, when the link names none
    // of them (story=1 alone starts at the beginning).
    if (view.story && shown.length && !shown.some(function (e) { return e.id === view.event; })) {
      view = state.view = core.withChanges(view, { event: shown[0].id });
    }
    // Story mode lays the page out anew (the card under the chart, not beside
    // it): before the chart is drawn, at its new width.
    var storyChanged = root.classList.contains("is-story") !== !!view.story;
    root.classList.toggle("is-story", !!view.story);
    var countLine = core.describe(view, shown.length, state.events.length, categoryLabel);
    byId("event-count").textContent = countLine;
    shell.sync(view);
    if (shell.listInView && listDisclosure()) { listDisclosure().open = view.listOpen; }
    drawChart(view, shown);
    if (storyChanged && window.Plotly && byId("timeline-graph")._fullLayout) {
      window.Plotly.Plots.resize(byId("timeline-graph"));
    }
    // The chart is painted first; the rest follows once that frame is out.
    afterPaint(function () {
      flushAddress();
      announce(view, shown, countLine);
      drawLegend(view, shown);
      drawList(view, shown);
      drawDetail(view, shown);
      drawStepper(view, shown);
      drawOverview(view, shown);
      drawStory(view, shown);
      if (state.revealCard) { state.revealCard = false; revealCard(); }
      if (shell.afterDraw) { shell.afterDraw(view, shown); }
      // For the page's other parts (downloads.js): a view is drawn.
      root.dispatchEvent(new CustomEvent("timeline:view", { bubbles: true }));
    });
  }

  /* What a screen reader hears of a view drawn, once settled, and what the
   * chart says it shows (announcer.js). */
  function announce(view, shown, countLine) {
    var words = window.TimelineAnnouncer;
    if (!words) { return; }
    var description = byId("chart-description");
    if (description) { description.textContent = words.chartDescription(view, shown, countLine); }
    var region = byId("timeline-announcer");
    if (!region) { return; }
    state.announcer = state.announcer || words.create(region);
    var event = view.event && state.eventsById.get(view.event);
    var open = event && shown.indexOf(event) >= 0 ? event : null;
    state.announcer.follow({
      count: countLine, event: open && open.id, title: open && open.title, query: view.q,
      // The card takes the focus (or keeps it), and is read out as it does.
      focused: state.focusCard || byId("event-detail").contains(document.activeElement) });
  }

  /* Runs `task` after the next frame is painted (or within 100 ms, should frames
   * be paused, as in a hidden page), once; a newer task replaces a pending one.
   * `window.timelineFlush()` runs a pending one now (stepping reads the list). */
  var pendingTask = null;
  function afterPaint(task) {
    var run = function () {
      if (pendingTask === run) { pendingTask = null; task(); }
    };
    pendingTask = run;
    requestAnimationFrame(function () { setTimeout(run, 0); });
    setTimeout(run, 100);
  }

  /* The data made ready to filter and draw: no page needed yet. */
  function prepare(data) {
    if (performance.mark) { performance.mark("timeline:data"); }
    state.data = data;
    state.events = core.eventsFrom(data.events);
    state.events.forEach(function (event, index) {
      state.eventsById.set(event.id, event);
      event.index = index;  // which details file holds it
    });
    var starts = data.events.start_label, at = 0;  // of events that last (payload.start_labels)
    (starts ? starts.gaps : []).forEach(function (gap, k) {
      state.events[at += gap].startLabel = starts.values[starts.codes[k]];
    });
    state.figures.category = packed(data.figures.category);
  }

  function begin() {
    var data = state.data;
    var explorer = byId("full-explorer-link");
    if (explorer && !data.explorer_url) { explorer.hidden = true; }
    shell.build();
    wireStory();
    wireChartKeys();
    // Filters start open on a desktop, folded on a phone and in an article.
    shell.openFilters(window.innerWidth >= 760 &&
                      !document.documentElement.classList.contains("is-embed"));
    followListDisclosure();
    followThemePreference();
    draw(core.parseView(location.search));
    watchWidth();
    window.addEventListener("popstate", function () {
      pendingAddress = null;  // the reader went back or forward: the address is theirs
      draw(core.parseView(location.search));
    });
    (window.requestIdleCallback || setTimeout)(warmUpFilter);
  }

  /* Runs the filter's pure code once, on a filter a reader might pick, and
   * throws the result away: JavaScript's first run of a function is its
   * slowest, and the first filter a reader picks should not pay for it (at
   * 10,000 events, about 10 ms of it). Not needed when the page opened on a
   * filtered view, which ran it. No drawing: warming Plotly's redraw would
   * cost every reader a whole redraw, for the few who filter. */
  function warmUpFilter() {
    if (core.isFiltered(state.view)) { return; }
    var view = core.withChanges(state.view, { categories: state.data.categories.slice(0, 1) });
    var shown = core.filterEvents(state.events, view);
    drawnFigure(state.figures[view.lanes] || state.figures.category,
                new Set(shown.map(function (e) { return e.id; })));
  }

  /* Runs a zoom once on a small hidden chart drawn as the page draws its own
   * (a date axis, bars and dots as path shapes, labelled marks) and throws it
   * away: the first run of plotly.js's redraw code, and of ours for a zoom,
   * is its slowest, and at 10,000 events it made a reader's first zoom take
   * about 40 ms longer than the next. Costs a few ms at idle, once, and only
   * on pages whose plotly.js has loaded. The page's own chart and caches are
   * not touched. */
  function warmUpZoom() {
    var figure = state.figures[state.view.lanes] || state.figures.category;
    if (!figure || !window.Plotly) { return; }
    var few = new Set(state.events.slice(0, 40).map(function (e) { return e.id; }));
    var kept = { drawn: figure.drawn, filtered: figure.filtered };
    var whole = frameFor(figure, null);
    var middle = whole.range[0] + (whole.range[1] - whole.range[0]) / 2;
    // A zoom is a Plotly.react of the marks for the new range (takeRelayout).
    var zoomed = [whole.range[0], middle, middle / 2 + whole.range[0] / 2].map(function (end) {
      return isoDay(end);
    });
    var drawn = [zoomed[1], zoomed[2]].map(function (last) {
      var at = drawnFigure(figure, few, core.withChanges(
        frameFor(figure, { zoom: [zoomed[0], last] }), { width: 300 }));
      var layout = core.withChanges(at.layout, { width: 400, height: 200 });
      layout.xaxis = core.withChanges(layout.xaxis, { range: [zoomed[0], last] });
      return { data: at.data, layout: layout };
    });
    figure.drawn = kept.drawn;
    figure.filtered = kept.filtered;
    var box = element("div", { "aria-hidden": "true" });
    box.style.cssText = "position:absolute;left:-10000px;top:0;width:400px;height:200px;" +
                        "visibility:hidden";
    document.body.appendChild(box);
    window.Plotly.newPlot(box, drawn[0].data, drawn[0].layout, { displayModeBar: false })
      .then(function () { return window.Plotly.react(box, drawn[1].data, drawn[1].layout); })
      .then(function () { window.Plotly.purge(box); box.remove(); },
            function () { box.remove(); });
  }

  /* When the page's width changes (a phone turned, a window resized), the chart
   * picks its touch behaviour anew. Small changes are a phone's toolbars
   * showing and hiding: ignored. */
  function watchWidth() {
    var timer = null, lastWidth = window.innerWidth;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (Math.abs(window.innerWidth - lastWidth) < 40) { return; }
        lastWidth = window.innerWidth;
        draw();
      }, 250);
    });
  }

  /* The event `direction` steps (1 or -1) from the one open, within the
   * events shown, in date order: the first or the last when none is open. */
  function step(direction) {
    if (!state.view) { return; }
    var ids = state.shown.map(function (e) { return e.id; });
    if (!ids.length) { return; }
    var index = ids.indexOf(state.view.event);
    var target = index < 0 ? (direction > 0 ? 0 : ids.length - 1) : index + direction;
    if (target >= 0 && target < ids.length) {
      go(core.withChanges(state.view, { event: ids[target] }));
    }
  }

  /* Starts the engine on `page` (the #timeline element, whose data-* attributes
   * name the data files) with the plain controls, changed by `controls` if given
   * (the explorer's: its list never folded by the view, its embed snippets). */
  function start(page, controls) {
    if (root) { return; }
    root = page;
    shell = core.withChanges(plainControls, controls || {});
    // A small timeline's data is in the page; a big one's is fetched (and preloaded).
    var inline = document.getElementById("timeline-data");
    var loading = inline ? Promise.resolve(JSON.parse(inline.textContent))
                         : fetchJson(root.getAttribute("data-events"));
    loading.then(prepare).then(begin, function (problem) {
      byId("event-count").textContent =
        t("The timeline could not be loaded. Reload the page to try again.");
      throw problem;
    });
  }

  window.TimelinePage = {
    start: start,
    /* Shows `view` and puts it in the address bar (replacing the current entry
     * when `replace`); a view the page already shows changes nothing. */
    go: function (view, replace) {
      if (state.view && core.toQueryString(view) === core.toQueryString(state.view)) { return; }
      go(view, replace);
    },
    view: function () { return state.view; },
    data: function () { return state.data; },
    /* The events shown (filtered, in date order), and their details (detailsFor). */
    shown: function () { return state.shown; },
    details: detailsFor,
    /* Plotly's chart of the view drawn (plotly.js loaded first, where the page
     * shows its picture of the chart): a Promise of the chart's element. */
    plotlyChart: plotlyChart,
    step: step
  };

  // The embed and the static export: the page is in place when this deferred
  // script runs. The explorer's shell starts the engine with its own changes.
  var page = document.getElementById("timeline");
  if (page && !page.hasAttribute("data-shell")) { start(page); }
}());
