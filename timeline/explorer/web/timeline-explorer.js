/* The explorer's shell: Dash's controls around the engine (timeline-engine.js).
 *
 * The engine's boxes are plain HTML around Dash's entry point
 * (layout.explorer_page): the engine starts when this script runs and draws
 * as soon as its data is in, while Dash starts. Two clientside callbacks
 * (timeline/explorer/callbacks.py) call in here: one with every control's value
 * whenever a reader changes one (Dash's first call says its controls are
 * drawn), one with what a reader types into the actor filter. The engine
 * calls back (`sync`) with each view it draws, and the controls are set to
 * show it through Dash's set_props: a set control calls the first callback
 * again, with the view the engine already shows, which changes nothing.
 */
(function () {
  "use strict";
  var core = window.TimelineCore;
  var ACTOR_OPTIONS = 50;  // layout.ACTOR_OPTIONS: names listed at once
  var EMBED_HEIGHT_PX = 640;  // snippets.EMBED_HEIGHT_PX
  var dashReady = false;  // Dash has drawn its controls and called in once
  var filtersOpen = null;  // what the engine asked of the filters before then
  var shownValues = {};  // "id.prop" → the JSON of the value the control holds

  function page() { return window.TimelinePage; }

  function noUpdate() { return window.dash_clientside.no_update; }

  /* Sets a control's property, unless it holds that value already. Before
   * Dash has drawn its controls, nothing: its first call shows the view. */
  function show(id, prop, value) {
    var key = id + "." + prop, json = JSON.stringify(value);
    if (!dashReady || shownValues[key] === json) { return; }
    var props = {};
    props[prop] = value;
    window.dash_clientside.set_props(id, props);
    shownValues[key] = json;
  }

  function openFilters() {
    if (dashReady && filtersOpen !== null) {
      window.dash_clientside.set_props("filters", { open: filtersOpen });
      filtersOpen = null;
    }
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
        (marked ? " data-timeline-embed" : "") +
        ' allow="fullscreen; picture-in-picture" loading="lazy"></iframe>';
    }
    return [iframe(false), iframe(true) + "\n" + '<script src="' +
            escapeHtml(base + "embed.js") + '" async></script>'];
  }

  var explorerControls = {
    build: function () {},
    openFilters: function (wide) { filtersOpen = wide; openFilters(); },
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
      document.getElementById("embed-snippet").value = both[0];
      document.getElementById("embed-loader-snippet").value = both[1];
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
      case "reset.n_clicks":
        return core.withChanges(core.parseView(""), { lanes: view.lanes,
                                                      listOpen: view.listOpen,
                                                      story: view.story });
      default: return view;
    }
  }

  var CONTROL_KEYS = ["search.value", "actor-filter.value", "category-filter.value",
                      "certainty-filter.value", "date-filter.start_date",
                      "date-filter.end_date", "lane-switch.value", "reset.n_clicks"];

  /* A snippet's Copy button: the clipboard, or (where the page may not write
   * to it) the snippet selected, for the reader to copy. */
  function copySnippet(button) {
    var box = document.getElementById(button.getAttribute("data-copies"));
    function copied(text) { button.textContent = text; }
    box.select();
    var written = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(box.value) : Promise.reject();
    written.then(function () { copied("Copied"); }, function () {
      copied(document.execCommand && document.execCommand("copy") ? "Copied" : "Selected");
    });
  }
  document.addEventListener("click", function (click) {
    var button = click.target.closest && click.target.closest("button[data-copies]");
    if (button) { copySnippet(button); }
  });

  // The engine's boxes are in the page (layout.explorer_page), which asked for
  // the data at once (app_factory.place_the_page): the engine starts once the
  // page's scripts have run (plotly.js is among Dash's, after this one), not
  // after Dash has started.
  function start() { page().start(document.getElementById("timeline"), explorerControls); }
  if (page()) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else { start(); }
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.explorer = {
    controlsChanged: function () {
      var values = Array.prototype.slice.call(arguments);
      // A control holding what `sync` set it to says nothing new: a view the
      // controls cannot show (`?category=nothing` ticks no box) must not be
      // replaced by what they do show.
      if (!dashReady) {  // Dash's first call: its controls show the view from now on
        dashReady = true;
        shownValues = {};
      }
      var set = CONTROL_KEYS.filter(function (key, index) {
        return shownValues[key] === JSON.stringify(values[index]);
      });
      CONTROL_KEYS.forEach(function (key, index) {
        shownValues[key] = JSON.stringify(values[index]);
      });
      openFilters();
      var view = page().view();
      if (!view) { return noUpdate(); }  // the engine has no data yet: it syncs when it draws
      var triggered = (window.dash_clientside.callback_context.triggered || [])
        .map(function (trigger) { return trigger.prop_id; })
        .filter(function (id) { return CONTROL_KEYS.indexOf(id) >= 0 && set.indexOf(id) < 0; });
      if (!triggered.length) {  // Dash's first call, or controls set to the view shown
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
