/* The timeline's view rules in the browser: read the URL, filter, step, describe.
 *
 * The one JavaScript copy of timeline/view/view_state.py and timeline/view/transforms.py,
 * used by the light embed and the static export alike. Pure functions, no DOM:
 * tests run them against the same table of cases as the Python
 * (tests/data/filter_cases.json). The figure's repacking for the view is
 * figure-packing.js's.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) { module.exports = factory(); }
  else { root.TimelineCore = factory(); }
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var MAX_QUERY_LENGTH = 200;
  var MAX_VALUES = 50;
  var LANE_MODES = ["category", "actor"];
  var THEMES = ["light", "dark"];  // view_state.THEMES
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec"];
  var LANGUAGES = ["en", "ko", "ru"];  // schema.LANGUAGES

  /* The interface's words (view/language.py): the page's catalogue, inline as
   * #timeline-messages when its language is not English (whose words are the
   * ids), read on first use; `useMessages` sets another (tests). */
  var catalogue = null;
  function useMessages(given) {
    catalogue = given || { lang: "en", plural: [], messages: {} };
    catalogue.numbers = new Intl.NumberFormat(catalogue.lang);
    catalogue.rules = new Intl.PluralRules(catalogue.lang);
  }
  function messages() {
    if (catalogue === null) {
      var inline = typeof document !== "undefined" && document.getElementById("timeline-messages");
      useMessages(inline ? JSON.parse(inline.textContent) : null);
    }
    return catalogue;
  }

  function fill(text, values) {
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }

  /* Messages.gettext: `msgid` in the page's language, its {placeholders} filled. */
  function t(msgid, values) {
    var found = messages().messages[msgid];
    return fill(typeof found === "string" && found ? found : msgid, values);
  }

  /* A count as the page's language writes it: 12,345, 12 345. */
  /* language.no_break: CLDR's no-break spaces as U+00A0, whatever ICU's version. */
  function noBreak(text) {
    return text.replace(/\u202f/g, "\u00a0").replace(/ \u0433\./g, "\u00a0\u0433.");
  }

  function formatNumber(count) {
    var said = messages();
    return said.lang === "en" ? String(count).replace(/\B(?=(\d{3})+$)/g, ",")
                              : noBreak(said.numbers.format(count));
  }

  /* Messages.ngettext: the plural form for `count` (Intl.PluralRules names the
   * catalogue's forms: 1 событие, 3 события, 5 событий); {count} filled. */
  function tn(singular, plural, count, values) {
    var said = messages(), forms = said.messages[singular], text;
    if (Array.isArray(forms)) {
      var form = said.plural.indexOf(said.rules.select(count));
      text = forms[form < 0 ? forms.length - 1 : form];
    } else { text = count === 1 ? singular : plural; }
    return fill(fill(text, { count: formatNumber(count) }), values);
  }

  function language() { return messages().lang; }

  /* The sets of timeline/data/text_folding.py: marks writers leave out (Latin, Greek and
   * Cyrillic accents, Hebrew points, Arabic vowel marks), and Unicode's White_Space
   * (JavaScript's \s and trim() use another set than Python's). */
  var DROPPED_MARKS = new RegExp("[" +
    "\u0300-\u036f" +                                        // Latin, Greek, Cyrillic accents
    "\u0483-\u0487" +                                        // Cyrillic titlo and the like
    "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7" +    // Hebrew points, cantillation
    "\u064b-\u065f\u0670" +                                  // Arabic vowel marks
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f" +  // more combining diacriticals
    "]+", "g");
  var SPACE = "[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";
  var SPACE_RUNS = new RegExp(SPACE + "+");
  var EDGE_SPACES = new RegExp("^" + SPACE + "+|" + SPACE + "+$", "g");
  var LINK_DATE = /^([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?[~?]?$/;

  /* text_folding.normalise_text: 'Ada  Lovelace-King' → 'ada lovelace-king', 'Ёлка' → 'елка'. */
  function normaliseText(text) {
    // NFKD splits й into и and a breve: put it back before the breve is dropped.
    return String(text || "").normalize("NFKD").replace(/\u0438\u0306/g, "\u0439")
      .replace(/\u0418\u0306/g, "\u0419").replace(DROPPED_MARKS, "").normalize("NFC")
      .toLowerCase().replace(/\u00df/g, "ss").replace(/\u03c2/g, "\u03c3")
      .split(SPACE_RUNS).filter(Boolean).join(" ");
  }

  function stripWhiteSpace(text) { return String(text).replace(EDGE_SPACES, ""); }

  /* view_state.clean_value: trimmed, and cut to MAX_QUERY_LENGTH code points, as
   * Python counts them (slice() would count UTF-16 units and split an emoji). */
  function cleanValue(text) {
    return Array.from(stripWhiteSpace(text)).slice(0, MAX_QUERY_LENGTH).join("");
  }

  function pad(number, width) {
    var text = String(number);
    while (text.length < width) { text = "0" + text; }
    return text;
  }

  function daysIn(year, month) {
    var leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  }

  /* A `from`/`to` day as view_state._day reads it: YYYY, YYYY-M[M] or YYYY-M[M]-D[D] in
   * ASCII digits (a trailing ~ or ? allowed); the first or the last day of that
   * period, as ISO text; null if unusable. */
  function partialDay(text, last) {
    var match = LINK_DATE.exec(stripWhiteSpace(text || ""));
    if (!match) { return null; }
    var year = +match[1], month = match[2] ? +match[2] : null, day = match[3] ? +match[3] : null;
    if (year < 1 || (month !== null && (month < 1 || month > 12))) { return null; }
    if (day !== null && (day < 1 || day > daysIn(year, month))) { return null; }
    if (day === null) {
      month = month === null ? (last ? 12 : 1) : month;
      day = last ? daysIn(year, month) : 1;
    }
    return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2);
  }

  /* A zoom as view_state._window reads it: two days, or WHOLE ("all"): the
   * whole timeline, where no zoom is its first window (view/window.py). */
  var WHOLE = "all";
  function parseWindow(text) {
    text = String(text || "");
    if (stripWhiteSpace(text) === WHOLE) { return WHOLE; }
    var at = text.indexOf("..");
    if (at < 0) { return null; }
    var first = partialDay(text.slice(0, at), false), last = partialDay(text.slice(at + 2), true);
    return first && last && first <= last ? [first, last] : null;
  }

  /* The view in a query string, read as ViewState.from_query_string reads it
   * (tests/data/view_cases.json pins both). */
  function parseView(search) {
    var params = new URLSearchParams(String(search || "").replace(/^\?/, ""));
    function values(name) {
      var seen = [];
      params.getAll(name).forEach(function (value) {
        var cleaned = cleanValue(value);
        if (cleaned && seen.indexOf(cleaned) < 0) { seen.push(cleaned); }
      });
      return seen.slice(0, MAX_VALUES);
    }
    function first(name) { return values(name)[0] || ""; }
    var lanes = first("lanes"), theme = first("theme");
    return {
      actors: values("actor"), categories: values("category"),
      certainties: values("certainty"),
      from: partialDay(first("from"), false), to: partialDay(first("to"), true),
      q: first("q"), lanes: LANE_MODES.indexOf(lanes) >= 0 ? lanes : "category",
      event: first("event") || null, zoom: parseWindow(first("zoom")),
      listOpen: first("list") === "open", story: first("story") === "1",
      theme: THEMES.indexOf(theme) >= 0 ? theme : null,
      lang: LANGUAGES.indexOf(first("lang")) >= 0 ? first("lang") : null
    };
  }

  /* The canonical query string (no '?'), in ViewState.to_query_string's order. */
  function toQueryString(view) {
    var params = new URLSearchParams();
    view.actors.forEach(function (a) { params.append("actor", a); });
    view.categories.forEach(function (c) { params.append("category", c); });
    view.certainties.forEach(function (c) { params.append("certainty", c); });
    if (view.from) { params.append("from", view.from); }
    if (view.to) { params.append("to", view.to); }
    if (view.q) { params.append("q", view.q); }
    if (view.lanes !== "category") { params.append("lanes", view.lanes); }
    if (view.event) { params.append("event", view.event); }
    if (view.zoom === WHOLE) { params.append("zoom", WHOLE); }
    else if (view.zoom) { params.append("zoom", view.zoom[0] + ".." + view.zoom[1]); }
    if (view.listOpen) { params.append("list", "open"); }
    if (view.story) { params.append("story", "1"); }
    if (view.theme) { params.append("theme", view.theme); }
    if (view.lang) { params.append("lang", view.lang); }
    return params.toString();
  }

  function withChanges(view, changes) {
    var copy = {};
    Object.keys(view).forEach(function (key) { copy[key] = view[key]; });
    Object.keys(changes).forEach(function (key) { copy[key] = changes[key]; });
    return copy;
  }

  function isFiltered(view) {
    return !!(view.actors.length || view.categories.length || view.certainties.length ||
              view.from || view.to || view.q);
  }

  /* A day number (days since 1970-01-01) as ISO text, or null. */
  function isoDay(days) {
    return days === null ? null : new Date(days * 86400000).toISOString().slice(0, 10);
  }

  /* `convert` of each value, worked out once per distinct value: a big
   * timeline repeats its days, categories and names many times over. */
  function once(convert) {
    var known = new Map();
    return function (value) {
      var result = known.get(value);
      if (result === undefined) { known.set(value, result = convert(value)); }
      return result;
    };
  }

  /* The events as records, from the payload's columns (embed_payload.summary_columns),
   * prepared (see prepareEvents). Each distinct value is decoded and normalised
   * once, not once per event: at 100,000 events that is most of the start's work. */
  function eventsFrom(columns) {
    var day = once(isoDay), key = once(normaliseText);
    function decoder(column) {
      var values = column.values, keys = values.map(key);
      return function (index) { return { value: values[column.codes[index]],
                                         key: keys[column.codes[index]] }; };
    }
    var category = decoder(columns.category), certainty = decoder(columns.certainty);
    var actorNames = columns.actors.values, actorKeys = actorNames.map(key);
    var events = new Array(columns.count);
    for (var i = 0; i < columns.count; i++) {
      var codes = columns.actors.codes[i], actors = new Array(codes.length),
        keys = new Array(codes.length);
      for (var a = 0; a < codes.length; a++) {
        actors[a] = actorNames[codes[a]];
        keys[a] = actorKeys[codes[a]];
      }
      var start = day(columns.start[i]), end = day(columns.end[i]);
      var ongoing = columns.ongoing[i] === 1, kind = category(i), sure = certainty(i);
      events[i] = {
        id: columns.id[i], title: columns.title[i],
        date: columns.date.values[columns.date.codes[i]],
        start: start, end: end, ongoing: ongoing, category: kind.value, actors: actors,
        certainty: sure.value,
        actorKeys: keys, categoryKey: kind.key, certaintyKey: sure.key,
        lastDay: ongoing ? null : (end || start),
        startDay: columns.start[i],
        search: columns.search ? columns.search[i] : undefined,
        // The title's language where the timeline has per-language titles (payload).
        lang: columns.title_lang && columns.title_lang.values[columns.title_lang.codes[i]] ||
              undefined
      };
    }
    return events;
  }

  /* Summaries as records (eventsFrom's are already prepared), with the keys the
   * filter compares. The search text is worked out when a reader first searches. */
  function prepareEvents(events) {
    var key = once(normaliseText);
    return events.map(function (event) {
      if (event.actorKeys) { return event; }
      var prepared = withChanges(event, {});
      prepared.actorKeys = event.actors.map(key);
      prepared.categoryKey = key(event.category);
      prepared.certaintyKey = key(event.certainty);
      prepared.lastDay = event.ongoing ? null : (event.end || event.start);
      return prepared;
    });
  }

  /* What a search looks in: the page's search text where it has it, else (until
   * a big timeline's text arrives) the title and the names. */
  function searchText(event) {
    if (event.search === undefined) {
      event.search = normaliseText([event.title].concat(event.actors).join(" "));
    }
    return event.search;
  }

  /* The filter rule of transforms.filter_events: every dimension must hold. */
  function filterEvents(events, view) {
    if (!isFiltered(view)) { return events; }
    var actors = view.actors.map(normaliseText);
    var categories = view.categories.map(normaliseText);
    var certainties = view.certainties.map(normaliseText);
    var words = normaliseText(view.q).split(" ").filter(Boolean);
    return events.filter(function (event) {
      if (actors.length && !event.actorKeys.some(function (k) { return actors.indexOf(k) >= 0; })) {
        return false;
      }
      if (categories.length && categories.indexOf(event.categoryKey) < 0) { return false; }
      if (certainties.length && certainties.indexOf(event.certaintyKey) < 0) { return false; }
      if (view.from && !event.ongoing && event.lastDay < view.from) { return false; }
      if (view.to && event.start > view.to) { return false; }
      if (!words.length) { return true; }
      var text = searchText(event);
      return words.every(function (word) { return text.indexOf(word) >= 0; });
    });
  }

  /* Previous and next ids around `eventId`, as transforms.neighbours. */
  function neighbours(ids, eventId) {
    if (!ids.length) { return [null, null]; }
    var position = ids.indexOf(eventId);
    if (position < 0) { return [ids[ids.length - 1], ids[0]]; }
    return [position > 0 ? ids[position - 1] : null,
            position + 1 < ids.length ? ids[position + 1] : null];
  }

  /* language.short_day: '20 Feb 2024', '2024년 2월 20일'. */
  function shortDay(iso) {
    var parts = iso.split("-");
    if (language() === "en") { return (+parts[2]) + " " + MONTHS[+parts[1] - 1] + " " + parts[0]; }
    return noBreak(new Intl.DateTimeFormat(language(), {
      year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }).format(new Date(iso)));
  }

  /* The count line, as ViewState.describe; `categoryLabel`: what readers call a
   * category (its declared label), else its name as written. */
  function describe(view, shown, total, categoryLabel) {
    var parts = [isFiltered(view)
      ? tn("{shown} of {count} event", "{shown} of {count} events", total,
           { shown: formatNumber(shown) })
      : tn("{count} event", "{count} events", total)];
    var either = t(" or ");
    if (view.actors.length) { parts.push(view.actors.join(either)); }
    if (view.categories.length) {
      parts.push(view.categories.map(categoryLabel || String).join(either));
    }
    if (view.certainties.length) { parts.push(view.certainties.map(function (c) {
      return t(c); }).join(either)); }
    if (view.from && view.to) {
      parts.push(t("{from} to {to}", { from: shortDay(view.from), to: shortDay(view.to) }));
    } else if (view.from) { parts.push(t("from {day}", { day: shortDay(view.from) })); }
    else if (view.to) { parts.push(t("until {day}", { day: shortDay(view.to) })); }
    if (view.q) { parts.push(t("matching \u201c{words}\u201d", { words: view.q })); }
    return parts.join(" \u00b7 ");
  }

  return {
    normaliseText: normaliseText, cleanValue: cleanValue, partialDay: partialDay,
    parseView: parseView, WHOLE: WHOLE,
    toQueryString: toQueryString, withChanges: withChanges, isFiltered: isFiltered,
    eventsFrom: eventsFrom, prepareEvents: prepareEvents, filterEvents: filterEvents,
    neighbours: neighbours, describe: describe,
    t: t, tn: tn, formatNumber: formatNumber, language: language, useMessages: useMessages
  };
}));
