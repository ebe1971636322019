// Automatic logoff: once the server's idle timeout has passed with no page loaded, leave this page. The home page then
// sends an ended session to sign-in with a plain message, so nothing read here stays on screen.
(function () {
  'use strict';
  var seconds = Number(document.body.getAttribute('data-idle-seconds') || 0);
  if (seconds > 0) {
    window.setTimeout(function () { window.location.replace('/'); }, (seconds + 5) * 1000);
  }
})();
