// ← and → step through the filtered events by following the stepper's links,
// so the keyboard does exactly what the buttons do (and back/forward replay it).
document.addEventListener("keydown", function (event) {
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
  var target = event.target;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
    return;
  }
  var link = document.getElementById(event.key === "ArrowLeft" ? "prev-event" : "next-event");
  if (link && link.tagName === "A") {
    event.preventDefault();
    link.click();
  }
});
