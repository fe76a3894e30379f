// The web chat page: a WebSocket to /ws (HTTP fallback on /api/*), messages as bubbles.
//
// Server text is only ever set with textContent, never innerHTML: citizen and corpus
// text stay text. Every message carries a client id; after a reconnect the messages
// not yet answered are sent again with the same ids, and the server answers a
// repeated id with the same replies (duplicate=true), which are shown only once.
(function () {
  "use strict";

  var SESSION_KEY = "hotline.session";
  var LARGE_KEY = "hotline.large";
  var SESSION_RE = /^[0-9a-f]{32}\.[0-9a-f]{32}$/; // made and signed by the server
  var START_ID = "start"; // one per session: the server answers a repeated start once
  var ANSWER_TIMEOUT = 60000; // no answer this long on an open socket: reconnect
  var WS_FAILURES_BEFORE_HTTP = 2;
  var MAX_BACKOFF = 30000;

  var TEXT = {
    placeholder: "请说说您遇到的事，例如：被罚款了不服怎么办",
    placeholderShort: "请输入您的问题",
    connecting: "正在连接…",
    offline: "网络连接断开了，正在重新连接…您发的消息会在连上后自动送出。",
    offlineHttp: "网络好像不太稳定，正在重试…您发的消息会在连上后自动送出。",
    slow: "网络较慢，正在重新连接…",
    failed: "这条消息没有发送成功，请稍后再试；急事请拨打 12348。",
    tooLong: "这条消息太长了，请分几次发送。",
    sources: "依据：",
    details: "详细说明",
    me: "我说：",
    bot: "智能助手说：",
    operator: "热线工作人员",
    operatorSays: "热线工作人员说：",
    notice: "提示：",
  };

  var root = document.documentElement;
  var log = document.getElementById("log");
  var form = document.getElementById("ask");
  var input = document.getElementById("text");
  var sendButton = document.getElementById("send");
  var large = document.getElementById("large");
  var typing = document.getElementById("typing");
  var statusBar = document.getElementById("status");
  var embedded = root.classList.contains("embed");

  // ---- storage (may be unavailable, e.g. in a sandboxed frame) ----

  function load(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }

  function save(key, value) {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, value);
    } catch (e) { /* private mode: the cookie still keeps the session */ }
  }

  // The server keeps the session in an HttpOnly cookie. A frame on a bureau's site may
  // not get that cookie back, so the page keeps the id too and sends it in a header or
  // the socket's first frame: never in a URL, which access logs and proxies record.
  var session = load(SESSION_KEY);
  if (!session || !SESSION_RE.test(session)) session = null;

  // ---- state ----

  var pending = [];          // messages sent (or to send) and not answered yet, in order
  var rendered = {};         // client ids whose replies are on screen
  var shown = [];            // what the server's history would list, as keys, in order
  var loaded = false;        // the history has been shown once
  var ws = null;
  var wsOpen = false;
  var wsEverOpened = false;
  var wsFailures = 0;
  var httpMode = typeof WebSocket === "undefined";
  var httpBusy = false;
  var attempt = 0;
  var retryTimer = null;
  var answerTimer = null;
  var counter = 0;

  function newId() {
    counter += 1;
    var random = Math.random().toString(36).slice(2, 10);
    return "w" + Date.now().toString(36) + "-" + counter + "-" + random;
  }

  function sessionHeaders(headers) {
    if (session) headers["X-Chat-Session"] = session;
    return headers;
  }

  // ---- rendering ----

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function srLabel(text) {
    var span = document.createElement("span");
    span.className = "sr";
    span.textContent = text;
    return span;
  }

  function row(who) {
    var div = document.createElement("div");
    div.className = "row " + who;
    log.appendChild(div);
    return div;
  }

  // Public hotlines in the bot's text become tap-to-call links; all else stays plain text.
  var HOTLINES = /(^|[^0-9])(110|119|120|12315|12345|12348|12356)(?![0-9])/g;

  function setDialable(el, text) {
    var last = 0;
    var match;
    HOTLINES.lastIndex = 0;
    while ((match = HOTLINES.exec(text)) !== null) {
      var start = match.index + match[1].length;
      el.appendChild(document.createTextNode(text.slice(last, start)));
      var link = document.createElement("a");
      link.href = "tel:" + match[2];
      link.className = "tel";
      link.textContent = match[2];
      el.appendChild(link);
      last = start + match[2].length;
    }
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  function citizenBubble(text) {
    var div = row("me");
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.appendChild(srLabel(TEXT.me));
    bubble.appendChild(document.createTextNode(text));
    div.appendChild(bubble);
    return div;
  }

  function noticeBubble(text) {
    var div = row("notice");
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.appendChild(srLabel(TEXT.notice));
    setDialable(bubble, text); // e.g. "slow down; if urgent call 110"
    div.appendChild(bubble);
    return div;
  }

  function replyBubble(reply, who) {
    var div = row(who === "operator" ? "operator" : "bot");
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    if (who === "operator") {
      var tag = document.createElement("div");
      tag.className = "who";
      tag.setAttribute("aria-hidden", "true");
      // The operator's display number, e.g. "热线工作人员 0231", never a personal account.
      tag.textContent = reply.sender ? String(reply.sender) : TEXT.operator;
      bubble.appendChild(tag);
      bubble.appendChild(srLabel(TEXT.operatorSays));
    } else {
      bubble.appendChild(srLabel(TEXT.bot));
    }
    var body = document.createElement("div");
    body.className = "text";
    if (who === "operator") body.textContent = String(reply.text || "");
    else setDialable(body, String(reply.text || ""));
    bubble.appendChild(body);
    // The details sit in the bubble behind an expander; its "more:" button is not shown.
    var details = typeof reply.details === "string" ? reply.details : "";
    if (details) {
      var more = document.createElement("details");
      more.className = "answer-details";
      var summary = document.createElement("summary");
      summary.textContent = TEXT.details;
      var inner = document.createElement("div");
      inner.className = "text";
      setDialable(inner, details);
      more.appendChild(summary);
      more.appendChild(inner);
      bubble.appendChild(more);
    }
    var sources = Array.isArray(reply.sources) ? reply.sources : [];
    if (sources.length) {
      var src = document.createElement("div");
      src.className = "sources";
      src.textContent = TEXT.sources + groupSources(sources);
      bubble.appendChild(src);
    }
    div.appendChild(bubble);
    var buttons = Array.isArray(reply.buttons) ? reply.buttons : [];
    if (buttons.length) {
      var group = document.createElement("div");
      group.className = "buttons";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "可选操作");
      buttons.forEach(function (b) {
        if (!b || typeof b.label !== "string") return;
        if (details && typeof b.payload === "string" && b.payload.indexOf("more:") === 0) return;
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.label;
        button.addEventListener("click", function () { press(b, button); });
        group.appendChild(button);
      });
      div.appendChild(group);
    }
    return div;
  }

  // "《A》第一条", "《A》第三条", "《B》第二条" → "《A》第一条、第三条；《B》第二条".
  function groupSources(sources) {
    var order = [];
    var parts = Object.create(null);
    sources.forEach(function (source) {
      source = String(source);
      var match = /^(《[^》]+》)\s*(\S.*)$/.exec(source);
      var law = match ? match[1] : source;
      if (!parts[law]) {
        parts[law] = [];
        order.push(law);
      }
      if (match && parts[law].indexOf(match[2]) < 0) parts[law].push(match[2]);
    });
    return order.map(function (law) { return law + parts[law].join("、"); }).join("；");
  }

  // The server may list an operator's messages as the bot's: both count as "bot" here.
  function key(from, text) {
    return (from === "citizen" ? "citizen" : "bot") + "\u0000" + text;
  }

  function showItem(item) {
    var from = item.from === "operator" ? "operator" : item.from === "citizen" ? "citizen" : "bot";
    if (from === "citizen") citizenBubble(String(item.text || ""));
    else replyBubble(item, from);
    shown.push(key(from, String(item.text || "")));
  }

  // After new messages: keep the start of a long answer (and the question just above
  // it) in view, else go to the end.
  function reveal(first, stick) {
    if (!first || !stick) return;
    var top = first;
    var before = first.previousElementSibling;
    if (before && before.classList.contains("me")) top = before;
    var end = log.scrollHeight - log.clientHeight;
    log.scrollTop = top.offsetTop - 8 >= end ? end : top.offsetTop - 8;
  }

  function renderReplies(replies, from, stick) {
    stick = stick || nearBottom();
    var first = null;
    (replies || []).forEach(function (reply) {
      var div = replyBubble(reply, from);
      shown.push(key(from, String(reply.text || "")));
      if (!first) first = div;
    });
    reveal(first, stick);
  }

  function setTyping() {
    typing.hidden = pending.length === 0;
  }

  function setStatus(text) {
    statusBar.textContent = text || "";
    statusBar.hidden = !text;
  }

  function setReady() {
    input.disabled = false;
    setPlaceholder();
    updateSendButton();
  }

  // The long hint with an example only where it fits on one line.
  function setPlaceholder() {
    if (input.disabled) return;
    var room = input.clientWidth / parseFloat(getComputedStyle(input).fontSize || "16");
    input.placeholder = room >= 24 ? TEXT.placeholder : TEXT.placeholderShort;
  }

  function updateSendButton() {
    sendButton.disabled = input.disabled || !input.value.trim();
  }

  // ---- the history (from hello or /api/history) ----

  // The history's items not on screen yet. Usually the history is what is shown plus
  // the new items; when it is cut to the last messages, they are those after the longest
  // overlap of the end of what is shown with the history. null: no overlap at all.
  function fresh(history) {
    var keys = history.map(function (item) { return key(item.from, String(item.text || "")); });
    var i;
    if (keys.length >= shown.length) {
      for (i = 0; i < shown.length && keys[i] === shown[i]; i++);
      if (i === shown.length) return history.slice(shown.length);
    }
    for (var end = keys.length; end > 0; end--) {
      var n = Math.min(end, shown.length);
      var same = n > 0;
      for (i = 1; same && i <= n; i++) {
        if (keys[end - i] !== shown[shown.length - i]) same = false;
      }
      if (same) return history.slice(end);
    }
    return null;
  }

  function receiveHistory(sessionId, history) {
    if (typeof sessionId === "string" && SESSION_RE.test(sessionId)) {
      session = sessionId;
      save(SESSION_KEY, sessionId);
    }
    history = Array.isArray(history) ? history : [];
    if (!loaded) {
      loaded = true;
      log.removeAttribute("aria-busy");
      history.forEach(showItem);
      log.scrollTop = log.scrollHeight;
      setReady();
      if (!history.length) {
        pending.unshift({ id: START_ID, type: "start" });
      }
    } else if (!pending.length && shown.length && history.length) {
      // Reconnected: show what came while the connection was down (e.g. an operator).
      var extra = fresh(history);
      if (extra === null) {
        log.textContent = "";
        shown = [];
        history.forEach(showItem);
        log.scrollTop = log.scrollHeight;
      } else if (extra.length) {
        var stick = nearBottom();
        var firstNew = log.lastElementChild;
        extra.forEach(showItem);
        reveal(firstNew ? firstNew.nextElementSibling : log.firstElementChild, stick);
      }
    }
    setTyping();
  }

  // ---- answers ----

  function forget(id) {
    for (var i = 0; i < pending.length; i++) {
      if (pending[i].id === id) return pending.splice(i, 1)[0];
    }
    return null;
  }

  function receiveReplies(data) {
    var id = data.in_reply_to;
    if (id === null || id === undefined) {
      // Pushed by the server, e.g. a hotline operator writing.
      renderReplies(data.replies, data.from === "operator" ? "operator" : "bot", false);
      return;
    }
    var message = forget(id);
    if (message) message.acknowledged = true;
    if (message && message.bubble) message.bubble.classList.remove("pending");
    // The server lists the citizen's text messages, but not commands such as "/menu".
    if (message && message.type === "message" && message.text.trim().charAt(0) !== "/") {
      shown.push(key("citizen", message.text));
    }
    if (message && message.button) message.button.classList.remove("busy");
    if (!rendered[id]) {
      rendered[id] = true;
      renderReplies(data.replies, data.from === "operator" ? "operator" : "bot", true);
    }
    armAnswerTimer();
    setTyping();
  }

  function receiveError(data) {
    var message = data.in_reply_to != null ? forget(data.in_reply_to) : null;
    if (message && message.bubble) {
      message.bubble.classList.remove("pending");
      message.bubble.classList.add("failed");
    }
    if (message && message.button) message.button.classList.remove("busy");
    noticeBubble(String(data.text || TEXT.failed));
    log.scrollTop = log.scrollHeight;
    armAnswerTimer();
    setTyping();
  }

  // ---- sending ----

  function wireMessage(message) {
    if (message.type === "start") return { type: "start", id: message.id };
    if (message.type === "button") return { type: "button", id: message.id, payload: message.payload };
    return { type: "message", id: message.id, text: message.text };
  }

  function enqueue(message) {
    pending.push(message);
    setTyping();
    flush();
  }

  function flush() {
    if (!loaded) return;
    if (wsOpen) {
      pending.forEach(function (message) {
        if (!message.sent) {
          message.sent = true;
          ws.send(JSON.stringify(wireMessage(message)));
        }
      });
      armAnswerTimer();
    } else if (httpMode) {
      httpFlush();
    }
  }

  function send(text) {
    if (!text.trim()) return;
    var bubble = citizenBubble(text);
    bubble.classList.add("pending");
    log.scrollTop = log.scrollHeight;
    enqueue({ id: newId(), type: "message", text: text, bubble: bubble });
  }

  function press(b, button) {
    // A second tap on the same button while its answer is on the way does nothing.
    for (var i = 0; i < pending.length; i++) {
      if (pending[i].type === "button" && pending[i].payload === b.payload) return;
    }
    button.classList.add("busy");
    var bubble = citizenBubble(b.label);
    bubble.classList.add("pending");
    log.scrollTop = log.scrollHeight;
    enqueue({ id: newId(), type: "button", payload: String(b.payload), bubble: bubble, button: button });
  }

  // ---- WebSocket ----

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (ws || typeof WebSocket === "undefined") return;
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
    var socket;
    try {
      socket = new WebSocket(url);
    } catch (e) {
      wsFailed(false);
      return;
    }
    ws = socket;
    var greeted = false; // a socket that closes before its hello counts as a failure
    var resumed = false; // the kept session was offered on this socket (or not needed)
    socket.onmessage = function (event) {
      if (socket !== ws) return;
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (!data || typeof data !== "object") return;
      if (data.type === "hello") {
        greeted = true;
        if (!resumed && session && data.session !== session) {
          // The cookie did not come: ask for the kept session; another hello follows.
          resumed = true;
          socket.send(JSON.stringify({ type: "resume", session: session }));
          return;
        }
        resumed = true;
        wsOpen = true;
        wsEverOpened = true;
        wsFailures = 0;
        attempt = 0;
        httpMode = false;
        setStatus("");
        // Everything not answered goes again, with the same ids.
        pending.forEach(function (message) { message.sent = false; });
        receiveHistory(data.session, data.history);
        flush();
      } else if (data.type === "replies") {
        receiveReplies(data);
      } else if (data.type === "error") {
        receiveError(data);
      }
    };
    socket.onclose = function () {
      if (socket !== ws) return;
      ws = null;
      wsOpen = false;
      clearTimeout(answerTimer);
      wsFailed(greeted);
    };
    socket.onerror = function () { /* onclose follows */ };
  }

  function wsFailed(greeted) {
    if (!greeted) wsFailures += 1;
    if (!wsEverOpened && wsFailures >= WS_FAILURES_BEFORE_HTTP && !httpMode) {
      // WebSocket seems blocked (a proxy, an old browser): talk over plain HTTP.
      httpMode = true;
      httpStart();
    }
    if (!httpMode) setStatus(loaded ? TEXT.offline : TEXT.connecting);
    scheduleReconnect();
  }

  function backoff() {
    var base = Math.min(MAX_BACKOFF, 1000 * Math.pow(2, attempt));
    attempt += 1;
    return base / 2 + Math.random() * base / 2;
  }

  function scheduleReconnect() {
    if (retryTimer) return;
    // Over HTTP the socket is still tried now and then, more slowly.
    var delay = httpMode ? Math.max(backoff(), 15000) : backoff();
    retryTimer = setTimeout(connect, delay);
  }

  function reconnectNow() {
    if (!ws && !wsOpen) {
      attempt = 0;
      connect();
    }
  }

  // An open socket that stays silent while messages wait has probably died.
  function armAnswerTimer() {
    clearTimeout(answerTimer);
    if (!wsOpen || !pending.length) return;
    answerTimer = setTimeout(function () {
      if (ws && pending.length) {
        setStatus(TEXT.slow);
        try { ws.close(); } catch (e) { /* closed already */ }
      }
    }, ANSWER_TIMEOUT);
  }

  // ---- HTTP fallback ----

  function httpStart() {
    if (loaded) {
      httpFlush();
      return;
    }
    fetch("/api/history", { credentials: "same-origin", headers: sessionHeaders({}) })
      .then(function (res) {
        if (!res.ok) throw new Error(String(res.status));
        return res.json();
      })
      .then(function (data) {
        if (loaded && !httpMode) return;
        setStatus("");
        receiveHistory(data.session, data.history);
        httpFlush();
      })
      .catch(function () {
        setStatus(TEXT.offlineHttp);
        setTimeout(function () { if (httpMode && !loaded) httpStart(); }, backoff());
      });
  }

  function httpFlush() {
    if (httpBusy || !httpMode || !loaded || !pending.length) return;
    var message = pending[0];
    var url = message.type === "button" ? "/api/button" : "/api/message";
    var body = message.type === "button"
      ? { id: message.id, payload: message.payload }
      : { id: message.id, text: message.type === "start" ? "/start" : message.text };
    httpBusy = true;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: sessionHeaders({ "Content-Type": "application/json" }),
      body: JSON.stringify(body),
    })
      .then(function (res) {
        if (res.status === 413) return { type: "error", in_reply_to: message.id, text: TEXT.tooLong };
        if (res.status === 429) {
          // Too many messages: the server's own words say to wait (and whom to call).
          return res.json().catch(function () { return {}; }).then(function (data) {
            var text = data && typeof data.text === "string" ? data.text : TEXT.failed;
            return { type: "error", in_reply_to: message.id, text: text };
          });
        }
        if (res.status >= 400 && res.status < 500) {
          return { type: "error", in_reply_to: message.id, text: TEXT.failed };
        }
        if (!res.ok) throw new Error(String(res.status));
        return res.json();
      })
      .then(function (data) {
        httpBusy = false;
        setStatus("");
        if (data.type === "error") receiveError(data);
        else receiveReplies(data);
        httpFlush();
      })
      .catch(function () {
        httpBusy = false;
        setStatus(TEXT.offlineHttp);
        setTimeout(httpFlush, backoff());
      });
  }

  // ---- input ----

  var composing = false;

  function grow() {
    input.style.height = "auto";
    var max = parseFloat(getComputedStyle(input).lineHeight || "24") * 5 + 16;
    input.style.height = Math.min(input.scrollHeight + 2, max) + "px";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (input.disabled) return;
    var text = input.value;
    if (!text.trim()) return;
    input.value = "";
    grow();
    updateSendButton();
    send(text);
    input.focus();
  });

  input.addEventListener("compositionstart", function () { composing = true; });
  input.addEventListener("compositionend", function () {
    // Safari sends the Enter that ends a composition after compositionend.
    setTimeout(function () { composing = false; }, 0);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey) return;
    // Enter that picks characters in a Chinese input method must not send.
    if (event.isComposing || composing || event.keyCode === 229) return;
    event.preventDefault();
    if (typeof form.requestSubmit === "function") form.requestSubmit();
    else form.dispatchEvent(new Event("submit", { cancelable: true }));
  });

  input.addEventListener("input", function () {
    grow();
    updateSendButton();
  });

  // ---- 长者模式 ----

  function setLarge(on) {
    root.classList.toggle("large", on);
    large.setAttribute("aria-pressed", String(on));
    save(LARGE_KEY, on ? "1" : null);
    setPlaceholder();
    grow();
  }

  large.addEventListener("click", function () {
    setLarge(!root.classList.contains("large"));
  });
  large.setAttribute("aria-pressed", String(root.classList.contains("large")));

  // ---- embedded in a bureau's site ----

  if (embedded && window.parent !== window) {
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        window.parent.postMessage({ type: "hotline-chat:close" }, "*");
      }
    });
  }

  // ---- start ----

  window.addEventListener("resize", setPlaceholder);
  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) reconnectNow();
  });

  log.setAttribute("aria-busy", "true");
  if (httpMode) httpStart();
  else connect();
})();
