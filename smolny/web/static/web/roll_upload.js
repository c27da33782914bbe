// The roll's upload with a progress bar. The form works without this script (a plain
// multipart post); with it, the file is sent by XMLHttpRequest so that the upload's progress
// events can move the <progress> element, and the answer (the preview, or the bad lines)
// replaces the page's main content as the plain post would have shown it.
(function () {
  "use strict";

  function attach(form) {
    var bar = document.getElementById("roll-progress");
    var said = document.getElementById("roll-progress-text");
    if (!bar || !said || !window.FormData || !window.XMLHttpRequest) {
      return;
    }
    form.addEventListener("submit", function (event) {
      var file = form.querySelector("input[type=file]");
      if (!file || !file.files || file.files.length === 0) {
        return; // the server says what is missing
      }
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.disabled = true;
      }
      bar.hidden = false;
      bar.value = 0;
      said.textContent = said.dataset.sending;
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) {
          var percent = Math.floor((progress.loaded * 100) / progress.total);
          bar.value = percent;
          said.textContent = said.dataset.sending + " " + percent + "%";
        }
      });
      request.upload.addEventListener("load", function () {
        bar.value = 100;
        said.textContent = said.dataset.checking;
      });
      request.addEventListener("load", function () {
        var answer = new DOMParser().parseFromString(request.responseText, "text/html");
        var main = answer.getElementById("main");
        if (!main) {
          said.textContent = said.dataset.failed + " (" + request.status + ")";
          if (button) {
            button.disabled = false;
          }
          return;
        }
        document.title = answer.title;
        document.getElementById("main").replaceWith(document.adoptNode(main));
        if (window.htmx) {
          window.htmx.process(document.getElementById("main"));
        }
        var again = document.getElementById("roll-form");
        if (again) {
          attach(again);
        }
        document.getElementById("main").focus();
      });
      request.addEventListener("error", function () {
        said.textContent = said.dataset.failed;
        if (button) {
          button.disabled = false;
        }
      });
      request.send(new FormData(form));
    });
  }

  function start() {
    var form = document.getElementById("roll-form");
    if (form) {
      attach(form);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
