/* The index of timelines (/t/): filters the list as the reader types, as the
 * server's `?q=` does (folder/index_page.py `matches`): every word, case and
 * accents left out. Without this script the form still searches on the server. */
(function () {
  "use strict";
  var form = document.getElementById("timeline-search");
  var input = document.getElementById("q");
  var shown = document.getElementById("shown");
  var items = Array.prototype.slice.call(document.querySelectorAll("#timelines > li"));
  if (!form || !input || !shown) { return; }

  function folded(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function filter() {
    var words = folded(input.value).split(/\s+/).filter(Boolean);
    var count = 0;
    items.forEach(function (item) {
      var text = item.getAttribute("data-search") || "";
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      item.hidden = !match;
      if (match) { count += 1; }
    });
    shown.textContent = count + (count === 1 ? " timeline" : " timelines") +
      (words.length ? " matching \u201c" + input.value.trim() + "\u201d" : "");
  }

  input.addEventListener("input", filter);
  form.addEventListener("submit", function (event) { event.preventDefault(); filter(); });
}());
