// The header's menu: folded on a phone-sized screen, open on a wider one. The page is served
// with it open (readable without scripts); this runs where it stands in the header, before
// the page is first drawn, and follows the screen when it turns or is resized.
(function () {
  "use strict";
  var menu = document.querySelector("details.site-menu");
  if (!menu || !window.matchMedia) {
    return;
  }
  var narrow = window.matchMedia("(max-width: 40rem)");
  function follow() {
    menu.open = !narrow.matches;
  }
  follow();
  if (narrow.addEventListener) {
    narrow.addEventListener("change", follow);
  }
})();
