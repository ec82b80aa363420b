// The checklist's 全部符合: ask before marking a whole section (no inline script: CSP).
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// Photos chosen for an item: say how many will be saved (the native file input is hidden behind
// a Chinese button).
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.classList || !input.classList.contains("photo-input")) { return; }
  var note = document.getElementById(input.id.replace("photo-", "photo-chosen-"));
  if (note) {
    note.textContent = input.files.length ? "已选 " + input.files.length + " 张，保存后上传" : "";
  }
});
