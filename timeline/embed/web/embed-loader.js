// /embed.js: an article adds this next to a timeline's iframe, and the iframe
// takes the height its page reports, so readers never scroll inside it:
//   <iframe src="https://…/embed?…" data-timeline-embed …></iframe>
//   <script src="https://…/embed.js" async></script>
// Only {type: "embed-size"} messages from the timeline's own origin (the one
// this script came from) and from the window of an iframe on this page count.
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = script && script.src ? new URL(script.src, location.href).origin : null;

  function originOf(frame) {
    try { return new URL(frame.src, location.href).origin; } catch (e) { return null; }
  }

  function ours(frame) {
    return frame.hasAttribute("data-timeline-embed") ||
      (origin !== null && originOf(frame) === origin &&
       /\/embed\/?$/.test(new URL(frame.src, location.href).pathname));
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "embed-size") return;
    var height = Math.ceil(Number(data.height));
    if (!(height > 0 && height < 100000)) return;
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow === event.source &&
          event.origin === (origin || originOf(frame)) && ours(frame)) {
        frame.style.height = height + "px";
      }
    }
  });

  // This script is async: an embed that loaded first has already reported its
  // height, so ask each one to say it again.
  var frames = document.getElementsByTagName("iframe");
  for (var i = 0; i < frames.length; i++) {
    if (ours(frames[i]) && frames[i].contentWindow) {
      frames[i].contentWindow.postMessage({ type: "embed-size-request" }, "*");
    }
  }
})();
