// The timeline's slider: after htmx has swapped in a new day, say the day in words to
// assistive technology (aria-valuetext) and keep the date field in step with the slider.
(function () {
  "use strict";
  function sync() {
    var day = document.getElementById("timeline-day");
    var slider = document.getElementById("timeline-slider");
    var field = document.getElementById("timeline-date-input");
    if (!day || !slider) return;
    slider.setAttribute("aria-valuetext", day.dataset.label || "");
    if (String(slider.value) !== day.dataset.index && document.activeElement !== slider) {
      slider.value = day.dataset.index;
    }
    if (field) field.value = day.dataset.date || "";
  }
  document.addEventListener("htmx:afterSettle", sync);
})();
