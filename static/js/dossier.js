// The institution file (一户一档): keep the open tab in the address bar (?tab=…), so that a
// reload or a shared link opens the same part; Bootstrap switches the panes.
document.addEventListener("shown.bs.tab", function (ev) {
  var key = ev.target.getAttribute("data-tab");
  if (!key || !window.history.replaceState) return;
  var url = new URL(window.location.href);
  url.searchParams.set("tab", key);
  url.hash = "";
  window.history.replaceState(null, "", url.toString());
});
// A link to #staff (after saving a form) opens that tab.
(function () {
  var hash = window.location.hash.replace("#", "");
  if (!hash || !window.bootstrap) return;
  var link = document.querySelector('#file-tabs a[data-tab="' + hash + '"]');
  if (link) { window.bootstrap.Tab.getOrCreateInstance(link).show(); }
})();
