// The operators' desk: keeps the queue and an open handoff current over a WebSocket,
// and sends the action forms without leaving the page.
(function () {
  "use strict";
  var rows = document.getElementById("queue-rows");
  var live = document.getElementById("live");
  var result = document.getElementById("result");
  var handoff = live ? live.getAttribute("data-id") : null;
  var delay = 1000;

  function fetchText(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) {
        if (r.status === 401 || r.redirected) { location.href = "/staff/login"; }
        if (!r.ok) throw new Error(String(r.status));
        return r.text();
      });
  }

  function showState() {
    if (!live) return;
    var marker = document.getElementById("live-state");
    var state = marker ? marker.getAttribute("data-state") : "closed";
    live.setAttribute("data-state", state);
    document.querySelectorAll("form.act[data-when]").forEach(function (form) {
      var when = form.getAttribute("data-when").split(" ");
      form.hidden = when.indexOf(state) < 0;
    });
  }

  function refresh() {
    if (rows) {
      fetchText("/staff/queue/rows").then(function (html) { rows.innerHTML = html; bind(rows); })
        .catch(function () {});
    }
    if (live) {
      fetchText("/staff/handoffs/" + handoff + "/live").then(function (html) {
        live.innerHTML = html;
        showState();
        var log = live.querySelector(".transcript");
        if (log && log.lastElementChild) log.lastElementChild.scrollIntoView({ block: "nearest" });
      }).catch(function () {});
    }
  }

  function nonce() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function submit(event) {
    event.preventDefault();
    var form = event.currentTarget;
    var button = form.querySelector("button");
    var data = new FormData(form);
    data.set("nonce", nonce());
    button.disabled = true;
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin",
                         headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { ok: false, text: "操作没有成功（" + r.status + "），请刷新页面再试。" }; })
      .then(function (answer) {
        if (result) {
          result.textContent = answer.text || "";
          result.className = answer.ok ? "notice" : "error";
        }
        if (answer.ok) {
          var box = form.querySelector("textarea, input[name=text]");
          if (box) box.value = "";
          var then = form.getAttribute("data-then");
          if (then) { location.href = then; return; }
        }
        refresh();
      })
      .catch(function () { if (result) { result.textContent = "网络中断，请稍后再试。"; result.className = "error"; } })
      .then(function () { button.disabled = false; });
  }

  function bind(root) {
    root.querySelectorAll("form.act").forEach(function (form) {
      if (!form.dataset.bound) { form.dataset.bound = "1"; form.addEventListener("submit", submit); }
    });
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + location.host + "/staff/ws");
    ws.onopen = function () { delay = 1000; refresh(); };
    ws.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type !== "changed") return;
      if (rows || String(message.handoff) === handoff) refresh();
    };
    ws.onclose = function () {
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }

  var say = document.getElementById("say-text");
  if (say) {
    say.addEventListener("keydown", function (event) {
      // Ctrl+Enter sends; a plain Enter is a new line, as operators write longer answers.
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.isComposing) {
        event.preventDefault();
        say.form.requestSubmit();
      }
    });
  }
  bind(document);
  showState();
  connect();
})();
