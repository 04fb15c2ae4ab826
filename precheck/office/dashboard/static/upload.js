// Drag and drop for the report upload form. The form works without this script (the file
// field accepts several files); the script only lets files dropped on the zone fill that field.
(function () {
  "use strict";
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("reports");
  var list = document.getElementById("chosen");
  if (!zone || !input) { return; }
  function show() {
    if (!list) { return; }
    var names = [];
    for (var i = 0; i < input.files.length; i++) { names.push(input.files[i].name); }
    list.textContent = names.join(", ");
  }
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("over");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      show();
    }
  });
  input.addEventListener("change", show);
})();
