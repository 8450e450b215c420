/* Level of detail: what each mark on the chart stands for at the scale a reader
 * is looking at. Pure functions, no DOM (timeline-engine.js draws the result;
 * tests run them directly).
 *
 * The figure built in Python (view/figure.py) gives every event a row in its lane;
 * crowded unlabelled ones share a mark that lists their ids (customdata[3]).
 * `marks` takes that apart into one place per event (row, date, colours,
 * label), once per figure. `draw` then groups the events shown in the visible
 * window, per row, into pixel columns of the plot's current width: a column
 * holding one event is that event's own mark; one holding several is a
 * density mark (sized by its count, hover "N events" and their dates). The
 * default view keeps the figure's own groups instead, so the chart matches
 * the page's picture of it (view/chart_preview.py). Labels follow view/figure.py's
 * rule: where their text has room in the row, right of the mark, else left,
 * else none; never on a density mark (label-fit.js then measures them).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) { module.exports = factory(); }
  else { root.TimelineDensity = factory(); }
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // A mark is 12 px and its 2.5 px ring: a column about a mark wide, so that
  // marks in neighbouring columns barely overlap.
  var COLUMN_PX = 12;
  var CHAR_WIDTH_PX = 6.6;   // figure.CHAR_WIDTH_PX
  var LABEL_ROOM_PX = 16;    // figure.place_events: the mark and a gap
  // Where labels are shortened to the room there is (frame.shortens: label-fit.js
  // measures them next), a label needs room for this many characters only.
  var SHORTENED_CHARS = 10;
  // A density mark's size (Plotly's marker size, without its ring) by its count;
  // the page's picture of the chart draws them so too (chart_preview.DENSITY_SIZES).
  var DENSITY_SIZES = [[100, 20], [10, 17], [2, 14]];
  // Events drawn either side of the window, so that a short pan shows marks
  // while the chart catches up: a fraction of the window's width (each one
  // costs the redraw as much as one in the window; a quarter made the first
  // zoom into half of 10,000 events 10 to 15% slower: performance.md).
  var MARGIN = 0.1;

  function withChanges(object, changes) {
    var copy = {};
    Object.keys(object).forEach(function (key) { copy[key] = object[key]; });
    Object.keys(changes).forEach(function (key) { copy[key] = changes[key]; });
    return copy;
  }

  function pointValue(value, index) { return Array.isArray(value) ? value[index] : value; }

  /* The places of every event among a packed figure's marks (packMarks: one
   * trace per mode, dates as numbers, colours per point). `startOf(id)` gives
   * the date (as a number) of an event the figure drew under another's mark.
   * Returns the events (id, date, and the figure's mark: `unit`), the figure's
   * marks (`units`: colours, label, hover lines, first event), the rows (each
   * its events in date order), the mark traces as templates, and the other
   * traces (bars, ...). */
  function marks(data, startOf) {
    var units = { fill: [], ring: [], symbol: [], label: [], side: [], item: [], first: [],
                  count: [] };
    var templates = { bare: null, labelled: null }, others = [], traces = [], total = 0;
    data.forEach(function (trace) {
      var isMarks = trace.marker && trace.customdata && trace.x &&
                    (trace.mode === "markers" || trace.mode === "markers+text");
      if (!isMarks) { others.push(trace); return; }
      var kind = trace.mode === "markers+text" ? "labelled" : "bare";
      templates[kind] = templates[kind] || trace;
      traces.push(trace);
      trace.customdata.forEach(function (item) {
        total += Array.isArray(item) && Array.isArray(item[3]) ? item[3].length : 1;
      });
    });
    var ids = new Array(total), x = new Float64Array(total), unit = new Int32Array(total);
    var byY = new Map(), atom = 0;
    traces.forEach(function (trace) {
      var labelled = trace.mode === "markers+text", line = trace.marker.line || {};
      for (var i = 0; i < trace.x.length; i++) {
        var item = trace.customdata[i], u = units.fill.length;
        var members = Array.isArray(item) && Array.isArray(item[3]) ? item[3] : [item[0]];
        var fill = pointValue(trace.marker.color, i);
        units.fill.push(fill);
        units.ring.push(pointValue(line.color, i) || fill);
        units.symbol.push(pointValue(trace.marker.symbol, i) || "circle");
        units.label.push(labelled ? pointValue(trace.text, i) || "" : "");
        units.side.push(labelled ? pointValue(trace.textposition, i) : "");
        units.item.push(item);  // its hover lines, for an event drawn alone
        units.first.push(atom);
        units.count.push(members.length);
        var row = byY.get(trace.y[i]);
        if (!row) { byY.set(trace.y[i], row = []); }
        for (var k = 0; k < members.length; k++, atom++) {
          ids[atom] = members[k];
          x[atom] = k === 0 ? trace.x[i] : startOf(members[k]);
          unit[atom] = u;
          row.push(atom);
        }
      }
    });
    var rows = Array.from(byY.keys()).sort(function (a, b) { return a - b; })
      .map(function (y) {
        // Nearly sorted already (the figure's rows are): little work for the sort.
        var order = byY.get(y).sort(function (a, b) { return x[a] - x[b] || a - b; });
        return { y: y, atoms: Int32Array.from(order),
                 x: Float64Array.from(order, function (a) { return x[a]; }) };
      });
    return { ids: ids, unit: unit, units: units, rows: rows, templates: templates,
             others: others };
  }

  /* The first index in `sorted` whose value is at least `value`. */
  function firstAtLeast(sorted, value) {
    var low = 0, high = sorted.length;
    while (low < high) {
      var middle = (low + high) >>> 1;
      if (sorted[middle] < value) { low = middle + 1; } else { high = middle; }
    }
    return low;
  }

  /* The rows (their y) holding an event of `shown` (a Set of ids; null: all):
   * the lanes to keep, wherever the window is. */
  function rowsInUse(placed, shown) {
    return placed.rows.filter(function (row) {
      if (!shown) { return row.atoms.length > 0; }
      for (var i = 0; i < row.atoms.length; i++) {
        if (shown.has(placed.ids[row.atoms[i]])) { return true; }
      }
      return false;
    }).map(function (row) { return row.y; });
  }

  /* Text as it reads, for its width: Plotly's escapes count as one character
   * each, and characters as Python counts them (code points). */
  function textLength(text) {
    return Array.from(String(text).replace(/&(?:amp|lt|gt);/g, "&")).length;
  }

  function densitySize(count) {
    for (var i = 0; i < DENSITY_SIZES.length; i++) {
      if (count >= DENSITY_SIZES[i][0]) { return DENSITY_SIZES[i][1]; }
    }
    return null;
  }

  /* The marks to draw for the events in `shown` (a Set of ids; null: all) at
   * `frame`: { range: [from, to] (dates as numbers), width: the plot's width
   * in px, columns: group by pixel columns (false: keep the figure's own
   * groups, for the view it was built for), labelFor: id → label text for
   * events the figure left unlabelled (null: none added), shortens: labels
   * will be shortened to their room (label-fit.js), so a few words' room is
   * enough }. `describe` gives
   * hover lines: one(id) → [title, date]; many(firstId, lastId, count).
   * Returns { data: [labelled trace, bare trace], marks, density, visited }:
   * the traces in the packed form asShapes takes, and counts of the work
   * (`visited`: events looked at). */
  function draw(placed, shown, frame, describe) {
    var ids = placed.ids, unit = placed.unit, units = placed.units;
    var from = frame.range[0], to = frame.range[1];
    var perPx = (to - from) / Math.max(frame.width, 1);
    var columnWidth = COLUMN_PX * perPx;
    var margin = frame.columns ? (to - from) * MARGIN : Infinity;
    // Marks for several events go last: Plotly's hover takes the first of
    // points equally near, so an event's own mark under one still answers.
    var out = { labelled: newTrace(), bare: newTrace(), many: newTrace() };
    var counts = { marks: 0, density: 0, visited: 0 };

    function isShown(atom) { return !shown || shown.has(ids[atom]); }
    function ring(atom) { return units.ring[unit[atom]]; }
    function fill(atom) { return units.fill[unit[atom]]; }
    function symbol(atom) { return units.symbol[unit[atom]]; }

    placed.rows.forEach(function (row) {
      var first = firstAtLeast(row.x, from - margin), last = firstAtLeast(row.x, to + margin + 1);
      var spans = [];  // the labels kept in this row, [from, to]
      var items = [];  // its marks: { at: positions in the row, label, side, filled }
      // Events group by pixel column, colour and shape (open: the current column's
      // groups), or by the figure's own marks.
      var open = [], column = NaN, groups = frame.columns ? null : new Map();

      /* Whether a label `width` px wide fits beside the event at row position
       * `at`, on `side`: in the window, over no other event's mark and no
       * other label of the row. The span it takes, or null. */
      function room(at, width, side) {
        var x = row.x[at], reach = width * perPx;
        var span = side === "top left" ? [x - reach, x] : [x, x + reach];
        if (span[0] < from || span[1] > to) { return null; }
        for (var s = 0; s < spans.length; s++) {
          if (spans[s][0] < span[1] && span[0] < spans[s][1]) { return null; }
        }
        for (var i = firstAtLeast(row.x, span[0]); i < row.x.length && row.x[i] <= span[1]; i++) {
          counts.visited += 1;
          if (i !== at && isShown(row.atoms[i])) { return null; }
        }
        return span;
      }

      function labelSide(at, text, sides) {
        var width = Math.min(textLength(text), frame.shortens ? SHORTENED_CHARS : Infinity) *
                    CHAR_WIDTH_PX + LABEL_ROOM_PX;
        for (var s = 0; s < sides.length; s++) {
          var span = room(at, width, sides[s]);
          if (span) { spans.push(span); return sides[s]; }
        }
        return null;
      }

      for (var i = first; i < last; i++) {
        var atom = row.atoms[i], u = unit[atom];
        counts.visited += 1;
        if (!isShown(atom)) { continue; }
        // The figure's labels first: each keeps its label where it has room.
        if (units.label[u] && units.first[u] === atom) {
          var other = units.side[u] === "top left" ? "top right" : "top left";
          var side = labelSide(i, units.label[u], [units.side[u], other]);
          if (side) {
            items.push({ at: [i], label: units.label[u], side: side, filled: 0 });
            continue;
          }
        }
        var item = null;
        if (groups) {
          item = groups.get(u);
          if (!item) { groups.set(u, item = { at: [], filled: 0 }); items.push(item); }
        } else {
          var here = Math.floor(row.x[i] / columnWidth);
          if (here !== column) { column = here; open = []; }
          for (var k = 0; k < open.length && !item; k++) {
            var neighbour = row.atoms[open[k].at[0]];
            if (ring(neighbour) === ring(atom) && symbol(neighbour) === symbol(atom)) {
              item = open[k];
            }
          }
          if (!item) { item = { at: [], filled: 0 }; open.push(item); items.push(item); }
        }
        item.at.push(i);
        if (fill(atom) === ring(atom)) { item.filled += 1; }
      }

      // Zoomed in, events the figure left bare get a label where one fits.
      if (frame.labelFor) {
        items.forEach(function (item) {
          if (item.at.length !== 1 || item.label) { return; }
          var text = frame.labelFor(ids[row.atoms[item.at[0]]]);
          var side = text && labelSide(item.at[0], text, ["top right", "top left"]);
          if (side) { item.label = text; item.side = side; }
        });
      }

      items.forEach(function (item) { add(item, row); });
    });

    /* A density mark is filled (exact dates) or hollow as most of its events are. */
    function fillOf(item, row) {
      var edge = ring(row.atoms[item.at[0]]);
      if (item.filled * 2 >= item.at.length) { return edge; }
      for (var k = 0; k < item.at.length; k++) {
        var inside = fill(row.atoms[item.at[k]]);
        if (inside !== edge) { return inside; }
      }
      return edge;
    }

    function newTrace() {
      return { x: [], y: [], customdata: [], fill: [], ring: [], symbol: [], size: [], text: [],
               textposition: [] };
    }

    function add(item, row) {
      var count = item.at.length, firstAtom = row.atoms[item.at[0]];
      var trace = item.label ? out.labelled : count > 1 ? out.many : out.bare;
      counts.marks += 1;
      if (count === 1) {
        var id = ids[firstAtom], u = unit[firstAtom];
        trace.x.push(row.x[item.at[0]]);
        trace.customdata.push(units.count[u] === 1 ? units.item[u]
                                                   : [id].concat(describe.one(id)));
        trace.size.push(null);
        trace.fill.push(fill(firstAtom));
      } else {
        counts.density += 1;
        var members = item.at.map(function (at) { return ids[row.atoms[at]]; });
        // The figure's marks stay where it drew them, on their first event;
        // a column's mark sits in the middle of its events.
        trace.x.push(frame.columns ? (row.x[item.at[0]] + row.x[item.at[count - 1]]) / 2
                                   : row.x[item.at[0]]);
        trace.customdata.push([members[0]].concat(
          describe.many(members[0], members[count - 1], count), [members]));
        trace.size.push(densitySize(count));
        trace.fill.push(fillOf(item, row));
      }
      trace.y.push(row.y);
      trace.ring.push(ring(firstAtom));
      trace.symbol.push(symbol(firstAtom));
      trace.text.push(item.label || "");
      trace.textposition.push(item.side || "top right");
    }

    // A figure with marks of one kind only lends them to the other.
    var templates = placed.templates;
    var bareTemplate = templates.bare ||
      templates.labelled && withChanges(templates.labelled, { mode: "markers" });
    var labelledTemplate = templates.labelled || templates.bare && withChanges(
      templates.bare, { mode: "markers+text", textfont: { size: 12, color: "#222" } });
    Object.keys(out.bare).forEach(function (key) {
      Array.prototype.push.apply(out.bare[key], out.many[key]);
    });
    return { data: [asTrace(out.labelled, labelledTemplate, true),
                    asTrace(out.bare, bareTemplate, false)],
             marks: counts.marks, density: counts.density, visited: counts.visited };
  }

  /* Collected marks as a trace like `template` (its hover, symbol and ring). */
  function asTrace(collected, template, labelled) {
    if (!template) { return { x: [], mode: "markers" }; }
    var base = template.marker.size || 6;
    var marker = withChanges(template.marker, {
      color: collected.fill, symbol: collected.symbol,
      size: collected.size.map(function (size) { return size || base; }),
      line: withChanges(template.marker.line || {}, { color: collected.ring }) });
    var trace = withChanges(template, { x: collected.x, y: collected.y,
                                        customdata: collected.customdata, marker: marker });
    if (labelled) {
      trace.text = collected.text;
      trace.textposition = collected.textposition;
    } else {
      delete trace.text;
      delete trace.textposition;
    }
    return trace;
  }

  /* Bar traces ((start, end, gap) triples) cut to the window and the margin
   * either side, as `draw` draws marks: a bar far outside the window costs a
   * redraw, and its dotted line, a thousand times the screen's width when
   * zoomed in, costs the browser seconds to paint. Other traces kept. */
  function clipBars(data, range) {
    var margin = (range[1] - range[0]) * MARGIN;
    var from = range[0] - margin, to = range[1] + margin;
    return data.map(function (trace) {
      if (trace.mode !== "lines" || !trace.x) { return trace; }
      var x = [], y = [], customdata = [];
      for (var i = 0; i + 1 < trace.x.length; i += 3) {
        var start = trace.x[i], end = trace.x[i + 1];
        if (end < from || start > to) { continue; }
        x.push(Math.max(start, from), Math.min(end, to), null);
        y.push(trace.y[i], trace.y[i + 1], null);
        customdata.push(trace.customdata[i], trace.customdata[i + 1], null);
      }
      return withChanges(trace, { x: x, y: y, customdata: customdata });
    });
  }

  return { marks: marks, draw: draw, rowsInUse: rowsInUse, clipBars: clipBars,
           COLUMN_PX: COLUMN_PX, DENSITY_SIZES: DENSITY_SIZES, MARGIN: MARGIN };
}));
