// The preview chart in the page's colours (issue 17): on a dark page (the system
// prefers dark: editor.css's rule) each colour of the figure is drawn as its dark
// twin, the reader pages' (view/colours.py, listed on the preview's box by
// editor/page.py), and Plotly's mode bar to suit.
//
// Every callback that redraws the preview sends the figure in light colours, and
// dcc.Graph hands it to window.Plotly.react (the app's scatter bundle, loaded
// before this file: page.py EDITOR_FILES). So the swap is made there, for the
// preview's graph only, with the engine's own `themed` (figure-packing.js): no
// callback needs to know the theme, and the chart is never drawn light first.
// The figure Dash holds is left as it came; the one last given is kept on the
// graph, so a system turning dark or light redraws it in its new colours.
(function () {
  "use strict";

  var Plotly = window.Plotly, packing = window.TimelineFigurePacking;
  if (!Plotly || !packing || Plotly.timelineThemed) { return; }
  var PREFERS_DARK = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)")
                                       : null;
  var MODEBAR_DARK = {bgcolor: "rgba(0, 0, 0, 0.3)", color: "#c9ccd1", activecolor: "#ffffff"};
  var react = Plotly.react;

  function previewBox(gd) {
    return gd && gd.closest ? gd.closest("[data-dark-colours]") : null;
  }

  function twins(box) {
    if (!box.timelineTwins) {
      try { box.timelineTwins = JSON.parse(box.getAttribute("data-dark-colours")); }
      catch (broken) { box.timelineTwins = {}; }
    }
    return box.timelineTwins;
  }

  function inTheme(figure, box) {
    if (!PREFERS_DARK || !PREFERS_DARK.matches) { return figure; }
    var dark = packing.themed(figure, twins(box));
    var themed = Object.assign({}, figure, {data: dark.data});
    themed.layout = Object.assign({}, dark.layout, {modebar: MODEBAR_DARK});
    return themed;
  }

  // dcc.Graph calls Plotly.react(graph, {data, layout, config, frames}).
  // While the editor is busy with a cell (editor.js), the redraw waits for its check.
  Plotly.react = function (gd, figure) {
    var box = previewBox(gd), args = Array.prototype.slice.call(arguments), self = this;
    if (box && figure && Array.isArray(figure.data)) {
      gd.timelineLightFigure = figure;
      args[1] = inTheme(figure, box);
      var editor = window.timelineEditorPreview;
      if (editor && editor.busy()) {
        return editor.later(function () { return react.apply(self, args); });
      }
    }
    return react.apply(this, args);
  };
  Plotly.timelineThemed = true;

  function redrawAll() {
    document.querySelectorAll("[data-dark-colours] .js-plotly-plot").forEach(function (gd) {
      if (gd.timelineLightFigure) { Plotly.react(gd, gd.timelineLightFigure); }
    });
  }
  if (PREFERS_DARK && PREFERS_DARK.addEventListener) {
    PREFERS_DARK.addEventListener("change", redrawAll);
  }
}());
