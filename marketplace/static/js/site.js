// Personal notifications over the websocket; pages stay usable without it.
(function () {
  var path = document.body.getAttribute("data-notifications-ws");
  if (!path || !window.WebSocket) return;
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var unread = 0;
  function connect() {
    var ws = new WebSocket(scheme + window.location.host + path);
    ws.onmessage = function (event) {
      var data = JSON.parse(event.data);
      if (data.type !== "notification") return;
      unread += 1;
      var badge = document.getElementById("notification-count");
      if (badge) badge.textContent = "(" + unread + ")";
      var list = document.getElementById("notification-list");
      if (list) {
        var li = document.createElement("li");
        li.className = "unread";
        var strong = document.createElement("strong");
        strong.textContent = data.title;
        li.appendChild(strong);
        li.appendChild(document.createTextNode(" " + (data.body || "")));
        list.insertBefore(li, list.firstChild);
      }
      document.dispatchEvent(new CustomEvent("marketplace:notification", { detail: data }));
    };
    ws.onclose = function () { setTimeout(connect, 5000); };
  }
  connect();
})();

// The language switcher submits on change; its button stays for browsers without JS.
(function () {
  var form = document.getElementById("language-switch");
  if (!form) return;
  var select = form.querySelector("select");
  var button = form.querySelector("button");
  if (button) button.hidden = true;
  select.addEventListener("change", function () { form.submit(); });
})();
