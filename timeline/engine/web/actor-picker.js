/* The embed's actor filter for timelines of many actors: a search box that
 * lists the names matching what a reader types, never the whole list.
 *
 * WAI-ARIA's "combobox with listbox popup": the input (role combobox) owns a
 * listbox of at most MAX_OPTIONS names; arrow keys move through it
 * (aria-activedescendant, so focus stays in the input), Enter chooses, Escape
 * closes. Names match as the explorer's actor dropdown matches them: every
 * typed word in the name, folded by TimelineCore.normaliseText; most frequent
 * first (the order of the data's `actors`), a name typed in full before them.
 * The chosen names are buttons that remove them. Every name is set as text.
 *
 *   var picker = TimelineActorPicker.create({ names: data.actors,
 *     onChange: function (chosen) { ... } });       // the reader's new choice
 *   parent.appendChild(picker.element);             // #actor-filter
 *   picker.sync(view.actors);                       // shows a view's choice
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory(require("./timeline-core.js"));
  } else { root.TimelineActorPicker = factory(root.TimelineCore); }
}(typeof self !== "undefined" ? self : this, function (core) {
  "use strict";

  var MAX_OPTIONS = 20;  // names listed at once: a screenful, and few DOM nodes
  var ID = "actor-filter";

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* The names (of `names`, whose folded forms are `keys`) that `typed` matches,
   * leaving out `excluded` (folded): at most `limit`, and how many match in all. */
  function matching(names, keys, typed, excluded, limit) {
    var folded = core.normaliseText(typed);
    var words = folded.split(" ").filter(Boolean);
    var found = [], total = 0, exact = 0;
    for (var i = 0; i < keys.length; i++) {
      var key = keys[i];
      if (excluded.indexOf(key) >= 0) { continue; }
      var matches = true;
      for (var w = 0; w < words.length && matches; w++) { matches = key.indexOf(words[w]) >= 0; }
      if (!matches) { continue; }
      total += 1;
      if (key === folded && folded) { found.splice(exact++, 0, names[i]); }  // typed in full
      else if (found.length < limit) { found.push(names[i]); }
    }
    return { names: found.slice(0, limit), total: total };
  }

  function create(options) {
    var names = options.names, onChange = options.onChange;
    var keys = null, nameOf = null;  // folded names, and the name of each: made on first use
    var chosen = [];                 // the names shown chosen, as the view has them
    var shown = [], active = -1;     // the options listed, and the one arrow keys are on

    var input = element("input", { id: ID + "-input", type: "text", role: "combobox",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": ID + "-options",
      "aria-describedby": ID + "-hint", autocomplete: "off", spellcheck: "false",
      placeholder: core.t("Type a name"), maxlength: "200" });
    var listbox = element("ul", { id: ID + "-options", role: "listbox", class: "picker-options",
                                  "aria-label": core.t("Matching names") });
    listbox.hidden = true;
    var hint = element("p", { id: ID + "-hint", class: "picker-hint" },
                       core.tn("{count} name: type to find one, then the arrow keys and Enter.",
                               "{count} names: type to find one, then the arrow keys and Enter.",
                               names.length));
    var none = element("p", { class: "picker-none" }, core.t("No name matches."));
    none.hidden = true;
    var status = element("p", { id: ID + "-status", class: "visually-hidden", role: "status",
                                "aria-live": "polite" });
    var chips = element("ul", { class: "picker-chosen", "aria-label": core.t("Chosen") });
    chips.hidden = true;
    var box = element("div", { class: "picker-box" });
    box.appendChild(input);
    box.appendChild(listbox);
    var group = element("div", { id: ID, class: "actor-picker", role: "group",
                                 "aria-label": core.t("Who") });
    [chips, box, none, hint, status].forEach(function (child) { group.appendChild(child); });

    function prepare() {
      if (keys) { return; }
      keys = names.map(core.normaliseText);
      nameOf = {};
      keys.forEach(function (key, i) { if (!(key in nameOf)) { nameOf[key] = names[i]; } });
    }

    function setActive(index) {
      var items = listbox.children;
      if (active >= 0 && items[active]) { items[active].setAttribute("aria-selected", "false"); }
      active = index;
      if (active >= 0 && items[active]) {
        items[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", items[active].id);
        items[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      setActive(-1);
      listbox.hidden = none.hidden = true;
      listbox.replaceChildren();
      shown = [];
      input.setAttribute("aria-expanded", "false");
    }

    /* Lists the names the input's text matches (the most frequent when empty). */
    function open() {
      prepare();
      var found = matching(names, keys, input.value, chosen.map(core.normaliseText),
                           MAX_OPTIONS);
      shown = found.names;
      active = -1;
      input.removeAttribute("aria-activedescendant");
      listbox.replaceChildren.apply(listbox, shown.map(function (name, index) {
        return element("li", { id: ID + "-option-" + index, role: "option",
                               "aria-selected": "false", class: "picker-option" }, name);
      }));
      // No options, no popup (a listbox must hold options): a line under the box says so.
      listbox.hidden = !shown.length;
      none.hidden = !!shown.length;
      input.setAttribute("aria-expanded", shown.length ? "true" : "false");
      status.textContent = !found.total ? core.t("No name matches.") :
        found.total > shown.length
          ? core.tn("{count} name matches; the {listed} most frequent are listed.",
                    "{count} names match; the {listed} most frequent are listed.", found.total,
                    { listed: core.formatNumber(shown.length) })
          : core.tn("{count} name matches.", "{count} names match.", found.total);
    }

    function choose(name) {
      input.value = "";
      close();
      onChange(chosen.concat([name]));
    }

    function remove(index) {
      var next = chosen.slice(0, index).concat(chosen.slice(index + 1));
      onChange(next);
      // The buttons were drawn anew for the new choice: focus the one now in
      // the removed one's place, or the input when none is left.
      var buttons = chips.querySelectorAll("button");
      (buttons[Math.min(index, buttons.length - 1)] || input).focus();
    }

    input.addEventListener("input", open);
    input.addEventListener("click", function () { if (listbox.hidden && none.hidden) { open(); } });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (key) {
      var expanded = !listbox.hidden || !none.hidden;
      if (key.key === "ArrowDown" || key.key === "ArrowUp") {
        key.preventDefault();
        if (!expanded) { open(); }
        if (key.altKey || !shown.length) { return; }  // Alt+Down opens, and no more
        var step = key.key === "ArrowDown" ? 1 : -1;
        setActive(active < 0 ? (step > 0 ? 0 : shown.length - 1)
                             : (active + step + shown.length) % shown.length);
      } else if (key.key === "Enter") {
        if (!expanded) { return; }
        key.preventDefault();
        // The option the arrows are on; with none, the first match of what was typed.
        var pick = active >= 0 ? shown[active] : (input.value.trim() ? shown[0] : null);
        if (pick !== undefined && pick !== null) { choose(pick); }
      } else if (key.key === "Escape") {
        if (expanded) { key.preventDefault(); close(); }
        else if (input.value) { key.preventDefault(); input.value = ""; }
      } else if (key.key === "Tab") {
        close();
      }
    });
    // A press on an option keeps the focus in the input (no blur, which would close).
    listbox.addEventListener("mousedown", function (press) { press.preventDefault(); });
    listbox.addEventListener("click", function (click) {
      var option = click.target.closest("[role=option]");
      if (option) { choose(shown[Array.prototype.indexOf.call(listbox.children, option)]); }
    });
    chips.addEventListener("click", function (click) {
      var button = click.target.closest("button");
      if (button) { remove(Array.prototype.indexOf.call(chips.querySelectorAll("button"), button)); }
    });

    /* Shows the view's actors as chosen, spelt as the data spells them. */
    function sync(values) {
      prepare();
      var next = [];
      values.forEach(function (value) {
        var name = nameOf[core.normaliseText(value)] || value;  // unknown: kept, so removable
        if (next.indexOf(name) < 0) { next.push(name); }
      });
      if (next.length === chosen.length && next.every(function (n, i) { return n === chosen[i]; })) {
        return;
      }
      chosen = next;
      chips.replaceChildren.apply(chips, chosen.map(function (name) {
        var button = element("button", { type: "button", class: "picker-chip" });
        button.appendChild(element("span", { class: "visually-hidden" }, core.t("Remove") + " "));
        button.appendChild(document.createTextNode(name));
        button.appendChild(element("span", { class: "picker-chip-x", "aria-hidden": "true" },
                                   "\u00d7"));
        var item = element("li", {});
        item.appendChild(button);
        return item;
      }));
      chips.hidden = !chosen.length;
      if (!listbox.hidden || !none.hidden) { open(); }  // the chosen leave the options
    }

    return { element: group, sync: sync };
  }

  return { create: create, matching: matching, MAX_OPTIONS: MAX_OPTIONS };
}));
