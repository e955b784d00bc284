/*
 * Kesu (客诉) page behaviour. Loaded at the end of <body> after Bootstrap and htmx; no inline JS is needed
 * anywhere, so templates stay free of <script> blocks other than JSON data.
 *
 *  - htmx requests carry Django's CSRF token (from <meta name="csrf-token">, else the csrftoken cookie).
 *  - Elements / forms with data-confirm="Message" ask for confirmation before the action goes ahead
 *    (links, buttons, plain forms and htmx-driven elements alike).
 *  - <div class="echart" data-option-id="ID"> draws an ECharts chart whose option is the JSON inside
 *    <script type="application/json" id="ID"> (what Django's |json_script writes); data-option='{json}'
 *    works too. ECharts (1 MB) is loaded on demand from <meta name="kesu-echarts-src"> only on pages that
 *    have a chart. Charts resize with the window / their container and are disposed when htmx removes them.
 *  - htmx request failures show a short, translated message (texts come from data-msg-* on <body>).
 *  - Reply coaching: a button with data-kesu-rewrite="full text" (inside the coaching rendered for the
 *    text in data-kesu-linted) replaces the reply in the textarea data-kesu-target, if the handler has not
 *    typed since; data-kesu-insert="textarea id" + data-kesu-insert-text puts a text at the start of the
 *    reply. Either way the reply is coached again.
 */
(function () {
  "use strict";

  var doc = document;
  var body = doc.body;

  function msg(name, fallback) {
    var value = body && body.getAttribute("data-msg-" + name);
    return value || fallback;
  }

  /* ---- Large, high-contrast mode: older browsers without :has() need the class on <html>. ---------- */
  if (body && body.classList.contains("a11y-large")) {
    doc.documentElement.classList.add("a11y-large");
  }

  /* ---- CSRF for htmx -------------------------------------------------------------------------------- */

  function cookie(name) {
    var parts = doc.cookie ? doc.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var c = parts[i].trim();
      if (c.substring(0, name.length + 1) === name + "=") {
        return decodeURIComponent(c.substring(name.length + 1));
      }
    }
    return null;
  }

  function csrfToken() {
    var meta = doc.querySelector('meta[name="csrf-token"]');
    var token = meta && meta.getAttribute("content");
    return token || cookie("csrftoken");
  }

  doc.addEventListener("htmx:configRequest", function (ev) {
    var verb = (ev.detail.verb || "get").toLowerCase();
    if (verb === "get") {
      return;
    }
    var token = csrfToken();
    if (token) {
      ev.detail.headers["X-CSRFToken"] = token;
    }
  });

  /* ---- Confirmation of dangerous actions ----------------------------------------------------------- */

  function confirmed(el) {
    var text = el.getAttribute("data-confirm");
    return window.confirm(text || msg("confirm", "Are you sure?"));
  }

  function stop(ev) {
    ev.preventDefault();
    ev.stopPropagation();
    ev.stopImmediatePropagation();
  }

  // Capture phase on the document: runs before htmx's own listeners on the element, so a refusal also
  // stops hx-post / hx-delete requests.
  doc.addEventListener(
    "click",
    function (ev) {
      var target = ev.target;
      if (!target || !target.closest) {
        return;
      }
      var el = target.closest("[data-confirm]");
      if (!el || el.tagName === "FORM" || el.disabled) {
        return;
      }
      if (!confirmed(el)) {
        stop(ev);
      }
    },
    true
  );

  doc.addEventListener(
    "submit",
    function (ev) {
      var form = ev.target;
      if (!form || !form.hasAttribute || !form.hasAttribute("data-confirm")) {
        return;
      }
      // A submit button that already asked (it has its own data-confirm) does not ask twice.
      var submitter = ev.submitter;
      if (submitter && submitter.hasAttribute("data-confirm")) {
        return;
      }
      if (!confirmed(form)) {
        stop(ev);
      }
    },
    true
  );

  /* ---- htmx errors ---------------------------------------------------------------------------------- */

  function showError(text) {
    var box = doc.getElementById("kesu-htmx-error");
    if (!box) {
      window.alert(text);
      return;
    }
    box.querySelector("[data-role=text]").textContent = text;
    box.hidden = false;
  }

  doc.addEventListener("htmx:responseError", function (ev) {
    var status = ev.detail.xhr ? ev.detail.xhr.status : 0;
    if (status === 403) {
      showError(msg("forbidden", "You are not allowed to do this."));
    } else if (status === 404) {
      showError(msg("not-found", "This item no longer exists."));
    } else if (status === 409) {
      showError(msg("conflict", "Someone else changed this item. Reload the page and try again."));
    } else {
      showError(msg("htmx-error", "The request failed. Please try again."));
    }
  });
  doc.addEventListener("htmx:sendError", function () {
    showError(msg("offline", "The server could not be reached. Check the network and try again."));
  });
  doc.addEventListener("click", function (ev) {
    var btn = ev.target && ev.target.closest ? ev.target.closest("[data-dismiss-error]") : null;
    if (btn) {
      var box = doc.getElementById("kesu-htmx-error");
      if (box) {
        box.hidden = true;
      }
    }
  });

  /* ---- Reply coaching ------------------------------------------------------------------------------ */

  function recoach(area) {
    if (window.htmx) {
      window.htmx.trigger(area, "keyup");
    }
  }

  doc.addEventListener("click", function (ev) {
    var target = ev.target && ev.target.closest ? ev.target : null;
    if (!target) {
      return;
    }
    var btn = target.closest("[data-kesu-rewrite]");
    if (btn) {
      var area = doc.getElementById(btn.getAttribute("data-kesu-target"));
      var box = btn.closest("[data-kesu-linted]");
      if (!area || !box) {
        return;
      }
      // The fix was computed for the text as it was coached; if the handler typed since, coach again.
      if (area.value === box.getAttribute("data-kesu-linted")) {
        area.value = btn.getAttribute("data-kesu-rewrite");
      }
      area.focus();
      recoach(area);
      return;
    }
    var insert = target.closest("[data-kesu-insert]");
    if (insert) {
      var textarea = doc.getElementById(insert.getAttribute("data-kesu-insert"));
      var text = insert.getAttribute("data-kesu-insert-text") || "";
      if (!textarea || !text) {
        return;
      }
      if (textarea.value.indexOf(text) === -1) {
        textarea.value = textarea.value ? text + "\n" + textarea.value : text;
      }
      textarea.focus();
      textarea.setSelectionRange(textarea.value.length, textarea.value.length);
      recoach(textarea);
    }
  });

  /* ---- ECharts -------------------------------------------------------------------------------------- */

  var PALETTE = ["#2563eb", "#0f766e", "#d97706", "#b91c1c", "#6d28d9", "#475569", "#0369a1", "#a21caf"];
  var echartsLoading = null;

  function loadEcharts() {
    if (window.echarts) {
      return Promise.resolve(window.echarts);
    }
    if (echartsLoading) {
      return echartsLoading;
    }
    var meta = doc.querySelector('meta[name="kesu-echarts-src"]');
    if (!meta) {
      return Promise.reject(new Error("kesu: no <meta name=kesu-echarts-src> and no window.echarts"));
    }
    echartsLoading = new Promise(function (resolve, reject) {
      var s = doc.createElement("script");
      s.src = meta.getAttribute("content");
      s.async = true;
      s.onload = function () {
        resolve(window.echarts);
      };
      s.onerror = function () {
        echartsLoading = null;
        reject(new Error("kesu: could not load " + s.src));
      };
      doc.head.appendChild(s);
    });
    return echartsLoading;
  }

  function chartOption(el) {
    var text = null;
    var id = el.getAttribute("data-option-id");
    if (id) {
      var script = doc.getElementById(id);
      text = script ? script.textContent : null;
    } else {
      text = el.getAttribute("data-option");
    }
    if (!text) {
      return null;
    }
    try {
      return JSON.parse(text);
    } catch (e) {
      if (window.console) {
        console.error("kesu: bad chart option JSON for", el, e);
      }
      return null;
    }
  }

  var observer =
    typeof ResizeObserver === "function"
      ? new ResizeObserver(function (entries) {
          entries.forEach(function (entry) {
            var chart = window.echarts && window.echarts.getInstanceByDom(entry.target);
            if (chart) {
              chart.resize();
            }
          });
        })
      : null;

  function initChart(echarts, el) {
    if (echarts.getInstanceByDom(el)) {
      return;
    }
    var option = chartOption(el);
    if (!option) {
      return;
    }
    if (option.color === undefined) {
      option.color = PALETTE;
    }
    if (option.aria === undefined) {
      // ECharts writes a text description of the data into aria-label.
      option.aria = { enabled: true };
    }
    var large = doc.documentElement.classList.contains("a11y-large");
    if (option.textStyle === undefined) {
      option.textStyle = {
        fontFamily: getComputedStyle(body).fontFamily,
        fontSize: large ? 16 : 12,
      };
    }
    if (!el.hasAttribute("role")) {
      el.setAttribute("role", "img");
    }
    var lang = (doc.documentElement.getAttribute("lang") || "").toLowerCase();
    var chart = echarts.init(el, null, { locale: lang.indexOf("zh") === 0 ? "ZH" : "EN" });
    chart.setOption(option);
    if (observer) {
      observer.observe(el);
    }
  }

  function initCharts(root) {
    var els = [];
    if (root.matches && root.matches(".echart")) {
      els.push(root);
    }
    if (root.querySelectorAll) {
      Array.prototype.push.apply(els, root.querySelectorAll(".echart"));
    }
    if (!els.length) {
      return;
    }
    loadEcharts().then(
      function (echarts) {
        els.forEach(function (el) {
          if (el.isConnected !== false) {
            initChart(echarts, el);
          }
        });
      },
      function (err) {
        if (window.console) {
          console.error(err);
        }
      }
    );
  }

  function disposeChart(el) {
    var chart = window.echarts && window.echarts.getInstanceByDom(el);
    if (chart) {
      if (observer) {
        observer.unobserve(el);
      }
      chart.dispose();
    }
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      if (!window.echarts) {
        return;
      }
      doc.querySelectorAll(".echart").forEach(function (el) {
        var chart = window.echarts.getInstanceByDom(el);
        if (chart) {
          chart.resize();
        }
      });
    }, 150);
  });

  // Charts inside a Bootstrap tab or collapse have no size while hidden: resize when they are shown.
  ["shown.bs.tab", "shown.bs.collapse", "shown.bs.modal"].forEach(function (name) {
    doc.addEventListener(name, function () {
      window.dispatchEvent(new Event("resize"));
    });
  });

  doc.addEventListener("htmx:beforeCleanupElement", function (ev) {
    var el = ev.target;
    if (el && el.classList && el.classList.contains("echart")) {
      disposeChart(el);
    }
  });

  /* ---- Start-up: the page now, and whatever htmx swaps in later ----------------------------------- */

  if (window.htmx && window.htmx.onLoad) {
    // htmx.onLoad runs for the initial body too.
    window.htmx.onLoad(initCharts);
  } else if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", function () {
      initCharts(body);
    });
  } else {
    initCharts(body);
  }

  window.kesu = { initCharts: initCharts, csrfToken: csrfToken };
})();
