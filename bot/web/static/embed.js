// The legal-services chat in a corner of a bureau's own website.
//
//   <script src="https://BOT/embed.js" async></script>
//
// Adds a "法律咨询" button at the bottom right that opens and closes the chat in a
// frame (380×600 on a desktop, the whole screen on a phone). Everything lives in one
// shadow root, so the site's styles and ours do not mix; the only global is
// window.HotlineChatEmbed ({open, close, toggle}).
(function () {
  "use strict";

  if (window.HotlineChatEmbed) return; // the script was included twice

  var script = document.currentScript;
  if (!script) {
    var scripts = document.querySelectorAll('script[src*="embed.js"]');
    script = scripts[scripts.length - 1];
  }
  if (!script || !script.src) return;
  var origin = new URL(script.src, location.href).origin;
  var P = "hlc-embed-"; // class prefix, in case shadow DOM is missing

  var CSS = [
    ":host { all: initial; }",
    "." + P + "root { position: fixed; right: 0; bottom: 0; z-index: 2147483000;",
    "  font: 16px/1.4 system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif; }",
    "." + P + "root *, ." + P + "root *::before, ." + P + "root *::after { box-sizing: border-box; }",
    "." + P + "launcher { position: fixed; right: 20px; bottom: 20px; display: inline-flex; align-items: center;",
    "  gap: 8px; min-height: 56px; padding: 0 22px 0 18px; margin: 0; border: 0; border-radius: 28px;",
    "  background: #a52a22; color: #fff; font: inherit; font-size: 18px; font-weight: 700; letter-spacing: 1px;",
    "  box-shadow: 0 6px 18px rgba(0,0,0,.28); cursor: pointer; }",
    "." + P + "launcher:hover { background: #7f1d17; }",
    "." + P + "launcher:focus-visible, ." + P + "close:focus-visible { outline: 3px solid #1558d6; outline-offset: 3px; }",
    "." + P + "launcher svg { width: 24px; height: 24px; flex: none; }",
    "." + P + "panel { position: fixed; right: 20px; bottom: 88px; width: 380px; height: 600px;",
    "  max-width: calc(100vw - 40px); max-height: calc(100vh - 108px); display: flex; flex-direction: column;",
    "  background: #fff; border-radius: 12px; overflow: hidden; box-shadow: 0 12px 40px rgba(0,0,0,.3); }",
    "." + P + "panel[hidden] { display: none; }",
    "." + P + "bar { flex: none; display: flex; align-items: center; justify-content: space-between;",
    "  gap: 8px; padding: 4px 4px 4px 16px; background: #a52a22; color: #fff; }",
    "." + P + "title { margin: 0; font-size: 17px; font-weight: 700; letter-spacing: 1px; }",
    "." + P + "close { display: inline-flex; align-items: center; justify-content: center; gap: 4px;",
    "  min-width: 48px; min-height: 44px; padding: 0 12px; margin: 0; border: 0; border-radius: 8px;",
    "  background: transparent; color: #fff; font: inherit; font-size: 16px; cursor: pointer; }",
    "." + P + "close:hover { background: rgba(255,255,255,.18); }",
    "." + P + "close svg { width: 20px; height: 20px; }",
    "." + P + "frame { flex: 1; width: 100%; border: 0; display: block; background: #f2f0ec; }",
    "@media (max-width: 600px), (max-height: 500px) {",
    "  ." + P + "panel { inset: 0; right: 0; bottom: 0; width: 100%; height: 100%; max-width: none;",
    "    max-height: none; border-radius: 0; padding-top: env(safe-area-inset-top); }",
    "  ." + P + "launcher { right: 16px; bottom: max(16px, env(safe-area-inset-bottom)); }",
    "  ." + P + "root.is-open ." + P + "launcher { display: none; }",
    "}",
    "@media print { ." + P + "root { display: none; } }",
  ].join("\n");

  var SVG = "http://www.w3.org/2000/svg";

  function icon(paths) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    paths.forEach(function (d) {
      var path = document.createElementNS(SVG, "path");
      path.setAttribute("d", d);
      path.setAttribute("fill", "none");
      path.setAttribute("stroke", "currentColor");
      path.setAttribute("stroke-width", "2");
      path.setAttribute("stroke-linecap", "round");
      path.setAttribute("stroke-linejoin", "round");
      svg.appendChild(path);
    });
    return svg;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = P + cls;
    if (text) node.textContent = text;
    return node;
  }

  var wrapper, panel, launcherLabel, launcher, frame;
  var isOpen = false;

  function build() {
    var host = document.createElement("div");
    host.setAttribute("data-hotline-chat", "");
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var style = document.createElement("style");
    style.textContent = CSS;
    root.appendChild(style);

    wrapper = el("div", "root");

    panel = el("div", "panel");
    panel.id = P + "panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "法律服务智能助手");
    var bar = el("div", "bar");
    bar.appendChild(el("p", "title", "法律服务智能助手"));
    var close = el("button", "close");
    close.type = "button";
    close.setAttribute("aria-label", "关闭法律咨询窗口");
    close.appendChild(icon(["M6 6l12 12", "M18 6L6 18"]));
    close.appendChild(document.createTextNode("关闭"));
    close.addEventListener("click", function () { hide(true); });
    bar.appendChild(close);
    panel.appendChild(bar);

    launcher = el("button", "launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", P + "panel");
    launcher.appendChild(icon(["M21 12a8 8 0 0 1-11.6 7.1L4 20l1.1-4.6A8 8 0 1 1 21 12z"]));
    launcherLabel = el("span", "label", "法律咨询");
    launcher.appendChild(launcherLabel);
    launcher.addEventListener("click", toggle);

    wrapper.appendChild(panel);
    wrapper.appendChild(launcher);
    root.appendChild(wrapper);
    document.body.appendChild(host);

    window.addEventListener("message", function (event) {
      // The chat frame asks to close (Escape pressed inside it).
      if (event.origin !== origin || !frame || event.source !== frame.contentWindow) return;
      if (event.data && event.data.type === "hotline-chat:close") hide(true);
    });
    document.addEventListener("keydown", function (event) {
      if (isOpen && event.key === "Escape") hide(true);
    });
  }

  function show() {
    if (!wrapper || isOpen) return;
    if (!frame) {
      // The chat loads on the first open only: visitors who never open it start no session.
      frame = el("iframe", "frame");
      frame.title = "法律服务智能助手";
      frame.src = origin + "/?embed=1";
      panel.appendChild(frame);
    }
    isOpen = true;
    panel.hidden = false;
    wrapper.classList.add("is-open");
    launcher.setAttribute("aria-expanded", "true");
    launcherLabel.textContent = "收起咨询";
    frame.focus();
  }

  function hide(returnFocus) {
    if (!wrapper || !isOpen) return;
    isOpen = false;
    panel.hidden = true;
    wrapper.classList.remove("is-open");
    launcher.setAttribute("aria-expanded", "false");
    launcherLabel.textContent = "法律咨询";
    if (returnFocus) launcher.focus();
  }

  function toggle() {
    if (isOpen) hide(false);
    else show();
  }

  window.HotlineChatEmbed = {
    open: function () { show(); },
    close: function () { hide(false); },
    toggle: function () { toggle(); },
  };

  if (document.body) build();
  else document.addEventListener("DOMContentLoaded", build);
})();
