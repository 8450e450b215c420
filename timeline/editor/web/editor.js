// The editor's code that runs in the browser: Dash clientside callbacks, named
// in timeline/editor/callbacks.py with ClientsideFunction.
//
// Unsaved changes are counted here, where they happen, not by the server: a
// check's answer can land after a Save that was clicked meanwhile, and must not
// mark the saved table unsaved again. Each change to the table's rows adds one
// to `edit-edits`; a save records the count it saved (`edit-saved-edits`), read
// together with the rows it saved. The table is unsaved while they differ.
(function () {
  "use strict";

  // The flag for leaving the page is set as each count changes, not by one
  // callback of both stores: Dash would hold that until a check in flight answered.
  function counted(edits, savedEdits) {
    var now = (edits || 0) + 1;
    window.timelineEditorDirty = now !== (savedEdits || 0);
    return now;
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.editor = {
    // A checked change, applied to the grid as it is now: new rows added, deleted
    // ones removed, and the marks (problems, line) of a row merged into its
    // current data where they differ, so a cell typed after the check stays.
    // Rows added or removed count as one change.
    applyChange: function (change, edits, savedEdits) {
      var noUpdate = window.dash_clientside.no_update;
      var api = window.dash_ag_grid && window.dash_ag_grid.getApi("edit-grid");
      if (!change || !api) { return [noUpdate, noUpdate]; }
      var update = [];
      change.marks.forEach(function (mark) {
        var node = api.getRowNode(mark[0]);
        if (!node || !node.data) { return; }  // removed since
        var data = node.data;
        if (data.__problems && data.__line === mark[2] &&
            JSON.stringify(data.__problems) === JSON.stringify(mark[1])) { return; }
        var row = Object.assign({}, data);
        row.__problems = mark[1];
        row.__line = mark[2];
        update.push(row);
      });
      var rowsChanged = change.add.length > 0 || change.remove.length > 0;
      return [{add: change.add, remove: change.remove, update: update, async: false},
              rowsChanged ? counted(edits, savedEdits) : noUpdate];
    },

    // A typed cell counts as one change at once (its check answers later).
    countEdit: function (_cellChanged, edits, savedEdits) {
      return counted(edits, savedEdits);
    },

    // A save answered: the table is saved up to the changes it held.
    markSaved: function (savedEdits, edits) {
      window.timelineEditorDirty = (edits || 0) !== (savedEdits || 0);
    }
  };

  // Leaving the editor with unsaved changes asks first: nothing an editor typed is lost.
  window.addEventListener("beforeunload", function (event) {
    if (window.timelineEditorDirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}());
