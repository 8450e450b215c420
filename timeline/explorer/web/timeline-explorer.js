/* The explorer's shell: its parts of the page around the engine (timeline-engine.js).
 *
 * The filters are the engine's plain HTML controls, as in the embed (Dash 4's
 * checklists, dropdown and date picker broke accessibility rules: issue 17,
 * docs/architecture.md). The explorer changes two things of the embed's: its
 * list opens with the page whatever the view (no `list` parameter folds it),
 * and each view drawn writes the "Embed this view" snippets. The engine starts
 * when this script runs (the page's boxes and filters are plain HTML in it:
 * layout.explorer_page) and draws as soon as its data is in.
 */
(function () {
  "use strict";
  var core = window.TimelineCore;
  var EMBED_HEIGHT_PX = 640;  // snippets.EMBED_HEIGHT_PX

  function page() { return window.TimelinePage; }

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

  /* What the explorer changes of the engine's plain controls. */
  var explorerControls = {
    listInView: false,
    teaserCards: false,  // a page of its own, with room to read a card whole
    afterDraw: function (view) {
      var both = snippets(view);
      document.getElementById("embed-snippet").value = both[0];
      document.getElementById("embed-loader-snippet").value = both[1];
    }
  };

  /* A snippet's Copy button: the clipboard, or (where the page may not write
   * to it) the snippet selected, for the reader to copy. */
  function copySnippet(button) {
    var box = document.getElementById(button.getAttribute("data-copies"));
    function copied(text) { button.textContent = text; }
    box.select();
    var written = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(box.value) : Promise.reject();
    written.then(function () { copied(core.t("Copied")); }, function () {
      copied(document.execCommand && document.execCommand("copy") ? core.t("Copied")
                                                                  : core.t("Selected"));
    });
  }
  document.addEventListener("click", function (click) {
    var button = click.target.closest && click.target.closest("button[data-copies]");
    if (button) { copySnippet(button); }
  });

  /* The skip links: the focus to the chart, or to the list's event open (else
   * its first), the list unfolded if a reader had folded it. No #fragment in
   * the address, which is the view's (a link copied from it stays clean). */
  function skipTo(link) {
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target.id === "event-list") {
      target.closest("details").open = true;
      target = target.querySelector("[aria-current=true] a") || target.querySelector("a") ||
               target.closest("details").querySelector("summary");
    }
    target.focus();
  }
  document.addEventListener("click", function (click) {
    var link = click.target.closest && click.target.closest("a.skip-link");
    if (link && document.getElementById(link.getAttribute("href").slice(1))) {
      click.preventDefault();
      skipTo(link);
    }
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
}());
