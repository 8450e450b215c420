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

  // Told on the page when a check's marks are set on rows in place (event-form.js).
  var MARKED_EVENT = "timeline-rows-marked";

  // The flag for leaving the page is set as each count changes, not by one
  // callback of both stores: Dash would hold that until a check in flight answered.
  function counted(edits, savedEdits) {
    var now = (edits || 0) + 1;
    window.timelineEditorDirty = now !== (savedEdits || 0);
    return now;
  }

  // The row `key` scrolled into view as soon as the grid holds it (rows sent with a
  // change are added after this function returns).
  function showOnceThere(api, key) {
    var show = function () {
      var node = api.getRowNode(key);
      if (!node) { return false; }
      api.removeEventListener("modelUpdated", show);
      api.ensureNodeVisible(node, "bottom");
      return true;
    };
    if (!show()) { api.addEventListener("modelUpdated", show); }
  }

  function noProblems(problems) {
    for (var column in problems || {}) {
      if (Object.prototype.hasOwnProperty.call(problems, column)) { return false; }
    }
    return true;
  }

  // The marks (problems, line) of `change` that differ from what the grid shows, as
  // [the row's data, problems, line]: every row's from a check of the whole table
  // (table_delta.marks_answer), or some rows' (`marks`: rows.row_change).
  function changedMarks(api, change) {
    var found = [];
    if (change.order) {
      var keys = window.timelineGridState.expandKeys(change.order), lines = [];
      change.lines.forEach(function (run) {
        for (var n = 0; n < run[1]; n += 1) { lines.push(run[0] + n); }
      });
      keys.forEach(function (key, index) {
        var node = api.getRowNode(key);
        if (!node || !node.data) { return; }  // removed since, or added by this change
        var data = node.data, problems = change.problems[index] || {}, line = lines[index];
        if (data.__line === line && (noProblems(problems) ? noProblems(data.__problems) :
            JSON.stringify(data.__problems) === JSON.stringify(problems))) { return; }
        found.push([data, problems, line]);
      });
    }
    (change.marks || []).forEach(function (mark) {
      var node = api.getRowNode(mark[0]);
      if (!node || !node.data) { return; }  // removed since
      var data = node.data;
      if (data.__problems && data.__line === mark[2] &&
          JSON.stringify(data.__problems) === JSON.stringify(mark[1])) { return; }
      found.push([data, mark[1], mark[2]]);
    });
    return found;
  }

  // The preview is drawn once the editor pauses: at 10,000 events it takes the server
  // most of a second, which a check typed meanwhile, or a Save, would wait behind.
  var PREVIEW_PAUSE_MS = 400;
  // `owed`: asked for again once a Save answers; `afterCell`: once the open cell closes.
  var preview = {timer: null, owed: false, afterCell: false};

  // A preview about to be asked for is put off; true if there was one.
  function putOff() {
    if (preview.timer === null) { return false; }
    window.clearTimeout(preview.timer);
    preview.timer = null;
    return true;
  }

  function previewSoon() {
    window.clearTimeout(preview.timer);
    preview.timer = window.setTimeout(function () {
      preview.timer = null;
      preview.owed = false;
      window.dash_clientside.set_props("edit-preview-due", {data: Date.now()});
    }, PREVIEW_PAUSE_MS);
  }

  // While a cell is open for typing, or its check has not answered, the editor is
  // busy: a preview is neither asked for nor drawn then (drawing one at 10,000 events
  // takes the browser 200 ms and more, which a check's answer would wait behind). A
  // preview that arrives meanwhile is drawn after the check's marks are shown, and
  // never held longer than BUSY_AT_MOST_MS (a check that never answers).
  var BUSY_AT_MOST_MS = 3000;
  var busy = {editing: false, checking: false, since: 0, held: null};

  function isBusy() {
    return (busy.editing || busy.checking) && Date.now() - busy.since < BUSY_AT_MOST_MS;
  }

  function becameBusy(what) {
    busy[what] = true;
    busy.since = Date.now();
  }

  // After the next frame (what the editor sees of the check is painted first).
  function drawHeldSoon() {
    window.requestAnimationFrame(function () { window.setTimeout(drawHeld, 0); });
  }

  function drawHeld() {
    if (!busy.held) { return; }
    if (isBusy()) {  // looked at again once the longest hold is over
      window.setTimeout(drawHeld, BUSY_AT_MOST_MS - (Date.now() - busy.since));
      return;
    }
    var held = busy.held;
    busy.held = null;
    var drawn;
    try { drawn = Promise.resolve(held.draw()); } catch (failed) { drawn = Promise.reject(failed); }
    held.settle.forEach(function (settle) { settle(drawn); });
  }

  // Grid-state.js calls these on the grid's own events, preview-theme.js `later`.
  window.timelineEditorPreview = {
    editing: function () {
      becameBusy("editing");
      preview.afterCell = putOff() || preview.afterCell;
    },
    edited: function () {
      busy.editing = false;
      if (preview.afterCell) {
        preview.afterCell = false;
        previewSoon();
      }
      drawHeldSoon();
    },
    checking: function () { becameBusy("checking"); },
    answered: function () {
      busy.checking = false;
      drawHeldSoon();
    },
    busy: isBusy,
    // `draw` (a redraw of the preview, giving a promise) once the editor is not busy;
    // a newer one takes the place of one still held, and both promises follow it.
    later: function (draw) {
      return new Promise(function (settle) {
        busy.held = {draw: draw, settle: (busy.held ? busy.held.settle : []).concat([settle])};
        window.setTimeout(drawHeld, BUSY_AT_MOST_MS);
      });
    }
  };

  // A Save clicked before the pause is over goes first; the preview follows its answer.
  document.addEventListener("click", function (event) {
    var target = event.target && event.target.closest && event.target.closest("#edit-save");
    if (target && putOff()) { preview.owed = true; }
  }, true);

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.editor = {
    // After a check's answer, or after a save's (if one was owed then).
    previewAfterPause: function (change) {
      if (change && !change.resend) { previewSoon(); }
    },
    previewOwed: function () {
      if (preview.owed) { previewSoon(); }
    },

    // A checked change, applied to the grid as it is now: new rows added, deleted
    // ones removed, and the marks (problems, line) of a row merged into its
    // current data where they differ, so a cell typed after the check stays.
    // Rows added or removed count as one change.
    applyChange: function (change, edits, savedEdits) {
      var noUpdate = window.dash_clientside.no_update;
      var api = window.dash_ag_grid && window.dash_ag_grid.getApi("edit-grid");
      if (!change || !api) { return [noUpdate, noUpdate]; }
      if (change.resend) {
        if (window.timelineGridState) { window.timelineGridState.resend(); }
        return [noUpdate, noUpdate];
      }
      window.timelineEditorPreview.answered();
      var marks = changedMarks(api, change);
      // Rows an upload or a paste rewrote come whole: that is what the editor asked for.
      var rewritten = change.update || [];
      var rowsChanged = change.add.length > 0 || change.remove.length > 0 ||
        rewritten.length > 0;
      if (!rowsChanged) {
        // Marks alone (a typed cell's check): set on the rows' own data, and their cells
        // drawn again. A row transaction through dash-ag-grid's `rowTransaction` would
        // draw its component again, place every row again and copy them all into
        // `rowData` (60 ms at 10,000 rows); `rowData` holds these same objects, so it
        // has the marks as well.
        var nodes = [];
        marks.forEach(function (mark) {
          mark[0].__problems = mark[1];
          mark[0].__line = mark[2];
          nodes.push(api.getRowNode(mark[0].__row));
        });
        if (nodes.length) {
          api.refreshCells({rowNodes: nodes, force: true});
          document.dispatchEvent(new CustomEvent(MARKED_EVENT));  // the form shows them
        }
        return [noUpdate, noUpdate];
      }
      var update = marks.map(function (mark) {
        var row = Object.assign({}, mark[0]);
        row.__problems = mark[1];
        row.__line = mark[2];
        return row;
      });
      rewritten.forEach(function (row) {
        if (api.getRowNode(row.__row)) { update.push(row); }
      });
      if (change.show) { showOnceThere(api, change.show); }
      if (window.timelineGridState) { window.timelineGridState.rowsChanging(api, change); }
      return [{add: change.add, remove: change.remove, update: update, async: false},
              counted(edits, savedEdits)];
    },

    // A typed cell counts as one change at once (its check answers later).
    countEdit: function (_cellChanged, edits, savedEdits) {
      // Its check is on the way, and the preview waits for that one's pause.
      putOff();
      return counted(edits, savedEdits);
    },

    // A save answered: the table is saved up to the changes it held.
    markSaved: function (savedEdits, edits) {
      window.timelineEditorDirty = (edits || 0) !== (savedEdits || 0);
    },

    // The fields chosen after a merge (editor/merge_view.py): the radio button
    // checked in each field's group, as {sides: {clash: side}, click}; nothing is
    // sent until every field has one, and the note says how many have none.
    readChoices: function (clicks, clashes) {
      var noUpdate = window.dash_clientside.no_update;
      if (!clicks || !clashes || !clashes.length) { return [noUpdate, noUpdate]; }
      var sides = {}, left = 0;
      clashes.forEach(function (clash, number) {
        var checked = document.querySelector("#edit-merge-choice-" + number + " input:checked");
        if (checked) { sides[clash] = checked.value; } else { left += 1; }
      });
      if (left) {
        return [noUpdate, "Choose a value for every field first: " + left +
                (left === 1 ? " has" : " have") + " no choice yet."];
      }
      return [{sides: sides, click: clicks}, ""];
    },

    // A merged save, shown in the table as it is now: the fields the merge brought
    // in set on their rows (other cells, typed since, stay), rows added and
    // removed, every row's marks. Not a change of the editor's: nothing is counted.
    applyMerge: function (change) {
      var noUpdate = window.dash_clientside.no_update;
      var api = window.dash_ag_grid && window.dash_ag_grid.getApi("edit-grid");
      if (!change || !api) { return noUpdate; }
      var fields = {}, marks = {}, update = [];
      change.fields.forEach(function (item) { fields[item[0]] = item[1]; });
      change.marks.forEach(function (mark) { marks[mark[0]] = mark; });
      Object.keys(Object.assign({}, marks, fields)).forEach(function (key) {
        var node = api.getRowNode(key);
        if (!node || !node.data) { return; }
        var row = Object.assign({}, node.data, fields[key] || {});
        if (marks[key]) { row.__problems = marks[key][1]; row.__line = marks[key][2]; }
        update.push(row);
      });
      if (window.timelineGridState) { window.timelineGridState.merged(); }
      return {add: change.add, remove: change.remove, update: update, async: false};
    }
  };

  // The history's versions are buttons (editor/history_list.py): the one pressed
  // is marked, and its version goes to the hidden input the callbacks read.
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest &&
      event.target.closest("#edit-history-list button.history-version");
    if (!button || !window.dash_clientside.set_props) { return; }
    var all = document.querySelectorAll("#edit-history-list button.history-version");
    Array.prototype.forEach.call(all, function (other) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    });
    window.dash_clientside.set_props("edit-history", {value: button.getAttribute("data-version")});
  });

  // Cells copied from a spreadsheet and pasted on the table (not into a cell being
  // typed in) go to the server as a paste of rows (`edit-grid-paste`): AG Grid's
  // free edition has no paste of its own. One cell's text is left alone.
  document.addEventListener("paste", function (event) {
    var grid = document.getElementById("edit-grid");
    var target = event.target;
    if (!grid || !target || !grid.contains(target) ||
        target.closest(".ag-cell-inline-editing, input, textarea")) { return; }
    var text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
    if (!/[\t\n]/.test(text.replace(/\s+$/, ""))) { return; }
    event.preventDefault();
    window.dash_clientside.set_props("edit-grid-paste", {data: {text: text, at: Date.now()}});
  });

  // Dash 4's own controls, mended where they are drawn to pass axe (issue 17): the
  // dropdown's hidden focus target leaves the tab order (its button is in it); the
  // upload's file input, reached by its button, is named and left out too; and
  // dcc.RadioItems (the choices after a merge) loses the listbox roles that put its
  // native radio buttons inside "options" (nested-interactive): the fieldset
  // around each names it.
  function mendDashControls() {
    document.querySelectorAll(".dash-dropdown-focus-target:not([tabindex='-1'])")
      .forEach(function (input) { input.tabIndex = -1; });
    document.querySelectorAll("#edit-upload input[type=file]:not([aria-label])")
      .forEach(function (input) {
        input.setAttribute("aria-label", "Choose a CSV file to upload");
        input.tabIndex = -1;
      });
    document.querySelectorAll(
      ".merge-options[role], .merge-options [role=option], .merge-options [aria-selected]")
      .forEach(function (element) {
        element.removeAttribute("role");
        element.removeAttribute("aria-selected");
      });
  }
  new MutationObserver(mendDashControls).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true,
    attributeFilter: ["tabindex", "role", "aria-selected"]});

  // Leaving the editor with unsaved changes asks first: nothing an editor typed is lost.
  window.addEventListener("beforeunload", function (event) {
    var state = window.timelineGridState;
    if (state ? state.unsaved() > 0 : window.timelineEditorDirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}());
