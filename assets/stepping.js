// Previous/next (the buttons and the ← → keys) step through the event list,
// which is always the filtered events in date order. The step is worked out
// here from the URL, not from links the server drew, so quick presses never
// act on a stale link; following the list's own link keeps back/forward working.
(function () {
  function eventOf(href) {
    return new URL(href, window.location.href).searchParams.get("event");
  }

  function step(direction) {
    if (window.timelineFlush) window.timelineFlush();  // the embed draws its list a frame late
    var links = Array.prototype.slice.call(document.querySelectorAll("#event-list a.list-link"));
    if (!links.length) return;
    var current = new URLSearchParams(window.location.search).get("event");
    var index = links.findIndex(function (link) { return eventOf(link.href) === current; });
    var target = index < 0 ? (direction > 0 ? 0 : links.length - 1) : index + direction;
    if (target >= 0 && target < links.length) links[target].click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      return;
    }
    event.preventDefault();
    step(event.key === "ArrowRight" ? 1 : -1);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#prev-event, #next-event");
    if (!button) return;
    event.preventDefault();
    step(button.id === "next-event" ? 1 : -1);
  });
})();
