// The live probe page (smolny/web/probe.py): lists the events of its channel as they arrive.
// A file of its own, not an inline script, so that the Content-Security-Policy allows it.
(function () {
  "use strict";
  var list = document.getElementById("events");
  var status = document.getElementById("status");
  var source = new EventSource(list.dataset.stream);
  source.addEventListener("ready", function () { status.textContent = "connected"; });
  source.addEventListener("reset", function () { status.textContent = "connected (reset)"; });
  source.addEventListener("message", function (e) {
    var item = document.createElement("li");
    item.dataset.id = e.lastEventId;
    item.textContent = e.data;
    list.appendChild(item);
  });
  source.addEventListener("error", function () { status.textContent = "reconnecting"; });
})();
