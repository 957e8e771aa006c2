/* sokbo's search page, enhanced. Without this script the page is a plain GET form.
 *
 * 1. Suggestions as you type: the search box becomes an ARIA combobox (WAI-ARIA APG,
 *    "list autocomplete") whose listbox is filled from /api/suggest, debounced; arrows move,
 *    Enter searches the chosen words (or opens the chosen headline), Escape closes.
 * 2. Live filters: ticking a category, choosing a sort or a date applies at once; the panel
 *    that was open comes back open after the page reloads, with the same control focused.
 *
 * Everything a suggestion holds is put on the page as text (textContent), never as HTML.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 120;
  var LIMIT = 8;
  var REOPEN_KEY = "sokbo:reopen";

  document.documentElement.classList.add("js");

  function combobox(input) {
    var form = input.form;
    var url = input.getAttribute("data-suggest-url");
    var listbox = document.createElement("ul");
    var help = document.createElement("p");
    var timer = 0;
    var pending = null;
    var options = [];
    var active = -1;
    var shownFor = null;

    listbox.id = input.id + "-suggestions";
    listbox.className = "suggestions";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", input.getAttribute("data-suggest-label") || "");
    listbox.hidden = true;
    help.id = input.id + "-help";
    help.className = "visually-hidden";
    help.textContent = input.getAttribute("data-suggest-help") || "";
    form.appendChild(listbox);
    form.appendChild(help);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("aria-describedby", help.id);

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (!options.length) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function highlight(index) {
      options.forEach(function (item, i) {
        item.element.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
      } else {
        input.setAttribute("aria-activedescendant", options[index].element.id);
        options[index].element.scrollIntoView({ block: "nearest" });
      }
    }

    function choose(index) {
      var suggestion = options[index].suggestion;
      close();
      if (suggestion.kind === "title" && suggestion.url) {
        window.location.assign(suggestion.url);
        return;
      }
      input.value = suggestion.text;
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }

    /* The suggestion as text, the part that continues what was typed in bold. */
    function label(text, typed) {
      var item = document.createElement("span");
      item.className = "text";
      if (typed && text.indexOf(typed) === 0 && typed.length < text.length) {
        item.appendChild(document.createTextNode(typed));
        var rest = document.createElement("b");
        rest.textContent = text.slice(typed.length);
        item.appendChild(rest);
      } else {
        item.appendChild(document.createTextNode(text));
      }
      return item;
    }

    function render(typed, suggestions) {
      listbox.textContent = "";
      options = suggestions.map(function (suggestion, i) {
        var element = document.createElement("li");
        element.id = listbox.id + "-" + i;
        element.setAttribute("role", "option");
        element.setAttribute("aria-selected", "false");
        element.appendChild(label(suggestion.text, typed));
        if (suggestion.kind === "title") {
          var kind = document.createElement("span");
          kind.className = "kind";
          kind.textContent = input.getAttribute("data-kind-title") || "";
          element.appendChild(kind);
        }
        element.addEventListener("mousedown", function (event) { event.preventDefault(); });
        element.addEventListener("click", function () { choose(i); });
        listbox.appendChild(element);
        return { element: element, suggestion: suggestion };
      });
      shownFor = typed;
      active = -1;
      if (options.length && document.activeElement === input) open(); else close();
    }

    function fetchSuggestions() {
      var typed = input.value.trim();
      if (!typed) { render("", []); return; }
      if (typed === shownFor) { open(); return; }
      if (pending) pending.abort();
      pending = window.AbortController ? new AbortController() : null;
      var address = url + "?q=" + encodeURIComponent(typed) + "&limit=" + LIMIT;
      fetch(address, { signal: pending ? pending.signal : undefined, headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (body) {
          if (input.value.trim() === typed) render(typed, body.suggestions || []);
        })
        .catch(function () { /* aborted by newer typing, or offline: no suggestions */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      var expanded = !listbox.hidden;
      if (event.isComposing) return; /* the IME is still building a syllable */
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!expanded) { open(); if (!options.length) fetchSuggestions(); return; }
          highlight(active + 1 >= options.length ? 0 : active + 1);
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!expanded) { open(); return; }
          highlight(active <= 0 ? options.length - 1 : active - 1);
          break;
        case "Enter":
          if (expanded && active >= 0) { event.preventDefault(); choose(active); }
          break;
        case "Escape":
          if (expanded) { event.preventDefault(); close(); }
          else if (input.value) { event.preventDefault(); input.value = ""; render("", []); }
          break;
        case "Tab":
          close();
          break;
      }
    });

    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
    input.addEventListener("focus", function () { if (input.value.trim() === shownFor) open(); });
  }

  function liveFilters(bar, form) {
    var panels = Array.prototype.slice.call(bar.querySelectorAll("details"));

    function apply(control) {
      var panel = control.closest("details");
      try {
        window.sessionStorage.setItem(REOPEN_KEY, JSON.stringify({
          panel: panels.indexOf(panel), name: control.name, value: control.value
        }));
      } catch (error) { /* storage disabled: the panel simply stays closed */ }
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }

    bar.addEventListener("change", function (event) {
      var control = event.target;
      if (control.form !== form) return;
      if (control.type === "date") {
        control.setAttribute("data-changed", "");
        if (document.activeElement !== control) apply(control);
        return;
      }
      apply(control);
    });
    bar.addEventListener("focusout", function (event) {
      var control = event.target;
      if (control.type === "date" && control.hasAttribute("data-changed")) apply(control);
    });

    /* One panel open at a time; Escape or a click elsewhere closes it. */
    panels.forEach(function (panel) {
      panel.addEventListener("toggle", function () {
        if (!panel.open) return;
        panels.forEach(function (other) { if (other !== panel) other.open = false; });
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      panels.forEach(function (panel) {
        if (panel.open && panel.contains(document.activeElement)) {
          panel.open = false;
          panel.querySelector("summary").focus();
        }
      });
    });
    document.addEventListener("click", function (event) {
      panels.forEach(function (panel) { if (panel.open && !panel.contains(event.target)) panel.open = false; });
    });

    reopen(panels);
  }

  /* After a live change reloaded the page, open the same panel and focus the same control. */
  function reopen(panels) {
    var saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(REOPEN_KEY) || "null");
      window.sessionStorage.removeItem(REOPEN_KEY);
    } catch (error) { return; }
    if (!saved || !panels[saved.panel]) return;
    var panel = panels[saved.panel];
    panel.open = true;
    var controls = panel.querySelectorAll("input, select");
    for (var i = 0; i < controls.length; i++) {
      if (controls[i].name === saved.name && (controls[i].type !== "checkbox" || controls[i].value === saved.value)) {
        controls[i].focus();
        return;
      }
    }
    panel.querySelector("summary").focus();
  }

  var input = document.getElementById("q");
  if (input && input.form && input.getAttribute("data-suggest-url") && window.fetch) combobox(input);
  var bar = document.querySelector("[data-live]");
  var form = document.getElementById("search");
  if (bar && form) liveFilters(bar, form);
})();
