// One event as a form (editor/event_form.py draws it), the grid's "Form" buttons, the
// phone's list of events, and the caret of the large text editor.
//
// The form writes each change to the grid's row with setDataValue: the grid then
// reports it as it reports a typed cell (cellValueChanged), so the check, the count of
// unsaved changes, Save and undo treat both alike. Text from the file is set as text
// (value, textContent), never as HTML.
(function () {
  "use strict";

  var GRID = "edit-grid";
  var PHONE = window.matchMedia("(max-width: 600px)");
  var LIST_PAGE = 50;  // events listed at once on a phone; "Show more" adds as many
  var state = {key: null, back: null};  // the row shown, and where focus returns
  var listed = LIST_PAGE;

  function gridApi() {
    try {
      return window.dash_ag_grid && window.dash_ag_grid.getApi(GRID);
    } catch (notYet) {
      return null;  // the grid is not drawn yet
    }
  }

  function byId(id) { return document.getElementById(id); }
  function dialog() { return byId("edit-form"); }
  function fields() {
    var form = dialog();
    return form ? Array.prototype.slice.call(form.querySelectorAll(".form-input[data-column]"))
      : [];
  }

  // Each field's box, made once where event_form.py left its slot.
  function makeFields() {
    var slots = document.querySelectorAll("#edit-form .form-input-slot");
    Array.prototype.forEach.call(slots, function (slot) {
      var long = slot.getAttribute("data-kind") === "long";
      var box = document.createElement(long ? "textarea" : "input");
      if (long) { box.rows = 6; } else { box.type = "text"; }
      box.id = slot.getAttribute("data-field");
      box.className = "form-input";
      box.setAttribute("data-column", slot.getAttribute("data-column"));
      box.setAttribute("aria-describedby", slot.getAttribute("data-describedby"));
      slot.replaceWith(box);
    });
  }

  function text(value) { return value === null || value === undefined ? "" : String(value); }

  // ------------------------------------------------------------------ the form

  function fill(node, refreshAll) {
    var data = node.data || {}, problems = data.__problems || {};
    var api = gridApi(), count = api ? api.getDisplayedRowCount() : 0;
    byId("edit-form-title").textContent = "Event: " + (text(data.title) || text(data.id) ||
                                                       "(no title yet)");
    byId("edit-form-position").textContent = "Line " + text(data.__line) + " of the file · " +
      (node.rowIndex + 1) + " of " + count + " in the table";
    byId("edit-form-row-problem").textContent = text(problems.__row);
    fields().forEach(function (field) {
      var column = field.getAttribute("data-column"), problem = text(problems[column]);
      var value = text(data[column]);
      // A field being typed in keeps what is typed; the others follow the row.
      if ((refreshAll || field !== document.activeElement) && field.value !== value) {
        field.value = value;
      }
      var note = byId(field.id.replace("-field-", "-problem-"));
      note.textContent = problem;
      note.className = "field-problem" + (problem.indexOf("warning") === 0 ? " warning" : "");
      if (problem.indexOf("error") === 0) { field.setAttribute("aria-invalid", "true"); }
      else { field.removeAttribute("aria-invalid"); }
    });
    byId("edit-form-previous").disabled = node.rowIndex <= 0;
    byId("edit-form-next").disabled = node.rowIndex >= count - 1;
  }

  function shownNode() {
    var api = gridApi();
    return api && state.key !== null ? api.getRowNode(state.key) : null;
  }

  // Each field that differs from the row goes to it, as a typed cell would.
  function commit(only) {
    var node = shownNode();
    if (!node || !node.data) { return; }
    (only ? [only] : fields()).forEach(function (field) {
      var column = field.getAttribute("data-column");
      if (field.value !== text(node.data[column])) {
        node.setDataValue(column, field.value, "eventForm");
      }
    });
  }

  function show(node, refreshAll) {
    state.key = node.id;
    fill(node, refreshAll);
    var api = gridApi();
    if (api && !PHONE.matches) { api.ensureNodeVisible(node, "middle"); }
  }

  function openForm(node, back) {
    var api = gridApi(), form = dialog();
    if (!api || !node || !form) { return; }
    api.stopEditing();
    makeFields();
    state.back = back || null;
    show(node, true);
    if (!form.open) { form.showModal(); }
    var first = fields()[0];
    if (first) { first.focus(); }
  }

  function closeForm() {
    var form = dialog(), api = gridApi(), node = shownNode();
    commit();
    if (form && form.open) { form.close(); }
    state.key = null;
    if (state.back === "list" && node) {
      var item = document.querySelector("#edit-event-items button[data-row='" +
                                        CSS.escape(node.id) + "']");
      if (item) { item.focus(); return; }
    }
    if (api && node && node.rowIndex !== null) {
      api.ensureNodeVisible(node, "middle");
      api.setFocusedCell(node.rowIndex, "__form");
    }
  }

  function step(by) {
    var api = gridApi(), node = shownNode();
    if (!api || !node) { return; }
    commit();
    var next = api.getDisplayedRowAtIndex(node.rowIndex + by);
    if (next) { show(next, true); }
  }

  // The row "Edit as form" opens: the one selected, else the focused cell's, else the first.
  function chosenNode(api) {
    var selected = api.getSelectedNodes();
    if (selected.length) { return selected[0]; }
    var focused = api.getFocusedCell();
    if (focused && focused.rowIndex !== null) {
      return api.getDisplayedRowAtIndex(focused.rowIndex);
    }
    return api.getDisplayedRowAtIndex(0);
  }

  // The "Form" cell of each row: a button; AG Grid moves the keyboard between cells,
  // so the button leaves the tab order and Enter on its cell presses it (below).
  var components = window.dashAgGridComponentFunctions =
    window.dashAgGridComponentFunctions || {};
  components.EventFormButton = function (props) {
    var id = text(props.data && props.data.id);
    return window.React.createElement("button", {
      type: "button", className: "row-form-button", tabIndex: -1,
      "aria-label": "Form: " + (id || "row " + text(props.data && props.data.__line)),
      onClick: function () { openForm(props.node, "grid"); }
    }, "Form");
  };

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) { return; }
    if (target.closest("#edit-open-form")) {
      var api = gridApi();
      if (api) { openForm(chosenNode(api), "grid"); }
    } else if (target.closest("#edit-form-close")) {
      closeForm();
    } else if (target.closest("#edit-form-previous")) {
      step(-1);
    } else if (target.closest("#edit-form-next")) {
      step(1);
    } else if (target.closest("#edit-event-items button[data-row]")) {
      var row = target.closest("button[data-row]").getAttribute("data-row");
      var gridApiNow = gridApi();
      if (gridApiNow) { openForm(gridApiNow.getRowNode(row), "list"); }
    } else if (target.closest("#edit-event-more")) {
      listed += LIST_PAGE;
      drawList();
    } else if (target === dialog()) {
      // A click on the backdrop (outside the form's box) closes it, as Escape does.
      var box = target.getBoundingClientRect();
      if (event.clientX < box.left || event.clientX > box.right ||
          event.clientY < box.top || event.clientY > box.bottom) { closeForm(); }
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field && field.matches && field.matches("#edit-form .form-input[data-column]")) {
      commit(field);
    }
  });

  // Enter on a row's "Form" cell opens the form; Escape in the form closes it (the
  // dialog's own cancel is replaced, so the change is written and focus goes back).
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    // Ctrl+Enter (⌘Enter) ends a long text's edit, keeping it (Enter alone is a new line).
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target && target.closest &&
        target.closest(".ag-popup-editor, #edit-grid .ag-cell-inline-editing")) {
      var editing = gridApi();
      if (editing) {
        event.preventDefault();
        event.stopPropagation();
        editing.stopEditing();
        var cell = editing.getFocusedCell();
        if (cell) { editing.setFocusedCell(cell.rowIndex, cell.column); }
        return;
      }
    }
    if (event.key === "Enter" && target && target.closest &&
        target.closest("#edit-grid .ag-cell[col-id='__form']")) {
      var api = gridApi(), row = target.closest(".ag-row");
      var node = api && row ? api.getDisplayedRowAtIndex(+row.getAttribute("row-index")) : null;
      if (node) {
        event.preventDefault();
        event.stopPropagation();
        openForm(node, "grid");
      }
    }
  }, true);
  document.addEventListener("cancel", function (event) {
    if (event.target === dialog()) {
      event.preventDefault();
      closeForm();
    }
  }, true);

  // The large text editor opens with the caret after the text, not all of it selected:
  // one keystroke must never replace a whole description.
  document.addEventListener("focusin", function (event) {
    var box = event.target;
    if (!box || !box.matches || !box.matches("#edit-grid textarea, .ag-popup-editor textarea")) {
      return;
    }
    var end = function () { box.setSelectionRange(box.value.length, box.value.length); };
    end();
    window.requestAnimationFrame(end);
  });

  // ------------------------------------------------------------ the phone's list

  function drawList() {
    var api = follow(), items = byId("edit-event-items"), more = byId("edit-event-more");
    if (!api || !items || !PHONE.matches) { return; }
    var find = (byId("edit-event-find").value || "").trim().toLowerCase();
    var shown = [], total = 0;
    api.forEachNodeAfterFilterAndSort(function (node) {
      var data = node.data || {};
      if (find && (text(data.title) + " " + text(data.id)).toLowerCase().indexOf(find) < 0) {
        return;
      }
      total += 1;
      if (shown.length < listed) { shown.push(node); }
    });
    var focusedRow = document.activeElement && document.activeElement.getAttribute &&
      items.contains(document.activeElement) ? document.activeElement.getAttribute("data-row")
      : null;
    var fragment = document.createDocumentFragment();
    shown.forEach(function (node) {
      var data = node.data || {}, problems = data.__problems || {};
      var item = document.createElement("li"), button = document.createElement("button");
      button.type = "button";
      button.setAttribute("data-row", node.id);
      var title = document.createElement("span");
      title.className = "event-item-title";
      title.textContent = text(data.title) || "(no title yet)";
      var id = document.createElement("span");
      id.className = "event-item-id";
      id.textContent = text(data.id) || "(no id yet)";
      button.appendChild(title);
      button.appendChild(id);
      if (Object.keys(problems).some(function (k) {
        return text(problems[k]).indexOf("error") === 0;
      })) {
        var flag = document.createElement("span");
        flag.className = "event-item-problem";
        flag.textContent = "Has errors";
        button.appendChild(flag);
      }
      item.appendChild(button);
      fragment.appendChild(item);
    });
    items.replaceChildren(fragment);
    more.hidden = total <= shown.length;
    if (focusedRow) {
      var again = items.querySelector("button[data-row='" + CSS.escape(focusedRow) + "']");
      if (again) { again.focus(); }
    }
  }

  var drawing = false;
  function drawSoon() {
    if (drawing) { return; }
    drawing = true;
    window.requestAnimationFrame(function () {
      drawing = false;
      drawList();
      var node = shownNode();
      if (node && dialog() && dialog().open) { fill(node, false); }
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === "edit-event-find") {
      listed = LIST_PAGE;
      drawList();
    }
  });
  PHONE.addEventListener("change", drawSoon);
  // A check's marks set on rows in place (editor.js applyChange): no grid event says so.
  document.addEventListener("timeline-rows-marked", drawSoon);

  // The grid exists once Dash has drawn it: then follow its changes. Its rows may
  // come after it is ready, so the page is watched until the grid holds some.
  var followed = null;
  function follow() {
    var api = gridApi();
    if (!api || api === followed) { return api; }
    followed = api;
    api.addEventListener("modelUpdated", drawSoon);
    api.addEventListener("cellValueChanged", drawSoon);
    makeFields();
    return api;
  }
  var untilRows = new MutationObserver(function () {
    var api = follow();
    if (api && api.getDisplayedRowCount() > 0) {
      untilRows.disconnect();
      drawSoon();
    }
  });
  untilRows.observe(document.documentElement, {childList: true, subtree: true});
}());
