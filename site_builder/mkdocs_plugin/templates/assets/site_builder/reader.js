/* 阅读辅助 (issue #13; MIIT《互联网网站适老化通用设计规范》): text size, high contrast, read-aloud
   with the browser's own speech synthesis (zh-CN), a large pointer. The choices live on <html>
   (data-sb-text, data-sb-contrast, data-sb-cursor; set before drawing by a11y-head.html) and in
   localStorage "sb-reader", so they hold on every page and the next visit. The toolbar's buttons
   are found by their data- attributes through one click handler on the document, so the toolbar
   keeps working when Material's instant navigation swaps the page under it. Nothing is loaded
   from another host. */
(function () {
  "use strict";
  var KEY = "sb-reader";
  var SIZES = [100, 125, 150, 175];
  var root = document.documentElement;
  var synth = window.speechSynthesis;
  var stillMotion = window.matchMedia && matchMedia("(prefers-reduced-motion: reduce)").matches;

  function each(selector, action) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), action);
  }

  function load() {
    try {
      return JSON.parse(localStorage.getItem(KEY) || "{}") || {};
    } catch (error) {
      return {};
    }
  }

  /* Merge `change` into the saved choices; null removes a choice (back to the default). */
  function save(change) {
    var saved = load();
    Object.keys(change).forEach(function (name) {
      if (change[name] === null) delete saved[name];
      else saved[name] = change[name];
    });
    try {
      localStorage.setItem(KEY, JSON.stringify(saved));
    } catch (error) {
      /* storage refused (private mode): the choice holds on this page only */
    }
  }

  function textLevel() {
    var level = parseInt(root.getAttribute("data-sb-text"), 10) || 0;
    return Math.max(0, Math.min(SIZES.length - 1, level));
  }

  function systemContrast() {
    return window.matchMedia && matchMedia("(prefers-contrast: more)").matches ? "high" : "normal";
  }

  /* ---- read-aloud ---------------------------------------------------------------------- */

  var BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, dt, dd, figcaption, blockquote, th, td";
  /* Not read: navigation, the breadcrumb and the list of dates, units and tags above the text. */
  var SKIP = "nav, script, style, [hidden], [aria-hidden='true'], [data-sb-no-read], .sb-share-tools, " +
    ".sb-breadcrumb, .sb-article__meta";

  /* A Chinese voice: zh-CN first, then any Mandarin in simplified characters. */
  function chineseVoice() {
    if (!synth || typeof SpeechSynthesisUtterance === "undefined") return null;
    var voices = synth.getVoices() || [];
    var rank = function (voice) {
      var lang = String(voice.lang || "").replace(/_/g, "-").toLowerCase();
      if (lang === "zh-cn" || lang === "cmn-cn" || lang === "cmn-hans-cn" || lang === "zh-hans-cn") return 3;
      if (lang === "zh" || lang === "zh-hans" || lang === "cmn" || lang === "cmn-hans") return 2;
      return 0;
    };
    var best = null;
    voices.forEach(function (voice) {
      if (rank(voice) > (best ? rank(best) : 0)) best = voice;
    });
    return best;
  }

  /* The text to read, as (element, sentence) pairs: the article, else the page's main content. */
  function readingParts() {
    var scope = document.querySelector("[data-sb-read]") || document.querySelector(".md-content__inner");
    if (!scope) return [];
    var parts = [];
    Array.prototype.forEach.call(scope.querySelectorAll(BLOCKS), function (element) {
      if (element.closest(SKIP)) return;
      if (element.parentElement && element.parentElement.closest(BLOCKS)) return; /* read with its block */
      var text = (element.innerText || element.textContent || "").replace(/\s+/g, " ").trim();
      /* Sentences, so that no utterance is long (some engines stop one after about 15 s). */
      (text.match(/[^。！？；!?;]+[。！？；!?;]*/g) || []).forEach(function (sentence) {
        sentence = sentence.trim();
        if (sentence) parts.push({element: element, text: sentence});
      });
    });
    return parts;
  }

  var speech = {
    voice: null,
    state: "idle", /* idle | speaking | paused */
    session: 0,
    marked: null,

    mark: function (element) {
      if (this.marked) this.marked.classList.remove("sb-reading");
      this.marked = element;
      if (!element) return;
      element.classList.add("sb-reading");
      if (element.scrollIntoView) element.scrollIntoView({block: "nearest", behavior: stillMotion ? "auto" : "smooth"});
    },

    toggle: function () {
      if (this.state === "speaking") {
        synth.pause();
        this.state = "paused";
      } else if (this.state === "paused") {
        synth.resume();
        this.state = "speaking";
      } else {
        this.start();
      }
      render();
    },

    start: function () {
      var parts = readingParts();
      if (!parts.length || !synth) return;
      synth.cancel();
      var session = ++this.session;
      var self = this;
      this.state = "speaking";
      parts.forEach(function (part, index) {
        var utterance = new SpeechSynthesisUtterance(part.text);
        utterance.lang = "zh-CN";
        utterance.rate = 0.9; /* a little slower than the engine's default, for older listeners */
        try {
          if (self.voice) utterance.voice = self.voice;
        } catch (error) {
          /* not a SpeechSynthesisVoice: the engine picks one for zh-CN */
        }
        utterance.onstart = function () {
          if (session === self.session) self.mark(part.element);
        };
        if (index === parts.length - 1) {
          utterance.onend = function () {
            if (session === self.session) self.stop();
          };
        }
        synth.speak(utterance);
      });
    },

    stop: function () {
      this.session++;
      if (synth && this.state !== "idle") synth.cancel();
      this.state = "idle";
      this.mark(null);
      render();
    },

    /* The read-aloud buttons exist only where a Chinese voice does. */
    detect: function () {
      this.voice = chineseVoice();
      if (!this.voice && this.state !== "idle") this.stop();
      render();
    }
  };

  var PLAY_LABELS = {idle: ["朗读", "朗读本页"], speaking: ["暂停", "暂停朗读"], paused: ["继续", "继续朗读"]};

  /* The toolbar shows what <html> says; called after every change and every page swap. */
  function render() {
    var level = textLevel();
    each("[data-sb-text-level]", function (element) {
      element.textContent = "字号 " + SIZES[level] + "%";
    });
    each("[data-sb-text-step]", function (button) {
      var step = parseInt(button.getAttribute("data-sb-text-step"), 10);
      var blocked = (step < 0 && level === 0) || (step > 0 && level === SIZES.length - 1);
      button.setAttribute("aria-disabled", blocked ? "true" : "false");
    });
    each("[data-sb-contrast-toggle]", function (button) {
      button.setAttribute("aria-pressed", String(root.getAttribute("data-sb-contrast") === "high"));
    });
    each("[data-sb-cursor-toggle]", function (button) {
      button.setAttribute("aria-pressed", String(root.getAttribute("data-sb-cursor") === "large"));
    });
    var readable = Boolean(speech.voice) && Boolean(document.querySelector("[data-sb-read], .md-content__inner"));
    each("[data-sb-speech]", function (group) {
      group.hidden = !readable;
    });
    each("[data-sb-speech-play]", function (button) {
      var labels = PLAY_LABELS[speech.state];
      button.textContent = labels[0];
      button.setAttribute("aria-label", labels[1]);
    });
    each("[data-sb-speech-stop]", function (button) {
      var hide = speech.state === "idle";
      if (hide && document.activeElement === button) {
        var play = document.querySelector("[data-sb-speech-play]");
        if (play) play.focus();
      }
      button.hidden = hide;
    });
  }

  function setText(level) {
    level = Math.max(0, Math.min(SIZES.length - 1, level));
    root.setAttribute("data-sb-text", String(level));
    save({text: level || null});
  }

  var actions = {
    "data-sb-text-step": function (button) {
      if (button.getAttribute("aria-disabled") === "true") return;
      setText(textLevel() + parseInt(button.getAttribute("data-sb-text-step"), 10));
    },
    "data-sb-contrast-toggle": function () {
      var next = root.getAttribute("data-sb-contrast") === "high" ? "normal" : "high";
      root.setAttribute("data-sb-contrast", next);
      save({contrast: next});
    },
    "data-sb-cursor-toggle": function () {
      var large = root.getAttribute("data-sb-cursor") !== "large";
      if (large) root.setAttribute("data-sb-cursor", "large");
      else root.removeAttribute("data-sb-cursor");
      save({cursor: large ? "large" : null});
    },
    "data-sb-speech-play": function () {
      speech.toggle();
    },
    "data-sb-speech-stop": function () {
      speech.stop();
    },
    "data-sb-reader-reset": function () {
      speech.stop();
      save({text: null, contrast: null, cursor: null});
      root.setAttribute("data-sb-text", "0");
      root.setAttribute("data-sb-contrast", systemContrast());
      root.removeAttribute("data-sb-cursor");
    }
  };

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-sb-reader-bar] button") : null;
    if (!button) return;
    Object.keys(actions).forEach(function (name) {
      if (button.hasAttribute(name)) actions[name](button);
    });
    render();
  });

  /* Another tab changed the choices: follow them. */
  window.addEventListener("storage", function (event) {
    if (event.key !== KEY) return;
    var saved = load();
    root.setAttribute("data-sb-text", String(Math.max(0, Math.min(SIZES.length - 1, saved.text | 0))));
    root.setAttribute("data-sb-contrast", saved.contrast || systemContrast());
    if (saved.cursor === "large") root.setAttribute("data-sb-cursor", "large");
    else root.removeAttribute("data-sb-cursor");
    render();
  });

  if (synth) {
    speech.detect();
    if (synth.addEventListener) synth.addEventListener("voiceschanged", function () { speech.detect(); });
    window.addEventListener("pagehide", function () { speech.stop(); });
  }

  /* Material's instant navigation: a new page under the same toolbar; stop reading the old one. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    var first = true;
    window.document$.subscribe(function () {
      if (!first) speech.stop();
      first = false;
      render();
    });
  }
  render();
})();
