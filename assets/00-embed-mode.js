// Mark the document as an embed before Dash renders, so the explorer's
// header and tools never flash inside an article's iframe.
(function () {
  if (/\/embed\/?$/.test(window.location.pathname)) {
    document.documentElement.classList.add("is-embed");
  }
})();
