// The receipt mail's link carries the code after "#code=": the fragment never reaches
// the server (nor its logs). Fill the field with it, then take it off the address bar.
(function () {
  var match = /^#code=([A-Za-z0-9-]{20,24})$/.exec(location.hash);
  var field = document.getElementById("code");
  if (!match || !field || field.value) return;
  field.value = match[1];
  history.replaceState(null, "", location.pathname + location.search);
})();
