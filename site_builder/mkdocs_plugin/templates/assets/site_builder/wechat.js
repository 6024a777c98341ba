/* 复制到公众号 (issue #13): the article as HTML that the WeChat editor (微信公众平台) keeps when
   pasted: every style inline (the editor drops classes and stylesheets), photos as plain <img> with
   absolute addresses of their JPEG (the editor fetches and re-hosts them), captions under their
   photos, links reduced to their text (articles may not link outside WeChat), and the source with
   the original address at the end. Built from the page itself, so it is what the reader sees. */
(function () {
  "use strict";
  var STYLE = {
    p: "margin:0 0 1em;font-size:16px;line-height:1.8;color:#333;text-align:justify;",
    h: "margin:1.6em 0 .8em;font-size:18px;line-height:1.5;font-weight:bold;color:#b71c1c;",
    li: "margin:0 0 .4em;font-size:16px;line-height:1.8;color:#333;",
    list: "margin:0 0 1em;padding-left:2em;",
    quote: "margin:0 0 1em;padding:.6em 1em;border-left:4px solid #e0e0e0;color:#555;background:#fafafa;",
    table: "margin:0 0 1em;border-collapse:collapse;width:100%;font-size:15px;",
    cell: "border:1px solid #ccc;padding:6px 8px;line-height:1.6;",
    figure: "margin:1.2em 0;text-align:center;",
    img: "display:block;max-width:100%;height:auto;margin:0 auto;",
    caption: "margin:.5em 0 0;font-size:14px;line-height:1.6;color:#888;text-align:center;",
    source: "margin:2em 0 0;padding-top:1em;border-top:1px solid #eee;font-size:14px;line-height:1.8;color:#888;"
  };
  var PARTS = ".sb-cover, .sb-article__body, .sb-gallery"; /* cover, text, gallery: in page order */
  var BLOCK = {P: "p", H1: "h", H2: "h", H3: "h", H4: "h", H5: "h", H6: "h", BLOCKQUOTE: "quote"};
  var INLINE = {STRONG: "strong", B: "strong", EM: "em", I: "em", U: "u", SUB: "sub", SUP: "sup", BR: "br"};

  function escapeText(text) {
    return text.replace(/[&<>"]/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c];
    });
  }

  /* Addresses are made absolute against the page's canonical address (its public one). */
  function baseAddress() {
    var canonical = document.querySelector("link[rel='canonical']");
    return canonical ? canonical.href : location.href;
  }

  function imageHtml(img, base, caption) {
    var src = new URL(img.getAttribute("src"), base).href;
    var alt = img.getAttribute("alt") || "";
    var html = '<img src="' + escapeText(src) + '" alt="' + escapeText(alt) + '" style="' + STYLE.img + '">';
    if (caption) html += '<p style="' + STYLE.caption + '">' + escapeText(caption) + "</p>";
    return '<section style="' + STYLE.figure + '">' + html + "</section>";
  }

  function convert(node, base) {
    if (node.nodeType === 3) return escapeText(node.nodeValue.replace(/\s+/g, " "));
    if (node.nodeType !== 1) return "";
    var tag = node.tagName;
    var children = function () {
      return Array.prototype.map.call(node.childNodes, function (child) { return convert(child, base); }).join("");
    };
    if (tag === "SCRIPT" || tag === "STYLE" || tag === "NAV" || tag === "SOURCE" || node.hidden) return "";
    if (tag === "IMG") return imageHtml(node, base, "");
    if (tag === "FIGURE") {
      var img = node.querySelector("img");
      var caption = node.querySelector("figcaption");
      var link = node.querySelector("a[data-description]");
      var text = caption ? caption.textContent.trim() : link ? link.getAttribute("data-description") : "";
      return img ? imageHtml(img, base, text) : children();
    }
    if (tag === "A" && node.classList.contains("glightbox")) {
      var photo = node.querySelector("img");
      return photo ? imageHtml(photo, base, node.getAttribute("data-description") || "") : children();
    }
    if (tag === "P" && node.querySelector("a.glightbox img") && !node.textContent.trim()) return children();
    if (BLOCK[tag]) {
      var name = BLOCK[tag] === "h" ? "h3" : BLOCK[tag] === "quote" ? "blockquote" : "p";
      return "<" + name + ' style="' + STYLE[BLOCK[tag]] + '">' + children() + "</" + name + ">";
    }
    if (INLINE[tag]) return tag === "BR" ? "<br>" : "<" + INLINE[tag] + ">" + children() + "</" + INLINE[tag] + ">";
    if (tag === "UL" || tag === "OL") {
      return "<" + tag.toLowerCase() + ' style="' + STYLE.list + '">' + children() + "</" + tag.toLowerCase() + ">";
    }
    if (tag === "LI") return '<li style="' + STYLE.li + '">' + children() + "</li>";
    if (tag === "TABLE") return '<table style="' + STYLE.table + '">' + children() + "</table>";
    if (tag === "THEAD" || tag === "TBODY" || tag === "TR") return "<" + tag.toLowerCase() + ">" + children() + "</" + tag.toLowerCase() + ">";
    if (tag === "TD" || tag === "TH") {
      return "<" + tag.toLowerCase() + ' style="' + STYLE.cell + '">' + children() + "</" + tag.toLowerCase() + ">";
    }
    return children(); /* a, span, div, picture…: their content only */
  }

  /* The paste-ready HTML and its plain-text twin, for the article on this page. */
  function wechatArticle(article) {
    var base = baseAddress();
    var parts = Array.prototype.map.call(article.querySelectorAll(PARTS), function (part) {
      return convert(part, base);
    });
    var siteName = (document.querySelector("meta[property='og:site_name']") || {}).content || document.title;
    var address = base.split("#")[0];
    var source = '<p style="' + STYLE.source + '">本文来源：' + escapeText(siteName) + "<br>原文链接：" + escapeText(address) + "</p>";
    var html = "<section>" + parts.join("") + source + "</section>";
    /* The plain-text twin, read in a document that is never shown (so no photo is fetched). */
    var lines = html.replace(/<br>|<\/(p|h3|li|blockquote|tr|section)>/g, "$&\n");
    var text = new DOMParser().parseFromString(lines, "text/html").body.textContent;
    return {html: html, text: text.replace(/\n{3,}/g, "\n\n").trim()};
  }

  function copyWithSelection(html) {
    var holder = document.createElement("div");
    holder.contentEditable = "true";
    holder.style.cssText = "position:fixed;left:-9999px;top:0;opacity:0;";
    holder.innerHTML = html;
    document.body.appendChild(holder);
    var range = document.createRange();
    range.selectNodeContents(holder);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var done = false;
    try {
      done = document.execCommand("copy");
    } finally {
      selection.removeAllRanges();
      document.body.removeChild(holder);
    }
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(content) {
    if (navigator.clipboard && window.ClipboardItem && window.isSecureContext) {
      var item = new ClipboardItem({
        "text/html": new Blob([content.html], {type: "text/html"}),
        "text/plain": new Blob([content.text], {type: "text/plain"})
      });
      return navigator.clipboard.write([item]).catch(function () { return copyWithSelection(content.html); });
    }
    return copyWithSelection(content.html);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-sb-wechat]") : null;
    if (!button) return;
    var article = button.closest("[data-sb-read]") || document;
    var status = document.querySelector("[data-sb-wechat-status]");
    var say = function (text) { if (status) status.textContent = text; };
    copy(wechatArticle(article)).then(
      function () { say("已复制。请打开公众号编辑器，在正文处粘贴（Ctrl+V）。"); },
      function () { say("没能复制：浏览器不允许。请选中正文后按 Ctrl+C 复制。"); }
    );
  });
})();
