/*
 * Drafts saved as they are typed: a form with data-autosave-url is sent there (its fields, never
 * its files) a few seconds after the last change, and the status line (#autosave-status) says
 * "Saved at HH:MM" or why it was not saved. Without JavaScript the form's Save button does the
 * same. The server answers JSON: {"message"} when saved, {"detail", "errors"} when not.
 */
(function () {
  "use strict";

  var DELAY_MS = 3000;

  function setup(form) {
    var url = form.getAttribute("data-autosave-url");
    var status = document.getElementById("autosave-status");
    var timer = null;
    var sending = false;
    var again = false;

    function say(text) {
      if (status) status.textContent = text;
    }

    function fields() {
      var data = new FormData(form);
      Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
        data.delete(input.name);
      });
      return data;
    }

    function save() {
      timer = null;
      if (sending) {
        again = true;
        return;
      }
      sending = true;
      say(status ? status.getAttribute("data-saving") : "");
      fetch(url, {
        method: "POST",
        body: fields(),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) {
            say(body.message);
          } else {
            var details = [];
            Object.keys(body.errors || {}).forEach(function (key) {
              details = details.concat(body.errors[key]);
            });
            say([body.detail].concat(details).join(" "));
          }
        });
      }).catch(function () {
        say(status ? status.getAttribute("data-error") : "");
      }).then(function () {
        sending = false;
        if (again) {
          again = false;
          schedule();
        }
      });
    }

    function schedule() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(save, DELAY_MS);
    }

    form.addEventListener("input", function (event) {
      if (event.target.type !== "file") schedule();
    });
    form.addEventListener("change", function (event) {
      if (event.target.type !== "file") schedule();
    });
    // A real submission (Save or Submit) makes a pending autosave pointless.
    form.addEventListener("submit", function () {
      if (timer) window.clearTimeout(timer);
      timer = null;
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave-url]"), setup);
})();
