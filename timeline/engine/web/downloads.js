/* Downloads for readers: the events shown, as a CSV file, and the chart as a
 * PNG picture, built in the browser (the static export has no server to ask).
 *
 * The CSV holds the reader columns only (data/schema.py: the public ones
 * an event has; never `notes`, `type` or `settings`), each cell that a
 * spreadsheet would run as a formula made inert as the editor's own download
 * does (data/csv_writing.py: neutralise_formula, serialise_rows; the two held
 * together by tests/data/csv_download_cases.json). The events' text comes in
 * the engine's detail chunks, fetched when a reader asks for the file. The
 * picture is Plotly's (toImage) of the chart as it is: plotly.js loaded first
 * where the page shows its SVG picture of the chart.
 *
 * Offered by the explorer always, by an embed when its title row's settings
 * say `downloads` (payload.downloads). The engine says when it has drawn a
 * view ("timeline:view" on #timeline); the buttons go in #timeline-downloads.
 */
(function (root, factory) {
  var made = factory();
  if (typeof module === "object" && module.exports) { module.exports = made; }
  else { root.TimelineDownloads = made; }
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // Every string a reader sees here, in one place.
  // The words from the page's catalogue (timeline-core.js `t`: view/language.py).
  var t = window.TimelineCore.t;
  var MESSAGES = {
    group: function () { return t("Downloads"); },
    csv: function () { return t("Download data (CSV)"); },
    png: function () { return t("Download chart (PNG)"); },
    failed: function () { return t("The download failed: try again."); }
  };

  // The columns an event has that readers may see, in the file's order
  // (schema.PUBLIC_COLUMNS less the title row's `type` and `settings` and a category
  // row's `colour`; a test holds them).
  var COLUMNS = ["id", "start", "end", "display_date", "title", "description", "actors",
                 "category", "certainty", "source", "source_url", "media_url",
                 "media_caption", "media_credit"];

  // csv_writing.FORMULA_STARTS: a spreadsheet runs a cell starting so as a formula.
  var FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"];

  function neutraliseFormula(value) {
    var text = value === null || value === undefined ? "" : String(value);
    return FORMULA_STARTS.some(function (start) { return text.charAt(0) === start; })
      ? "'" + text : text;
  }

  /* A cell as Python's csv.writer writes it (QUOTE_MINIMAL): quoted when it holds
   * the delimiter, a quote or a line break, its quotes doubled. */
  function csvCell(text) {
    return /[",\r\n]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
  }

  /* The header and `rows` (objects by column), every cell made inert, as
   * csv_writing.serialise_rows(columns, map(neutralise_row, rows), line_ending="\r\n"). */
  function csvText(columns, rows) {
    var lines = [columns.map(csvCell).join(",")];
    rows.forEach(function (row) {
      lines.push(columns.map(function (column) {
        return csvCell(neutraliseFormula(row[column]));
      }).join(","));
    });
    return lines.map(function (line) { return line + "\r\n"; }).join("");
  }

  /* A description's paragraphs (payload.rich_pieces) as the file writes them:
   * links as `[text](address)`, paragraphs apart by a blank line. */
  function descriptionText(paragraphs) {
    return (paragraphs || []).map(function (pieces) {
      return pieces.map(function (piece) {
        return piece[0] === "link" ? "[" + piece[1] + "](" + piece[2] + ")" : piece[1];
      }).join("");
    }).join("\n\n");
  }

  /* An event (the engine's record) and its details as a row of the reader columns. */
  function eventRow(event, more) {
    more = more || {};
    return {
      id: event.id, start: more.start || event.start, end: more.end || "",
      display_date: more.display_date || "", title: event.title,
      description: descriptionText(more.description), actors: event.actors.join("; "),
      category: event.category, certainty: event.certainty || "", source: more.source || "",
      source_url: more.source_url || "", media_url: more.media_url || "",
      media_caption: more.media_caption || "", media_credit: more.media_credit || ""
    };
  }

  /* The start of a file's name from the timeline's title: its letters and digits
   * (any script), lower-cased, joined by hyphens. */
  function fileStem(title) {
    var stem = String(title || "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-+|-+$/g, "");
    return Array.from(stem).slice(0, 60).join("").replace(/-+$/, "") || "timeline";
  }

  function save(blob, name) {
    var address = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = address;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(address); }, 60000);
  }

  /* A data: address's bytes (Plotly's picture), without fetch (the pages'
   * connect-src is theirs alone). */
  function dataAddressBlob(address) {
    var comma = address.indexOf(",");
    var bytes = atob(address.slice(comma + 1));
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { array[i] = bytes.charCodeAt(i); }
    return new Blob([array], { type: address.slice(5, comma).split(";")[0] });
  }

  function downloadCsv(page) {
    var shown = page.shown();
    return page.details(shown).then(function (details) {
      var rows = shown.map(function (event) { return eventRow(event, details.get(event.id)); });
      // The byte order mark: spreadsheets read the file as UTF-8 with it.
      save(new Blob(["\ufeff" + csvText(COLUMNS, rows)], { type: "text/csv;charset=utf-8" }),
           fileStem(page.data().title) + "-events.csv");
    });
  }

  function downloadPng(page) {
    return page.plotlyChart().then(function (graph) {
      return window.Plotly.toImage(graph, { format: "png", width: graph.clientWidth,
                                            height: graph.clientHeight, scale: 2 });
    }).then(function (address) {
      save(dataAddressBlob(address), fileStem(page.data().title) + "-chart.png");
    });
  }

  /* The buttons, once the engine has drawn a view and the timeline offers them. */
  function offer(box, page) {
    var problem = document.createElement("p");
    problem.className = "downloads-problem";
    problem.setAttribute("role", "status");
    function button(id, text, download) {
      var node = document.createElement("button");
      node.type = "button";
      node.id = id;
      node.className = "download";
      node.textContent = text;
      node.addEventListener("click", function () {
        if (node.getAttribute("aria-disabled") === "true") { return; }
        node.setAttribute("aria-disabled", "true");
        problem.textContent = "";
        download(page).catch(function () { problem.textContent = MESSAGES.failed(); })
          .then(function () { node.removeAttribute("aria-disabled"); });
      });
      return node;
    }
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", MESSAGES.group());
    box.replaceChildren(button("download-csv", MESSAGES.csv(), downloadCsv),
                        button("download-png", MESSAGES.png(), downloadPng), problem);
    box.hidden = false;
  }

  if (typeof document !== "undefined") {
    document.addEventListener("timeline:view", function () {
      var box = document.getElementById("timeline-downloads");
      var page = window.TimelinePage, timeline = document.getElementById("timeline");
      if (!box || !page || box.childElementCount) { return; }
      if (page.data().downloads || (timeline && timeline.hasAttribute("data-shell"))) {
        offer(box, page);
      }
    });
  }

  return { MESSAGES: MESSAGES, COLUMNS: COLUMNS, neutraliseFormula: neutraliseFormula,
           csvText: csvText, eventRow: eventRow, fileStem: fileStem };
}));
