// The cascading region picker (省 → 市 → 县 → 乡镇), see supervision/core/regionpicker.py.
// Without this script the page keeps the flat select of the regions in scope. With it, the flat
// select is hidden and still carries the value that is submitted; one select per level asks the
// server for the children of the region chosen above it (limited to the same scope).
(function () {
  "use strict";

  function option(value, text) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    return o;
  }

  function Picker(root) {
    this.root = root;
    this.flat = root.querySelector("select[data-region-flat]");
    this.url = root.getAttribute("data-children-url");
    this.empty = root.getAttribute("data-empty-label") || "全部";
    this.levels = [];
    this.box = document.createElement("span");
    this.box.className = "region-picker-levels d-inline-flex flex-wrap gap-1";
    this.flat.classList.add("d-none");
    this.flat.setAttribute("aria-hidden", "true");
    this.flat.tabIndex = -1;
    root.appendChild(this.box);
    var path = [];
    try { path = JSON.parse(root.getAttribute("data-path") || "[]"); } catch (e) { path = []; }
    this.load("", 0, path);
  }

  Picker.prototype.setValue = function (code, name) {
    var flat = this.flat;
    if (code && !Array.prototype.some.call(flat.options, function (o) { return o.value === code; })) {
      flat.appendChild(option(code, name));
    }
    flat.value = code;
    flat.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Picker.prototype.truncate = function (depth) {
    while (this.levels.length > depth) {
      this.box.removeChild(this.levels.pop());
    }
  };

  Picker.prototype.load = function (parent, depth, path) {
    var self = this;
    var url = this.url + (parent ? "?parent=" + encodeURIComponent(parent) : "");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { children: [] }; })
      .then(function (data) {
        var rows = data.children || [];
        self.truncate(depth);
        if (!rows.length) { return; }
        var sel = document.createElement("select");
        sel.className = self.flat.className.replace("d-none", "").trim() || "form-select form-select-sm";
        sel.style.width = "auto";
        var label = rows[0].level_label;
        sel.setAttribute("aria-label", label);
        sel.title = label;
        sel.appendChild(option("", label + "：" + self.empty));
        rows.forEach(function (r) {
          var o = option(r.code, r.name);
          o.setAttribute("data-has-children", r.has_children ? "1" : "0");
          o.setAttribute("data-inside", r.inside ? "1" : "0");
          sel.appendChild(o);
        });
        self.box.appendChild(sel);
        self.levels.push(sel);
        var want = path && path.length ? path[0] : "";
        // Only one choice at this level (the province and city above a county post, the county
        // itself): show it chosen and go on down; the value stays "all of the scope".
        if (!want && rows.length === 1 && rows[0].has_children) { want = rows[0].code; }
        if (want && Array.prototype.some.call(sel.options, function (o) { return o.value === want; })) {
          sel.value = want;
          var chosen = sel.options[sel.selectedIndex];
          if (chosen.getAttribute("data-has-children") === "1") {
            self.load(want, depth + 1, path ? path.slice(1) : []);
          }
        }
        sel.addEventListener("change", function () {
          var picked = sel.options[sel.selectedIndex];
          self.truncate(depth + 1);
          if (sel.value) {
            self.setValue(sel.value, picked.textContent);
            if (picked.getAttribute("data-has-children") === "1") { self.load(sel.value, depth + 1, []); }
          } else {
            var above = depth > 0 ? self.levels[depth - 1] : null;
            self.setValue(above ? above.value : "", above ? above.options[above.selectedIndex].textContent : "");
          }
        });
      });
  };

  function init(scope) {
    (scope || document).querySelectorAll("[data-region-picker]").forEach(function (el) {
      if (!el.hasAttribute("data-ready")) {
        el.setAttribute("data-ready", "1");
        new Picker(el);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(); });
  } else {
    init();
  }
  document.addEventListener("htmx:load", function (e) { init(e.target); });
})();
