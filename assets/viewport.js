// When the page's width changes (a phone turned, a window resized), tell the
// app, so the chart re-packs its labels and picks its touch behaviour anew.
(function () {
  var timer = null;
  var lastWidth = window.innerWidth;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      // Small changes are a phone's toolbars showing and hiding: ignore them.
      if (Math.abs(window.innerWidth - lastWidth) < 40) return;
      lastWidth = window.innerWidth;
      var graph = document.getElementById("timeline-graph");
      if (graph && window.dash_clientside && window.dash_clientside.set_props) {
        window.dash_clientside.set_props("viewport-width", { data: graph.clientWidth });
      }
    }, 250);
  });
})();
