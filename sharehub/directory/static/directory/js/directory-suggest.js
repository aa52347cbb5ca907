/*
 * The directory search box's suggestions (a combobox with a listbox, WAI-ARIA APG pattern).
 * htmx fills #q-suggestions from search's suggest endpoint as the person types; this script lets
 * them choose one with the arrow keys and Enter, or by pointer, then submits the search.
 * Without it (or without JavaScript) the field is a plain search box.
 */
(function () {
  "use strict";

  function options(box) {
    return Array.prototype.slice.call(box.querySelectorAll('[role="option"]:not([aria-disabled="true"])'));
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

    function choose(item) {
      input.value = item.textContent.trim();
      close();
      if (input.form) {
        if (input.form.requestSubmit) input.form.requestSubmit(); else input.form.submit();
      }
    }

    box.addEventListener("htmx:afterSwap", function () {
      var items = options(box);
      items.forEach(function (item, i) { item.id = box.id + "-" + i; });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      input.setAttribute("aria-expanded", box.querySelector('[role="option"]') && document.activeElement === input ? "true" : "false");
      if (document.activeElement !== input) close();
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
        choose(items[active]);
      } else if (event.key === "Escape" && input.getAttribute("aria-expanded") === "true") {
        event.preventDefault();
        close();
      }
    });

    // mousedown, not click: choosing must happen before the input loses focus and closes the list.
    box.addEventListener("mousedown", function (event) {
      var item = event.target.closest('[role="option"]:not([aria-disabled="true"])');
      if (item) {
        event.preventDefault();
        choose(item);
      }
    });

    input.addEventListener("blur", close);
    if (input.form) input.form.addEventListener("submit", close);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
