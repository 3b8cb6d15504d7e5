/* Searchable pickers: a <select data-search="Label"> (single or multiple) gets a search box above it that hides
   the options not matching what is typed. Without script the plain select works as before. */
(function () {
  function normalise(text) {
    return text.toLocaleLowerCase("da").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function enhance(select) {
    if (select.dataset.searchReady) return;
    select.dataset.searchReady = "1";
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-search";
    box.id = select.id ? select.id + "-search" : "";
    box.setAttribute("aria-label", select.dataset.search);
    box.setAttribute("aria-controls", select.id || "");
    box.placeholder = select.dataset.search;
    box.autocomplete = "off";
    box.addEventListener("input", function () {
      var wanted = normalise(box.value.trim());
      Array.prototype.forEach.call(select.options, function (option) {
        var keep = !wanted || option.value === "" || option.selected || normalise(option.text).indexOf(wanted) !== -1;
        option.hidden = !keep;
      });
    });
    select.parentNode.insertBefore(box, select);
  }
  function enhanceAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("select[data-search]"), enhance);
  }
  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhanceAll(event.target); });
})();
