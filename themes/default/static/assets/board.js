// Progressive enhancement for the opportunity board: filters and text search over the cards'
// data-* attributes. Without this script the board is a complete list grouped by status.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form || !document.querySelectorAll) return;
  var result = document.getElementById("filter-result");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".board-section .card"));
  var sections = Array.prototype.slice.call(document.querySelectorAll(".board-section"));
  var texts = cards.map(function (card) { return card.textContent.toLowerCase(); });
  var fields = ["q", "status", "skill", "min", "max", "remote"];

  function value(name) {
    var input = form.elements[name];
    if (!input) return "";
    if (input.type === "checkbox") return input.checked ? "yes" : "";
    return input.value.trim();
  }

  function apply(updateUrl) {
    var q = value("q").toLowerCase().split(/\s+/).filter(Boolean);
    var status = value("status"), skill = value("skill"), remote = value("remote");
    var min = parseInt(value("min"), 10), max = parseInt(value("max"), 10);
    var shown = 0;
    cards.forEach(function (card, i) {
      var reward = parseInt(card.getAttribute("data-reward"), 10);
      var ok = (!status || card.getAttribute("data-status") === status) &&
        (!skill || (" " + card.getAttribute("data-skills") + " ").indexOf(" " + skill + " ") >= 0) &&
        (!remote || card.getAttribute("data-remote") === "yes") &&
        (isNaN(min) || reward >= min) && (isNaN(max) || reward <= max) &&
        q.every(function (word) { return texts[i].indexOf(word) >= 0; });
      card.hidden = !ok;
      if (ok) shown += 1;
    });
    sections.forEach(function (section) {
      section.hidden = !section.querySelector(".card:not([hidden])");
    });
    result.textContent = shown === cards.length
      ? "Showing all " + cards.length + " opportunities."
      : "Showing " + shown + " of " + cards.length + " opportunities.";
    if (updateUrl && window.history && history.replaceState) {
      var params = new URLSearchParams();
      fields.forEach(function (name) { var v = value(name); if (v) params.set(name, v); });
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }
  }

  // Restore filters from the address, so a filtered board can be shared.
  var params = new URLSearchParams(location.search);
  fields.forEach(function (name) {
    var input = form.elements[name];
    if (!input || !params.has(name)) return;
    if (input.type === "checkbox") input.checked = params.get(name) === "yes";
    else input.value = params.get(name);
  });

  form.hidden = false;
  form.addEventListener("input", function () { apply(true); });
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
  form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
  apply(false);
})();
