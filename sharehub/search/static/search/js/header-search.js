/*
 * The header's search box: a combobox with a listbox (WAI-ARIA APG pattern). htmx fills
 * #header-suggestions from search's suggestions endpoint as the person types; this script lets
 * them move through the suggestions with the arrow keys and open one with Enter or a pointer
 * (each is a link to the item, the last one searches). Escape closes the list. Without it (or
 * without JavaScript) the box is a plain search form.
 */
(function () {
  "use strict";

  function options(box) {
    return Array.prototype.slice.call(box.querySelectorAll('[role="option"][data-href]'));
  }

  function setup(input) {
    var box = document.getElementById(input.getAttribute("aria-controls"));
    if (!box) return;
    var active = -1;

    function close() {
      box.innerHTML = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var items = options(box);
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open(item) {
      var href = item.getAttribute("data-href");
      close();
      if (href) window.location.assign(href);
    }

    box.addEventListener("htmx:afterSwap", function () {
      options(box).forEach(function (item, i) { item.id = box.id + "-" + i; });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      var shown = Boolean(box.querySelector('[role="option"]')) && document.activeElement === input;
      input.setAttribute("aria-expanded", shown ? "true" : "false");
      if (!shown) close();
    });

    input.addEventListener("input", function () {
      if (!input.value.trim()) close();
    });

    input.addEventListener("keydown", function (event) {
      var items = options(box);
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        input.setAttribute("aria-expanded", "true");
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && items[active]) {
        event.preventDefault();
        open(items[active]);
      } else if (event.key === "Escape" && input.getAttribute("aria-expanded") === "true") {
        event.preventDefault();
        close();
      }
    });

    // mousedown, not click: choosing must happen before the input loses focus and closes the list.
    box.addEventListener("mousedown", function (event) {
      var item = event.target.closest('[role="option"][data-href]');
      if (item) {
        event.preventDefault();
        open(item);
      }
    });

    input.addEventListener("blur", close);
    if (input.form) input.form.addEventListener("submit", close);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-header-suggest]"), setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
