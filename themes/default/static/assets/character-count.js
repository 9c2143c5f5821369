// A live character count under each long field of the proposal form (textarea[data-limit]),
// so a long paste is seen before sending. It never cuts or blocks: the server's 422 is the
// rule, and without JavaScript the hint ("At most 10,000 characters.") and the 422 remain.
// It counts as the server does (cwu_domain::proposal: characters, a line break as one, the
// ends trimmed). The visible count follows every keystroke; screen readers hear it from a
// polite live region only once typing pauses, never at each keystroke.
(function () {
  "use strict";
  var PAUSE_MS = 1000;

  function amount(n, what) {
    return n.toLocaleString("en-CA") + " " + what + (n === 1 ? "" : "s");
  }

  function message(count, limit) {
    if (count > limit) {
      return "You have " + amount(count - limit, "character") + " too many (at most " +
        limit.toLocaleString("en-CA") + ")";
    }
    return "You have " + amount(limit - count, "character") + " remaining";
  }

  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-limit]"), function (area) {
    var limit = parseInt(area.getAttribute("data-limit"), 10);
    if (!(limit > 0) || !area.id) return;
    var shown = document.createElement("p");
    shown.className = "character-count";
    shown.id = area.id + "-count";
    var spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", spoken);
    area.insertAdjacentElement("afterend", shown);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + shown.id);
    var timer = null;

    function update(announce) {
      var count = Array.from(area.value.trim()).length;
      var text = message(count, limit);
      shown.textContent = text;
      shown.classList.toggle("character-count--over", count > limit);
      clearTimeout(timer);
      if (announce) timer = setTimeout(function () { spoken.textContent = text; }, PAUSE_MS);
    }
    area.addEventListener("input", function () { update(true); });
    update(false);
  });
})();
