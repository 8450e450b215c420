/* The figure built in Python (view/figure.py), repacked for Plotly in the browser:
 * kept to the events shown, its emptied lanes closed up, its marks packed into
 * fewer traces, its bars and bare marks drawn as path shapes; and where a mark
 * is and which events it stands for. Pure functions, no DOM: tests run them
 * directly. The view rules they serve are timeline-core.js's.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory(require("./timeline-core.js"));
  } else { root.TimelineFigurePacking = factory(root.TimelineCore); }
}(typeof self !== "undefined" ? self : this, function (core) {
  "use strict";

  var withChanges = core.withChanges;

  /* The events a mark stands for: its own id (customdata[0]) and, for a mark
   * drawn for several crowded events, all of theirs (customdata[3]). */
  function markIds(item) {
    return Array.isArray(item) ? (Array.isArray(item[3]) ? item[3] : [item[0]]) : [item];
  }

  /* The figure's traces keeping only the points of shown events. Each point
   * carries its event id (customdata[0] for marks, customdata for bars). A
   * mark for several events stays while any of them is shown, and then
   * answers for the first shown one; `hoverText(id, others)` gives its hover
   * lines. */
  function filterFigureData(data, shownIds, hoverText) {
    return data.map(function (trace) {
      if (!trace.customdata || !trace.x) { return trace; }
      return trace.mode === "lines" ? filterBars(trace, shownIds)
                                    : filterMarks(trace, shownIds, hoverText);
    });
  }

  function filterMarks(trace, shownIds, hoverText) {
    var keep = [], customdata = [], changed = false;
    for (var index = 0; index < trace.customdata.length; index++) {
      var item = trace.customdata[index], ids = markIds(item), first = null, count = 0;
      // Counted first: the list of shown ids is only made for a mark that changes.
      for (var k = 0; k < ids.length; k++) {
        if (shownIds.has(ids[k])) { if (!count++) { first = ids[k]; } }
      }
      if (!count) { continue; }
      keep.push(index);
      if (Array.isArray(item) && item.length > 3 && (first !== item[0] || count !== ids.length)) {
        changed = true;
        var shown = ids.filter(function (id) { return shownIds.has(id); });
        var text = hoverText ? hoverText(first, count - 1) : [item[1], item[2]];
        item = [first, text[0], text[1], shown];
      }
      customdata.push(item);
    }
    if (keep.length === trace.x.length && !changed) { return trace; }
    // Every per-point array goes with its points: packed traces carry colours too.
    function kept(object, keys) {
      var changes = {};
      keys.forEach(function (key) {
        var values = object[key];
        if (Array.isArray(values)) {
          var out = changes[key] = new Array(keep.length);
          for (var i = 0; i < keep.length; i++) { out[i] = values[keep[i]]; }
        }
      });
      return withChanges(object, changes);
    }
    var copy = kept(trace, ["x", "y", "text", "textposition"]);
    copy.customdata = customdata;
    if (trace.marker) {
      copy.marker = kept(trace.marker, ["color", "symbol"]);
      if (trace.marker.line) { copy.marker.line = kept(trace.marker.line, ["color"]); }
    }
    return copy;
  }

  /* Bars are (start, end, gap) triples: whole triples are kept or dropped. */
  function filterBars(trace, shownIds) {
    var x = [], y = [], customdata = [];
    for (var i = 0; i + 1 < trace.x.length; i += 3) {
      var id = trace.customdata[i];
      if (shownIds.has(id)) {
        x.push(trace.x[i], trace.x[i + 1], null);
        y.push(trace.y[i], trace.y[i + 1], null);
        customdata.push(id, id, null);
      }
    }
    return x.length === trace.x.length ? trace
      : withChanges(trace, { x: x, y: y, customdata: customdata });
  }

  /* Lanes the filter emptied are dropped and the rest close up, as the Python
   * figure would have drawn them (its layout.meta says where each lane is).
   * `rowsInUse` (the y of rows with an event shown) decides which lanes stay
   * when `data` holds only some of them (a zoomed view draws its window). */
  function compactLanes(data, layout, rowsInUse) {
    var meta = layout.meta;
    if (!meta || !meta.lanes) { return { data: data, layout: layout }; }
    function laneOf(y) {
      for (var i = 0; i < meta.lanes.length; i++) {
        var lane = meta.lanes[i];
        if (y >= lane[1] - 0.5 && y <= lane[1] + lane[2] - 0.5) { return i; }
      }
      return -1;
    }
    var used = meta.lanes.map(function () { return false; });
    (rowsInUse ? [{ y: rowsInUse }] : data).forEach(function (trace) {
      (trace.y || []).forEach(function (y) { if (y !== null) { used[laneOf(y)] = true; } });
    });
    var offsets = [], next = 0, kept = [];
    meta.lanes.forEach(function (lane, index) {
      offsets.push(next - lane[1]);
      if (used[index]) { kept.push([index, next]); next += lane[2] + meta.lane_gap; }
    });
    var moved = data.map(function (trace) {
      if (!trace.y) { return trace; }
      return withChanges(trace, { y: trace.y.map(function (y) {
        return y === null ? null : y + offsets[laneOf(y)];
      }) });
    });
    var total = next || 1;
    var yaxis = withChanges(layout.yaxis, {
      tickvals: kept.map(function (k) { return k[1] + (meta.lanes[k[0]][2] - 1) / 2; }),
      ticktext: kept.map(function (k) { return layout.yaxis.ticktext[k[0]]; }),
      range: [total - 0.9, -0.9 - meta.top_room]  // as view/figure.py sets it
    });
    var shapes = (layout.shapes || []).filter(function (s) { return s.type !== "line"; });
    var between = (1 + meta.lane_gap) / 2;  // as view/figure.py draws them
    kept.slice(1).forEach(function (k) {
      shapes.push({ type: "line", xref: "paper", x0: 0, x1: 1, y0: k[1] - between,
                    y1: k[1] - between,
                    line: { color: "#ddd", width: 1 } });
    });
    // Whole pixels, as view/figure.py counts them (int()): the page's picture of the
    // chart is that tall, and Plotly's chart replaces it without a jump.
    var height = Math.floor(Math.max(meta.min_height, total * meta.row_height +
                                     meta.frame_height)) +
                 Math.floor(meta.top_room * meta.row_height);
    return { data: moved,
             layout: withChanges(layout, { yaxis: yaxis, shapes: shapes, height: height }) };
  }

  /* A date as Plotly reads it ("2024-02-20", "2024-02-20T12:00:00"), in
   * milliseconds since 1970 (UTC, as a date axis counts): Plotly reads a number
   * faster than a date's text, for every dot and bar end on every redraw.
   * Anything else is returned as it is. */
  function dateMs(value) {
    var parts = /^(-?\d+)(?:-(\d+))?(?:-(\d+))?(?:[T ](\d+):(\d+)(?::(\d+(?:\.\d*)?))?)?$/
      .exec(value);
    if (typeof value !== "string" || !parts) { return value; }
    var day = new Date(0);  // setUTCFullYear, not Date.UTC, which reads 0-99 as 1900-1999
    day.setUTCFullYear(+parts[1], (+parts[2] || 1) - 1, +parts[3] || 1);
    return day.getTime() + ((+parts[4] || 0) * 60 + (+parts[5] || 0)) * 60000 +
           Math.round((+parts[6] || 0) * 1000);
  }

  /* The same marks in fewer traces, which Plotly redraws faster (a redraw's
   * cost grows with every trace): all mark traces of one mode (bare,
   * labelled) become one, with each point's colours in arrays. Dates become
   * numbers (dateMs), in bars too. Other traces (the selection ring) are kept
   * as they are. Done once per figure: filterFigureData filters packed traces
   * as it does the figure's own. */
  function packMarks(data) {
    var packed = [], byMode = {};
    data.forEach(function (trace) {
      if (trace.mode === "lines" && trace.x) {
        packed.push(withChanges(trace, { x: trace.x.map(dateMs) }));
        return;
      }
      if (!trace.marker || !trace.customdata || !trace.x) {
        packed.push(trace);
        return;
      }
      var group = byMode[trace.mode];
      if (!group) {
        group = byMode[trace.mode] = withChanges(trace, {
          x: [], y: [], customdata: [], name: "",
          marker: withChanges(trace.marker, { color: [], symbol: [], line: withChanges(
            trace.marker.line || {}, { color: [] }) }) });
        if (trace.text) { group.text = []; group.textposition = []; }
        packed.push(group);
      }
      var line = (trace.marker.line || {}).color || trace.marker.color;
      for (var i = 0; i < trace.x.length; i++) {
        group.x.push(dateMs(trace.x[i]));
        group.y.push(trace.y[i]);
        group.customdata.push(trace.customdata[i]);
        group.marker.color.push(trace.marker.color);
        group.marker.symbol.push(pointSymbol(trace.marker, i));
        group.marker.line.color.push(line);
        if (group.text) {
          group.text.push(Array.isArray(trace.text) ? trace.text[i] : trace.text || "");
          group.textposition.push(Array.isArray(trace.textposition) ? trace.textposition[i]
                                                                     : trace.textposition);
        }
      }
    });
    return packed;
  }

  /* A mark's shape (its event's certainty: view/figure.py CERTAINTY_SYMBOLS). */
  function pointSymbol(marker, index) {
    var symbol = Array.isArray(marker.symbol) ? marker.symbol[index] : marker.symbol;
    return symbol || "circle";
  }

  /* Bars and bare marks as path shapes, in far fewer SVG elements: Plotly
   * draws each bar of a lines trace, and each mark, as an SVG element of its
   * own, and a path shape as one however many bars or dots it holds.
   * - A bar trace becomes one shape under the marks, its overlapping bars in
   *   a row merged first (drawn at one opacity, they look the same as their
   *   union).
   * - Bare marks (unlabelled, mode "markers") become dots: one shape per ring
   *   colour and one per fill colour that differs from its ring, in the
   *   "between" layer (above the grid, under the traces), whose paths the
   *   style sheet draws with round ends. Their points stay as a trace that
   *   draws nothing (mode "none"), for hover and clicks.
   * Traces a filter emptied are dropped: they cost a redraw and draw nothing.
   * Takes a figure ({data, layout}) of packed data (numbers for dates) and
   * returns a new one: new arrays and layout, so a caller may add to them. */
  function asShapes(figure) {
    var traces = [], shapes = (figure.layout.shapes || []).slice();
    figure.data.forEach(function (trace) {
      if (trace.x && !trace.x.length) { return; }
      if (trace.mode === "lines" && trace.x) {
        shapes.push(barShape(trace));
      } else if (trace.mode === "markers" && trace.customdata && trace.x) {
        var dots = dotShapes(trace);
        Array.prototype.push.apply(shapes, dots.shapes);
        traces.push(dots.hover);
        if (dots.shaped) { traces.push(dots.shaped); }
      } else {
        traces.push(trace);
      }
    });
    return { data: traces, layout: withChanges(figure.layout, { shapes: shapes }) };
  }

  /* A bar trace's (start, end, gap) triples as [row, start, end] bars, each
   * row's overlapping ones merged, in row and date order. */
  function unionBars(trace) {
    var bars = [];
    for (var i = 0; i + 1 < trace.x.length; i += 3) {
      bars.push([trace.y[i], trace.x[i], trace.x[i + 1]]);
    }
    bars.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    bars.forEach(function (bar) {
      var run = merged[merged.length - 1];
      if (run && run[0] === bar[0] && bar[1] <= run[2]) {
        if (bar[2] > run[2]) { run[2] = bar[2]; }
      } else { merged.push(bar.slice()); }
    });
    return merged;
  }

  /* A bar trace as one path shape in data coordinates, styled as the trace. */
  function barShape(trace) {
    var line = trace.line || {};
    var path = unionBars(trace).map(function (bar) {
      return "M" + bar[1] + "," + bar[0] + "L" + bar[2] + "," + bar[0];
    }).join("");
    return { type: "path", xref: "x", yref: "y", layer: "below", path: path,
             opacity: trace.opacity === undefined ? 1 : trace.opacity,
             line: { color: line.color, width: line.width, dash: line.dash || "solid" } };
  }

  /* A trace of bare marks as dots (see asShapes) and the trace that answers
   * for them. A dot is a zero-length closed subpath ("M x,y Z", one of SVG's
   * own examples of a subpath that round ends draw as a disc the stroke's
   * width across). A mark's ring is a disc its size plus its line's width
   * across, and its fill a disc its size less that width, drawn over it, as
   * Plotly draws the marker. */
  function dotShapes(trace) {
    var marker = trace.marker, ring = (marker.line || {}).width || 0;
    function pointValue(value, index) { return Array.isArray(value) ? value[index] : value; }
    // Dots by colour and width (a mark's size may be its own: density.js).
    var rings = {}, fills = {}, ringOrder = [], fillOrder = [];
    function add(dots, order, colour, width, dot) {
      var key = colour + " " + width;
      if (!dots[key]) { dots[key] = { colour: colour, width: width, path: [] }; order.push(key); }
      dots[key].path.push(dot);
    }
    var shaped = [];  // marks of other shapes than a circle: Plotly draws them
    for (var i = 0; i < trace.x.length; i++) {
      if (pointSymbol(marker, i) !== "circle") { shaped.push(i); continue; }
      var size = pointValue(marker.size, i) || 6;
      var fill = pointValue(marker.color, i);
      var edge = pointValue((marker.line || {}).color, i) || fill;
      var dot = "M" + trace.x[i] + "," + trace.y[i] + "Z";
      add(rings, ringOrder, edge, size + ring, dot);
      if (fill !== edge) { add(fills, fillOrder, fill, size - ring, dot); }
    }
    function shapes(dots, order) {
      return order.map(function (key) {
        return { type: "path", xref: "x", yref: "y", layer: "between",
                 path: dots[key].path.join(""),
                 line: { color: dots[key].colour, width: dots[key].width } };
      });
    }
    var hover = withChanges(trace, { mode: "none", hoveron: "points",
                                     hoverlabel: { bgcolor: marker.color } });
    delete hover.marker;
    return { shapes: shapes(rings, ringOrder).concat(shapes(fills, fillOrder)), hover: hover,
             shaped: shaped.length ? shapedMarks(trace, shaped) : null };
  }

  /* The points `kept` (indices) of a bare marks trace as a trace that draws them
   * and leaves hover and clicks to the trace over all of them. */
  function shapedMarks(trace, kept) {
    function pick(values) {
      return Array.isArray(values) ? kept.map(function (i) { return values[i]; }) : values;
    }
    var marker = trace.marker, line = marker.line || {};
    return { type: "scatter", mode: "markers", name: "", showlegend: false,
             hoverinfo: "skip", x: pick(trace.x), y: pick(trace.y),
             marker: withChanges(marker, { color: pick(marker.color), size: pick(marker.size),
                                           symbol: pick(marker.symbol),
                                           line: withChanges(line, { color: pick(line.color) })
                                         }) };
  }

  /* The figure in a dark page's colours: every colour that has a twin (`twins`,
   * lower-case light colour → dark one: the payload's dark_colours, from
   * view/colours.py) swapped for it, in traces, shapes, annotations and the
   * layout. New objects where a colour changes; the figure's own are untouched
   * (drawn figures are kept and drawn again). Arrays of values (x, y,
   * customdata) are not walked: only objects and arrays of objects. */
  var COLOUR_KEYS = { color: true, fillcolor: true, bgcolor: true, bordercolor: true,
                      paper_bgcolor: true, plot_bgcolor: true, gridcolor: true };
  function themed(figure, twins) {
    function isObject(value) {
      return value !== null && typeof value === "object" && !Array.isArray(value);
    }
    function swap(value) {
      if (Array.isArray(value)) { return value.map(swap); }
      return (typeof value === "string" && twins[value.toLowerCase()]) || value;
    }
    function walk(object) {
      var changes = null;
      Object.keys(object).forEach(function (key) {
        var value = object[key], swapped = value;
        if (COLOUR_KEYS[key]) { swapped = swap(value); }
        else if (isObject(value)) { swapped = walk(value); }
        else if (Array.isArray(value) && value.length && isObject(value[0])) {
          swapped = value.map(function (item) { return isObject(item) ? walk(item) : item; });
        }
        if (swapped !== value) { (changes = changes || {})[key] = swapped; }
      });
      return changes ? withChanges(object, changes) : object;
    }
    return { data: figure.data.map(walk), layout: walk(figure.layout) };
  }

  /* Text as Plotly's labels must receive it: its markup characters escaped. */
  function escapeForPlotly(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  /* Where an event's mark is: [x, y] from the first mark trace holding it. */
  function markPosition(data, eventId) {
    for (var t = 0; t < data.length; t++) {
      var trace = data[t];
      if (trace.mode === "lines" || !trace.customdata) { continue; }
      for (var i = 0; i < trace.customdata.length; i++) {
        if (markIds(trace.customdata[i]).indexOf(eventId) >= 0) {
          return [trace.x[i], trace.y[i]];
        }
      }
    }
    return null;
  }

  return {
    filterFigureData: filterFigureData, compactLanes: compactLanes,
    packMarks: packMarks, asShapes: asShapes, themed: themed,
    escapeForPlotly: escapeForPlotly, markIds: markIds,
    markPosition: markPosition, dateMs: dateMs
  };
}));
