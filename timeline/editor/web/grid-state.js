// The table's state, kept in the browser (issue 16): undo and redo of every
// change, the count of unsaved changes and the marks on changed cells, the
// problems panel's links to cells, the new row opened for typing, and the draft
// kept in localStorage until it is saved or discarded.
//
// Why a stack of our own: AG Grid's undo covers typed cells only, and any row
// transaction (every check's answer is one) empties it. Here each change is
// recorded as rows before and after (cells, rows added, deleted, pasted or
// rewritten by an upload); a check's answer changes only marks, so it is never
// recorded and never undone. Undo and redo go to the grid's API directly (a row
// put back where it was needs one transaction per place), then an empty
// transaction through the grid's `rowTransaction` prop makes dash-ag-grid copy
// the rows into `rowData`, and the first `rowData` after that asks for a check
// (`checkAfterSync`, wired in editor/callbacks.py).
//
// "Unsaved" compares the grid with a baseline (the rows as loaded or last saved):
// cells that differ, rows added and rows deleted, so undoing back to it leaves 0.
(function () {
  "use strict";

  var GRID = "edit-grid";
  var MARKS = {__row: true, __problems: true, __line: true};
  var HAS = Object.prototype.hasOwnProperty;
  var DRAFT_PREFIX = "timeline-draft:";
  // A draft is every row (at 10,000 rows, 60 ms of the browser's time to write): written
  // once the change's check has answered, not while the browser applies the answer;
  // and at once when the page goes away (pagehide).
  var DRAFT_DELAY_MS = 1000;
  var UNDO_LIMIT = 200;
  var COUNT_WITHIN_MS = 300;
  // What runs when the browser is idle, within COUNT_WITHIN_MS (or at once where the
  // browser cannot say when it is idle: Safari).
  var whenIdle = window.requestIdleCallback ? {
    ask: function (then) { return window.requestIdleCallback(then, {timeout: COUNT_WITHIN_MS}); },
    cancel: function (asked) { window.cancelIdleCallback(asked); }
  } : {
    ask: function (then) { return setTimeout(then, 0); },
    cancel: function (asked) { clearTimeout(asked); }
  };

  // This page's name among the editor's tabs: the server stops a preview of it once
  // the page asks for something newer (editor/turns.py).
  var TAB = Math.random().toString(36).slice(2) + Date.now().toString(36);

  var state = {
    api: null,
    baseline: new Map(),  // row key → {column: text} as last loaded or saved
    baseOrder: [],        // the baseline's keys in file order
    baseRuns: null,       // the same as runs (keyRuns), once made
    undo: [], redo: [],
    unsaved: 0,
    told: 0,              // the count last written to `edit-unsaved-count`
    snapshot: null,       // the table when Save was clicked, the baseline once it is saved
    openAdded: false,     // the next row added is the editor's "Add a row"
    checkAsked: false,    // the next rowData sync asks for a check
    version: null,        // the data version the table (and its draft) starts from
    offer: null,          // a draft offered back and not yet answered
    touched: false,       // changed on this page: its draft is kept from then on
    sendAll: false,       // the server lacks the baseline: the next check sends every row
    lastAsk: null,        // the last check asked for (its action and selected rows)
    draftTimer: null, countTimer: null, keys: 0
  };

  // ------------------------------------------------------------- rows

  function text(value) { return value === undefined || value === null ? "" : String(value); }

  function valuesOf(data) {
    var values = {};
    Object.keys(data || {}).forEach(function (column) {
      if (!MARKS[column]) { values[column] = text(data[column]); }
    });
    return values;
  }

  function columns() {
    return (state.api.getColumnDefs() || []).map(function (def) { return def.field; })
      .filter(function (field) { return field && !MARKS[field]; });
  }

  function allNodes() {
    var nodes = [];
    state.api.forEachNode(function (node) { if (node.data) { nodes.push(node); } });
    return nodes;
  }

  function freshKey() {
    state.keys += 1;
    return "d" + Date.now().toString(36) + "-" + state.keys;  // the server's keys are "r<n>"
  }

  // ------------------------------------------------------------- the unsaved count

  // The cells of a row's `data` (marks left out) that differ from `base`, a column
  // missing on either side read as empty. Read in place, nothing made: it runs over
  // every row after each change (10,000 copies of each row cost a check 40 ms).
  function differs(data, base) {
    var count = 0, column;
    for (column in data) {
      if (HAS.call(data, column) && !MARKS[column] &&
          text(data[column]) !== text(base[column])) { count += 1; }
    }
    for (column in base) {
      if (HAS.call(base, column) && !HAS.call(data, column) && text(base[column]) !== "") {
        count += 1;
      }
    }
    return count;
  }

  function countNow() {
    if (!state.api) { return; }
    var count = 0, present = new Set();
    state.api.forEachNode(function (node) {
      if (!node.data) { return; }
      var key = node.data.__row, base = state.baseline.get(key);
      present.add(key);
      count += base ? differs(node.data, base) : 1;
    });
    state.baseline.forEach(function (_base, key) { if (!present.has(key)) { count += 1; } });
    state.unsaved = count;
    window.timelineEditorDirty = count > 0;
    tellTheServer(count);
    showState();
    keepDraft();
  }

  // The count in `edit-unsaved-count`, which a restore and a saved upload read
  // (editor/callbacks.py, incoming_callbacks.py): they refuse while it is not 0.
  function tellTheServer(count) {
    if (state.told === count || !window.dash_clientside || !window.dash_clientside.set_props) {
      return;
    }
    state.told = count;
    window.dash_clientside.set_props("edit-unsaved-count", {data: count});
  }

  // A count still to be made (a cell typed just before a click) made now.
  function countPending() {
    if (!state.countTimer) { return; }
    whenIdle.cancel(state.countTimer);
    state.countTimer = null;
    countNow();
  }

  // Counted once the browser has a moment: a count reads every row (10 ms and more at
  // 10,000 rows), and it is not to delay sending a change's check, nor drawing its answer.
  function countSoon() {
    if (state.countTimer) { return; }
    state.countTimer = whenIdle.ask(function () { state.countTimer = null; countNow(); });
  }

  function setBaseline(nodesOrRows) {
    state.baseline = new Map();
    state.baseOrder = [];
    state.baseRuns = null;  // keyRuns(baseOrder), made when first sent
    nodesOrRows.forEach(function (row) {
      state.baseline.set(row.key, row.values);
      state.baseOrder.push(row.key);
    });
  }

  function gridAsRows() {
    return allNodes().map(function (node) {
      return {key: node.data.__row, values: valuesOf(node.data)};
    });
  }

  // ------------------------------------------------------------- the table, as sent

  // Keys as runs, as table_delta.py reads them: r1, r2, r3 → ["r", 1, 3].
  function keyRuns(keys) {
    var runs = [];
    keys.forEach(function (key) {
      var last = runs[runs.length - 1];
      if (Array.isArray(last) && key === last[0] + (last[2] + 1)) {  // the next, as most are
        last[2] += 1;
        return;
      }
      var match = /^(.*?)([1-9][0-9]*)$/.exec(key);
      if (!match) { runs.push(key); return; }
      var number = Number(match[2]);
      if (Array.isArray(last) && last[0] === match[1] && last[2] === number - 1) {
        last[2] = number;
      } else {
        runs.push([match[1], number, number]);
      }
    });
    return runs;
  }

  function expandKeys(runs) {
    var keys = [];
    runs.forEach(function (run) {
      if (typeof run === "string") { keys.push(run); return; }
      for (var number = run[1]; number <= run[2]; number += 1) { keys.push(run[0] + number); }
    });
    return keys;
  }

  // What the server needs to put the table back together (table_delta.py): the
  // version the baseline is, its keys, the table's keys in order, and the rows that
  // are new or differ from the baseline. `sendAll` once the server could not.
  function tableDelta(action, selected) {
    var cols = columns(), rows = {}, order = [], all = state.sendAll;
    state.api.forEachNode(function (node) {
      var data = node.data;
      if (!data) { return; }
      var key = data.__row, base = all ? null : state.baseline.get(key);
      order.push(key);
      var same = !!base;
      for (var i = 0; same && i < cols.length; i += 1) {
        var now = data[cols[i]], was = base[cols[i]];
        same = now === was || text(now) === text(was);  // the same text, as most cells are
      }
      if (!same) { rows[key] = valuesOf(data); }
    });
    state.sendAll = false;
    state.lastAsk = {action: action, selected: selected};
    if (!state.baseRuns) { state.baseRuns = keyRuns(state.baseOrder); }
    return {base: all ? null : currentVersion(), baseKeys: all ? [] : state.baseRuns,
            order: keyRuns(order), rows: rows, action: action, selected: selected,
            at: Date.now(), tab: TAB};
  }

  function selectedKeys() {
    return (state.api.getSelectedRows() || []).map(function (row) { return row.__row; });
  }

  // ------------------------------------------------------------- what the page shows

  function byId(id) { return document.getElementById(id); }

  function showState() {
    var words = state.unsaved === 0 ? "No unsaved changes" :
      state.unsaved === 1 ? "1 unsaved change" : state.unsaved + " unsaved changes";
    var count = byId("edit-unsaved");
    if (count && count.textContent !== words) { count.textContent = words; }
    var save = byId("edit-save");
    if (save) { save.setAttribute("aria-disabled", state.unsaved === 0 ? "true" : "false"); }
    var undo = byId("edit-undo"), redo = byId("edit-redo");
    if (undo) { undo.disabled = state.undo.length === 0; }
    if (redo) { redo.disabled = state.redo.length === 0; }
  }

  // Changed cells are marked (page.py's cellClassRules call this).
  window.dashAgGridFunctions = window.dashAgGridFunctions || {};
  window.dashAgGridFunctions.timelineCellChanged = function (params) {
    if (!params || !params.data || !params.colDef) { return false; }
    var base = state.baseline.get(params.data.__row);
    if (!base) { return true; }  // a row added since
    return text(base[params.colDef.field]) !== text(params.data[params.colDef.field]);
  };

  function refreshMarks() {
    if (state.api) { state.api.refreshCells({force: true}); }
  }

  // ------------------------------------------------------------- undo and redo

  function record(rows) {
    if (!rows.length) { return; }
    state.touched = true;
    state.undo.push(rows);
    if (state.undo.length > UNDO_LIMIT) { state.undo.shift(); }
    state.redo = [];
    showState();
  }

  function positions() {
    var at = new Map();
    allNodes().forEach(function (node, index) { at.set(node.data.__row, index); });
    return at;
  }

  // A typed cell (AG Grid's event; never one of ours, which go by transaction).
  function onCellChanged(event) {
    if (!event.data || MARKS[event.colDef.field]) { return; }
    // Its check is asked for now (Dash's cellValueChanged): the preview waits for it.
    if (window.timelineEditorPreview) { window.timelineEditorPreview.checking(); }
    var after = valuesOf(event.data), before = Object.assign({}, after);
    before[event.colDef.field] = text(event.oldValue);
    if (text(event.oldValue) === text(event.newValue)) { return; }
    record([{key: event.data.__row, before: before, after: after}]);
    countSoon();
  }

  // Rows a check's answer adds, removes or rewrites (editor.js applyChange calls
  // this before the grid applies them): recorded to be undone. Marks are not.
  function rowsChanging(api, change) {
    state.api = state.api || api;
    var moved = (change.remove || []).length || (change.add || []).length;
    var at = moved ? positions() : new Map(), rows = [];
    (change.remove || []).forEach(function (gone) {
      var node = api.getRowNode(gone.__row);
      if (node && node.data) {
        rows.push({key: gone.__row, before: valuesOf(node.data), after: null,
                   index: at.get(gone.__row)});
      }
    });
    (change.update || []).forEach(function (row) {
      var node = api.getRowNode(row.__row);
      if (node && node.data) {
        rows.push({key: row.__row, before: valuesOf(node.data), after: valuesOf(row)});
      }
    });
    var end = at.size - rows.filter(function (r) { return r.after === null; }).length;
    (change.add || []).forEach(function (row, number) {
      rows.push({key: row.__row, before: null, after: valuesOf(row), index: end + number});
    });
    record(rows);
    if (state.openAdded && (change.add || []).length) {
      state.openAdded = false;
      openForTyping(change.add[change.add.length - 1].__row);
    }
    countSoon();
  }

  // Each row of `rows` set to its `side` ("before" or "after"): removed when that
  // is null, else updated in place or put back at its place; then synced and checked.
  function applySide(rows, side) {
    var api = state.api, removes = [], updates = [], adds = [];
    rows.forEach(function (row) {
      var values = row[side], node = api.getRowNode(row.key);
      if (values === null) {
        if (node) { removes.push(node.data); }
      } else if (node) {
        updates.push(Object.assign({}, node.data, values));
      } else {
        adds.push(row);
      }
    });
    if (removes.length || updates.length) {
      api.applyTransaction({remove: removes, update: updates});
    }
    adds.sort(function (a, b) { return a.index - b.index; }).forEach(function (row) {
      var data = Object.assign({__row: row.key, __problems: {}, __line: ""}, row[side]);
      api.applyTransaction({add: [data], addIndex: Math.min(row.index, allNodes().length)});
    });
    syncAndCheck();
    var shown = rows.length && api.getRowNode(rows[0].key);
    if (shown) { api.ensureNodeVisible(shown); }
    countSoon();
  }

  // dash-ag-grid copies the grid into `rowData` after a transaction of its own:
  // an empty one, and the check is asked for once `rowData` holds our change.
  function syncAndCheck() {
    state.checkAsked = true;
    window.dash_clientside.set_props(GRID, {rowTransaction: {update: [], async: false}});
  }

  function undo() {
    if (!state.api || !state.undo.length) { return; }
    var rows = state.undo.pop();
    state.redo.push(rows);
    applySide(rows.slice().reverse(), "before");
    say("Undone: " + describe(rows) + ".");
  }

  function redo() {
    if (!state.api || !state.redo.length) { return; }
    var rows = state.redo.pop();
    state.undo.push(rows);
    applySide(rows, "after");
    say("Redone: " + describe(rows) + ".");
  }

  function describe(rows) {
    var added = rows.filter(function (r) { return r.before === null; }).length;
    var removed = rows.filter(function (r) { return r.after === null; }).length;
    var parts = [];
    if (added) { parts.push(added === 1 ? "a row added" : added + " rows added"); }
    if (removed) { parts.push(removed === 1 ? "a row deleted" : removed + " rows deleted"); }
    var changed = rows.length - added - removed;
    if (changed) {
      parts.push(changed === 1 && rows.length === 1 ? "a change to " + rowName(rows[0]) :
                 changed + " rows changed");
    }
    return parts.join(", ");
  }

  function rowName(row) {
    var values = row.before || row.after || {};
    return values.id ? "row " + values.id : "a row";
  }

  function say(words) {
    var status = byId("edit-status");
    if (status) { status.textContent = words; }
  }

  // ------------------------------------------------------------- a new row, ready to type

  function openForTyping(key) {
    var api = state.api;
    var open = function () {
      var node = api.getRowNode(key);
      if (!node || node.rowIndex === null || node.rowIndex === undefined) { return false; }
      api.removeEventListener("modelUpdated", open);
      var first = (api.getAllDisplayedColumns() || []).filter(function (column) {
        return column.getColDef().editable && !MARKS[column.getColDef().field];
      })[0];
      if (!first) { return true; }
      api.ensureNodeVisible(node, "bottom");
      api.ensureColumnVisible(first);
      // Once the row is drawn: its cell focused in the page (so the editor's
      // keys go there, not to the button clicked), then opened.
      whenDrawn(node, first.getColId(), function (element) {
        element.focus();
        api.setFocusedCell(node.rowIndex, first);
        api.startEditingCell({rowIndex: node.rowIndex, colKey: first});
      });
      return true;
    };
    if (!open()) { api.addEventListener("modelUpdated", open); }
  }

  function cellElement(node, columnId) {
    return document.querySelector("#" + GRID + " .ag-row[row-id='" + CSS.escape(node.id) +
                                  "'] .ag-cell[col-id='" + CSS.escape(columnId) + "']");
  }

  // `then(cell)` once the grid has drawn the cell (rows are drawn a frame or more
  // after a transaction or a scroll); given up after about two seconds.
  function whenDrawn(node, columnId, then) {
    var frames = 0;
    var look = function () {
      var element = cellElement(node, columnId);
      if (element) { then(element); return; }
      frames += 1;
      if (frames < 120) { requestAnimationFrame(look); }
    };
    look();
  }

  // ------------------------------------------------------------- problems, each a link

  function showProblem(button) {
    var api = state.api;
    if (!api) { return; }
    var line = Number(button.getAttribute("data-line"));
    var column = button.getAttribute("data-column") || "__line";
    var target = null;
    api.forEachNode(function (node) {
      if (!target && node.data && Number(node.data.__line) === line) { target = node; }
    });
    if (!target) {
      say("That row is not in the table any more.");
      return;
    }
    if (!api.getColumn(column)) { column = "__line"; }
    var filtered = !target.displayed;
    if (filtered) { api.setFilterModel(null); }
    api.ensureNodeVisible(target, "middle");
    api.ensureColumnVisible(column);
    whenDrawn(target, column, function (element) {
      element.focus();
      api.setFocusedCell(target.rowIndex, column);
    });
  }

  // ------------------------------------------------------------- drafts

  function timeline() {
    var page = document.querySelector("[data-timeline]");
    return page ? page.getAttribute("data-timeline") : document.title;
  }

  function draftKey(version) { return DRAFT_PREFIX + timeline() + ":" + version; }

  function currentVersion() {
    if (!state.version) {
      var shown = byId("edit-version");
      state.version = shown ? shown.textContent.trim() : "";
    }
    return state.version;
  }

  function draftNow() {
    var cols = columns(), baseIndex = new Map();
    state.baseOrder.forEach(function (key, index) { baseIndex.set(key, index); });
    var present = new Set(), rows = [], base = [], before = [];
    allNodes().forEach(function (node, number) {
      var key = node.data.__row, values = node.data, was = state.baseline.get(key);
      present.add(key);
      rows.push(cols.map(function (c) { return text(values[c]); }));
      base.push(was ? baseIndex.get(key) : -1);
      if (was) {
        var old = {};
        cols.forEach(function (c) { if (text(was[c]) !== text(values[c])) { old[c] = text(was[c]); } });
        if (Object.keys(old).length) { before.push([number, old]); }
      }
    });
    var deleted = [];
    state.baseOrder.forEach(function (key, index) {
      if (!present.has(key)) {
        var was = state.baseline.get(key);
        deleted.push([index, cols.map(function (c) { return text(was[c]); })]);
      }
    });
    return {v: 1, version: currentVersion(), time: Date.now(), changes: state.unsaved,
            columns: cols, rows: rows, base: base, before: before, deleted: deleted,
            baseLength: state.baseOrder.length};
  }

  function keepDraft() {
    // Only this page's own changes are kept (or, undone, dropped); a draft offered
    // back and not yet answered is never written over.
    if (!state.touched || state.offer || !state.api || !window.localStorage) { return; }
    clearTimeout(state.draftTimer);
    state.draftTimer = setTimeout(writeDraft, DRAFT_DELAY_MS);
  }

  function writeDraft() {
    state.draftTimer = null;
    if (state.offer) { return; }
    var key = draftKey(currentVersion());
    try {
      if (state.unsaved > 0) {
        localStorage.setItem(key, JSON.stringify(draftNow()));
      } else {
        localStorage.removeItem(key);  // the table is as saved: nothing to keep
      }
    } catch (problem) {
      say("Your changes could not be kept in this browser (" + problem.name +
          "): save them before closing the page.");
    }
  }

  // A draft still to be written, written before the page goes (closed, reloaded, left).
  window.addEventListener("pagehide", function () {
    countPending();  // a change made just now is counted, and its draft asked for
    if (state.draftTimer) {
      clearTimeout(state.draftTimer);
      writeDraft();
    }
  });

  function dropDraft(version) {
    try { localStorage.removeItem(draftKey(version)); } catch (ignored) { /* no storage */ }
  }

  function storedDrafts() {
    var found = [], prefix = DRAFT_PREFIX + timeline() + ":";
    try {
      for (var i = 0; i < localStorage.length; i += 1) {
        var key = localStorage.key(i);
        if (key && key.indexOf(prefix) === 0) {
          try {
            var draft = JSON.parse(localStorage.getItem(key));
            if (draft && draft.v === 1 && Array.isArray(draft.rows)) { found.push(draft); }
          } catch (ignored) { /* not ours */ }
        }
      }
    } catch (ignored) { /* no storage */ }
    return found.sort(function (a, b) { return b.time - a.time; });
  }

  function offerDraft() {
    var draft = storedDrafts()[0];
    var banner = byId("edit-draft");
    if (!draft || !banner) { return; }
    state.offer = draft;
    var when = new Date(draft.time).toLocaleString();
    var older = draft.version !== currentVersion();
    var count = draft.changes === 1 ? "1 unsaved change" : draft.changes + " unsaved changes";
    var words = document.createElement("p");
    words.id = "edit-draft-text";
    words.textContent = "You have " + count + " from " + when + ", kept in this browser." +
      (older ? " They were made to an older version of the file (" + draft.version +
       "): restored, they are merged with what was saved since when you Save." : "");
    var restore = document.createElement("button");
    restore.type = "button";
    restore.id = "edit-draft-restore";
    restore.className = "primary";
    restore.textContent = "Restore";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.id = "edit-draft-discard";
    discard.textContent = "Discard";
    var buttons = document.createElement("div");
    buttons.className = "toolbar";
    buttons.append(restore, discard);
    banner.replaceChildren(words, buttons);
    banner.hidden = false;
  }

  function closeOffer() {
    var banner = byId("edit-draft");
    if (banner) { banner.replaceChildren(); banner.hidden = true; }
    state.offer = null;
  }

  function restoreDraft() {
    var draft = state.offer, api = state.api;
    if (!draft || !api) { return; }
    var cols = columns();
    if (draft.columns.join("\u0000") !== cols.join("\u0000")) {
      say("This draft has other columns than the file now (" + draft.columns.join(", ") +
          "): it cannot be restored here.");
      return;
    }
    var keys = draft.rows.map(function () { return freshKey(); });
    var baseline = new Array(draft.baseLength);
    var asRow = function (values) {
      var row = {};
      cols.forEach(function (c, i) { row[c] = values[i]; });
      return row;
    };
    var before = new Map(draft.before);
    draft.rows.forEach(function (values, number) {
      if (draft.base[number] >= 0) {
        baseline[draft.base[number]] = {key: keys[number],
          values: Object.assign(asRow(values), before.get(number) || {})};
      }
    });
    draft.deleted.forEach(function (gone) {
      baseline[gone[0]] = {key: freshKey(), values: asRow(gone[1])};
    });
    api.applyTransaction({remove: allNodes().map(function (node) { return node.data; })});
    api.applyTransaction({add: draft.rows.map(function (values, number) {
      return Object.assign({__row: keys[number], __problems: {}, __line: ""}, asRow(values));
    })});
    setBaseline(baseline.filter(Boolean));
    state.undo = [];
    state.redo = [];
    if (draft.version !== currentVersion()) {
      dropDraft(currentVersion());
      state.version = draft.version;
      window.dash_clientside.set_props("edit-base-version", {data: draft.version});
    }
    closeOffer();
    state.touched = true;
    refreshMarks();
    syncAndCheck();
    countNow();
    say("Restored your unsaved changes from " + new Date(draft.time).toLocaleString() +
        ". Nothing is saved until you Save.");
  }

  function discardDraft() {
    if (!state.offer) { return; }
    dropDraft(state.offer.version);
    closeOffer();
    say("Discarded the changes kept in this browser.");
    keepDraft();
  }

  // ------------------------------------------------------------- wiring

  function start(api) {
    state.api = api;
    setBaseline(gridAsRows());
    api.addEventListener("cellValueChanged", onCellChanged);
    api.addEventListener("modelUpdated", countSoon);
    // The preview waits while a cell is being typed in and checked (editor.js).
    api.addEventListener("cellEditingStarted", function () {
      if (window.timelineEditorPreview) { window.timelineEditorPreview.editing(); }
    });
    api.addEventListener("cellEditingStopped", function () {
      if (window.timelineEditorPreview) { window.timelineEditorPreview.edited(); }
    });
    countNow();
    offerDraft();
    // The table's delta made once while the editor reads the page, so the first
    // check does not wait for the browser to compile it (0.1 s at 10,000 rows). (An
    // empty row transaction here as well, to have dash-ag-grid copy the rows once
    // before the first check, was tried and left out: dash-ag-grid then sets the
    // selection it last told Dash, and a row selected an instant before loses it.)
    setTimeout(function () {
      var last = state.lastAsk;
      tableDelta("check", []);
      state.lastAsk = last;
    }, 500);
  }

  // The grid is made by React after this file runs: wait for it, and for its rows.
  var waiting = setInterval(function () {
    var api = null;
    try {  // dash-ag-grid throws until the grid is made
      api = document.getElementById(GRID) && window.dash_ag_grid &&
        window.dash_ag_grid.getApi && window.dash_ag_grid.getApi(GRID);
    } catch (notYet) {
      return;
    }
    if (!api || api.isDestroyed()) { return; }
    var rows = api.getGridOption("rowData") || [];
    var count = 0;
    api.forEachNode(function () { count += 1; });
    if (count !== rows.length) { return; }
    clearInterval(waiting);
    start(api);
  }, 50);

  function typingInAField(target) {
    return target && target.closest &&
      target.closest("input, textarea, select, [contenteditable=true]");
  }

  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || typingInAField(event.target)) {
      return;
    }
    var key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) {
      event.preventDefault();
      undo();
    } else if ((key === "z" && event.shiftKey) || key === "y") {
      event.preventDefault();
      redo();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var target = event.target && event.target.closest && event.target.closest("button");
    if (!target) { return; }
    if (target.id === "edit-save") {
      countPending();
      if (state.unsaved === 0) {  // nothing to save: the click never reaches Dash
        event.preventDefault();
        event.stopImmediatePropagation();
        say("Nothing to save: there are no unsaved changes.");
        return;
      }
      state.snapshot = state.api ? gridAsRows() : null;
      if (state.api) {
        window.dash_clientside.set_props("edit-save-table", {data: tableDelta("save", [])});
      }
    } else if (target.id === "edit-restore" || target.id === "edit-upload-confirm") {
      countPending();  // before Dash reads the count
    } else if (target.id === "edit-add") {
      state.openAdded = true;
    } else if (target.id === "edit-undo") {
      undo();
    } else if (target.id === "edit-redo") {
      redo();
    } else if (target.id === "edit-discard") {
      dropDraft(currentVersion());
    } else if (target.id === "edit-draft-restore") {
      restoreDraft();
    } else if (target.id === "edit-draft-discard") {
      discardDraft();
    } else if (target.classList.contains("problem-link")) {
      showProblem(target);
    }
  }, true);

  window.dash_clientside = window.dash_clientside || {};
  var BUTTONS = {"edit-add": true, "edit-duplicate": true, "edit-delete": true};

  window.dash_clientside.gridState = {
    // A change to check (a typed cell, an undo, a restored draft) or a button's
    // rows to add or delete: the table as the server reads it (edit-table).
    tableDelta: function () {
      var noUpdate = window.dash_clientside.no_update;
      if (!state.api) { return noUpdate; }
      var triggered = (window.dash_clientside.callback_context.triggered || [])[0] || {};
      var id = (triggered.prop_id || "").split(".")[0];
      return BUTTONS[id] ? tableDelta(id, selectedKeys()) : tableDelta("check", []);
    },

    // The first rowData after an undo, a redo or a restore asks for the table's
    // check (and counts as a change, as editor.js counts the others).
    checkAfterSync: function (_rowData, edits) {
      var noUpdate = window.dash_clientside.no_update;
      if (!state.checkAsked) { return [noUpdate, noUpdate]; }
      state.checkAsked = false;
      return [Date.now(), (edits || 0) + 1];
    },

    // A save answered (Saved, Merged or Unchanged): the table as it was when Save
    // was clicked is the baseline; the draft of the version it started from goes.
    saved: function (_savedEdits, baseVersion) {
      var old = currentVersion();
      setBaseline(state.snapshot || (state.api ? gridAsRows() : []));
      state.snapshot = null;
      dropDraft(old);
      state.version = baseVersion || null;
      refreshMarks();
      countNow();
    }
  };

  window.timelineGridState = {
    rowsChanging: rowsChanging,
    // A merged save brought others' changes in: once the grid holds them, the
    // table is the new baseline, and the undo stack starts again.
    merged: function () {
      var api = state.api;
      if (!api) { return; }
      var settle = function () {
        api.removeEventListener("modelUpdated", settle);
        setBaseline(gridAsRows());
        state.undo = [];
        state.redo = [];
        refreshMarks();
        countNow();
      };
      api.addEventListener("modelUpdated", settle);
    },
    unsaved: function () { countPending(); return state.unsaved; },
    expandKeys: expandKeys,
    // The server could not put the table together (its copy of the baseline is
    // gone): the same check again, with every row.
    resend: function () {
      if (!state.api) { return; }
      state.sendAll = true;
      var ask = state.lastAsk || {action: "check", selected: []};
      window.dash_clientside.set_props("edit-table", {data: tableDelta(ask.action, ask.selected)});
    },
    undo: undo,
    redo: redo
  };
}());
