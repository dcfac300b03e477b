/* Minimal accessible chat for the demo page: sends to /api/chat, shows replies, buttons and citations.
   No inline scripts or styles, no third-party code; text is inserted with textContent only. */
(function () {
  "use strict";
  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  var status = document.getElementById("chat-status");
  var person = document.getElementById("chat-person");
  var senderKey = "send-assistant-sender";
  var sender = sessionStorage.getItem(senderKey);
  if (!sender) {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    sender = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    sessionStorage.setItem(senderKey, sender);
  }

  function add(who, message) {
    var item = document.createElement("li");
    item.className = who === "You" ? "from-user" : "from-bot";
    var label = document.createElement("span");
    label.className = "who";
    label.textContent = who + ":";
    item.appendChild(label);
    item.appendChild(document.createTextNode(message.text));
    if (message.citations && message.citations.length) {
      var list = document.createElement("ul");
      list.className = "citations";
      list.setAttribute("aria-label", "Sources");
      message.citations.forEach(function (c) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = c.url;
        a.textContent = c.label || (c.paragraph ? "Code of Practice, paragraph " + c.paragraph : c.title);
        a.rel = "noopener";
        li.appendChild(a);
        list.appendChild(li);
      });
      item.appendChild(list);
    }
    if (message.buttons && message.buttons.length) {
      var group = document.createElement("div");
      group.className = "replies";
      message.buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button";
        button.textContent = b.title;
        button.addEventListener("click", function () { send(b.payload, b.title); });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
  }

  function send(text, shown) {
    add("You", { text: shown || text });
    status.textContent = "The assistant is typing…";
    fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender_id: sender, message: text })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      status.textContent = "";
      if (!result.ok) { add("Assistant", { text: result.body.error || "Sorry, that did not work." }); return; }
      result.body.messages.forEach(function (m) { add("Assistant", m); });
    }).catch(function () {
      status.textContent = "";
      add("Assistant", { text: "Sorry, the assistant cannot be reached just now. Please try again in a few minutes, or contact your local SENDIASS." });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { status.textContent = "Please type a question first."; input.focus(); return; }
    input.value = "";
    send(text);
  });
  person.addEventListener("click", function () { send("/ask_for_person", "Talk to a person"); });
})();
