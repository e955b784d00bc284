/*
 * Role-play page behaviour: the assessment's per-reply countdown (the server decides; this only shows
 * the time left) and keeping the conversation scrolled to the latest line.
 */
(function () {
  "use strict";
  var chat = document.querySelector(".kesu-chat");
  if (chat) {
    chat.scrollTop = chat.scrollHeight;
  }
  var timer = document.querySelector("[data-rp-deadline]");
  if (!timer) {
    return;
  }
  var deadline = Date.parse(timer.getAttribute("data-rp-deadline"));
  function tick() {
    var left = Math.round((deadline - Date.now()) / 1000);
    if (left <= 0) {
      timer.textContent = timer.getAttribute("data-rp-expired");
      timer.classList.add("text-danger", "fw-semibold");
      return;
    }
    timer.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
    if (left <= 20) {
      timer.classList.add("text-danger");
    }
    window.setTimeout(tick, 500);
  }
  tick();
})();
