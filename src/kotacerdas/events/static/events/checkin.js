/* The check-in desk: camera scanning where the browser reads QR codes, and one submission
 * at a time. The page works without this file; it shows no text of its own (every label
 * is in the template, translated there). */
(function () {
  "use strict";

  var form = document.querySelector("[data-checkin-form]");
  if (!form) {
    return;
  }
  var input = form.querySelector("[name=code]");
  var submit = form.querySelector("button[type=submit]");
  var startButton = form.querySelector("[data-checkin-camera]");
  var stopButton = form.querySelector("[data-checkin-camera-stop]");
  var noCamera = form.querySelector("[data-checkin-no-camera]");
  var failed = form.querySelector("[data-checkin-camera-failed]");
  var video = form.querySelector("[data-checkin-video]");
  var CAMERA_ON = "kotacerdas.checkin.camera";
  // The ticket just read is still in front of the camera when the page comes back.
  var LAST_READ = "kotacerdas.checkin.last";
  var sending = false;
  var stream = null;
  var emptySince = 0;

  // A double click or a scanner that sends Enter twice must not send the form twice.
  form.addEventListener("submit", function (event) {
    if (sending) {
      event.preventDefault();
      return;
    }
    sending = true;
    submit.disabled = true;
  });
  // Back to this page from the history: it may be sent again.
  window.addEventListener("pageshow", function () {
    sending = false;
    submit.disabled = false;
  });

  function store(key, value) {
    try {
      if (value) {
        window.sessionStorage.setItem(key, value);
      } else {
        window.sessionStorage.removeItem(key);
      }
    } catch (e) {
      /* storage refused: the camera is simply not restarted after a scan */
    }
  }

  function stored(key) {
    try {
      return window.sessionStorage.getItem(key) || "";
    } catch (e) {
      return "";
    }
  }

  function stop() {
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
      stream = null;
    }
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
  }

  function scan(detector) {
    if (!stream) {
      return;
    }
    detector.detect(video).then(function (codes) {
      var value = codes.length ? codes[0].rawValue : "";
      // Once no ticket has been in view for a moment, the last one may be read again.
      if (value) {
        emptySince = 0;
      } else if (!emptySince) {
        emptySince = Date.now();
      } else if (Date.now() - emptySince > 1500) {
        store(LAST_READ, "");
      }
      if (value && value !== stored(LAST_READ) && !sending) {
        input.value = value;
        stop();
        store(CAMERA_ON, "1"); // the next ticket is scanned with the camera too
        store(LAST_READ, value);
        if (form.requestSubmit) {
          form.requestSubmit();
        } else {
          sending = true;
          submit.disabled = true;
          form.submit();
        }
        return;
      }
      window.setTimeout(function () { scan(detector); }, 150);
    }, function () {
      window.setTimeout(function () { scan(detector); }, 300);
    });
  }

  function start(detector) {
    failed.hidden = true;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        startButton.hidden = true;
        stopButton.hidden = false;
        store(CAMERA_ON, "1");
        return video.play().then(function () { scan(detector); });
      })
      .catch(function () {
        stop();
        store(CAMERA_ON, "");
        failed.hidden = false;
      });
  }

  var supported = "BarcodeDetector" in window && navigator.mediaDevices &&
    typeof navigator.mediaDevices.getUserMedia === "function";
  if (!supported) {
    return; // the note to type the code or use a scanner stays
  }
  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") < 0) {
      return;
    }
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    noCamera.hidden = true;
    startButton.hidden = false;
    startButton.addEventListener("click", function () {
      store(LAST_READ, ""); // started by hand: the same ticket may be read again
      start(detector);
    });
    stopButton.addEventListener("click", function () {
      stop();
      store(CAMERA_ON, "");
      input.focus();
    });
    if (stored(CAMERA_ON)) {
      start(detector);
    }
  }, function () { /* no formats known: keep the note */ });
})();
