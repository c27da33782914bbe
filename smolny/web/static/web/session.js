// The session pages' own behaviour, in plain JavaScript (no build step, no inline script:
// the Content-Security-Policy forbids it).
//
// * The speaking clock: a ".clock" element carries the seconds the server measured when it
//   rendered it (data-clock-elapsed) and the limit (data-clock-limit); the page counts on
//   from there, every quarter second, and marks the clock "over" past the limit. A re-read of
//   the fragment brings a fresh figure from the server, so the browser's clock never drifts
//   far.
// * A secret ballot's receipt is dismissed only by the deputy ("data-dismiss"): the link
//   reloads the page without JavaScript; with it, the receipt is simply removed.
(function () {
  "use strict";
  var seen = new WeakMap();
  function format(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".clock[data-clock-elapsed]").forEach(function (clock) {
      if (!seen.has(clock)) {
        seen.set(clock, now);
      }
      var base = parseInt(clock.getAttribute("data-clock-elapsed"), 10) || 0;
      var elapsed = base + Math.floor((now - seen.get(clock)) / 1000);
      var limit = parseInt(clock.getAttribute("data-clock-limit"), 10);
      var text = format(elapsed);
      if (clock.textContent !== text) {
        clock.textContent = text;
      }
      clock.classList.toggle("over", !isNaN(limit) && elapsed > limit);
    });
  }
  tick();
  window.setInterval(tick, 250);
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-dismiss]") : null;
    if (!target) {
      return;
    }
    var box = document.getElementById(target.getAttribute("data-dismiss"));
    if (box) {
      event.preventDefault();
      box.remove();
    }
  });
})();
