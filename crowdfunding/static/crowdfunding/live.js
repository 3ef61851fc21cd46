// Live progress of a campaign page. The root carries data-live-campaign="<id>"; inside it
// [data-live="<field>"] shows a field of the pushed progress (pledged_display, backers,
// percent_funded), [data-live-bar] is the progress bar and [data-live-remaining="<tier>"]
// a limited tier's remaining units; data-live-status="<status>" on the root makes a
// change of status (funded, failed, canceled) reload the page. The server pushes after every committed change; the
// socket reconnects with backoff, and stops for a campaign that is not public (4404).
(function () {
  "use strict";
  var root = document.querySelector("[data-live-campaign]");
  if (!root || !("WebSocket" in window)) { return; }
  var id = root.getAttribute("data-live-campaign");
  var scheme = window.location.protocol === "https:" ? "wss" : "ws";
  var delay = 1000;

  function apply(progress) {
    var shown = root.getAttribute("data-live-status");
    if (shown && progress.status && progress.status !== shown) {
      window.location.reload();
      return;
    }
    root.querySelectorAll("[data-live]").forEach(function (el) {
      var value = progress[el.getAttribute("data-live")];
      if (value !== undefined && value !== null) { el.textContent = value; }
    });
    root.querySelectorAll("[data-live-bar]").forEach(function (el) {
      var percent = Number(progress.percent_funded) || 0;
      el.style.width = Math.min(100, percent) + "%";
      el.setAttribute("aria-valuenow", String(percent));
    });
    Object.keys(progress.remaining || {}).forEach(function (tier) {
      root.querySelectorAll('[data-live-remaining="' + tier + '"]').forEach(function (el) {
        el.textContent = progress.remaining[tier];
      });
    });
  }

  function open() {
    var socket = new WebSocket(scheme + "://" + window.location.host +
                               "/ws/crowdfunding/campaigns/" + id + "/");
    socket.onmessage = function (event) {
      delay = 1000;
      apply(JSON.parse(event.data));
    };
    socket.onclose = function (event) {
      if (event.code === 4404) { return; }
      window.setTimeout(open, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  open();
})();
