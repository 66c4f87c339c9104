// Progressive enhancement only: every page works without this file.
// Shows <time data-local> in the viewer's own time zone, naming the zone.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var d = new Date(el.getAttribute("datetime"));
    if (isNaN(d)) return;
    el.textContent = d.toLocaleString(undefined, {
      year: "numeric", month: "short", day: "numeric",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short",
    });
    el.title = el.getAttribute("datetime");
  });
});

// The report form's times are typed in local time: send the browser's offset
// so the server can store UTC, and say so next to the fields.
document.addEventListener("DOMContentLoaded", function () {
  var offset = document.querySelector("[data-tz-offset]");
  if (!offset) return;
  offset.value = String(new Date().getTimezoneOffset());
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
  document.querySelectorAll("[data-tz-label]").forEach(function (el) {
    el.textContent = "(" + zone + ")";
  });
});

// The blameless-language checker, live beside the review editor's text fields
// (forms marked data-lint). Without JavaScript the findings appear on the page
// after saving.
document.addEventListener("DOMContentLoaded", function () {
  var fields = document.querySelectorAll("form[data-lint] textarea, form[data-lint] input[type=text], form[data-lint] input:not([type])");
  if (!fields.length || !window.fetch) return;

  // Findings carry byte offsets into the UTF-8 text; JavaScript strings count UTF-16 units.
  function charIndex(text, bytes) {
    var enc = new TextEncoder().encode(text);
    return new TextDecoder().decode(enc.slice(0, bytes)).length;
  }

  function show(field, box, text, findings) {
    box.textContent = "";
    if (!findings.length) return;
    var list = document.createElement("ul");
    findings.forEach(function (f) {
      var li = document.createElement("li");
      li.className = "sev-" + f.severity;
      var tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = f.severity;
      li.appendChild(tag);
      li.appendChild(document.createTextNode(" \u201c" + f.matched + "\u201d: " + f.message));
      if (f.suggestion) {
        var em = document.createElement("em");
        em.textContent = " Suggestion: " + f.suggestion;
        li.appendChild(em);
      }
      if (f.replacement !== null && f.replacement !== undefined) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "secondary outline";
        b.textContent = "Apply rewrite";
        b.setAttribute("aria-label", "Apply rewrite: " + f.replacement);
        b.addEventListener("click", function () {
          if (field.value !== text) return; // the text changed since it was checked
          var a = charIndex(text, f.start), z = charIndex(text, f.end);
          field.value = text.slice(0, a) + f.replacement + text.slice(z);
          field.dispatchEvent(new Event("input", { bubbles: true }));
          field.focus();
        });
        li.appendChild(b);
      }
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  fields.forEach(function (field) {
    var box = document.createElement("div");
    box.className = "lint-live";
    box.setAttribute("aria-live", "polite");
    box.setAttribute("data-lint-for", field.id || field.name);
    field.insertAdjacentElement("afterend", box);
    var timer = null, seq = 0;
    function check() {
      var text = field.value, mine = ++seq;
      if (!text.trim()) {
        box.textContent = "";
        box.classList.remove("stale");
        box.removeAttribute("aria-busy");
        return;
      }
      fetch("/api/v1/lint", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ text: text }),
      }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (out) {
          if (out && mine === seq) {
            box.classList.remove("stale");
            box.removeAttribute("aria-busy");
            show(field, box, text, out.findings);
          }
        })
        .catch(function () {});
    }
    field.addEventListener("input", function () {
      // findings of the previous text stay visible, marked as out of date
      box.classList.add("stale");
      box.setAttribute("aria-busy", "true");
      clearTimeout(timer);
      timer = setTimeout(check, 500);
    });
    if (field.value.trim()) check();
  });
});
