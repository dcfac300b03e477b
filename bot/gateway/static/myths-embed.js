/*
 * The myth-busting list on a council's own page, in the council's own styles:
 *
 *   <div id="send-myths"></div>
 *   <script src="https://<host>/myths.js" data-target="send-myths" defer></script>
 *
 * Optional: data-heading-level (2 to 5, default 2: each myth's heading level on your page).
 * It renders plain, semantic HTML (headings, paragraphs, lists of links) with class names
 * starting "send-myths__" and no styles of its own, so it takes on the host page's typography.
 * No inline script or style; text is inserted with textContent only. If the list cannot be
 * loaded, a link to the full page on this service takes its place.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var BASE = script.src.replace(/[^/]*([?#].*)?$/, "");
  var target = document.getElementById(script.getAttribute("data-target") || "send-myths");
  var level = parseInt(script.getAttribute("data-heading-level") || "2", 10);
  if (!(level >= 2 && level <= 5)) { level = 2; }
  if (!target) { return; }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function fallback() {
    var p = el("p", "send-myths__fallback");
    var a = el("a", null, "Read the myths about SEN support and EHC needs assessments");
    a.href = BASE + "myths";
    p.appendChild(a);
    target.textContent = "";
    target.appendChild(p);
  }

  fetch(BASE + "api/myths", { credentials: "omit" }).then(function (response) {
    if (!response.ok) { throw new Error(String(response.status)); }
    return response.json();
  }).then(function (myths) {
    var list = el("div", "send-myths");
    myths.forEach(function (m) {
      var section = el("section", "send-myths__item send-myths__item--" + m.verdict);
      section.id = "send-myths-" + m.id;
      section.appendChild(el("h" + level, "send-myths__myth", "\u201c" + m.myth + "\u201d"));
      var verdict = el("p", "send-myths__verdict");
      verdict.appendChild(el("strong", "send-myths__tag", m.verdict_label));
      section.appendChild(verdict);
      var truth = el("p", "send-myths__truth");
      truth.appendChild(el("strong", null, m.opening));
      truth.appendChild(document.createTextNode(" " + m.truth));
      section.appendChild(truth);
      section.appendChild(el("h" + (level + 1), "send-myths__sources-heading", "Where this comes from"));
      var sources = el("ul", "send-myths__sources");
      m.citations.forEach(function (c) {
        if (!/^https:\/\//.test(c.url || "")) { return; }
        var li = el("li");
        var a = el("a", null, c.label || c.title);
        a.href = c.url;
        li.appendChild(a);
        sources.appendChild(li);
      });
      section.appendChild(sources);
      list.appendChild(section);
    });
    target.textContent = "";
    target.appendChild(list);
  })["catch"](fallback);
})();
