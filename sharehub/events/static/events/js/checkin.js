/*
 * Check-in page: scan a registration's QR code with the phone's camera and submit it.
 * BarcodeDetector where the browser has it, jsQR (vendor/jsqr) otherwise. Without a camera, or
 * without JavaScript, the organizer types a name or pastes the code into the same form.
 */
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("checkin-form");
    var start = document.querySelector("[data-scan-start]");
    var stop = document.querySelector("[data-scan-stop]");
    var video = document.querySelector("[data-scan-video]");
    var problem = document.querySelector("[data-scan-error]");
    if (!form || !start || !video) {
      return;
    }
    var input = form.querySelector("input[name=code]");
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    var stream = null;
    var detector = null;
    var lastCode = "";
    var lastAt = 0;

    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return;
    }
    start.hidden = false;

    function submit(code) {
      var now = Date.now();
      if (code === lastCode && now - lastAt < 3000) {
        return; // the same code held in front of the camera
      }
      lastCode = code;
      lastAt = now;
      input.value = code;
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
    }

    function readFrame() {
      if (!stream) {
        return Promise.resolve(null);
      }
      if (detector) {
        return detector.detect(video).then(function (codes) {
          return codes.length ? codes[0].rawValue : null;
        });
      }
      if (typeof window.jsQR !== "function" || !video.videoWidth) {
        return Promise.resolve(null);
      }
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      return Promise.resolve(found ? found.data : null);
    }

    function loop() {
      if (!stream) {
        return;
      }
      readFrame().then(function (code) {
        if (code) {
          submit(code);
        }
      }).catch(function () { /* one bad frame */ }).then(function () {
        window.setTimeout(loop, 250);
      });
    }

    function halt() {
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
      }
      stream = null;
      video.hidden = true;
      stop.hidden = true;
      start.hidden = false;
    }

    start.addEventListener("click", function () {
      if ("BarcodeDetector" in window) {
        try {
          detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        } catch (error) {
          detector = null;
        }
      }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        start.hidden = true;
        stop.hidden = false;
        problem.hidden = true;
        return video.play();
      }).then(loop).catch(function () {
        halt();
        problem.hidden = false;
        input.focus();
      });
    });
    stop.addEventListener("click", halt);

    // After htmx answers, empty the field for the next person.
    document.body.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.elt === form && event.detail.successful) {
        input.value = "";
        input.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
