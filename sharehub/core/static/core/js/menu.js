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
// The user menu and, on phones, the main menu are disclosures: opening one closes the other, and
// Escape or a click elsewhere closes an open one (without JavaScript they still open and close).
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 60rem)");
  function menus() {
    return Array.prototype.filter.call(document.querySelectorAll("details.user-menu, details.menu"), function (menu) {
      return !(wide.matches && menu.classList.contains("menu"));
    });
  }
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.open || !opened.matches || !opened.matches("details.user-menu, details.menu")) return;
    menus().forEach(function (menu) { if (menu !== opened) menu.open = false; });
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus().forEach(function (menu) {
      if (!menu.open) return;
      menu.open = false;
      menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    menus().forEach(function (menu) { if (menu.open && !menu.contains(event.target)) menu.open = false; });
  });
})();
