/*
 * A timed exam (templates/exams/take.html).
 *  - Countdown to the attempt's deadline. The server's clock is authoritative: the page gets the server's
 *    "now" and the deadline, and counts with the offset between the server's and the browser's clocks.
 *    At zero the paper is handed in (the server would close it at the deadline anyway).
 *  - Each answer is saved as soon as it changes (fetch, one request per question; the server upserts it
 *    per attempt and question, so saving twice is harmless). Text answers are saved after a pause in
 *    typing and when the field loses focus. If the server says the time is up, the result page is shown.
 */
(function () {
  "use strict";

  var bar = document.getElementById("exam-timer");
  var form = document.getElementById("exam-form");
  if (!bar || !form) {
    return;
  }
  var clock = bar.querySelector("[data-role=clock]");
  var deadline = Date.parse(bar.getAttribute("data-deadline"));
  var offset = Date.parse(bar.getAttribute("data-server-now")) - Date.now();
  var answerUrl = form.getAttribute("data-answer-url");
  var resultUrl = bar.getAttribute("data-result-url");
  var submitted = false;

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function handIn() {
    if (submitted) {
      return;
    }
    submitted = true;
    form.submit(); // the native submit: no confirmation at time-out
  }

  function tick() {
    var left = Math.max(0, Math.floor((deadline - (Date.now() + offset)) / 1000));
    var h = Math.floor(left / 3600);
    var m = Math.floor((left % 3600) / 60);
    var s = left % 60;
    clock.textContent = (h ? h + ":" : "") + pad(m) + ":" + pad(s);
    bar.classList.toggle("kesu-exam-warn", left <= 60);
    if (left === 0) {
      clock.textContent = bar.getAttribute("data-msg-expired");
      handIn();
      return;
    }
    window.setTimeout(tick, 1000 - ((Date.now() + offset) % 1000));
  }

  function responseOf(fieldset) {
    var type = fieldset.getAttribute("data-type");
    if (type === "multiple") {
      return Array.prototype.map.call(fieldset.querySelectorAll("input:checked"), function (el) {
        return el.value;
      });
    }
    if (type === "short") {
      return fieldset.querySelector("textarea").value;
    }
    var checked = fieldset.querySelector("input:checked");
    return checked ? checked.value : null;
  }

  function save(fieldset) {
    var status = fieldset.querySelector("[data-role=status]");
    var position = parseInt(fieldset.getAttribute("data-position"), 10);
    status.textContent = bar.getAttribute("data-msg-saving");
    fetch(answerUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ position: position, response: responseOf(fieldset) }),
    })
      .then(function (resp) {
        return resp.json().then(function (data) {
          return { ok: resp.ok, status: resp.status, data: data };
        });
      })
      .then(function (r) {
        if (r.ok) {
          status.textContent = bar.getAttribute("data-msg-saved") + " " + r.data.saved_at;
        } else if (r.status === 409) {
          // time is up or the paper was handed in (another tab): show the result
          submitted = true;
          window.location.assign(resultUrl);
        } else {
          status.textContent = r.data.message || bar.getAttribute("data-msg-failed");
        }
      })
      .catch(function () {
        status.textContent = bar.getAttribute("data-msg-failed");
      });
  }

  var timers = {};
  Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-position]"), function (fieldset) {
    var key = fieldset.getAttribute("data-position");
    fieldset.addEventListener("change", function () {
      window.clearTimeout(timers[key]);
      save(fieldset);
    });
    var text = fieldset.querySelector("textarea");
    if (text) {
      text.addEventListener("input", function () {
        window.clearTimeout(timers[key]);
        timers[key] = window.setTimeout(function () {
          save(fieldset);
        }, 1500);
      });
    }
  });
  form.addEventListener("submit", function () {
    submitted = true;
  });

  tick();
})();
