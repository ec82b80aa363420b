// The public complaint form and its receipt: the anonymous option turns off the contact fields
// (the server keeps no name or phone either way), the tracking code can be copied, the receipt printed.
(function () {
  "use strict";
  var anon = document.querySelector("[data-anonymous]");
  var contact = document.getElementById("contact-fields");
  function sync() {
    if (!anon || !contact) { return; }
    contact.querySelectorAll("input").forEach(function (i) {
      i.disabled = anon.checked;
      if (anon.checked) { i.value = ""; }
    });
    contact.classList.toggle("opacity-50", anon.checked);
  }
  if (anon) { anon.addEventListener("change", sync); sync(); }

  document.querySelectorAll("[data-copy-target]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var target = document.querySelector(btn.getAttribute("data-copy-target"));
      var text = target ? target.textContent.trim() : "";
      var done = function () {
        var old = btn.getAttribute("data-label") || btn.textContent;
        btn.setAttribute("data-label", old);
        btn.textContent = "已复制";
        setTimeout(function () { btn.textContent = old; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
      } else { fallback(text); done(); }
    });
  });
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-10000px";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* the code stays on the page to copy by hand */ }
    document.body.removeChild(area);
  }
  document.querySelectorAll("[data-print]").forEach(function (btn) {
    btn.addEventListener("click", function () { window.print(); });
  });
})();
