/*
 * Search boxes with suggestions: a combobox with a listbox (WAI-ARIA APG pattern). htmx fills the
 * box named by the input's aria-controls as the person types; this script lets them move through
 * the options with the arrow keys and choose one with Enter or a pointer. Escape closes the list.
 * Without it (or without JavaScript) the field is a plain search box in a plain form. The header
 * (every page) loads this script once; every page's comboboxes are set up from it.
 *
 * <input data-combobox="navigate">: each option carries data-href and choosing opens it (the
 *   header's search: links to items, the last one searches).
 * <input data-combobox="submit">: choosing puts the option's text in the field and submits its
 *   form (the directory's filter form); options with aria-disabled="true" are not choosable.
 */
(function () {
  "use strict";

  var CHOOSABLE = {
    navigate: '[role="option"][data-href]',
    submit: '[role="option"]:not([aria-disabled="true"])'
  };

  function setup(input) {
    var box = document.getElementById(input.getAttribute("aria-controls"));
    var mode = input.getAttribute("data-combobox");
    var selector = CHOOSABLE[mode];
    if (!box || !selector) return;
    var active = -1;

    function options() {
      return Array.prototype.slice.call(box.querySelectorAll(selector));
    }

    function close() {
      box.innerHTML = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var items = options();
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
      if (mode === "navigate") {
        var href = item.getAttribute("data-href");
        close();
        if (href) window.location.assign(href);
        return;
      }
      input.value = item.textContent.trim();
      close();
      if (input.form) {
        if (input.form.requestSubmit) input.form.requestSubmit(); else input.form.submit();
      }
    }

    box.addEventListener("htmx:afterSwap", function () {
      options().forEach(function (item, i) { item.id = box.id + "-" + i; });
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
      var items = options();
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
      var item = event.target.closest(selector);
      if (item) {
        event.preventDefault();
        choose(item);
      }
    });

    input.addEventListener("blur", close);
    if (input.form) input.form.addEventListener("submit", close);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-combobox]"), setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
