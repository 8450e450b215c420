// Previous/next (the buttons, the ← → keys and a swipe across the card) step through the events shown,
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
    // A control that takes the arrows itself (the overview strip's slider) had them.
    if (event.defaultPrevented || (target.getAttribute && target.getAttribute("role") === "slider")) {
      return;
    }
    event.preventDefault();
    step(event.key === "ArrowRight" ? 1 : -1);
  });

  // A swipe across the event's card steps too, as on a phone's photo viewer:
  // to the left for the next event, to the right for the one before. Mostly
  // sideways and far enough, so scrolling the page past the card never steps.
  var SWIPE_PX = 48;
  var swipe = null;
  document.addEventListener("touchstart", function (event) {
    var card = event.target.closest && event.target.closest("#event-detail");
    swipe = card && event.touches.length === 1
      ? { x: event.touches[0].clientX, y: event.touches[0].clientY } : null;
  }, { passive: true });
  document.addEventListener("touchend", function (event) {
    if (!swipe || !event.changedTouches.length) return;
    var dx = event.changedTouches[0].clientX - swipe.x;
    var dy = event.changedTouches[0].clientY - swipe.y;
    swipe = null;
    if (Math.abs(dx) >= SWIPE_PX && Math.abs(dx) > 2 * Math.abs(dy)) step(dx < 0 ? 1 : -1);
  }, { passive: true });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#prev-event, #next-event");
    if (!button) return;
    event.preventDefault();
    step(button.id === "next-event" ? 1 : -1);
  });
})();
