/*
 * sokbo embed: a search box and results on another site's page, from one element and this script:
 *
 *   <div data-sokbo-search></div>
 *   <script src="https://search.example.com/embed.js" async></script>
 *
 * It reads ?q= from the page's own URL (so the site's search form can point at the page),
 * calls sokbo's /api/search across origins (the site must be on sokbo's --cors-origin list)
 * and pages with a "더 보기" button. data-lang="en" on the element switches to English;
 * data-per-page="20" asks for more results a page; data-sokbo-api="https://…/" names sokbo's
 * address when this script is served from elsewhere. Whatever the element held (say a plain
 * form to sokbo's own page, the no-JavaScript fallback) is replaced.
 *
 * Safety: every node is built with createElement and text; titles and snippets arrive as
 * HTML in which sokbo escaped everything but <mark>, and are still parsed in an inert
 * document of which only text and <mark> are copied. Links are followed only when http(s).
 * No framework, no build step, no inline style.
 */
(function () {
  "use strict";

  var SCRIPT = document.currentScript || document.querySelector('script[src$="embed.js"]');
  var MAX_PAGE = 1000;
  var widgetCount = 0;

  var STRINGS = {
    ko: {
      label: "검색어",
      placeholder: "기사 검색",
      search: "검색",
      more: "더 보기",
      loading: "검색 중…",
      results: "‘{query}’ 검색 결과 {total}건",
      none: "‘{query}’에 대한 검색 결과가 없습니다.",
      partial: "모든 단어를 포함한 기사가 없어 일부 단어가 일치하는 기사를 보여 드립니다.",
      corrected: "‘{query}’에 맞는 기사가 없어 ‘{suggestion}’{ro} 검색했습니다.",
      didYouMean: "이것을 찾으셨나요?",
      notAllowed: "이 사이트에서는 검색 결과를 불러올 수 없습니다. 검색 서버가 이 사이트({origin})를 허용하지 않았습니다.",
      ownerHint: ["사이트 관리자: 검색 서버를 ", "와 같이 실행해 이 사이트를 허용하세요."],
      unreachable: "검색 서버에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.",
      badRequest: "이 검색어로는 검색할 수 없습니다.",
      notReady: "검색 색인이 아직 준비되지 않았습니다. 잠시 후 다시 시도해 주세요.",
      openPage: "검색 페이지에서 보기",
      separator: " · "
    },
    en: {
      label: "Search terms",
      placeholder: "Search news",
      search: "Search",
      more: "Load more",
      loading: "Searching…",
      results: "{total} results for ‘{query}’",
      none: "No results for ‘{query}’.",
      partial: "No post has every word, so posts with some of them are shown.",
      corrected: "Nothing matched ‘{query}’, so ‘{suggestion}’ was searched instead.",
      didYouMean: "Did you mean",
      notAllowed: "Search results cannot be loaded on this site: the search server does not allow this site ({origin}).",
      ownerHint: ["Site owner: run the search server as ", " to allow this site."],
      unreachable: "The search server cannot be reached. Please try again in a moment.",
      badRequest: "This search cannot be used.",
      notReady: "The search index is not ready yet. Please try again in a moment.",
      openPage: "See the results on the search page",
      separator: " · "
    }
  };
  var MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  /* -- small helpers --------------------------------------------------------------- */

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function el(name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* The particle 으로/로 after a Korean word (해리스로, 푸틴으로), or (으)로 after anything else. */
  function ro(word) {
    var code = word.charCodeAt(word.length - 1) - 0xac00;
    if (!(code >= 0 && code < 11172)) return "(으)로";
    var final = code % 28;
    return final === 0 || final === 8 ? "로" : "으로";
  }

  /* Text and <mark> of sokbo's escaped HTML, as new nodes; any other markup is dropped. */
  function marked(html) {
    var parsed = new DOMParser().parseFromString(String(html || ""), "text/html");
    var out = document.createDocumentFragment();
    (function copy(from, to) {
      for (var node = from.firstChild; node; node = node.nextSibling) {
        if (node.nodeType === 3) {
          to.appendChild(document.createTextNode(node.nodeValue));
        } else if (node.nodeType === 1 && node.nodeName === "MARK") {
          var mark = document.createElement("mark");
          copy(node, mark);
          to.appendChild(mark);
        } else if (node.nodeType === 1) {
          copy(node, to);
        }
      }
    })(parsed.body, out);
    return out;
  }

  /* An http(s) URL resolved against the page, or null (never a javascript: link). */
  function safeUrl(url) {
    try {
      var resolved = new URL(String(url), window.location.href);
      return resolved.protocol === "https:" || resolved.protocol === "http:" ? resolved.href : null;
    } catch (error) {
      return null;
    }
  }

  function dateText(iso, lang) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso || ""));
    if (!m) return String(iso || "");
    var year = +m[1], month = +m[2], day = +m[3];
    return lang === "en" ? MONTHS_EN[month - 1] + " " + day + ", " + year : year + "년 " + month + "월 " + day + "일";
  }

  function pageQuery() {
    return (new URLSearchParams(window.location.search).get("q") || "").trim();
  }

  /* -- one widget ------------------------------------------------------------------ */

  function Widget(root) {
    var lang = root.getAttribute("data-lang") === "en" ? "en" : "ko";
    var base = root.getAttribute("data-sokbo-api") || (SCRIPT && SCRIPT.src) || window.location.href;
    this.t = STRINGS[lang];
    this.lang = lang;
    this.api = new URL("api/search", base).href;
    this.pageUrl = new URL("./", base).href;
    this.probeUrl = new URL("embed.css", base).href;
    this.perPage = Math.min(100, Math.max(1, parseInt(root.getAttribute("data-per-page"), 10) || 10));
    this.root = root;
    this.query = "";
    this.page = 0;
    this.shown = 0;
    this.sequence = 0;
    this.build("sokbo-q-" + ++widgetCount);
  }

  Widget.prototype.build = function (id) {
    var t = this.t, self = this;
    var form = el("form", "sokbo-form");
    form.setAttribute("role", "search");
    var label = el("label", "sokbo-visually-hidden", t.label);
    label.htmlFor = id;
    var input = el("input");
    input.type = "search";
    input.id = id;
    input.name = "q";
    input.maxLength = 1000;
    input.placeholder = t.placeholder;
    input.autocomplete = "off";
    var button = el("button", null, t.search);
    button.type = "submit";
    form.append(label, input, button);

    this.input = input;
    this.status = el("div", "sokbo-status");
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    this.list = el("ol", "sokbo-hits");
    this.more = el("button", "sokbo-more", t.more);
    this.more.type = "button";
    this.more.hidden = true;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = input.value.trim();
      var url = new URL(window.location.href);
      if (q) url.searchParams.set("q", q); else url.searchParams.delete("q");
      if (url.href !== window.location.href) window.history.pushState(null, "", url.href);
      self.search(q);
    });
    this.more.addEventListener("click", function () { self.load(self.page + 1); });

    this.root.classList.add("sokbo-embed");
    this.root.lang = this.lang;
    this.root.replaceChildren(form, this.status, this.list, this.more);
  };

  /* A new search from page 1 ("" clears the results). */
  Widget.prototype.search = function (q) {
    this.query = q;
    this.input.value = q;
    this.page = 0;
    this.shown = 0;
    this.list.replaceChildren();
    this.more.hidden = true;
    this.status.replaceChildren();
    if (q) this.load(1);
  };

  Widget.prototype.load = function (page) {
    var self = this, t = this.t, sequence = ++this.sequence;
    var params = new URLSearchParams({ q: this.query, page: String(page), per_page: String(this.perPage) });
    this.more.disabled = true;
    this.root.setAttribute("aria-busy", "true");
    if (page === 1) this.setStatus([el("p", "sokbo-loading", t.loading)]);
    fetch(this.api + "?" + params.toString(), { mode: "cors", credentials: "omit", referrerPolicy: "no-referrer" })
      .then(function (response) {
        return response.json().then(
          function (body) { return { status: response.status, body: body }; },
          function () { return { status: response.status, body: null }; }
        );
      })
      .then(function (answer) {
        if (sequence !== self.sequence) return;
        if (answer.status === 200 && answer.body) self.show(answer.body, page);
        else self.failed(answer.status === 503 ? t.notReady : t.badRequest, false);
      }, function (error) {
        if (sequence !== self.sequence) return;
        self.explain(error, sequence);
      })
      .then(function () {
        if (sequence !== self.sequence) return;
        self.more.disabled = false;
        self.root.removeAttribute("aria-busy");
      });
  };

  /* The fetch failed before any answer: a server that answers its stylesheet is up, so the
   * API's answer was withheld from this origin (CORS); otherwise sokbo is unreachable. */
  Widget.prototype.explain = function (error, sequence) {
    var self = this, t = this.t;
    if (window.console) console.error("sokbo embed: " + this.api + " failed for origin " + window.location.origin + ":", error);
    fetch(this.probeUrl, { mode: "no-cors", credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer" })
      .then(function () { return true; }, function () { return false; })
      .then(function (reachable) {
        if (sequence !== self.sequence) return;
        if (reachable && window.console) {
          console.error("sokbo embed: allow this site with `sokbo serve --cors-origin " + window.location.origin + "`");
        }
        self.failed(reachable ? format(t.notAllowed, { origin: window.location.origin }) : t.unreachable, reachable);
      });
  };

  Widget.prototype.failed = function (message, notAllowed) {
    var t = this.t;
    var box = el("div", "sokbo-error");
    box.appendChild(el("p", null, message));
    if (notAllowed) {
      var hint = el("p", "sokbo-hint", t.ownerHint[0]);
      hint.append(el("code", null, "sokbo serve --cors-origin " + window.location.origin), t.ownerHint[1]);
      box.appendChild(hint);
    }
    var link = el("a", null, t.openPage);
    link.href = this.pageUrl + "?" + new URLSearchParams({ q: this.query }).toString();
    var p = el("p");
    p.appendChild(link);
    box.appendChild(p);
    this.setStatus([box]);
    this.more.hidden = true;
  };

  Widget.prototype.setStatus = function (nodes) {
    this.status.replaceChildren.apply(this.status, nodes);
  };

  Widget.prototype.show = function (body, page) {
    var self = this, t = this.t, hits = Array.isArray(body.hits) ? body.hits : [];
    var total = typeof body.total === "number" ? body.total : hits.length;
    var first = null;
    if (page === 1) {
      var lines = [];
      var searched = body.corrected && body.suggestion ? body.suggestion : this.query;
      lines.push(el("p", "sokbo-summary", total
        ? format(t.results, { query: searched, total: total.toLocaleString(this.lang) })
        : format(t.none, { query: this.query })));
      if (body.corrected && body.suggestion) {
        lines.push(el("p", "sokbo-notice", format(t.corrected, { query: this.query, suggestion: body.suggestion, ro: ro(body.suggestion) })));
      } else if (body.suggestion) {
        var offer = el("p", "sokbo-notice", t.didYouMean + " ");
        var again = el("button", "sokbo-suggestion", body.suggestion);
        again.type = "button";
        again.addEventListener("click", function () {
          var url = new URL(window.location.href);
          url.searchParams.set("q", body.suggestion);
          window.history.pushState(null, "", url.href);
          self.search(body.suggestion);
        });
        offer.appendChild(again);
        lines.push(offer);
      }
      if (body.partial && total) lines.push(el("p", "sokbo-notice", t.partial));
      this.setStatus(lines);
    }
    hits.forEach(function (hit) {
      var item = self.hit(hit);
      if (!first) first = item;
      self.list.appendChild(item);
    });
    this.page = page;
    this.shown += hits.length;
    // Near-duplicates fold under a hit: page through "stories" and "pages" when the API gives them.
    var stories = typeof body.stories === "number" ? body.stories : total;
    var pages = Math.min(MAX_PAGE, typeof body.pages === "number" ? body.pages : Math.ceil(stories / this.perPage));
    this.more.hidden = !(hits.length && this.shown < stories && page < pages);
    if (page > 1 && first) {
      var link = first.querySelector("a");
      if (link) link.focus();
    }
  };

  Widget.prototype.hit = function (hit) {
    var t = this.t;
    var item = el("li", "sokbo-hit");
    var heading = el("h2", "sokbo-title");
    var href = safeUrl(hit.url);
    var title = el(href ? "a" : "span");
    if (href) title.href = href;
    title.appendChild(marked(hit.title_html));
    if (!title.textContent) title.textContent = String(hit.title || "");
    heading.appendChild(title);
    item.appendChild(heading);

    var meta = el("p", "sokbo-meta");
    var time = el("time", null, dateText(hit.date, this.lang));
    time.dateTime = String(hit.date || "");
    meta.appendChild(time);
    var categories = Array.isArray(hit.categories) ? hit.categories.map(String) : [];
    if (categories.length) meta.appendChild(el("span", "sokbo-categories", t.separator + categories.join(t.separator)));
    item.appendChild(meta);

    if (hit.snippet) {
      var snippet = el("p", "sokbo-snippet");
      snippet.appendChild(marked(hit.snippet));
      item.appendChild(snippet);
    }
    return item;
  };

  /* -- start ----------------------------------------------------------------------- */

  function loadStylesheet() {
    if (!SCRIPT || document.querySelector("link[data-sokbo-embed]")) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL("embed.css", SCRIPT.src).href;
    link.setAttribute("data-sokbo-embed", "");
    document.head.appendChild(link);
  }

  function start() {
    var widgets = [];
    var roots = document.querySelectorAll("[data-sokbo-search]:not([data-sokbo-ready])");
    if (!roots.length) return;
    loadStylesheet();
    Array.prototype.forEach.call(roots, function (root) {
      root.setAttribute("data-sokbo-ready", "");
      var widget = new Widget(root);
      widgets.push(widget);
      widget.search(pageQuery());
    });
    window.addEventListener("popstate", function () {
      widgets.forEach(function (widget) { widget.search(pageQuery()); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
