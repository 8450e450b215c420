/* Labels that never collide and are never cut, at whatever width the chart is
 * drawn. Plotly has no collision avoidance, and the figure (view/figure.py)
 * and density.js place labels with an estimated character width, which a
 * reader's fonts and a phone's width prove wrong. So, each time the chart is
 * drawn, the labels about to be drawn are measured with the browser's fonts
 * and, row by row from left to right, each is kept on its side of its mark if
 * it fits before the next mark and the plot's edge and after what the row
 * already holds; else put on the other side; else shortened at a word, with
 * an ellipsis, to the room there is; else dropped (its mark stays, and hover
 * and the list still name it).
 *
 * `fit` is pure (tests call it with their own measure); `fitTraces` applies it
 * to the traces density.js draws; `measureText` measures with a canvas.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) { module.exports = factory(); }
  else { root.TimelineLabelFit = factory(); }
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var ELLIPSIS = "\u2026";
  var GAP_PX = 4;      // between a label and the next label or mark
  var EDGE_PX = 1;     // from the plot's edges: canvas and SVG may round apart
  var MIN_KEPT = 3;    // a shortened label keeps at least this many characters
  // Plotly's offset from a mark's centre to its text (drawing.textPointPosition:
  // the marker's radius / 0.8 + 1), for a marker `size` across.
  function plotlyOffset(size) { return size / 2 / 0.8 + 1; }

  // Made when a label first needs one: making a word segmenter loads its
  // dictionaries, about 20 ms of a page's start, for labels most pages never have.
  var segmenters = {};
  function segmenter(granularity) {
    if (!(granularity in segmenters)) {
      segmenters[granularity] = typeof Intl !== "undefined" && Intl.Segmenter
        ? new Intl.Segmenter(undefined, { granularity: granularity }) : null;
    }
    return segmenters[granularity];
  }

  // Latin, Greek and Cyrillic without combining marks, and punctuation: words end
  // at spaces and characters are code points; no need for the slower Intl.Segmenter.
  var SPACED = /^[\u0000-\u02FF\u0370-\u052F\u1E00-\u1FFF\u2000-\u206F\u20A0-\u20CF]*$/;

  /* Where `text` may be cut: the ends of its words (Intl.Segmenter knows words
   * in scripts written without spaces), or else of its characters. */
  function wordEnds(text) {
    var ends = [], words = !SPACED.test(text) && segmenter("word");
    if (words) {
      for (var segment of words.segment(text)) {
        if (segment.isWordLike) { ends.push(segment.index + segment.segment.length); }
      }
    } else {
      var pattern = /\S+/g, found;
      while ((found = pattern.exec(text))) { ends.push(found.index + found[0].length); }
    }
    return ends;
  }

  function characterEnds(text) {
    var ends = [], at = 0, graphemes = !SPACED.test(text) && segmenter("grapheme");
    if (graphemes) {
      for (var segment of graphemes.segment(text)) {
        at = segment.index + segment.segment.length;
        ends.push(at);
      }
    } else {
      Array.from(text).forEach(function (character) { at += character.length; ends.push(at); });
    }
    return ends;
  }

  function characterCount(text) {
    return characterEnds(text).length;
  }

  /* The text before `end`, without the spaces and joining punctuation it ends
   * with, and an ellipsis. */
  function cutAt(text, end) {
    return text.slice(0, end).replace(/[\s,;:\-\u2013\u2014]+$/u, "") + ELLIPSIS;
  }

  var cutsOf = new Map();  // a label's word and character ends, found once

  /* `text` shortened at a word (else, for one long word, at a character) to at
   * most `room` px with its ellipsis, keeping at least MIN_KEPT characters;
   * null when it cannot be. A label the figure already cut (its own "…") is
   * cut again from its whole words. */
  function shorten(text, room, measure) {
    var base = text.replace(/\s*\u2026$/u, "");
    // Most labels without room have room for nothing: no need to find their words.
    if (measure(Array.from(base).slice(0, MIN_KEPT).join("") + ELLIPSIS) > room) { return null; }
    var cuts = cutsOf.get(base);
    if (!cuts) {
      if (cutsOf.size > 5000) { cutsOf.clear(); }
      cutsOf.set(base, cuts = [null, null]);
    }
    for (var t = 0; t < cuts.length; t++) {
      // Characters only for a label no word of which fits: found when first needed.
      if (!cuts[t]) {
        cuts[t] = (t ? characterEnds(base) : wordEnds(base))
          .filter(function (end) { return end < base.length; });
      }
      var ends = cuts[t];
      // The longest cut that fits: widths grow with the text.
      var low = 0, high = ends.length - 1, best = null;
      while (low <= high) {
        var middle = (low + high) >> 1, cut = cutAt(base, ends[middle]);
        if (measure(cut) <= room) { best = cut; low = middle + 1; } else { high = middle - 1; }
      }
      if (best && characterCount(best) - 1 >= MIN_KEPT) { return best; }
    }
    return null;
  }

  /* Each mark's label as it fits. `marks`: every mark drawn, { x: its centre in
   * px from the plot's left edge, row: any key (labels of different rows never
   * meet), radius: px, offset: px from its centre to its text (Plotly's, by
   * default), text: its label ("" for none), side: "left" or "right" (the one
   * it would rather have) }. `options`: { width: the plot's width in px,
   * measure: text → px }. Returns, for each mark, { text, side } or null (no
   * label). */
  function fit(marks, options) {
    var width = options.width, measure = options.measure;
    var result = marks.map(function () { return null; });
    var rows = new Map();
    marks.forEach(function (mark, index) {
      var row = rows.get(mark.row);
      if (!row) { rows.set(mark.row, row = { labelled: false, order: [] }); }
      row.order.push(index);
      if (mark.text) { row.labelled = true; }
    });
    rows.forEach(function (row) {
      if (!row.labelled) { return; }
      var order = row.order.sort(function (a, b) { return marks[a].x - marks[b].x || a - b; });
      var taken = -Infinity;  // the row is taken up to here: marks, and labels kept
      var widest = 0;
      order.forEach(function (index) { widest = Math.max(widest, marks[index].radius || 0); });
      order.forEach(function (index, k) {
        var mark = marks[index], x = mark.x, radius = mark.radius || 0;
        var offset = mark.offset === undefined ? plotlyOffset(2 * radius) : mark.offset;
        if (mark.text) {
          // Up to the first mark to the right (any of them, as big as they come).
          var until = width - EDGE_PX;
          for (var j = k + 1; j < order.length && marks[order[j]].x - widest < until; j++) {
            var next = marks[order[j]];
            until = Math.min(until, next.x - (next.radius || 0) - GAP_PX);
          }
          // A right label starts clear of the edge and of the marks before it.
          var rooms = {
            right: x + offset >= Math.max(EDGE_PX, taken) ? until - (x + offset) : -1,
            left: x - offset <= width - EDGE_PX
              ? x - offset - Math.max(EDGE_PX, taken + GAP_PX) : -1
          };
          var text = String(mark.text), full = measure(text);
          var first = mark.side === "left" ? "left" : "right";
          var second = first === "left" ? "right" : "left";
          var side = full <= rooms[first] ? first : full <= rooms[second] ? second : null;
          var used = full;
          if (!side) {
            side = rooms[second] > rooms[first] ? second : first;
            text = rooms[side] > 0 ? shorten(text, rooms[side], measure) : null;
            used = text ? measure(text) : 0;
          }
          if (text) {
            result[index] = { text: text, side: side };
            if (side === "right") { taken = Math.max(taken, x + offset + used); }
          }
        }
        taken = Math.max(taken, x + radius);
      });
    });
    return result;
  }

  /* Plotly's escapes as the characters they stand for, and back. */
  function plain(text) {
    return String(text).replace(/&(lt|gt|amp);/g, function (all, name) {
      return { lt: "<", gt: ">", amp: "&" }[name];
    });
  }

  function escaped(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function pointValue(value, index) { return Array.isArray(value) ? value[index] : value; }

  /* Fits, in place, the labels of `data` (density.js's traces: marks with
   * text and textposition, and bare ones) drawn at `frame` ({ range: dates as
   * numbers, width: the plot's width in px }) in the font `family` (CSS), at
   * the labels' size. Rows
   * without a label are not looked at. Returns how many labels were shortened
   * or dropped. */
  function fitTraces(data, frame, family, measure) {
    var labelled = data.filter(function (trace) { return Array.isArray(trace.text) && trace.x; });
    var font = ((labelled[0] && labelled[0].textfont || {}).size || 12) + "px " + family;
    measure = measure || function (text) { return measureText(text, font); };
    var rowsWithLabels = new Set();
    labelled.forEach(function (trace) {
      trace.x.forEach(function (x, i) { if (trace.text[i]) { rowsWithLabels.add(trace.y[i]); } });
    });
    if (!rowsWithLabels.size) { return 0; }
    var from = frame.range[0], perMs = frame.width / (frame.range[1] - frame.range[0]);
    var marks = [], places = [];
    data.forEach(function (trace) {
      if (!trace.x || !trace.marker || trace.mode === "lines") { return; }
      var marker = trace.marker, ring = (marker.line || {}).width || 0;
      for (var i = 0; i < trace.x.length; i++) {
        if (!rowsWithLabels.has(trace.y[i])) { continue; }
        var size = pointValue(marker.size, i) || 6;
        var text = Array.isArray(trace.text) && trace.text[i] ? plain(trace.text[i]) : "";
        var item = trace.customdata && trace.customdata[i];
        if (/\u2026$/u.test(text) && Array.isArray(item) && typeof item[1] === "string") {
          // The figure cut it at a character count: cut at a word instead, from the
          // title (its hover line), to no more than the figure's width.
          text = shorten(plain(item[1]), measure(text), measure) || text;
        }
        marks.push({ x: (trace.x[i] - from) * perMs, row: trace.y[i], radius: (size + ring) / 2,
                     offset: plotlyOffset(size), text: text,
                     side: /left/.test(pointValue(trace.textposition, i) || "") ? "left"
                                                                                 : "right" });
        places.push([trace, i]);
      }
    });
    var changed = 0;
    fit(marks, { width: frame.width, measure: measure }).forEach(function (label, k) {
      var mark = marks[k], trace = places[k][0], i = places[k][1];
      if (!mark.text) { return; }
      if (!Array.isArray(trace.textposition)) {
        trace.textposition = trace.x.map(function () { return trace.textposition; });
      }
      if (!label || label.text !== mark.text) { changed += 1; }
      trace.text[i] = label ? escaped(label.text) : "";
      trace.textposition[i] = label && label.side === "left" ? "top left" : "top right";
    });
    return changed;
  }

  var context = null, widthsByFont = new Map(), measured = 0;

  /* `text`'s width in px in `font`, as the browser draws it: measured once. */
  function measureText(text, font) {
    var widths = widthsByFont.get(font);
    if (!widths) { widthsByFont.set(font, widths = new Map()); }
    var known = widths.get(text);
    if (known !== undefined) { return known; }
    if (!context) { context = document.createElement("canvas").getContext("2d"); }
    if (context.font !== font) { context.font = font; }
    if (++measured > 20000) { widthsByFont.clear(); measured = 0; }  // a long session's zooms
    known = context.measureText(text).width;
    widths.set(text, known);
    return known;
  }

  return { fit: fit, fitTraces: fitTraces, measureText: measureText, shorten: shorten,
           GAP_PX: GAP_PX, ELLIPSIS: ELLIPSIS };
}));
