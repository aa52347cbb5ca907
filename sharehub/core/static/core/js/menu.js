// The header menu is a <details> so it works without JavaScript on phones. On wide screens it
// is laid out as a bar; browsers without ::details-content would hide a closed <details>, so
// keep it open there.
(function () {
  "use strict";
  var menu = document.querySelector("details.menu");
  if (!menu) return;
  var wide = window.matchMedia("(min-width: 60rem)");
  function sync() { if (wide.matches) menu.open = true; }
  sync();
  wide.addEventListener("change", function () { if (wide.matches) { menu.open = true; } else { menu.open = false; } });
})();
