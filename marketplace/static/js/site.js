// Personal notifications over the websocket; pages stay usable without it.
(function () {
  var path = document.body.getAttribute("data-notifications-ws");
  if (!path || !window.WebSocket) return;
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var badge = document.getElementById("notification-count");
  var unread = badge ? parseInt(badge.getAttribute("data-unread") || "0", 10) || 0 : 0;
  function connect() {
    var ws = new WebSocket(scheme + window.location.host + path);
    ws.onmessage = function (event) {
      var data = JSON.parse(event.data);
      if (data.type !== "notification") return;
      unread += 1;
      if (badge) {
        badge.querySelector(".n").textContent = String(unread);
        badge.hidden = false;
      }
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

// The compact menu at phone width: the toggle shows and hides the header's links. Without
// JS the links stay visible (and wrap).
(function () {
  var header = document.getElementById("site-header");
  var toggle = document.getElementById("menu-toggle");
  if (!header || !toggle) return;
  header.classList.add("has-menu-toggle");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = header.classList.toggle("menu-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();

// The account menu closes on Escape and on a click outside it.
(function () {
  var menu = document.querySelector(".account-menu");
  if (!menu) return;
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
