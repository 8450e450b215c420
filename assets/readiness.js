// `data-timeline="interactive"` on <html> once the chart answers hover and
// clicks: tests and newsroom scripts wait on it (README, "Page ids"). The embed
// sets it itself (timeline-embed.js); here, the explorer's chart is Dash's
// dcc.Graph, which wires its click and hover handlers as Plotly finishes a draw.
(function () {
  var root = document.documentElement;

  function markWhenDrawn(graph) {
    function mark() {
      if (graph.querySelector(".main-svg .scatterlayer")) {
        root.setAttribute("data-timeline", "interactive");
        return true;
      }
      return false;
    }
    if (!mark() && typeof graph.on === "function") { graph.on("plotly_afterplot", mark); }
  }

  var watcher = new MutationObserver(function () {
    var graph = document.querySelector("#timeline-graph .js-plotly-plot");
    if (graph && typeof graph.on === "function") {
      watcher.disconnect();
      markWhenDrawn(graph);
    }
  });
  watcher.observe(document, { childList: true, subtree: true });
}());
