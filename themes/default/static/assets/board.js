// Enhancement for the opportunity board. The filters work without this script (CSS :has() on
// the form's inputs); the script adds text search, the filters in the address (so a filtered
// board can be shared: ?status=open&skill=rust&remote=yes&min=20000&max=50000&q=map) and, when
// nothing matches, suggestions naming the filter to loosen with how many each would bring back.
// It never shows a filter as applied when it was not: a value from the address that matches no
// option is reported and dropped.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var board = form && form.closest(".board");
  if (!board || !window.URLSearchParams) return;
  var result = document.getElementById("filter-result");
  var notice = document.getElementById("filter-notice");
  var loosen = document.getElementById("filter-loosen");
  var panel = document.getElementById("filters-panel");
  var cards = Array.prototype.slice.call(board.querySelectorAll(".board-section .card"));
  var sections = Array.prototype.slice.call(board.querySelectorAll(".board-section"));
  var texts = cards.map(function (card) { return card.textContent.toLowerCase(); });
  var fields = ["status", "skill", "min", "max", "remote", "q"];
  var names = { status: "Status", skill: "Skill", min: "Reward from", max: "Reward up to", remote: "Remote only", q: "Search" };

  board.classList.add("filters-js");
  form.querySelector(".filter-search").hidden = false;

  function value(name) {
    var input = form.elements[name];
    if (input.type === "checkbox") return input.checked ? "yes" : "";
    return input.value.trim();
  }

  // Whether `card` passes every filter in `values` (an object of field -> value).
  function matches(card, i, values) {
    var status = card.getAttribute("data-status");
    var reward = parseInt(card.getAttribute("data-reward"), 10);
    var words = values.q.toLowerCase().split(/\s+/).filter(Boolean);
    return (!values.status || status === values.status ||
        (values.status === "open" && status === "closing-soon")) &&
      (!values.skill || (" " + card.getAttribute("data-skills") + " ").indexOf(" " + values.skill + " ") >= 0) &&
      (!values.remote || card.getAttribute("data-remote") === "yes") &&
      (!values.min || reward >= parseInt(values.min, 10)) &&
      (!values.max || reward <= parseInt(values.max, 10)) &&
      words.every(function (word) { return texts[i].indexOf(word) >= 0; });
  }

  function current() {
    var values = {};
    fields.forEach(function (name) { values[name] = value(name); });
    return values;
  }

  function count(values) {
    return cards.filter(function (card, i) { return matches(card, i, values); }).length;
  }

  function clear(name) {
    var input = form.elements[name];
    if (input.type === "checkbox") input.checked = false;
    else input.value = "";
    apply(true);
    input.focus();
  }

  // When nothing matches: for each filter that is on, how many cards dropping it would show.
  function suggest(values) {
    loosen.textContent = "";
    var intro = document.createElement("p");
    intro.textContent = "No opportunity matches all these filters. Loosen one:";
    var list = document.createElement("ul");
    fields.forEach(function (name) {
      if (!values[name]) return;
      var without = {};
      fields.forEach(function (other) { without[other] = other === name ? "" : values[other]; });
      var n = count(without);
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-secondary";
      button.textContent = "Remove “" + names[name] + "”";
      button.addEventListener("click", function () { clear(name); });
      item.appendChild(button);
      item.appendChild(document.createTextNode(" " + (n === 1 ? "1 opportunity matches" : n + " opportunities match") + " without it."));
      list.appendChild(item);
    });
    loosen.appendChild(intro);
    loosen.appendChild(list);
    loosen.hidden = false;
  }

  function apply(updateUrl) {
    var values = current();
    var active = fields.some(function (name) { return values[name]; });
    var shown = 0;
    cards.forEach(function (card, i) {
      var ok = matches(card, i, values);
      card.hidden = !ok;
      if (ok) shown += 1;
    });
    sections.forEach(function (section) {
      section.hidden = !section.querySelector(".card:not([hidden])");
    });
    board.classList.toggle("filtering", active);
    result.textContent = !active
      ? "Showing all " + cards.length + " opportunities."
      : "Showing " + shown + " of " + cards.length + " opportunities.";
    if (active && shown === 0) suggest(values);
    else loosen.hidden = true;
    if (updateUrl && window.history && history.replaceState) {
      var params = new URLSearchParams();
      fields.forEach(function (name) { if (values[name]) params.set(name, values[name]); });
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }
  }

  // The option of `select` that `wanted` names: by value or by label, ignoring case and
  // punctuation, so ?skill=Rust, ?skill=rust and ?skill=RUST are the same filter.
  function option(select, wanted) {
    var key = function (text) { return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""); };
    var want = key(wanted);
    var options = Array.prototype.slice.call(select.options);
    for (var i = 0; i < options.length; i += 1) {
      var o = options[i];
      if (o.value && (key(o.value) === want || key(o.getAttribute("data-name") || "") === want)) return o.value;
    }
    return null;
  }

  // Restore filters from the address; say which values could not be applied.
  var params = new URLSearchParams(location.search);
  var ignored = [];
  fields.forEach(function (name) {
    if (!params.has(name)) return;
    var wanted = params.get(name).trim();
    var input = form.elements[name];
    if (!wanted) return;
    if (input.type === "checkbox") {
      if (/^(yes|true|1|on)$/i.test(wanted)) input.checked = true;
      else ignored.push(names[name] + " “" + wanted + "”");
    } else if (input.tagName === "SELECT") {
      var found = option(input, wanted);
      if (found) input.value = found;
      else ignored.push(names[name] + " “" + wanted + "”");
    } else {
      input.value = wanted;
    }
  });
  if (ignored.length) {
    notice.textContent = "This link asked for " + ignored.join(" and ") +
      ", which no opportunity on the board has, so that filter is not applied.";
    notice.hidden = false;
  }
  // Open the panel where it has room (CSS shows it there anyway) or when a filter is on.
  if (panel && (fields.some(function (name) { return value(name); }) ||
      (window.matchMedia && matchMedia("(min-width: 40rem)").matches))) panel.open = true;

  form.addEventListener("input", function () { notice.hidden = true; apply(true); });
  form.addEventListener("change", function () { notice.hidden = true; apply(true); });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
  form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
  apply(true);
})();
