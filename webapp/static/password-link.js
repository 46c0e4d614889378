// A set-password link carries its token after "#", which browsers never send to the server
// (so no access log or Referer holds it): put it in the form, and out of the address bar.
(function () {
  var field = document.getElementById("token");
  var token = window.location.hash.slice(1);
  if (field && token && !field.value) {
    field.value = decodeURIComponent(token);
    window.history.replaceState(null, "", window.location.pathname);
  }
})();
