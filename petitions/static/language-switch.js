// The language switch of a form's answer re-posts what was sent (it works without
// script). With script, it re-posts what is in the form now, typed since included.
(function () {
  var switcher = document.getElementById("language-switch");
  if (!switcher) return;
  var action = switcher.getAttribute("action");
  var live = Array.prototype.filter.call(document.forms, function (form) {
    return form !== switcher && form.getAttribute("action") === action;
  })[0];
  if (!live) return;
  switcher.addEventListener("submit", function () {
    Array.prototype.forEach.call(switcher.querySelectorAll("input[type=hidden]"), function (input) {
      input.remove();
    });
    new FormData(live).forEach(function (value, name) {
      if (typeof value !== "string" || name.indexOf("password") !== -1) return;
      var copy = document.createElement("input");
      copy.type = "hidden";
      copy.name = name;
      copy.value = value;
      switcher.append(copy);
    });
  });
})();
