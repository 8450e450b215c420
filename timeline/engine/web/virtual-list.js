/* A list that holds only the rows on screen (issue 13), for the event list of both pages.
 *
 *   var list = TimelineList.create(olElement, { renderRow: function (item, index) {…} });
 *   list.update(items, selectedIndex);   // selectedIndex: -1 for none
 *   list.scrollToIndex(index);
 *   list.destroy();
 *
 * Up to SHORT_LIST items are all drawn, and the list is as tall as they are. A longer
 * list scrolls in a box of its own (a focusable, named region around the <ol>) and
 * draws only the rows in that box, plus a few either side; padding on the <ol> stands
 * for the rows not drawn, so the scroll bar is true. Every row is an <li> that says
 * where it stands (aria-posinset of aria-setsize): the <ol> stays an ordered list of
 * links for assistive technology. Rows have one height, fixed by the style sheet
 * (assets/style.css, .list-scroll.is-windowed) and measured from the first row drawn.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) { module.exports = factory(); }
  else { root.TimelineList = factory(); }
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";
  /* The interface's words (TimelineCore.t: view/language.py); as they are without it. */
  function t(msgid) {
    var core = typeof self !== "undefined" && self.TimelineCore;
    return core && core.t ? core.t(msgid) : msgid;
  }

  var SHORT_LIST = 50;        // items drawn whole, without a scroll box of their own
  var OVERSCAN = 4;           // rows drawn beyond each edge of the box: neighbours for stepping
  var ROW_ESTIMATE = 84;      // px, until a row has been measured
  /* Browsers cap an element's height (Firefox near 17.9 million px, Chrome and Safari
   * near 33.5 million): past MAX_HEIGHT the scroll range stands for a longer list, one
   * scrolled pixel moving several pixels of rows (a million events need it). */
  var MAX_HEIGHT = 10000000;

  function create(list, options) {
    if (!list || !options || typeof options.renderRow !== "function") {
      throw new Error("TimelineList.create(olElement, { renderRow: function (item, index) })");
    }
    var renderRow = options.renderRow;
    var rowHeight = options.rowHeight > 0 ? options.rowHeight : ROW_ESTIMATE;
    var measured = false;
    // Not the section's "Event list": two landmarks of one name are one too many.
    var label = options.label || t("Scrollable event list");
    var box = scrollBox(list);
    var items = [];
    var selected = -1;
    var windowed = false;
    var revealLater = false;  // a selection made while the list was hidden
    var rows = [];            // the <li>s drawn, in order: rows[k] is item drawnFrom + k
    var drawnFrom = 0;

    function count() { return items.length; }
    // The list's full height (capped), and the scroll positions it maps between.
    function fullHeight() { return count() * rowHeight; }
    function boxHeight() { return Math.min(fullHeight(), MAX_HEIGHT); }

    /* Scroll position (px of the box) ↔ position in the full list (px of rows). Only
     * a list taller than MAX_HEIGHT is scaled, and not in its first and last edge()
     * px, so the rows drawn there start at or below the list's top and end at or
     * above its bottom: the padding is never negative. */
    function edge() { return (OVERSCAN + 2) * rowHeight; }
    function ranges(viewHeight) {
      return { full: Math.max(0, fullHeight() - viewHeight),
               box: Math.max(0, boxHeight() - viewHeight) };
    }
    function toFull(scrollTop, viewHeight) {
      var range = ranges(viewHeight), e = edge();
      if (range.full === range.box || range.box <= 2 * e) { return scrollTop; }
      if (scrollTop <= e) { return scrollTop; }
      if (scrollTop >= range.box - e) { return scrollTop + range.full - range.box; }
      return e + (scrollTop - e) * (range.full - 2 * e) / (range.box - 2 * e);
    }
    function toScroll(fullTop, viewHeight) {
      var range = ranges(viewHeight), e = edge();
      if (range.full === range.box || range.box <= 2 * e) { return fullTop; }
      if (fullTop <= e) { return fullTop; }
      if (fullTop >= range.full - e) { return fullTop - range.full + range.box; }
      return e + (fullTop - e) * (range.box - 2 * e) / (range.full - 2 * e);
    }

    function makeRow(index) {
      var row = document.createElement("li");
      row.setAttribute("aria-setsize", String(count()));
      row.setAttribute("aria-posinset", String(index + 1));
      if (index === selected) { row.setAttribute("aria-current", "true"); }
      var content = renderRow(items[index], index);
      if (content) { row.appendChild(content); }
      return row;
    }

    function setMode(long) {
      if (long === windowed) { return; }
      windowed = long;
      box.classList.toggle("is-windowed", long);
      if (long) {
        // A scrolling area that keyboard users can reach and screen readers can name.
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", label);
        box.setAttribute("tabindex", "0");
      } else {
        ["role", "aria-label", "tabindex"].forEach(function (name) { box.removeAttribute(name); });
        list.style.paddingTop = list.style.paddingBottom = "";
      }
    }

    /* Draws the rows for the box's scroll position. `rebuild`: the items changed,
     * so no drawn row can be kept. */
    function draw(rebuild) {
      var total = count();
      if (!windowed) {
        if (rebuild) {
          var all = [];
          for (var i = 0; i < total; i++) { all.push(makeRow(i)); }
          replaceRows(all, 0);
        }
        return;
      }
      var viewHeight = box.clientHeight;
      var scrollTop = Math.max(0, Math.min(box.scrollTop, ranges(viewHeight).box));
      var fullTop = toFull(scrollTop, viewHeight);
      var first = Math.max(0, Math.floor(fullTop / rowHeight) - OVERSCAN);
      var last = Math.min(total, Math.ceil((fullTop + viewHeight) / rowHeight) + OVERSCAN);
      var top = scrollTop + first * rowHeight - fullTop;   // where row `first` sits in the box
      list.style.paddingTop = top + "px";
      list.style.paddingBottom = Math.max(0, boxHeight() - top - (last - first) * rowHeight) + "px";
      var drawnTo = drawnFrom + rows.length;
      if (rebuild || last <= drawnFrom || first >= drawnTo) {
        var fresh = [];
        for (var k = first; k < last; k++) { fresh.push(makeRow(k)); }
        replaceRows(fresh, first);
        return;
      }
      if (first === drawnFrom && last === drawnTo) { return; }
      // The rows still in the window stay where they are (a focused link keeps focus).
      while (drawnFrom < first) { rows.shift().remove(); drawnFrom++; }
      while (drawnFrom + rows.length > last) { rows.pop().remove(); }
      var before = [];
      for (var b = first; b < drawnFrom; b++) { before.push(makeRow(b)); }
      var after = [];
      for (var a = drawnFrom + rows.length; a < last; a++) { after.push(makeRow(a)); }
      if (before.length) { list.insertBefore(fragment(before), rows.length ? rows[0] : null); }
      if (after.length) { list.appendChild(fragment(after)); }
      rows = before.concat(rows, after);
      drawnFrom = first;
    }

    function replaceRows(fresh, from) {
      list.replaceChildren.apply(list, fresh);
      rows = fresh;
      drawnFrom = from;
    }

    /* The item whose row holds the focus (-1: none), and after a redraw, the focus put
     * back on that row's link if it is still drawn, else on the box: a focused row that
     * scrolled away must not drop the focus to the page's body. */
    function focusedIndex() {
      var focused = document.activeElement;
      for (var k = 0; k < rows.length; k++) {
        if (rows[k].contains(focused)) { return drawnFrom + k; }
      }
      return -1;
    }
    function restoreFocus(index) {
      if (index < 0 || list.contains(document.activeElement)) { return; }
      var row = rows[index - drawnFrom];
      var target = row && row.querySelector("a[href], button, input, [tabindex]");
      if (target) { target.focus({ preventScroll: true }); }
      else if (windowed) { box.focus({ preventScroll: true }); }
    }

    /* Scrolls the box (never the page) the least that shows row `index` whole. */
    function reveal(index) {
      if (!windowed || index < 0 || index >= count()) { return false; }
      var viewHeight = box.clientHeight;
      var fullTop = toFull(box.scrollTop, viewHeight);
      var rowTop = index * rowHeight;
      var target = fullTop;
      if (rowTop < fullTop) { target = rowTop; }
      else if (rowTop + rowHeight > fullTop + viewHeight) {
        target = rowTop + rowHeight - viewHeight;
      }
      if (target === fullTop) { return false; }
      box.scrollTop = toScroll(target, viewHeight);
      return true;
    }

    /* The rows' real height, from the first one drawn (until then, the estimate:
     * options.rowHeight or ROW_ESTIMATE). */
    function measure() {
      if (measured || !windowed || !rows.length) { return false; }
      var height = rows[0].getBoundingClientRect().height;
      if (!(height > 0)) { return false; }   // not laid out yet (hidden): try next time
      measured = true;
      if (Math.abs(height - rowHeight) < 0.01) { return false; }
      rowHeight = height;
      return true;
    }

    /* Sets the full height (no rows yet, so the box's scroll range is the new
     * list's), scrolls the selection into view if it changed, draws the window. */
    function layOut(revealSelection) {
      if (windowed) {
        replaceRows([], 0);
        list.style.paddingTop = "0px";
        list.style.paddingBottom = boxHeight() + "px";
        // A hidden box has no height to scroll in: the selection waits until it shows.
        revealLater = revealSelection && !box.clientHeight;
        if (revealSelection && !revealLater) { reveal(selected); }
      }
      draw(true);
    }

    function update(newItems, selectedIndex) {
      var focus = focusedIndex();
      items = newItems || [];
      var wanted = selectedIndex >= 0 && selectedIndex < items.length ? selectedIndex : -1;
      var selectionChanged = wanted !== selected;
      selected = wanted;
      setMode(items.length > SHORT_LIST);
      // A selection made while the list was hidden is shown once it shows.
      var revealSelection = selectionChanged || revealLater;
      layOut(revealSelection);
      if (measure()) { layOut(revealSelection); }
      restoreFocus(focus);
    }

    function scrollToIndex(index) {
      if (reveal(index)) { onScroll(); }
    }

    function onScroll() {
      var focus = focusedIndex();
      draw(false);
      restoreFocus(focus);
    }
    box.addEventListener("scroll", onScroll, { passive: true });

    /* The box's height follows the window (60vh on short screens): more or fewer rows.
     * A list first drawn while hidden is measured, and its selection shown, once it shows. */
    var resizePending = false;
    function onResize() {
      resizePending = false;
      if (!windowed) { return; }
      var focus = focusedIndex();
      if (measure() || revealLater) { layOut(revealLater); } else { draw(false); }
      restoreFocus(focus);
    }
    var resizeObserver = typeof ResizeObserver === "function" ? new ResizeObserver(function () {
      if (!resizePending) { resizePending = true; requestAnimationFrame(onResize); }
    }) : null;
    if (resizeObserver) { resizeObserver.observe(box); }

    function destroy() {
      box.removeEventListener("scroll", onScroll);
      if (resizeObserver) { resizeObserver.disconnect(); }
      list.replaceChildren();
      list.style.paddingTop = list.style.paddingBottom = "";
      rows = [];
      items = [];
    }

    return { update: update, scrollToIndex: scrollToIndex, destroy: destroy,
             element: box };
  }

  function fragment(nodes) {
    var part = document.createDocumentFragment();
    nodes.forEach(function (node) { part.appendChild(node); });
    return part;
  }

  /* The <ol>'s scroll box: its parent if the page already wraps it (no layout shift
   * when the script runs), otherwise a <div class="list-scroll"> put around it. */
  function scrollBox(list) {
    var parent = list.parentNode;
    if (parent && parent.classList && parent.classList.contains("list-scroll")) { return parent; }
    var box = document.createElement("div");
    box.className = "list-scroll";
    parent.insertBefore(box, list);
    box.appendChild(list);
    return box;
  }

  return { create: create, SHORT_LIST: SHORT_LIST };
}));
