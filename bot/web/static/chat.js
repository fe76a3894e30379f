// Web chat: text and button presses go to /api/message; replies are rendered as text.
(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("ask");
  const input = document.getElementById("text");
  const large = document.getElementById("large");

  function bubble(text, who) {
    const div = document.createElement("div");
    div.className = "msg " + who;
    div.textContent = text;  // never innerHTML: citizen and corpus text stay text
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function render(reply) {
    const div = bubble(reply.text, "bot");
    sources(reply, div);
    if (reply.buttons && reply.buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      for (const b of reply.buttons) {
        const btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.label;
        btn.addEventListener("click", () => press(b));
        row.appendChild(btn);
      }
      div.appendChild(row);
    }
  }

  function sources(reply, div) {
    if (reply.sources && reply.sources.length) {
      const src = document.createElement("div");
      src.className = "source";
      src.textContent = "来源：" + reply.sources.join("；");
      div.appendChild(src);
    }
  }

  async function post(url, body) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(res.status);
      const data = await res.json();
      data.replies.forEach(render);
    } catch (e) {
      bubble("网络好像断了，请稍后再试；急事请拨打 12348。", "bot");
    }
  }

  function send(text) {
    if (!text.trim()) return;
    bubble(text, "me");
    return post("/api/message", { text: text });
  }

  function press(button) {
    bubble(button.label, "me");
    return post("/api/button", { payload: button.payload });
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  large.addEventListener("click", () => {
    const on = document.body.classList.toggle("large");
    large.setAttribute("aria-pressed", String(on));
    try { localStorage.setItem("large", on ? "1" : ""); } catch (e) {}
  });
  try { if (localStorage.getItem("large")) large.click(); } catch (e) {}
  send("你好");
})();
