// "Near me" on the space list: asks the browser for the position, puts it in the form's hidden
// `near` field and sends the form (the list is then sorted by distance). Without JavaScript the
// button is not shown; the district filter does the same work.
(function () {
  "use strict";
  const button = document.querySelector("[data-near-me]");
  if (!button || !("geolocation" in navigator)) return;
  const form = button.closest("form");
  const field = form.querySelector("input[name=near]");
  const status = document.getElementById(button.getAttribute("aria-describedby"));
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.waiting;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        field.value = position.coords.latitude.toFixed(5) + "," + position.coords.longitude.toFixed(5);
        status.textContent = "";
        form.requestSubmit();
      },
      function () {
        status.textContent = button.dataset.failed;
      },
      { maximumAge: 600000, timeout: 10000 }
    );
  });
})();
