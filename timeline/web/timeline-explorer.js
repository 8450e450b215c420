/* The explorer's shell: Dash's controls around the engine (timeline-engine.js).
 *
 * Two clientside callbacks (timeline/callbacks.py) call in here: one with every
 * control's value whenever a reader changes one (the first call starts the
 * engine), one with what a reader types into the actor filter. The engine
 * calls back (`sync`) with each view it draws, and the controls are set to
 * show it through Dash's set_props: a set control calls the first callback
 * again, with the view the engine already shows, which changes nothing.
 */
(function () {
  "use strict";
  var core = window.TimelineCore;
  var ACTOR_OPTIONS = 50;  // layout.ACTOR_OPTIONS: names listed at once
  var EMBED_HEIGHT_PX = 640;  // snippets.EMBED_HEIGHT_PX
  var started = false;
  var shownValues = {};  // "id.prop" → the JSON of the value the control holds

  function page() { return window.TimelinePage; }

  function noUpdate() { return window.dash_clientside.no_update; }

  /* Sets a control's property, unless it holds that value already. */
  function show(id, prop, value) {
    var key = id + "." + prop, json = JSON.stringify(value);
    if (shownValues[key] === json) { return; }
    var props = {};
    props[prop] = value;
    try {
      window.dash_clientside.set_props(id, props);
      shownValues[key] = json;
    } catch (notYet) {
      // Dash is still starting: its first callback shows the view (controlsChanged).
    }
  }

  /* The engine starts as soon as Dash has drawn the page's boxes, not at
   * Dash's first callback, which comes later. */
  function startWhenDrawn() {
    function ready() { return document.getElementById("timeline-graph"); }
    function begin() {
      if (started || !ready()) { return false; }
      started = true;
      page().start(document.getElementById("timeline"), explorerControls);
      return true;
    }
    if (begin()) { return; }
    var watcher = new MutationObserver(function () { if (begin()) { watcher.disconnect(); } });
    watcher.observe(document, { childList: true, subtree: true });
  }

  function unique(values) {
    var seen = [];
    (values || []).forEach(function (value) {
      var cleaned = core.cleanValue(value === null || value === undefined ? "" : value);
      if (cleaned && seen.indexOf(cleaned) < 0) { seen.push(cleaned); }
    });
    return seen;
  }

  /* The options (of `names`) a view's values tick: matched as the filter
   * matches them, so `?category=Gifts` ticks "gifts". */
  function ticked(names, values) {
    var keys = values.map(core.normaliseText);
    return names.filter(function (name) { return keys.indexOf(core.normaliseText(name)) >= 0; });
  }

  /* The actor filter's options: the chosen names, then the ones `typed`
   * matches (every name when nothing is typed), most frequent first. */
  function actorOptions(typed, chosen) {
    var data = page() && page().data();
    if (!data) { return null; }
    var words = core.normaliseText(typed || "").split(" ").filter(Boolean);
    var options = (chosen || []).slice(), limit = options.length + ACTOR_OPTIONS;
    for (var i = 0; i < data.actors.length && options.length < limit; i++) {
      var name = data.actors[i];
      if (options.indexOf(name) >= 0) { continue; }
      var key = core.normaliseText(name);
      if (words.every(function (word) { return key.indexOf(word) >= 0; })) { options.push(name); }
    }
    return options;
  }

  function escapeHtml(text) {  // as Python's html.escape
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  }

  /* snippets.embed_snippet and snippets.embed_loader_snippet, for `view`. */
  function snippets(view) {
    var data = page().data(), base = data.explorer_url || "/";
    var query = core.toQueryString(core.withChanges(view, {}));
    var src = base + "embed" + (query ? "?" + query : "");
    function iframe(marked) {
      return '<iframe src="' + escapeHtml(src) + '" title="' + escapeHtml(data.title) +
        '" width="100%" height="' + EMBED_HEIGHT_PX + '" style="border:0;max-width:100%"' +
        (marked ? " data-timeline-embed" : "") + ' loading="lazy"></iframe>';
    }
    return [iframe(false), iframe(true) + "\n" + '<script src="' +
            escapeHtml(base + "embed.js") + '" async></script>'];
  }

  var explorerControls = {
    build: function () {},
    openFilters: function (wide) { window.dash_clientside.set_props("filters", { open: wide }); },
    sync: function (view) {
      var data = page().data();
      var search = document.getElementById("search");
      if (document.activeElement !== search) { show("search", "value", view.q); }
      var actors = ticked(data.actors, view.actors);
      show("actor-filter", "options", actorOptions("", actors));
      show("actor-filter", "value", actors);
      show("category-filter", "value", ticked(data.categories, view.categories));
      show("certainty-filter", "value", ticked(data.certainties, view.certainties));
      show("date-filter", "start_date", view.from);
      show("date-filter", "end_date", view.to);
      show("lane-switch", "value", view.lanes);
    },
    afterDraw: function (view) {
      var both = snippets(view);
      show("embed-snippet", "value", both[0]);
      show("embed-loader-snippet", "value", both[1]);
    }
  };

  /* The view after the control `id` (a Dash "component.prop") changed. */
  function changed(view, id, values) {
    switch (id) {
      case "search.value":
        var q = core.cleanValue(values[0] || "");
        // A new search closes the event open; the box set to the view's own does not.
        return q === view.q ? view : core.withChanges(view, { q: q, event: null });
      case "actor-filter.value": return core.withChanges(view, { actors: unique(values[1]) });
      case "category-filter.value":
        return core.withChanges(view, { categories: unique(values[2]) });
      case "certainty-filter.value":
        return core.withChanges(view, { certainties: unique(values[3]) });
      case "date-filter.start_date":
        return core.withChanges(view, { from: core.partialDay(String(values[4] || "")
                                                                .slice(0, 10), false) });
      case "date-filter.end_date":
        return core.withChanges(view, { to: core.partialDay(String(values[5] || "")
                                                              .slice(0, 10), true) });
      case "lane-switch.value":
        return core.withChanges(view, { lanes: values[6] === "actor" ? "actor" : "category" });
      case "reset.n_clicks": return core.withChanges(core.parseView(""), { lanes: view.lanes });
      default: return view;
    }
  }

  var CONTROL_KEYS = ["search.value", "actor-filter.value", "category-filter.value",
                      "certainty-filter.value", "date-filter.start_date",
                      "date-filter.end_date", "lane-switch.value", "reset.n_clicks"];

  // The data is fetched and made ready while Dash builds the page (the page
  // asks for it at once: app_factory.preload_the_data).
  var preloaded = document.querySelector('link[rel="preload"][as="fetch"]');
  if (preloaded && page()) { page().preload(preloaded.href); }
  if (page()) { startWhenDrawn(); }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.explorer = {
    controlsChanged: function () {
      var values = Array.prototype.slice.call(arguments);
      // A control holding what `sync` set it to says nothing new: a view the
      // controls cannot show (`?category=nothing` ticks no box) must not be
      // replaced by what they do show.
      var set = CONTROL_KEYS.filter(function (key, index) {
        return shownValues[key] === JSON.stringify(values[index]);
      });
      CONTROL_KEYS.forEach(function (key, index) {
        shownValues[key] = JSON.stringify(values[index]);
      });
      if (!started) {
        started = true;
        page().start(document.getElementById("timeline"), explorerControls);
        return noUpdate();
      }
      var view = page().view();
      if (!view) { return noUpdate(); }
      var triggered = (window.dash_clientside.callback_context.triggered || [])
        .map(function (trigger) { return trigger.prop_id; })
        .filter(function (id) { return CONTROL_KEYS.indexOf(id) >= 0 && set.indexOf(id) < 0; });
      if (!triggered.length) {  // Dash's first call: the controls show the view
        explorerControls.sync(view);
        return noUpdate();
      }
      var next = triggered.reduce(function (current, id) {
        return changed(current, id, values);
      }, view);
      // Typing replaces the address's entry: back skips each half-typed word.
      page().go(next, triggered.length === 1 && triggered[0] === "search.value");
      return noUpdate();
    },
    actorOptions: function (typed, chosen) {
      var options = actorOptions(typed, chosen);
      if (!options) { return noUpdate(); }
      shownValues["actor-filter.options"] = JSON.stringify(options);
      return options;
    }
  };
}());
