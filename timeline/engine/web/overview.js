/* The overview strip under the chart: the whole timeline at a glance, the
 * window the chart shows as a box a reader drags (pointer, touch) or moves
 * with the keys, and each event shown outside that window as a tick. The
 * chart opens on the window holding most events (view/window.py); the strip
 * says where the rest are, and "Whole timeline" (`zoom=all`) shows them.
 *
 * No data of its own: timeline-engine.js gives it the ranges and the events
 * on each draw, and is told a reader's move. Ticks are one path, one column
 * of the strip's 1,000 at most each (a big timeline is not 100,000 elements);
 * year labels only where they fit. Positions are fractions of the strip, so
 * it follows the page's width without a redraw.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) { module.exports = factory(); }
  else { root.TimelineOverview = factory(); }
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";
  /* The interface's words (TimelineCore.t: view/language.py); as they are without it. */
  function t(msgid) {
    var core = typeof self !== "undefined" && self.TimelineCore;
    return core && core.t ? core.t(msgid) : msgid;
  }

  var SVG = "http://www.w3.org/2000/svg";
  var COLUMNS = 1000;       // the ticks' drawing is this many units wide
  var NARROWEST_STRIP_PX = 240;  // else the strip starts at the chart's edge, not the plot's
  var SMALLEST_BOX_PX = 24;
  var YEAR_LABEL_PX = 56;   // room for a year label and the gap to the next
  var KEY_STEP = 0.1;       // an arrow key moves the window by this share of itself

  function element(tag, className, attributes) {
    var node = document.createElement(tag);
    node.className = className;
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    return node;
  }

  function yearOf(ms) { return new Date(ms).getUTCFullYear(); }

  function percent(fraction) { return (fraction * 100).toFixed(3) + "%"; }

  /* A range moved by `by` (ms), kept over the whole span as far as it fits. */
  function moved(range, by, whole) {
    var width = range[1] - range[0], from = range[0] + by;
    if (width <= whole[1] - whole[0]) {
      from = Math.min(Math.max(from, whole[0]), whole[1] - width);
    } else {
      from = (whole[0] + whole[1] - width) / 2;
    }
    return [from, from + width];
  }

  /* About `count` round years in [from, to] (ms), at steps of 1, 2 or 5 × 10ⁿ
   * (chart_preview.year_ticks). */
  function yearTicks(from, to, count) {
    var first = yearOf(from) + 1, last = yearOf(to);
    if (last < first || count < 1) { return []; }
    var rough = (last - first) / count, step = 1;
    for (var power = 1; step < rough; power *= 10) {
      step = rough <= power ? power : rough <= 2 * power ? 2 * power
           : rough <= 5 * power ? 5 * power : 10 * power;
    }
    var years = [];
    for (var year = Math.ceil(first / step) * step; year <= last; year += step) {
      years.push(year);
    }
    return years;
  }

  /* The strip in `box` (an empty element under the chart). `actions.move(from,
   * to)`: a reader moved the window there (ms); `actions.whole(on)`: the whole
   * timeline asked for, or left. */
  function create(box, actions) {
    box.classList.add("overview");
    var track = element("div", "overview-track");
    var years = element("div", "overview-years", { "aria-hidden": "true" });
    var ticks = document.createElementNS(SVG, "svg");
    ticks.setAttribute("class", "overview-ticks");
    ticks.setAttribute("viewBox", "0 0 " + COLUMNS + " 10");
    ticks.setAttribute("preserveAspectRatio", "none");
    ticks.setAttribute("aria-hidden", "true");
    var outside = document.createElementNS(SVG, "path");
    outside.setAttribute("class", "overview-outside");
    ticks.appendChild(outside);
    var shown = element("div", "overview-window", {
      role: "slider", tabindex: "0", "aria-label": t("Years the chart shows"),
      "aria-orientation": "horizontal" });
    track.appendChild(ticks);
    track.appendChild(years);
    track.appendChild(shown);
    var whole = element("button", "overview-whole", { type: "button", "aria-pressed": "false" });
    whole.textContent = t("Whole timeline");
    var row = element("div", "overview-row");
    row.appendChild(whole);
    box.appendChild(track);
    box.appendChild(row);

    var now = null;        // what update() was last given
    var placed = null;     // the range the box stands at (now.range, or a drag's)
    var yearsKey = "";

    function fraction(ms) { return (ms - now.whole[0]) / (now.whole[1] - now.whole[0]); }

    function place(range) {
      placed = range;
      var left = Math.max(0, Math.min(1, fraction(range[0])));
      var right = Math.max(left, Math.min(1, fraction(range[1])));
      // A target a finger or a pointer can take (24 px), centred on the years it
      // stands for and kept inside the strip.
      var width = Math.min(1, Math.max(right - left, SMALLEST_BOX_PX / (track.clientWidth || 1)));
      var start = Math.min(Math.max(0, (left + right) / 2 - width / 2), 1 - width);
      shown.style.left = percent(start);
      shown.style.width = percent(width);
      var first = yearOf(range[0]), last = yearOf(range[1] - 1);
      shown.setAttribute("aria-valuemin", String(yearOf(now.whole[0])));
      shown.setAttribute("aria-valuemax", String(yearOf(now.whole[1])));
      shown.setAttribute("aria-valuenow", String(first));
      shown.setAttribute("aria-valuetext", first === last ? String(first)
                                                          : first + " \u2013 " + last);
    }

    function drawYears() {
      var width = track.clientWidth || 300;
      var key = now.whole.join(" ") + " " + width;
      if (key === yearsKey) { return; }
      yearsKey = key;
      years.replaceChildren.apply(years, yearTicks(now.whole[0], now.whole[1],
                                                   Math.floor(width / YEAR_LABEL_PX))
        .map(function (year) {
          var label = element("span", "overview-year"), at = fraction(Date.UTC(year, 0, 1));
          label.style.left = percent(at);
          // Centred on its year, but never cut by the strip's ends.
          var half = YEAR_LABEL_PX / 4 / width;
          if (at < half) { label.style.transform = "translateX(" + (-at / half * 50) + "%)"; }
          else if (at > 1 - half) {
            label.style.transform = "translateX(" + (-50 - (at - 1 + half) / half * 50) + "%)";
          }
          label.textContent = String(year);
          return label;
        }));
    }

    /* The events outside `range` as ticks: one path, a column each at most. */
    function drawTicks(events, startOf, range) {
      var taken = new Uint8Array(COLUMNS + 1), path = [], count = 0;
      for (var i = 0; i < events.length; i++) {
        var at = startOf(events[i]);
        if (at >= range[0] && at <= range[1]) { continue; }
        count += 1;
        var column = Math.round(Math.max(0, Math.min(1, fraction(at))) * COLUMNS);
        if (!taken[column]) { taken[column] = 1; path.push("M" + column + " 0V10"); }
      }
      outside.setAttribute("d", path.join(""));
      box.setAttribute("data-outside", String(count));
    }

    /* Shows `state`: { whole, range (ms pairs), all (the whole timeline asked
     * for), hidden, events, startOf(event) → ms, margin (the plot's, px) }. */
    function update(state) {
      now = state;
      box.hidden = !!state.hidden;
      if (state.hidden) { return; }
      // Under the plot where there is room; on a phone, from the chart's left
      // edge, so that the strip keeps a readable width beside its button.
      var left = state.margin.l || 0;
      var room = box.clientWidth - left - whole.offsetWidth;
      track.style.marginLeft = (room >= NARROWEST_STRIP_PX ? left : 0) + "px";
      drawYears();
      drawTicks(state.events, state.startOf, state.range);
      if (!dragging) { place(state.range); }
      whole.setAttribute("aria-pressed", state.all ? "true" : "false");
    }

    function commit(range) {
      if (range[0] !== now.range[0] || range[1] !== now.range[1]) {
        actions.move(range[0], range[1]);
      }
    }

    // Dragging the box: it follows the pointer, and the chart follows on release.
    var dragging = null;
    shown.addEventListener("pointerdown", function (event) {
      if (!now || event.button > 0) { return; }
      event.preventDefault();
      event.stopPropagation();
      dragging = { x: event.clientX, range: placed, id: event.pointerId, moved: false };
      shown.setPointerCapture(event.pointerId);
      shown.classList.add("is-dragging");
    });
    shown.addEventListener("pointermove", function (event) {
      if (!dragging || event.pointerId !== dragging.id) { return; }
      var by = (event.clientX - dragging.x) / Math.max(track.clientWidth, 1) *
               (now.whole[1] - now.whole[0]);
      dragging.moved = dragging.moved || Math.abs(event.clientX - dragging.x) > 2;
      place(moved(dragging.range, by, now.whole));
    });
    function release(keep) {
      return function (event) {
        if (!dragging || event.pointerId !== dragging.id) { return; }
        var wasMoved = dragging.moved;
        dragging = null;
        shown.classList.remove("is-dragging");
        if (keep && wasMoved) { commit(placed); } else { place(now.range); }
      };
    }
    shown.addEventListener("pointerup", release(true));
    shown.addEventListener("pointercancel", release(false));

    // A click (or a tap, not a scroll) elsewhere on the strip brings the window there.
    track.addEventListener("click", function (event) {
      if (!now || event.target === shown) { return; }
      var strip = track.getBoundingClientRect();
      var at = now.whole[0] + (event.clientX - strip.left) / Math.max(strip.width, 1) *
               (now.whole[1] - now.whole[0]);
      var range = now.range;
      commit(moved(range, at - (range[0] + range[1]) / 2, now.whole));
    });

    shown.addEventListener("keydown", function (event) {
      if (!now) { return; }
      var range = now.range, width = range[1] - range[0], span = now.whole[1] - now.whole[0];
      var by = { ArrowLeft: -KEY_STEP * width, ArrowDown: -KEY_STEP * width,
                 ArrowRight: KEY_STEP * width, ArrowUp: KEY_STEP * width,
                 PageDown: -width, PageUp: width, Home: -span, End: span }[event.key];
      if (by === undefined) { return; }
      event.preventDefault();
      commit(moved(range, by, now.whole));
    });

    whole.addEventListener("click", function () {
      actions.whole(whole.getAttribute("aria-pressed") !== "true");
    });

    return { update: update, element: box };
  }

  return { create: create, yearTicks: yearTicks, moved: moved };
}));
