// Previous/next (the buttons and the ← → keys) step through the events shown,
// in date order. The engine (timeline-engine.js) works the step out from the
// view it shows, not from the list's links: the list only draws the rows on
// screen, and quick presses must never act on a stale view.
(function () {
  function step(direction) {
    if (window.TimelinePage) window.TimelinePage.step(direction);
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
