// "Copy the link" on an article: shown only where the clipboard can be used; the address field
// beside it stays for everyone else. No third-party script: the other share links are plain links.
(function () {
  "use strict";
  function setUp() {
    document.querySelectorAll("button.copy-link[data-copy]").forEach(function (button) {
      if (!navigator.clipboard || !window.isSecureContext) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var status = document.querySelector(".copy-status");
        navigator.clipboard.writeText(button.dataset.copy).then(function () {
          if (status) status.textContent = button.dataset.copied;
        });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
