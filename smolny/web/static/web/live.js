// Live updates for Smolny's pages, in plain JavaScript (no build step).
//
// A page that wants them names its channel on <body data-live-channel="organisation:3">.
// Every server-sent event on that channel is re-dispatched on <body> as a DOM event
// "live" (detail: the event's JSON), so a fragment marked
//   hx-get="..." hx-trigger="live from:body"
// re-reads itself from the server, and page scripts may listen for "live" too.
// The browser's EventSource reconnects by itself and sends Last-Event-ID, so the server
// replays what a dropped connection missed; when it cannot (a "reset" event), the listeners
// re-read the state just the same, since they re-read on every event. A "ready" event (the
// first connection) is relayed too, so a fragment rendered before the stream opened is
// brought up to date.
(function () {
  "use strict";
  var body = document.body;
  var channel = body.getAttribute("data-live-channel");
  if (!channel || !window.EventSource) {
    return;
  }
  var status = document.getElementById("live-status");
  function show(state, text) {
    if (status) {
      status.setAttribute("data-state", state);
      status.textContent = text || status.getAttribute("data-" + state) || state;
    }
  }
  var source = new EventSource("/live/" + encodeURIComponent(channel));
  function relay(kind, raw) {
    var detail = null;
    try {
      detail = raw ? JSON.parse(raw) : null;
    } catch (e) {
      detail = null;
    }
    body.dispatchEvent(new CustomEvent("live", { detail: { kind: kind, event: detail } }));
  }
  source.onopen = function () {
    show("connected");
  };
  source.onerror = function () {
    show("reconnecting");
  };
  source.onmessage = function (message) {
    relay("message", message.data);
  };
  ["ready", "reset"].forEach(function (kind) {
    source.addEventListener(kind, function (message) {
      relay(kind, message.data);
    });
  });
  window.addEventListener("beforeunload", function () {
    source.close();
  });
})();
