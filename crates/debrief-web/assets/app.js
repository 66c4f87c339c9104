// Progressive enhancement only: every page works without this file.

// The viewer's time zone: its name and the offset from UTC at a given moment.
var zoneName = (Intl.DateTimeFormat().resolvedOptions().timeZone) || "local time";
function pad(n) { return (n < 10 ? "0" : "") + n; }
// "UTC+01:00" for a Date, from the offset in force at that moment (DST included).
function utcOffset(d) {
  var m = -d.getTimezoneOffset(), sign = m < 0 ? "-" : "+";
  m = Math.abs(m);
  return "UTC" + sign + pad(Math.floor(m / 60)) + ":" + pad(m % 60);
}
// A datetime-local value ("2026-01-05T10:00[:ss]") as a Date in the viewer's zone.
function localDate(value) {
  var m = /^(\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value || "");
  if (!m) return null;
  var d = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  return isNaN(d) ? null : d;
}
// A Date as a datetime-local value in the viewer's zone.
function localValue(d, seconds) {
  var s = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
    "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  return seconds && d.getSeconds() ? s + ":" + pad(d.getSeconds()) : s;
}

// Shows <time data-local> in the viewer's own time zone, with its offset from
// UTC at that moment; the zone's name and the UTC time are in the title.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var d = new Date(el.getAttribute("datetime"));
    if (isNaN(d)) return;
    el.textContent = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
      " " + pad(d.getHours()) + ":" + pad(d.getMinutes()) + " " + utcOffset(d);
    el.title = zoneName + " (" + utcOffset(d) + "); " + el.getAttribute("datetime");
  });
});

// Times are typed in the viewer's zone. Each datetime-local field marked
// data-local-time has a hidden <input data-tz-offset-for="its id"> that gets,
// when the form is sent, the zone's offset for the time typed (not for now:
// summer and winter time differ), so the server can store UTC. A field with
// data-utc is pre-filled with that UTC time shown in the viewer's zone. Labels
// marked data-tz-label name the zone. Without JavaScript the offset stays
// empty and the server reads the time as UTC, as the labels then say.
document.addEventListener("DOMContentLoaded", function () {
  var now = new Date();
  document.querySelectorAll("[data-tz-label]").forEach(function (el) {
    el.textContent = "(" + zoneName + ", " + utcOffset(now) + ")";
  });
  document.querySelectorAll("[data-tz-name]").forEach(function (el) {
    el.textContent = zoneName + " (" + utcOffset(now) + ")";
  });
  document.querySelectorAll("input[data-utc]").forEach(function (el) {
    var d = new Date(el.getAttribute("data-utc"));
    if (isNaN(d)) return;
    el.value = localValue(d, true);
    el.defaultValue = el.value;
  });
  function offsetFor(field) {
    var d = localDate(field.value);
    return d ? String(d.getTimezoneOffset()) : "";
  }
  document.querySelectorAll("input[data-tz-offset-for]").forEach(function (hidden) {
    var field = document.getElementById(hidden.getAttribute("data-tz-offset-for"));
    if (!field || !field.form) return;
    // the field's label gives the offset in force at the time typed
    var label = document.querySelector('label[for="' + field.id + '"] [data-tz-label]');
    function update() {
      hidden.value = offsetFor(field);
      var d = localDate(field.value);
      if (label) label.textContent = "(" + zoneName + ", " + utcOffset(d || new Date()) + ")";
    }
    update();
    field.addEventListener("input", update);
    field.addEventListener("change", update);
    field.form.addEventListener("submit", update);
  });
});

// Forms marked data-unsaved warn before the page is left with changes typed
// into them that were not sent. Sending the form itself does not warn; leaving
// while another changed form would be lost does.
document.addEventListener("DOMContentLoaded", function () {
  var forms = document.querySelectorAll("form[data-unsaved]");
  if (!forms.length) return;
  var sending = null;
  function changed(form) {
    return Array.prototype.some.call(form.elements, function (el) {
      if (el.type === "hidden" || el.type === "submit" || el.type === "button" || el.disabled) return false;
      if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
      if (el.tagName === "SELECT") {
        return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; }) &&
          !(el.selectedIndex === 0 && !Array.prototype.some.call(el.options, function (o) { return o.defaultSelected; }));
      }
      return el.value !== el.defaultValue;
    });
  }
  forms.forEach(function (form) {
    form.addEventListener("submit", function () { sending = form; });
  });
  window.addEventListener("beforeunload", function (e) {
    var lost = Array.prototype.some.call(forms, function (f) { return f !== sending && changed(f); });
    if (!lost) return;
    e.preventDefault();
    e.returnValue = "";
  });
  window.addEventListener("pageshow", function () { sending = null; });
});

// A search form marked data-live="ID" (method get) updates the element with
// that id in place while the person types: the same page is fetched with the
// form's query and only that element is swapped, and the address records the
// search. Without JavaScript the form is sent as usual (Enter) and the whole
// page answers with the same list.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.fetch || !window.DOMParser) return;
  document.querySelectorAll("form[data-live]").forEach(function (form) {
    var id = form.getAttribute("data-live");
    var timer = null, seq = 0, last = null;
    function url() {
      var q = new URLSearchParams(new FormData(form)).toString();
      return form.action + (q ? "?" + q : "");
    }
    function update() {
      var target = url(), mine = ++seq;
      if (target === last) return;
      last = target;
      var current = document.getElementById(id);
      if (current) current.setAttribute("aria-busy", "true");
      fetch(target, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null || mine !== seq) return;
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(id);
          var now = document.getElementById(id);
          if (!fresh || !now) return;
          now.replaceWith(document.importNode(fresh, true));
          history.pushState(null, "", target);
          form.dispatchEvent(new Event("live-shown"));
        })
        .catch(function () {})
        .then(function () {
          var el = document.getElementById(id);
          if (el && mine === seq) el.removeAttribute("aria-busy");
        });
    }
    last = url();
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 300);
    });
    // Enter (or the field's clear button) asks at once instead of loading the page
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      clearTimeout(timer);
      update();
    });
    // back and forward between searches show the list of that address (a
    // move to an anchor on the same page changes nothing)
    function bare(u) { return new URL(u, location.href).href.split("#")[0]; }
    var shown = bare(location.href);
    form.addEventListener("live-shown", function () { shown = bare(location.href); });
    window.addEventListener("popstate", function () {
      if (bare(location.href) !== shown) location.reload();
    });
  });
});

// The blameless-language checker, live beside the review editor's text fields
// (forms marked data-lint). Without JavaScript the findings appear on the page
// after saving.
document.addEventListener("DOMContentLoaded", function () {
  var fields = document.querySelectorAll("[data-lint] textarea, [data-lint] input[type=text], [data-lint] input:not([type])");
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
