// The live "time left": every element with data-time-left="<deadline, RFC 3339>" is recomputed
// from the reader's clock each minute ("3 days 4 hours left"). Without JavaScript the page keeps
// the build's text, rounded down to whole days (hours in the last day) so that it changes at
// most once a day and an hourly rebuild rewrites no page for it (cwu_domain::when).
(function () {
  "use strict";
  var elements = document.querySelectorAll("[data-time-left]");
  if (!elements.length) return;

  function unit(n, name) { return n + " " + name + (n === 1 ? "" : "s"); }

  // cwu_domain::when::time_left: the two largest units.
  function left(seconds) {
    if (seconds <= 0) return "the deadline has passed";
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var text;
    if (days > 0) text = hours > 0 ? unit(days, "day") + " " + unit(hours, "hour") : unit(days, "day");
    else if (hours > 0) text = unit(hours, "hour") + " " + unit(minutes, "minute");
    else text = unit(Math.max(minutes, 1), "minute");
    return text + " left";
  }

  function update() {
    var now = Date.now();
    Array.prototype.forEach.call(elements, function (element) {
      var deadline = Date.parse(element.getAttribute("data-time-left"));
      if (!isNaN(deadline)) element.textContent = left(Math.floor((deadline - now) / 1000));
    });
  }

  update();
  setInterval(update, 60000);
})();
