/* SUSI's small page behaviours. Kept in a static file so the Content-Security-Policy forbids inline script. */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // <select data-submit-on-change>: submit its form when the choice changes (the language switch).
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // <form data-upload-progress data-sent-text="...">: show htmx's upload progress in #upload-progress.
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    form.addEventListener("htmx:xhr:progress", function (event) {
      if (!event.detail.lengthComputable) { return; }
      var done = event.detail.loaded / event.detail.total * 100;
      var progress = document.getElementById("upload-progress");
      if (progress) { progress.value = done; }
      var stage = document.getElementById("upload-stage");
      if (done >= 100 && stage) { stage.textContent = form.dataset.sentText; }
    });
  });
});
