// Keyboard shortcuts for the review pages; no build step, no dependencies.
// An element with data-key="x" is triggered by the key x: a form is submitted, a link followed,
// an input focused. On the queue, j/k move the selection and o opens the selected flag.
(function () {
  "use strict";
  var selected = -1;

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-row]"));
  }

  function select(step) {
    var all = rows();
    if (!all.length) { return; }
    if (selected >= 0 && all[selected]) { all[selected].classList.remove("selected"); }
    selected = Math.max(0, Math.min(all.length - 1, selected + step));
    all[selected].classList.add("selected");
    all[selected].scrollIntoView({ block: "nearest" });
  }

  function trigger(element) {
    if (element.tagName === "FORM") {
      if (element.requestSubmit) { element.requestSubmit(); } else { element.submit(); }
    } else if (element.tagName === "A") {
      element.click();
    } else {
      element.focus();
      if (element.select) { element.select(); }
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "?") {
      document.body.classList.toggle("show-keys");
      return;
    }
    if (event.key === "j" || event.key === "k") {
      select(event.key === "j" ? 1 : -1);
      event.preventDefault();
      return;
    }
    if (event.key === "o" || event.key === "Enter") {
      var row = rows()[selected];
      var link = row && row.querySelector("a.open-flag");
      if (link) { link.click(); event.preventDefault(); }
      return;
    }
    var element = document.querySelector('[data-key="' + event.key + '"]');
    if (element) {
      event.preventDefault();
      trigger(element);
    }
  });
  document.documentElement.setAttribute("data-keys", "ready");  // tests wait for this before typing
}());
