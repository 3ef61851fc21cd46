// Live progress of a campaign page. The root carries data-live-campaign="<id>" and
// data-live-status="<status>" (a change of status, funded, failed or canceled, reloads
// the page). Inside it: [data-live="<field>"] shows a pushed field as it is
// (pledged_display), [data-live-percent] the percent, [data-live-bar] the <progress>
// bar, [data-live-backers] the backers with the label forms the server rendered in the
// reader's language (data-one, data-other, "%(counter)s" in them), and
// [data-live-remaining="<tier>"] a limited tier's units left (data-template with
// __LEFT__, data-sold-out). The server pushes after every committed change; the socket
// reconnects with backoff and stops for a campaign that is not public (4404).
(function () {
  "use strict";
  var root = document.querySelector("[data-live-campaign]");
  if (!root || !("WebSocket" in window)) { return; }
  var id = root.getAttribute("data-live-campaign");
  var scheme = window.location.protocol === "https:" ? "wss" : "ws";
  var delay = 1000;

  function each(selector, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  function apply(progress) {
    var shown = root.getAttribute("data-live-status");
    if (shown && progress.status && progress.status !== shown) {
      window.location.reload();
      return;
    }
    var percent = Number(progress.percent_funded) || 0;
    each("[data-live]", function (el) {
      var value = progress[el.getAttribute("data-live")];
      if (value !== undefined && value !== null) { el.textContent = value; }
    });
    each("[data-live-percent]", function (el) { el.textContent = percent + " %"; });
    each("[data-live-bar]", function (el) { el.value = Math.max(0, Math.min(100, percent)); });
    each("[data-live-backers]", function (el) {
      var n = Number(progress.backers) || 0;
      var form = el.getAttribute(n === 1 ? "data-one" : "data-other") || "%(counter)s";
      el.textContent = form.replace("%(counter)s", String(n));
    });
    Object.keys(progress.remaining || {}).forEach(function (tier) {
      each('[data-live-remaining="' + tier + '"]', function (el) {
        var left = Number(progress.remaining[tier]);
        el.textContent = left > 0
          ? (el.getAttribute("data-template") || "__LEFT__").replace("__LEFT__", String(left))
          : (el.getAttribute("data-sold-out") || "0");
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
