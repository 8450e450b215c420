/* What a screen reader hears as the view changes, and what the chart says it shows.
 *
 * Announcements: one polite live region (#timeline-announcer, visually hidden)
 * says, once a change has settled, what changed: the count line when it says
 * something new, and "Opened: <title>" when another event's card opens (not
 * when the focus goes into the card, which reads it out itself). Typing in
 * the search filters as before, but is announced once the typing stops
 * (TYPING_SETTLE_MS), not at each key; a redraw that changes nothing (a
 * card's details arriving) says nothing. The count line and the card are not
 * live regions themselves: they would speak at every redraw.
 *
 * The chart's text alternative (#chart-description, which #timeline-graph
 * names in aria-describedby): "Chart of 27 events, 1948–2025, in 7
 * categories.", and the filters in words.
 */
(function (root, factory) {
  var made = factory();
  if (typeof module === "object" && module.exports) { module.exports = made; }
  else { root.TimelineAnnouncer = made; }
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // Every string a reader hears here, in one place.
  // The words from the page's catalogue (timeline-core.js `t`, `tn`: view/language.py).
  var core = window.TimelineCore;
  var MESSAGES = {
    opened: function (title) { return core.t("Opened: {title}", { title: title }); },
    chart: function (count, years, categories) {
      return core.tn("Chart of {count} event", "Chart of {count} events", count) +
        (years ? ", " + years : "") +
        core.tn(", in {count} category.", ", in {count} categories.", categories);
    },
    empty: function () { return core.t("The chart shows no events: none matches these filters."); },
    filters: function (words) { return core.t(" Filtered: {filters}.", { filters: words }); },
    actorLanes: function () { return core.t(" Lanes by actor."); }
  };

  var SETTLE_MS = 300;          // a click's change: its redraws (details arriving) settle
  var TYPING_SETTLE_MS = 1200;  // a search's: said once the reader stops typing

  /* The chart's text alternative for `shown` (the engine's records, in date
   * order) under `view`; `countLine` is the count line (core.describe), whose
   * filters it repeats in words. */
  function chartDescription(view, shown, countLine) {
    if (!shown.length) { return MESSAGES.empty(); }
    var first = Infinity, last = -Infinity, categories = new Set();
    shown.forEach(function (event) {
      categories.add(event.category);
      var from = parseInt(event.start, 10), to = parseInt(event.lastDay || event.start, 10);
      if (from < first) { first = from; }
      if (to > last) { last = to; }
    });
    var years = isFinite(first) ? (first === last ? String(first)
                                                  : first + "\u2013" + last) : "";
    var text = MESSAGES.chart(shown.length, years, categories.size);
    var filters = String(countLine || "").split(" \u00b7 ").slice(1);
    if (filters.length) { text += MESSAGES.filters(filters.join("; ")); }
    if (view.lanes === "actor") { text += MESSAGES.actorLanes(); }
    return text;
  }

  /* An announcer on `region` (a polite live region). `follow` is told of every
   * view drawn; it speaks what differs from what it last said, when settled. */
  function create(region) {
    var said = null;     // {count, event} as last announced (or as first drawn)
    var latest = null;   // the last view told of
    var lastQuery = null, timer = null, typing = false;

    function speak() {
      timer = null;
      typing = false;
      var parts = [];
      if (latest.count !== said.count) { parts.push(latest.count); }
      if (latest.event && latest.event !== said.event && !latest.focused) {
        parts.push(MESSAGES.opened(latest.title));
      }
      said = { count: latest.count, event: latest.event };
      if (!parts.length) { return; }
      var text = parts.join(". ");
      // The same words again (an event closed and opened again) must still be heard.
      region.textContent = region.textContent === text ? text + "\u00a0" : text;
    }

    return {
      /* `change`: {count: the count line, event: the id open or null, title: its
       * title, query: the search, focused: the focus goes into the card}. */
      follow: function (change) {
        latest = change;
        // Still typing while a search's wait runs: any redraw meanwhile waits as long.
        typing = typing || (lastQuery !== null && change.query !== lastQuery);
        lastQuery = change.query;
        if (!said) { said = { count: change.count, event: change.event }; return; }
        clearTimeout(timer);
        timer = setTimeout(speak, typing ? TYPING_SETTLE_MS : SETTLE_MS);
      }
    };
  }

  return { MESSAGES: MESSAGES, create: create, chartDescription: chartDescription,
           SETTLE_MS: SETTLE_MS, TYPING_SETTLE_MS: TYPING_SETTLE_MS };
}));
