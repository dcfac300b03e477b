/*
 * SEND advice assistant: the chat widget a council embeds with one script tag.
 *
 *   <script src="https://<host>/widget.js" data-council="halton" defer></script>
 *
 * Optional: data-title (the button's and the chat's heading), data-colour ("#1d70b8"; the text
 * colour is chosen for AA contrast, and a colour that fails both ways is ignored), data-position
 * ("right", the default, or "left").
 *
 * Why it is built like this:
 * - Plain JavaScript, no framework, no third-party code, no tracking: council web teams will not
 *   add anything else, and their Content Security Policy only has to allow this host.
 * - Nothing inline: the host page needs no 'unsafe-inline'. Styles come from widget.css, loaded
 *   into a shadow root so the council's CSS and ours cannot break each other; the brand colour is
 *   set through the CSSOM, which CSP allows.
 * - Text is only ever inserted with textContent: replies can quote what a parent typed.
 * - The conversation lives in sessionStorage: it survives a reload in the same tab and is gone
 *   when the tab closes. "Clear conversation" also deletes the server's copy.
 * - Accessibility (WCAG 2.2 AA): a labelled button opens a dialog and focus moves into it and
 *   back; replies are announced through a role="log" live region; at phone sizes and at 400% zoom
 *   (320 CSS px) the chat fills the screen as a modal dialog, so nothing scrolls sideways and no
 *   focused control is hidden behind it; on larger screens a focused control on the page is
 *   scrolled clear of the chat (2.4.11).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.sendAssistantWidget) { return; }

  var BASE = script.src.replace(/[^/]*([?#].*)?$/, "");
  var council = (script.getAttribute("data-council") || "").trim().toLowerCase();
  if (!/^[a-z0-9-]{1,60}$/.test(council)) { council = ""; }
  var title = (script.getAttribute("data-title") || "").trim().slice(0, 60) || "Ask a SEND question";
  var position = (script.getAttribute("data-position") || "").trim().toLowerCase() === "left" ? "left" : "right";
  var colour = (script.getAttribute("data-colour") || script.getAttribute("data-color") || "").trim();
  var STORE_KEY = "send-assistant:v1:" + (council || "any");
  var PERSON = { title: "Talk to a person", payload: "/ask_for_person" };
  var NEW_TAB = " (opens in new tab)";
  // Only used if the service could not be reached even once; the gateway's own text (with the
  // local SENDIASS phone number) replaces it as soon as the config arrives.
  var DEFAULT_NOTICE = "Please do not type your child's name, date of birth or address. You do not need them to get an answer. " +
    "This is general information, not legal advice about your child.";
  var DEFAULT_UNREACHABLE = "Sorry, I can't reach the assistant just now. Your message has not been lost: try again in a few minutes.\n\n" +
    "For free, impartial advice from a person, contact your council's SENDIASS: search for 'SENDIASS' and your council's name.";
  var MAX_CHARS_DEFAULT = 2000;
  var SMALL_SCREEN = "(max-width: 40em), (max-height: 30em)";

  // --- storage: sessionStorage when the browser allows it, memory otherwise --------------------
  var memory = {};
  function load() {
    try { return JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "null"); } catch (e) { return memory[STORE_KEY] || null; }
  }
  function save() {
    try { window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { memory[STORE_KEY] = state; }
  }
  function newSender() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function freshState(config) { return { sender: newSender(), messages: [], open: false, draft: "", config: config || null }; }
  var state = load();
  if (!state || typeof state.sender !== "string" || !Array.isArray(state.messages)) { state = freshState(); }

  // --- building elements (attributes and text only; never innerHTML) ---------------------------
  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === true) { node.setAttribute(name, ""); } else if (value !== false && value != null) { node.setAttribute(name, value); }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function hiddenText(text) { return el("span", { "class": "sa-vh" }, [text]); }

  // --- colour: the council's, if text on it can meet AA contrast ------------------------------
  function luminance(hex) {
    var h = hex.length === 4 ? hex.replace(/^#(.)(.)(.)$/, "#$1$1$2$2$3$3") : hex;
    var rgb = [1, 3, 5].map(function (i) {
      var c = parseInt(h.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  }
  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function brandColours(value) {
    if (!/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(value)) { return null; }
    if (contrast(value, "#ffffff") >= 4.5) { return { bg: value, fg: "#ffffff" }; }
    if (contrast(value, "#0b0c0c") >= 4.5) { return { bg: value, fg: "#0b0c0c" }; }
    return null;
  }

  // --- the widget's elements -----------------------------------------------------------------
  var host = el("div", { id: "send-assistant-widget", "data-position": position });
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var stylesheet = el("link", { rel: "stylesheet", href: BASE + "widget.css" });
  var frame = el("div", { "class": "sa sa--" + position, hidden: true });
  var brand = brandColours(colour);
  if (brand) {
    frame.style.setProperty("--sa-brand", brand.bg);
    frame.style.setProperty("--sa-brand-text", brand.fg);
  }

  var launcher = el("button", { type: "button", "class": "sa-launcher", "aria-expanded": "false", "aria-controls": "sa-panel", "aria-haspopup": "dialog" }, [
    el("span", { "class": "sa-launcher__icon", "aria-hidden": "true" }), el("span", {}, [title])
  ]);
  var closeButton = el("button", { type: "button", "class": "sa-close" }, ["Close", hiddenText(" chat")]);
  var noticeText = el("p", { "class": "sa-notice__text", id: "sa-notice-text" }, [(state.config && state.config.privacy_notice) || DEFAULT_NOTICE]);
  var notice = el("div", { "class": "sa-notice" }, [
    el("p", { "class": "sa-notice__intro" }, ["I answer questions about support for children with special educational needs and disabilities (SEND) in England, from the SEND Code of Practice."]),
    noticeText
  ]);
  // The live region is a div (role="log" is not allowed on a list); the messages are a list in it.
  var log = el("ol", { "class": "sa-log" });
  var liveLog = el("div", { "class": "sa-live", role: "log", "aria-live": "polite", "aria-label": "Messages" }, [log]);
  var typing = el("p", { "class": "sa-typing", role: "status" });
  var scroller = el("div", { "class": "sa-scroll", role: "region", "aria-label": "Conversation", tabindex: "0" }, [notice, liveLog, typing]);
  var errorText = el("span", { "class": "sa-error__text" });
  var error = el("p", { "class": "sa-error", id: "sa-error", hidden: true }, [hiddenText("Error: "), errorText]);
  var input = el("textarea", { id: "sa-input", "class": "sa-input", name: "message", rows: "2", autocomplete: "off", "aria-describedby": "sa-hint" });
  var hint = el("p", { "class": "sa-hint", id: "sa-hint" }, ["For example: can the school refuse to ask for an EHC needs assessment?"]);
  var field = el("div", { "class": "sa-field" }, [el("label", { "class": "sa-label", "for": "sa-input" }, ["Your question"]), hint, error, input]);
  var sendButton = el("button", { type: "submit", "class": "sa-button" }, ["Send"]);
  var personButton = el("button", { type: "button", "class": "sa-button sa-button--secondary" }, [PERSON.title]);
  var clearButton = el("button", { type: "button", "class": "sa-link" }, ["Clear conversation"]);
  var form = el("form", { "class": "sa-form", novalidate: true }, [
    field, el("div", { "class": "sa-actions" }, [sendButton, personButton]), clearButton
  ]);
  var confirmYes = el("button", { type: "button", "class": "sa-button sa-button--warning" }, ["Yes, clear it"]);
  var confirmNo = el("button", { type: "button", "class": "sa-button sa-button--secondary" }, ["Cancel"]);
  var confirmHeading = el("h3", { "class": "sa-confirm__heading", id: "sa-confirm-heading", tabindex: "-1" }, ["Clear this conversation?"]);
  var confirm = el("div", { "class": "sa-confirm", role: "group", "aria-labelledby": "sa-confirm-heading", hidden: true }, [
    confirmHeading,
    el("p", {}, ["It will be removed from this screen and deleted from our records, with any message you left for an adviser."]),
    el("div", { "class": "sa-actions" }, [confirmYes, confirmNo])
  ]);
  var panel = el("div", { id: "sa-panel", "class": "sa-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "sa-title", hidden: true }, [
    el("div", { "class": "sa-header" }, [el("h2", { "class": "sa-title", id: "sa-title" }, [title]), closeButton]),
    scroller, form, confirm
  ]);
  frame.appendChild(launcher);
  frame.appendChild(panel);
  root.appendChild(stylesheet);
  root.appendChild(frame);

  // --- messages --------------------------------------------------------------------------------
  var LINKABLE = /(https?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)])|([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)|(\b0\d{3} ?\d{3} ?\d{4}\b|\b0\d{4} ?\d{6}\b|\b0\d{3} ?\d{3} ?\d{3}\b)/g;

  /** Text with web addresses, email addresses and UK phone numbers as links (bot text only). */
  function linkified(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(LINKABLE, function (match, url, email, phone, offset) {
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      var href = url ? url : email ? "mailto:" + email : "tel:" + phone.replace(/\s/g, "");
      var link = el("a", { href: href }, [match]);
      if (url) { link.setAttribute("target", "_blank"); link.setAttribute("rel", "noopener noreferrer"); link.appendChild(hiddenText(NEW_TAB)); }
      fragment.appendChild(link);
      last = offset + match.length;
      return match;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  function paragraph(text, bot) {
    var p = el("p", { "class": "sa-msg__p" });
    text.split("\n").forEach(function (line, i) {
      if (i) { p.appendChild(el("br")); }
      p.appendChild(bot ? linkified(line) : document.createTextNode(line));
    });
    return p;
  }

  function sources(citations) {
    var list = el("ul", { "class": "sa-sources" });
    citations.forEach(function (c) {
      if (!c || !c.url || !/^https:\/\//.test(c.url)) { return; }
      var label = c.label || (c.paragraph ? "Code of Practice, paragraph " + c.paragraph : c.title);
      list.appendChild(el("li", {}, [el("a", { href: c.url, target: "_blank", rel: "noopener noreferrer" }, [label, NEW_TAB])]));
    });
    return list;
  }

  /** Ask the gateway for the letter as a file (it keeps nothing) and hand it to the browser. */
  function download(letter, choice, status) {
    status.textContent = "";
    fetch(BASE + choice.url.replace(/^\//, ""), {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(letter.fields), credentials: "omit"
    }).then(function (response) {
      if (!response.ok) { throw new Error("download failed"); }
      return response.blob();
    }).then(function (blob) {
      var url = URL.createObjectURL(blob);
      var link = el("a", { href: url, download: choice.filename });
      root.appendChild(link);
      link.click();
      root.removeChild(link);
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      status.textContent = "Downloaded: " + choice.filename;
    }).catch(function () {
      status.textContent = "Sorry, the download didn't work. You can select and copy the letter above instead.";
    });
  }

  /** The request letter: its words in a box, and buttons to download it as a file. */
  function renderLetter(item, letter) {
    var box = el("div", { "class": "sa-letter", role: "region", "aria-label": letter.title || "Your letter", tabindex: "0" });
    letter.text.split(/\n\s*\n/).forEach(function (text) { if (text.trim()) { box.appendChild(paragraph(text.trim(), false)); } });
    item.appendChild(box);
    var status = el("p", { "class": "sa-msg__p sa-download-status", role: "status" });
    var group = el("div", { "class": "sa-downloads", role: "group", "aria-label": "Download your letter" });
    (letter.downloads || []).forEach(function (choice) {
      var button = el("button", { type: "button", "class": "sa-reply sa-download" }, [choice.title]);
      button.addEventListener("click", function () { download(letter, choice, status); });
      group.appendChild(button);
    });
    item.appendChild(group);
    item.appendChild(status);
  }

  function render(message) {
    var bot = message.who !== "user";
    var item = el("li", { "class": "sa-msg sa-msg--" + (bot ? "bot" : "user") + (message.kind ? " sa-msg--" + message.kind : "") });
    item.appendChild(el("p", { "class": "sa-msg__who" }, [bot ? "SEND assistant" : "You", hiddenText(" said:")]));
    var placed = false;
    var letter = bot && message.letter && message.letter.text ? message.letter : null;
    var words = String(message.text || "");
    if (letter && words.slice(-letter.text.length) === letter.text) { words = words.slice(0, words.length - letter.text.length); }
    words.split(/\n\s*\n/).forEach(function (text) {
      if (bot && message.citations && message.citations.length && /^Where this comes from:/.test(text)) {
        item.appendChild(el("p", { "class": "sa-msg__p" }, ["Where this comes from:"]));
        item.appendChild(sources(message.citations));
        placed = true;
      } else if (text.trim()) {
        item.appendChild(paragraph(text.trim(), bot));
      }
    });
    if (bot && message.citations && message.citations.length && !placed) {
      item.appendChild(el("p", { "class": "sa-msg__p" }, ["Where this comes from:"]));
      item.appendChild(sources(message.citations));
    }
    if (letter) { renderLetter(item, letter); }
    var buttons = (message.buttons || []).filter(function (b) { return b && b.payload !== PERSON.payload; });
    if (buttons.length) {
      var group = el("div", { "class": "sa-replies", role: "group", "aria-label": "Suggested replies" });
      buttons.forEach(function (b) {
        var button = el("button", { type: "button", "class": "sa-reply" }, [b.title]);
        button.addEventListener("click", function () {
          if (b.retry) { send(b.retry.payload, b.retry.shown, true); } else { send(b.payload, b.title); }
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    return item;
  }

  function add(message, keepPlace) {
    state.messages.push(message);
    save();
    var item = render(message);
    log.appendChild(item);
    if (!keepPlace) { scrollToEnd(); }
    return item;
  }

  /** Scroll so that `item` starts at the top of the chat: a long answer is read from its first
   *  words ("No. That is a myth.") rather than from its last. */
  function showFromStart(item) {
    [scroller, panel].forEach(function (box) {
      if (box.scrollHeight > box.clientHeight + 1) {
        box.scrollTop += item.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
      }
    });
  }

  /** Old suggested replies go when the parent moves on: fewer tab stops, no stale choices. */
  function dropReplies() {
    var hadFocus = root.activeElement && root.activeElement.classList && root.activeElement.classList.contains("sa-reply");
    state.messages.forEach(function (m) { if (m.buttons) { m.buttons = []; } });
    Array.prototype.slice.call(log.querySelectorAll(".sa-replies")).forEach(function (g) { g.parentNode.removeChild(g); });
    if (hadFocus) { input.focus(); }
  }

  function scrollToEnd() {
    if (!panel.hidden) { scroller.scrollTop = scroller.scrollHeight; }
  }

  // --- talking to the gateway -------------------------------------------------------------------
  var pending = false;

  function showError(text) {
    errorText.textContent = text;
    error.hidden = false;
    field.classList.add("sa-field--error");
    input.setAttribute("aria-describedby", "sa-hint sa-error");
    input.setAttribute("aria-invalid", "true");
  }
  function clearError() {
    error.hidden = true;
    field.classList.remove("sa-field--error");
    input.setAttribute("aria-describedby", "sa-hint");
    input.removeAttribute("aria-invalid");
  }
  function setTyping(on) {
    typing.textContent = "";
    if (on) {
      typing.appendChild(document.createTextNode("The assistant is typing"));
      typing.appendChild(el("span", { "class": "sa-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]));
    }
    typing.classList.toggle("sa-typing--on", on);
    if (on) { scrollToEnd(); }
  }
  function maxChars() { return (state.config && state.config.message_max_chars) || MAX_CHARS_DEFAULT; }
  function unreachable() { return (state.config && state.config.unreachable) || DEFAULT_UNREACHABLE; }

  function send(payload, shown, retry) {
    if (pending) { return; }
    clearError();
    dropReplies();
    if (!retry) { add({ who: "user", text: shown || payload }); }
    pending = true;
    setTyping(true);
    var sender = state.sender;
    var body = { sender_id: sender, message: payload };
    if (council) { body.council = council; }
    fetch(BASE + "api/chat", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), credentials: "omit"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      if (sender !== state.sender) { return; }  // cleared while waiting
      if (result.status >= 500 || !result.data) { throw new Error("unavailable"); }
      if (result.status !== 200) {
        // Not sent: take it back out of the conversation and give the text back to edit.
        var last = state.messages[state.messages.length - 1];
        if (!retry && last && last.who === "user") { state.messages.pop(); save(); if (log.lastChild) { log.removeChild(log.lastChild); } }
        if (!shown) { input.value = payload; state.draft = payload; save(); }
        showError(result.data.error ? "That message could not be sent. " + result.data.error : "That message could not be sent. Please try again.");
        input.focus();
        return;
      }
      var first = null;
      (result.data.messages || []).forEach(function (m) {
        var item = add({ who: "bot", text: m.text, kind: m.kind || null, citations: m.citations || [], buttons: m.buttons || [], letter: m.letter || null }, true);
        first = first || item;
      });
      if (first) { showFromStart(first); }
    }).catch(function () {
      if (sender !== state.sender) { return; }
      add({ who: "bot", kind: "unreachable", text: unreachable(), citations: [],
            buttons: [{ title: "Try again", payload: "retry", retry: { payload: payload, shown: shown || payload } }] });
    }).then(function () {
      if (sender === state.sender) { pending = false; setTyping(false); }
    });
  }

  function loadConfig() {
    fetch(BASE + "api/widget/config" + (council ? "?council=" + encodeURIComponent(council) : ""), { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (config) {
        if (!config) { return; }
        state.config = config;
        save();
        noticeText.textContent = config.privacy_notice || DEFAULT_NOTICE;
      })["catch"](function () { /* keep the cached or default text */ });
  }

  // --- opening, closing, focus ----------------------------------------------------------------
  var smallScreen = window.matchMedia ? window.matchMedia(SMALL_SCREEN) : { matches: false };
  var bodyOverflow = null;

  function isModal() { return !panel.hidden && smallScreen.matches; }

  function applyMode() {
    panel.setAttribute("aria-modal", isModal() ? "true" : "false");
    // A full-screen chat is modal: the page behind must not scroll under it.
    if (isModal() && bodyOverflow === null) {
      bodyOverflow = document.documentElement.style.overflow;
      document.documentElement.style.overflow = "hidden";
    } else if (!isModal() && bodyOverflow !== null) {
      document.documentElement.style.overflow = bodyOverflow;
      bodyOverflow = null;
    }
  }

  function open(moveFocus) {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    host.setAttribute("data-open", "");
    state.open = true;
    save();
    applyMode();
    scrollToEnd();
    if (moveFocus) { input.focus(); }
  }

  function close() {
    hideConfirm(false);
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    host.removeAttribute("data-open");
    state.open = false;
    save();
    applyMode();
    launcher.focus();
  }

  function focusables() {
    return Array.prototype.slice.call(panel.querySelectorAll("a[href], button, textarea, [tabindex='0']")).filter(function (node) {
      return !node.disabled && node.getClientRects().length > 0;
    });
  }

  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      if (!confirm.hidden) { hideConfirm(true); } else { close(); }
      return;
    }
    if (event.key === "Tab" && isModal()) {
      var items = focusables();
      if (!items.length) { return; }
      var first = items[0], last = items[items.length - 1], active = root.activeElement;
      if (event.shiftKey && active === first) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && active === last) { event.preventDefault(); first.focus(); }
    }
  });

  /** WCAG 2.4.11: a control on the page that takes focus must not sit behind the chat. */
  function keepClear(target) {
    if (!target || !target.getBoundingClientRect || isModal()) { return; }
    var cover = (panel.hidden ? launcher : panel).getBoundingClientRect();
    var rect = target.getBoundingClientRect();
    var overlaps = rect.right > cover.left && rect.left < cover.right && rect.bottom > cover.top && rect.top < cover.bottom;
    if (!overlaps || rect.height === 0) { return; }
    var margin = 16;
    var down = rect.bottom - cover.top + margin;            // move it up, above the chat
    if (rect.top - down >= 0) { window.scrollBy(0, down); } else { window.scrollBy(0, rect.top - margin); }
  }
  document.addEventListener("focusin", function (event) {
    if (event.target === host) { return; }
    var target = event.target;
    window.requestAnimationFrame(function () { keepClear(target); });
  });

  // --- clearing -------------------------------------------------------------------------------
  function showConfirm() {
    form.hidden = true;
    confirm.hidden = false;
    confirmHeading.focus();
  }
  function hideConfirm(focusBack) {
    if (confirm.hidden) { return; }
    confirm.hidden = true;
    form.hidden = false;
    if (focusBack) { clearButton.focus(); }
  }
  function clearConversation() {
    var old = state.sender;
    fetch(BASE + "api/conversations/" + encodeURIComponent(old), { method: "DELETE", credentials: "omit" })["catch"](function () {
      /* the server deletes it anyway after the retention period */
    });
    state = freshState(state.config);
    state.open = true;
    save();
    pending = false;
    setTyping(false);
    while (log.firstChild) { log.removeChild(log.firstChild); }
    input.value = "";
    clearError();
    hideConfirm(false);
    typing.textContent = "Conversation cleared.";
    input.focus();
  }

  // --- wiring ---------------------------------------------------------------------------------
  launcher.addEventListener("click", function () { open(true); });
  closeButton.addEventListener("click", close);
  personButton.addEventListener("click", function () { send(PERSON.payload, PERSON.title); });
  clearButton.addEventListener("click", showConfirm);
  confirmNo.addEventListener("click", function () { hideConfirm(true); });
  confirmYes.addEventListener("click", clearConversation);
  input.addEventListener("input", function () { state.draft = input.value; save(); });
  input.addEventListener("keydown", function (event) {
    // Enter sends, Shift+Enter starts a new line (as in most chats); both are announced in the hint.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit")); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (pending) { return; }
    if (!text) { showError("Enter your question"); input.focus(); return; }
    if (text.length > maxChars()) {
      showError("Your question must be " + maxChars().toLocaleString("en-GB") + " characters or fewer. It has " + text.length.toLocaleString("en-GB") + ". Please shorten it, or send it in two parts.");
      input.focus();
      return;
    }
    input.value = "";
    state.draft = "";
    send(text);
  });
  if (smallScreen.addEventListener) { smallScreen.addEventListener("change", applyMode); }

  // Restore this tab's conversation before the log is on the page, so a reload is not read out again.
  state.messages.forEach(function (m) { log.appendChild(render(m)); });
  input.value = state.draft || "";
  function reveal() { frame.hidden = false; if (state.open) { open(false); } }
  stylesheet.addEventListener("load", reveal);
  stylesheet.addEventListener("error", reveal);
  document.body.appendChild(host);
  loadConfig();

  window.sendAssistantWidget = { open: function () { open(true); }, close: close };
})();
