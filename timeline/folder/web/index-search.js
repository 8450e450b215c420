/* The index of timelines (/t/): filters the list as the reader types, as the
 * server's `?q=` does (folder/index_page.py `matches`): every word, case and
 * accents left out. The count line's words come from the page (#shown's
 * data-forms: each plural form by CLDR's category, in the page's language), the
 * form picked by the browser's Intl.PluralRules. Without this script the form
 * still searches on the server. */
(function () {
  "use strict";
  var form = document.getElementById("timeline-search");
  var input = document.getElementById("q");
  var shown = document.getElementById("shown");
  var items = Array.prototype.slice.call(document.querySelectorAll("#timelines > li"));
  if (!form || !input || !shown) { return; }
  var language = document.documentElement.lang || "en";
  var forms = JSON.parse(shown.getAttribute("data-forms") || "{}");
  var plurals = new Intl.PluralRules(language);
  var numbers = new Intl.NumberFormat(language);

  function folded(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function said(key, count, words) {
    var choices = forms[key] || {};
    var text = choices[plurals.select(count)] || choices.other || "";
    return text.replace("{count}", numbers.format(count)).replace("{words}", words);
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
    shown.textContent = words.length ? said("matching", count, input.value.trim())
                                     : said("count", count, "");
  }

  input.addEventListener("input", filter);
  form.addEventListener("submit", function (event) { event.preventDefault(); filter(); });
}());
