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
