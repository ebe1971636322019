// The setup link carries its token in the fragment (after '#'), which browsers never send to a server. Move it into the
// form, which posts it in the request body, and drop it from the address bar and the history.
(function () {
  'use strict';
  var field = document.getElementById('token');
  var token = decodeURIComponent(window.location.hash.slice(1));
  if (field && token) {
    field.value = token;
  }
  if (window.location.hash) {
    window.history.replaceState(null, '', window.location.pathname);
  }
})();
