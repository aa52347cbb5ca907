/* Searchable pickers (core.widgets.PickerSelectMultiple, PickerTagsInput) on the vendored Tom Select.
 *
 * Without this script the field is what the server rendered: a <select multiple> or a text input
 * of comma-separated names, and the form posts the same values either way. With it, typing
 * filters the choices (those on the page, or those the field's search URL answers), Enter or a
 * click adds one, Backspace or the × removes one, and a live region says what changed.
 */
(function () {
  "use strict";
  if (typeof window.TomSelect === "undefined") return;

  function setup(field) {
    var data = field.dataset;
    var tags = data.picker === "tags";
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    field.insertAdjacentElement("afterend", status);
    if (tags) {
      // "a, b" as the server writes it: the picker's items are the names without the spaces.
      field.value = field.value.split(",").map(function (name) { return name.trim(); })
        .filter(Boolean).join(",");
    }
    var settings = {
      plugins: { remove_button: { title: data.pickerRemove } },
      placeholder: data.pickerPlaceholder,
      valueField: "value",
      labelField: "text",
      searchField: ["text", "search"],  // "search": an option's data-search, its names in every language
      hideSelected: true,
      // Each choice closes the list; typing opens it again for the next one.
      closeAfterSelect: true,
      clearAfterSelect: true,
      maxOptions: 50,
      create: tags,
      createOnBlur: tags,
      persist: false,
      delimiter: ",",
      render: {
        no_results: function () {
          var empty = document.createElement("div");
          empty.className = "no-results";
          empty.textContent = data.pickerEmpty;
          return empty;
        },
        option_create: function (item, escape) {
          return '<div class="create">' + escape(data.pickerAdd) + ": <strong>" + escape(item.input) + "</strong></div>";
        },
      },
      // Choices on the page are filtered at once; answers from the server wait for the typing.
      refreshThrottle: data.pickerUrl ? 300 : 0,
      onItemAdd: function (value) {
        // A filtering still due from the typing would open the list again after this choice.
        if (this.refreshTimeout) {
          window.clearTimeout(this.refreshTimeout);
          this.refreshTimeout = null;
        }
        var option = this.options[value];
        status.textContent = data.pickerAdd + ": " + (option ? option.text : value);
      },
      onItemRemove: function (value) {
        var option = this.options[value];
        status.textContent = data.pickerRemove + ": " + (option ? option.text : value);
      },
    };
    if (data.pickerUrl) {
      // The server's answer is the match (it knows both languages' names): shown as it comes,
      // in place of the last answer, not filtered again by the text shown.
      settings.score = function () { return function () { return 1; }; };
      settings.shouldLoad = function (query) { return query.trim().length > 0; };
      settings.load = function (query, callback) {
        var self = this;
        var url = data.pickerUrl + (data.pickerUrl.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (results) {
            self.clearOptions();
            callback(results);
          })
          .catch(function () { callback(); });
      };
    }
    var picker = new window.TomSelect(field, settings);
    // The original field only carries the values now: the picker's own input is the one named by
    // the label (Tom Select points the label at it).
    field.setAttribute("aria-hidden", "true");
    // The help text and errors that described the original field describe the one typed into.
    var described = field.getAttribute("aria-describedby");
    if (described) picker.control_input.setAttribute("aria-describedby", described);
    if (field.getAttribute("aria-invalid")) picker.control_input.setAttribute("aria-invalid", "true");
    if (field.lang) picker.wrapper.lang = field.lang;
  }

  function start() {
    document.querySelectorAll("[data-picker]").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
