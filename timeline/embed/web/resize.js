// Tell the page around this embed how tall it is, whenever that changes, in
// the three forms newsroom pages already listen for:
//   pym.js:      "pymxPYMx<childId>xPYMxheightxPYMx<px>" (pym.Parent adds ?childId=)
//   Datawrapper: {"datawrapper-height": {"<dw-id, id or path>": px}}
//   ours:        {type: "embed-size", height: px, src: location.href} (read by /embed.js)
// Self-contained (no Dash, no globals), so it works in the static export too.
(function () {
  "use strict";
  var parent = window.parent;
  if (!parent || parent === window || !window.postMessage) return;

  // Read once: the page may rewrite its URL later and drop parameters it does not know.
  var params = new URLSearchParams(location.search);
  var pymId = params.get("childId");
  var chartId = params.get("dw-id") || params.get("id") || location.pathname;
  var sent = -1;
  var queued = false;

  // The bottom of the body's margin box: unlike the root's scrollHeight it can
  // shrink below the iframe's current height, and it ignores `html {height: 100%}`.
  function height() {
    var body = document.body;
    if (!body) return 0;
    var bottom = body.getBoundingClientRect().bottom + (window.pageYOffset || 0);
    return Math.ceil(bottom + (parseFloat(getComputedStyle(body).marginBottom) || 0));
  }

  function send(always) {
    queued = false;
    var px = height();
    if (px <= 0 || (px === sent && !always)) return;
    sent = px;
    if (pymId) parent.postMessage("pymxPYMx" + pymId + "xPYMxheightxPYMx" + px, "*");
    var dw = {};
    dw[chartId] = px;
    parent.postMessage({ "datawrapper-height": dw }, "*");
    parent.postMessage({ type: "embed-size", height: px, src: location.href }, "*");
  }

  // At most one message per frame, however many changes the frame saw.
  function schedule() {
    if (queued) return;
    queued = true;
    var later = function () { send(false); };
    if (window.requestAnimationFrame) window.requestAnimationFrame(later);
    else setTimeout(later, 16);
  }

  // A parent that started listening late asks again: pym.Parent sends its width
  // (and pym children answer with their height); /embed.js sends a request.
  window.addEventListener("message", function (event) {
    if (event.source !== parent) return;
    var data = event.data;
    if ((data && data.type === "embed-size-request") ||
        (pymId && typeof data === "string" &&
         data.indexOf("pymxPYMx" + pymId + "xPYMxwidthxPYMx") === 0)) {
      send(true);
    }
  });

  function start() {
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(schedule);
      observer.observe(document.documentElement);
      observer.observe(document.body);
    } else {
      window.addEventListener("resize", schedule);
    }
    schedule();
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
  window.addEventListener("load", function () { send(false); });
})();
