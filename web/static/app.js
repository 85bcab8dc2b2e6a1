/* Search-as-you-type for the search page (the page works fully without it).
 *
 * After typing pauses, fetches the same search page for the new query and swaps in its
 * results region; the URL is updated so the state stays bookmarkable. Waits while an IME
 * composition is in progress (Chinese pinyin input), so half-typed syllables are not searched.
 */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch || !window.DOMParser || !window.URLSearchParams) {
    return;
  }
  var input = form.querySelector('input[name="q"]');
  if (!input) {
    return;
  }
  var DELAY_MS = 350;
  var composing = false;
  var timer = 0;
  var controller = null;
  var last = input.value;

  function targetUrl() {
    var params = new URLSearchParams();
    var data = new FormData(form);
    data.forEach(function (value, name) {
      if (typeof value === "string" && value !== "") {
        params.append(name, value);
      }
    });
    var base = form.getAttribute("action") || "/";
    var qs = params.toString();
    return base + (qs ? "?" + qs : "");
  }

  function refresh() {
    var value = input.value;
    if (value === last) {
      return;
    }
    last = value;
    var url = targetUrl();
    if (controller) {
      controller.abort();
    }
    controller = window.AbortController ? new AbortController() : null;
    form.classList.add("loading");
    fetch(url, { signal: controller ? controller.signal : undefined, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("results-region");
        var current = document.getElementById("results-region");
        if (!fresh || !current || input.value !== value) {
          return;
        }
        current.replaceWith(document.importNode(fresh, true));
        var count = document.getElementById("result-count");
        var status = document.getElementById("live-status");
        if (count && status) {
          status.textContent = count.textContent; /* screen readers hear the new count */
        }
        history.replaceState(null, "", url);
        document.title = doc.title;
        form.classList.remove("loading");
      })
      .catch(function () {
        /* Aborted or failed: keep the current results; Enter still submits the form. */
        form.classList.remove("loading");
      });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, DELAY_MS);
  }

  input.addEventListener("compositionstart", function () {
    composing = true;
    window.clearTimeout(timer);
  });
  input.addEventListener("compositionend", function () {
    composing = false;
    schedule();
  });
  input.addEventListener("input", function (event) {
    if (composing || event.isComposing) {
      return;
    }
    schedule();
  });
  form.addEventListener("submit", function () {
    window.clearTimeout(timer);
    if (controller) {
      controller.abort();
    }
  });
})();

/* On a phone the 筛选 panel (below the results) starts closed: one line instead of a long list.
 * Without JavaScript it stays open, showing each facet's top values. */
(function () {
  "use strict";
  var NARROW = "(max-width: 760px)";

  function closeOnPhone(root) {
    if (!window.matchMedia || !window.matchMedia(NARROW).matches) {
      return;
    }
    var panel = root.querySelector(".facet-panel");
    if (panel) {
      panel.removeAttribute("open");
    }
  }

  closeOnPhone(document);
  var region = document.getElementById("results-region");
  if (region && window.MutationObserver) {
    new MutationObserver(function () {
      closeOnPhone(document);
    }).observe(region.parentNode, { childList: true });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href="#facets"]');
    var panel = document.querySelector(".facet-panel");
    if (link && panel) {
      panel.setAttribute("open", "");
    }
  });
})();
