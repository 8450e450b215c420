// Leaving the editor with unsaved changes asks first: nothing an editor typed is lost.
window.addEventListener("beforeunload", function (event) {
  if (window.timelineEditorDirty) {
    event.preventDefault();
    event.returnValue = "";
  }
});
