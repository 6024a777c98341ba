/* 写作台 (issue #16): a small page over the studio's JSON routes. No framework; every text node is
   set with textContent (never innerHTML with data), so titles and captions are always text. */
"use strict";
(function () {
  const CSRF = document.querySelector('meta[name="csrf-token"]').content;
  const main = document.getElementById("main");
  const statusBox = document.getElementById("status");
  const me = document.getElementById("me");
  let site = null;
  let leaveGuard = null; // returns a message when the current screen has unsaved changes

  me.value = localStorage.getItem("sb-me") || "";
  me.addEventListener("change", () => localStorage.setItem("sb-me", me.value.trim()));

  // ---- helpers ---------------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value === true) node.setAttribute(key, "");
      else node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  function say(message) {
    statusBox.textContent = message;
    clearTimeout(say.timer);
    say.timer = setTimeout(() => { statusBox.textContent = ""; }, 6000);
  }
  let routeId = 0; // a screen whose route was left while it waited for data must not draw
  class Stale extends Error {}
  async function api(method, url, body, extra) {
    const started = routeId;
    const options = { method, headers: { "X-CSRF-Token": CSRF, "X-Studio-User": encodeURIComponent(me.value.trim()) }, credentials: "same-origin" };
    if (body instanceof FormData) options.body = body;
    else if (body !== undefined) { options.body = JSON.stringify(body); options.headers["Content-Type"] = "application/json"; }
    Object.assign(options, extra || {});
    const response = await fetch(url, options);
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (started !== routeId && method === "GET") throw new Stale("left");
    if (!response.ok) {
      const error = new Error(data.error || ("出错了（" + response.status + "）"));
      error.status = response.status; error.data = data;
      throw error;
    }
    return data;
  }
  const q = (src) => encodeURIComponent(src);
  function who() { return me.value.trim() || "未署名"; }
  function field(label, control, help, id) {
    const wrap = el("div", { class: "field", "data-field": id || "" });
    wrap.append(el("label", { for: control.id || null, text: label }));
    wrap.append(control);
    if (help) wrap.append(el("p", { class: "help", id: (control.id || "x") + "-help", text: help }));
    if (help && control.id) control.setAttribute("aria-describedby", control.id + "-help");
    wrap.append(el("ul", { class: "field-problems", "aria-live": "polite" }));
    return wrap;
  }
  function datalist(id, values) {
    return el("datalist", { id }, (values || []).slice(0, 200).map((v) => el("option", { value: v })));
  }
  function badge(status) { return el("span", { class: "badge s-" + status, text: status }); }

  // ---- routing ---------------------------------------------------------------------------------
  window.addEventListener("hashchange", route);
  window.addEventListener("beforeunload", (event) => {
    if (leaveGuard && leaveGuard()) { event.preventDefault(); event.returnValue = ""; }
  });
  async function route() {
    const [path, query] = (location.hash.slice(1) || "/").split("?");
    const params = new URLSearchParams(query || "");
    routeId += 1;
    if (leaveGuard) { leaveGuard = null; }
    const name = { "/": "list", "/new": "new", "/import": "import", "/review": "review", "/publish": "publish", "/edit": "edit" }[path] || "list";
    for (const link of document.querySelectorAll("[data-nav]")) {
      if (link.dataset.nav === name) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
    }
    main.replaceChildren(el("p", { class: "loading", text: "正在打开……" }));
    try {
      if (!site) site = await api("GET", "/api/site");
      await ({ list: showList, new: showNew, import: showImport, review: showReview, publish: showPublish, edit: showEdit }[name])(params);
      updateReviewCount();
    } catch (error) {
      if (error instanceof Stale) return;
      main.replaceChildren(el("h1", { text: "出错了" }), el("p", { class: "notice error", text: error.message }));
    }
    main.focus({ preventScroll: true });
  }
  async function updateReviewCount() {
    try {
      const data = await api("GET", "/api/articles?status=" + q("待审核"));
      document.getElementById("review-count").textContent = data.articles.length ? String(data.articles.length) : "";
    } catch (e) { /* the count is a convenience */ }
  }
  function sectionTitle(name) { const s = site.sections.find((x) => x.name === name); return s ? s.title : name; }
  function editLink(src, extra) { return "#/edit?src=" + q(src) + (extra || ""); }

  // ---- the list --------------------------------------------------------------------------------
  async function showList(params) {
    const state = { section: params.get("section") || "", status: params.get("status") || "", year: params.get("year") || "", q: params.get("q") || "" };
    const data = await api("GET", "/api/articles?" + new URLSearchParams(state));
    const section = el("select", { id: "f-section" }, el("option", { value: "", text: "全部栏目" }), site.sections.map((s) => el("option", { value: s.name, text: s.title, selected: s.name === state.section })));
    const status = el("select", { id: "f-status" }, el("option", { value: "", text: "全部状态" }), Object.entries(data.counts).map(([s, n]) => el("option", { value: s, text: s + "（" + n + "）", selected: s === state.status })));
    const year = el("select", { id: "f-year" }, el("option", { value: "", text: "全部年份" }), data.years.map((y) => el("option", { value: String(y), text: y + " 年", selected: String(y) === state.year })));
    const search = el("input", { id: "f-q", type: "search", value: state.q, placeholder: "输入标题中的字词" });
    function apply() {
      const next = new URLSearchParams({ section: section.value, status: status.value, year: year.value, q: search.value.trim() });
      location.hash = "#/?" + next;
    }
    for (const control of [section, status, year]) control.addEventListener("change", apply);
    search.addEventListener("keydown", (e) => { if (e.key === "Enter") apply(); });
    const list = el("ul", { class: "articles" }, data.articles.map(articleItem));
    main.replaceChildren(
      el("h1", { text: "文章列表" }),
      el("div", { class: "toolbar" }, el("a", { class: "button primary", href: "#/new", text: "＋ 新建文章" }), el("a", { class: "button", href: "#/import", text: "导入 Word 文档" })),
      el("div", { class: "filters", role: "search" },
        field("栏目", section), field("状态", status), field("年份", year),
        field("搜索标题", search), el("button", { type: "button", onclick: apply, text: "查找" })),
      el("p", { class: "meta", text: "共 " + data.total + " 篇，显示 " + data.articles.length + " 篇" }),
      data.articles.length ? list : el("p", { text: "没有符合条件的文章。" }),
    );
  }
  function articleItem(a) {
    const problems = a.problems.filter((p) => p.severity === "错误").concat(a.problems.filter((p) => p.severity !== "错误")).slice(0, 6);
    return el("li", {},
      el("div", {}, el("a", { class: "title", href: editLink(a.src), text: a.title || "（没有标题）" })),
      el("div", { class: "meta" }, badge(a.status), " ", sectionTitle(a.section), " · ", a.date || "没有日期", " · ", a.reason),
      a.review_note ? el("p", { class: "notice warn", text: "审核意见：" + a.review_note }) : "",
      problems.length ? el("ul", { class: "problems" }, problems.map((p) => el("li", { class: p.severity === "错误" ? "error" : "warn" },
        (p.line ? "第 " + p.line + " 行：" : "") + p.message + (p.hint ? "（" + p.hint + "）" : "") + " ",
        el("a", { href: editLink(a.src, "&field=" + q(p.field || "") + "&line=" + (p.body_line || 0)), text: "去改正" })))) : "",
    );
  }

  // ---- new article -----------------------------------------------------------------------------
  async function showNew() {
    const section = el("select", { id: "n-section" }, site.sections.map((s) => el("option", { value: s.name, text: s.title })));
    const title = el("input", { id: "n-title", required: true });
    const today = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    const date = el("input", { id: "n-date", type: "date", value: today.getFullYear() + "-" + pad(today.getMonth() + 1) + "-" + pad(today.getDate()) });
    const form = el("form", { onsubmit: async (event) => {
      event.preventDefault();
      try {
        const result = await api("POST", "/api/articles", { section: section.value, title: title.value, date: date.value });
        location.hash = editLink(result.src);
      } catch (error) { say(error.message); }
    } },
      field("栏目", section), field("标题", title, "以后还可以修改"), field("日期", date, "发布日期；日期在将来的文章到那天才发布"),
      el("button", { type: "submit", class: "primary", text: "新建并开始写" }));
    main.replaceChildren(el("h1", { text: "新建文章" }), form);
    title.focus();
  }

  // ---- Word import -----------------------------------------------------------------------------
  async function showImport() {
    const section = el("select", { id: "i-section" }, site.sections.map((s) => el("option", { value: s.name, text: s.title })));
    const picker = el("input", { id: "i-files", type: "file", accept: ".docx,.docm", multiple: true, class: "visually-hidden" });
    const results = el("div", { "aria-live": "polite" });
    async function send(files) {
      if (!files.length) return;
      const form = new FormData();
      for (const file of files) form.append("files", file);
      results.replaceChildren(el("p", { text: "正在导入……" }));
      try {
        const data = await api("POST", "/api/import?section=" + q(section.value), form);
        const ok = data.results.filter((r) => r.src);
        if (data.results.length === 1 && ok.length === 1) {
          sessionStorage.setItem("sb-import:" + ok[0].src, JSON.stringify(ok[0]));
          location.hash = editLink(ok[0].src);
          return;
        }
        results.replaceChildren(el("ul", {}, data.results.map((r) => el("li", {}, r.src
          ? [r.file + " → ", el("a", { href: editLink(r.src), onclick: () => sessionStorage.setItem("sb-import:" + r.src, JSON.stringify(r)), text: "打开草稿" })]
          : el("span", { class: "error", text: r.file + "：" + r.error })))));
      } catch (error) { results.replaceChildren(el("p", { class: "notice error", text: error.message })); }
    }
    picker.addEventListener("change", () => send(picker.files));
    const zone = dropzone("把 Word 文档（.docx）拖到这里，或", el("label", { for: "i-files", class: "button primary", text: "选择 Word 文件" }), (files) => send(files));
    main.replaceChildren(el("h1", { text: "导入 Word 文档" }),
      el("p", { text: "通讯员发来的 Word 稿（照片直接贴在文档里）会变成一篇草稿：正文、表格、照片和照片说明都会取出来，标题、日期、单位、作者和审核人会自动推测，请逐项核对。" }),
      field("导入到栏目", section), zone, picker, results);
  }
  function dropzone(text, button, onFiles) {
    const zone = el("div", { class: "dropzone" }, el("p", { text }), button);
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e) => { e.preventDefault(); zone.classList.remove("over"); onFiles(e.dataTransfer.files); });
    return zone;
  }

  // ---- the form --------------------------------------------------------------------------------
  const TEXT_FIELDS = [
    ["title", "标题", "必填"], ["summary", "摘要", "一两句话；不写时取正文第一段"], ["category", "分类", "例如 五老风采、校外辅导站"],
    ["author", "作者 / 通讯员", ""], ["location", "地点", "活动报道常用"], ["reviewed_by", "审核人", "由审核人在“待审核”中通过时自动填写"],
    ["slug", "网址名（可不填）", "只用小写英文字母、数字和连字符"],
  ];
  async function showEdit(params) {
    const src = params.get("src");
    const data = await api("GET", "/api/article?src=" + q(src));
    if (!data.readable) {
      main.replaceChildren(el("h1", { text: "这篇文章无法用表单打开" }),
        el("p", { class: "notice error", text: "文件开头的文章信息（front matter）有错误，请先用文本编辑器改正：" }),
        el("ul", { class: "problems" }, data.problems.map((p) => el("li", { class: "error", text: "第 " + p.line + " 行：" + p.message + (p.hint ? "（" + p.hint + "）" : "") }))),
        el("pre", { text: data.text }));
      return;
    }
    new ArticleForm(data, params).render();
  }

  class ArticleForm {
    constructor(data, params) {
      this.data = data;
      this.src = data.src;
      this.version = data.version;
      this.loaded = JSON.parse(JSON.stringify(data.fields));
      this.fields = JSON.parse(JSON.stringify(data.fields));
      this.baseline = data.body;
      this.params = params;
      this.controls = {};
      this.imported = JSON.parse(sessionStorage.getItem("sb-import:" + this.src) || "null");
      this.draftKey = "sb-unsaved:" + this.src + ":" + this.version;
    }
    changes() {
      const out = {};
      for (const key of Object.keys(this.fields)) {
        if (key === "lines") continue;
        if (JSON.stringify(this.fields[key]) !== JSON.stringify(this.loaded[key])) out[key] = this.fields[key];
      }
      return out;
    }
    body() { return this.editor ? this.editor.value() : this.baseline; }
    isDirty() { return Object.keys(this.changes()).length > 0 || this.body() !== this.baseline; }
    render() {
      const data = this.data;
      leaveGuard = () => this.isDirty();
      const left = el("div", {});
      const side = el("aside", { class: "side", "aria-label": "检查、预览和历史版本" });
      this.saveButton = el("button", { type: "button", class: "primary", onclick: () => this.save(), text: "保存" });
      const bar = el("div", { class: "toolbar" }, this.saveButton,
        site.require_review && this.fields.draft ? el("button", { type: "button", onclick: () => this.submitForReview(), text: "写好了，送审" }) : "",
        data.url ? el("a", { class: "button", href: "#preview", text: "看预览" }) : "",
        el("a", { class: "button", href: "#history", text: "历史版本" }),
        el("span", { class: "meta", id: "save-state", "aria-live": "polite" }));
      left.append(el("h1", { text: this.fields.title || "（没有标题）" }),
        el("p", { class: "meta" }, badge(data.status || "草稿"), " ", sectionTitle(data.section), " · ", data.reason || "", " · ", el("code", { text: data.path })),
        bar);
      if (this.fields.review_note) left.append(el("p", { class: "notice warn", role: "note", text: "审核意见：" + this.fields.review_note }));
      if (this.imported) {
        left.append(el("div", { class: "notice warn" }, el("strong", { text: "这是从 Word 文档《" + this.imported.file + "》导入的草稿。黄色标出的几项是推测的，请逐项核对：" }),
          el("ul", {}, (this.imported.notes || []).map((n) => el("li", { text: n })))));
      }
      const unsaved = localStorage.getItem(this.draftKey);
      if (unsaved) {
        const restore = el("button", { type: "button", onclick: () => { const saved = JSON.parse(unsaved); this.fields = saved.fields; this.render(); this.editor.value(saved.body); say("已恢复上次没有保存的内容，请检查后保存"); }, text: "恢复没有保存的内容" });
        const drop = el("button", { type: "button", onclick: () => { localStorage.removeItem(this.draftKey); note.remove(); }, text: "不要了" });
        const note = el("div", { class: "notice warn" }, el("p", { text: "上次关闭页面时，这篇文章有没有保存的修改。" }), restore, " ", drop);
        left.append(note);
      }
      left.append(this.metaFields(), this.photoSection(), this.fileSection(), this.bodySection());
      side.append(this.checkPanel(), this.previewPanel(), this.historyPanel());
      main.replaceChildren(el("div", { class: "editor-layout" }, left, side));
      this.startEditor();
      this.highlightGuesses();
      this.check();
      this.refreshPreview(0);
      const focusField = this.params.get("field");
      if (focusField) this.focusField(focusField, Number(this.params.get("line") || 0));
      document.addEventListener("keydown", this.keyHandler = (e) => {
        if ((e.ctrlKey || e.metaKey) && e.key === "s") { e.preventDefault(); this.save(); }
      });
    }
    set(key, value) {
      this.fields[key] = value;
      this.changed();
    }
    changed() {
      document.getElementById("save-state").textContent = this.isDirty() ? "有修改，尚未保存" : "";
      localStorage.setItem(this.draftKey, JSON.stringify({ fields: this.fields, body: this.body() }));
      clearTimeout(this.checkTimer);
      this.checkTimer = setTimeout(() => this.check(), 700);
    }
    metaFields() {
      const box = el("section", { "aria-labelledby": "h-info" }, el("h2", { id: "h-info", text: "文章信息" }));
      const make = (key, label, help, list) => {
        const input = el("input", { id: "f-" + key, value: this.fields[key] || "", list: list || null, autocomplete: "off" });
        input.addEventListener("input", () => this.set(key, input.value));
        this.controls[key] = input;
        return field(label, input, help, key);
      };
      box.append(make("title", "标题", "必填"));
      const [day, time] = (this.fields.date || "").split(" ");
      const dateInput = el("input", { id: "f-date", type: "date", value: day || "" });
      const timeInput = el("input", { id: "f-time", type: "time", value: time || "" });
      const setDate = () => this.set("date", dateInput.value + (timeInput.value ? " " + timeInput.value : ""));
      dateInput.addEventListener("input", setDate); timeInput.addEventListener("input", setDate);
      this.controls.date = dateInput;
      const dateField = field("发布日期", dateInput, "必填；日期在将来的文章到那天才发布", "date");
      box.append(el("div", { class: "row" }, dateField, field("时间（可不填）", timeInput, "", "time")));
      box.append(el("div", { class: "row" }, this.chips("unit", "单位", "开展这项工作的关工委或单位；可以填几个"), this.chips("people", "人物", "文章讲述的人物，先进事迹常用")));
      box.append(el("div", { class: "row" }, make("category", "分类", "例如 五老风采、校外辅导站", "dl-category"), this.chips("tags", "标签", "可以填几个，按回车添加")));
      box.append(el("div", { class: "row" }, make("author", "作者 / 通讯员", "", "dl-author"), make("location", "地点", "", "dl-location")));
      const count = el("input", { id: "f-participants", inputmode: "numeric", value: this.fields.participants === "" ? "" : String(this.fields.participants) });
      count.addEventListener("input", () => this.set("participants", count.value.trim()));
      this.controls.participants = count;
      const summary = el("textarea", { id: "f-summary", rows: 2 }, this.fields.summary || "");
      summary.addEventListener("input", () => this.set("summary", summary.value));
      this.controls.summary = summary;
      const featured = el("input", { id: "f-featured", type: "checkbox", checked: this.fields.featured });
      featured.addEventListener("change", () => this.set("featured", featured.checked));
      const draft = el("input", { id: "f-draft", type: "checkbox", checked: this.fields.draft });
      draft.addEventListener("change", () => this.set("draft", draft.checked));
      this.controls.featured = featured; this.controls.draft = draft;
      box.append(el("div", { class: "row" }, field("参与人数", count, "只写数字", "participants"), make("reviewed_by", "审核人", "由审核人在“待审核”中通过时填写", "dl-reviewed_by")));
      box.append(field("摘要（可不填）", summary, "一两句话，显示在列表页；不写时取正文第一段", "summary"));
      box.append(el("div", { class: "field", "data-field": "featured" }, el("label", {}, featured, " 放在首页“图片新闻”里（需要有照片）"), el("ul", { class: "field-problems" })));
      box.append(el("div", { class: "field", "data-field": "draft" }, el("label", {}, draft, " 草稿（不发布）"), el("ul", { class: "field-problems" })));
      box.append(el("details", {}, el("summary", { text: "更多设置" }), make("slug", "网址名", "可不填；只能用小写英文字母、数字和连字符")));
      for (const key of ["unit", "people", "category", "tags", "author", "location", "reviewed_by"]) box.append(datalist("dl-" + key, site.suggestions[key]));
      return box;
    }
    chips(key, label, help) {
      const wrap = el("div", { class: "field", "data-field": key });
      const id = "f-" + key;
      const holder = el("div", { class: "chips" });
      const input = el("input", { id, list: "dl-" + key, autocomplete: "off", "aria-describedby": id + "-help" });
      const draw = () => {
        holder.replaceChildren(...this.fields[key].map((value, index) => el("span", { class: "chip" }, value,
          el("button", { type: "button", onclick: () => { const next = this.fields[key].slice(); next.splice(index, 1); this.set(key, next); draw(); input.focus(); } }, "×", el("span", { class: "visually-hidden", text: "删除" + label + "“" + value + "”" })))), input);
      };
      const add = () => {
        const parts = input.value.split(/[,，、;；]/).map((s) => s.trim()).filter(Boolean);
        if (!parts.length) return;
        const next = this.fields[key].slice();
        for (const part of parts) if (!next.includes(part)) next.push(part);
        input.value = "";
        this.set(key, next); draw(); input.focus();
      };
      input.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === "," || e.key === "，" || e.key === "、") { e.preventDefault(); add(); }
        else if (e.key === "Backspace" && !input.value && this.fields[key].length) { this.set(key, this.fields[key].slice(0, -1)); draw(); input.focus(); }
      });
      input.addEventListener("change", add);
      input.addEventListener("blur", add);
      draw();
      this.controls[key] = input;
      wrap.append(el("label", { for: id, text: label }), holder, el("p", { class: "help", id: id + "-help", text: help + "（按回车添加，可从建议中选）" }), el("ul", { class: "field-problems", "aria-live": "polite" }));
      return wrap;
    }
    photoNames() { return (this.data.files || []).filter((f) => f.kind === "photo").map((f) => f.name); }
    photoSection() {
      const box = el("section", { "aria-labelledby": "h-photos", "data-field": "photos", class: "field" });
      const picker = el("input", { id: "p-files", type: "file", multiple: true, accept: "image/jpeg,image/png,image/heic,image/heif,.heic,.heif,.jpg,.jpeg,.png", class: "visually-hidden" });
      picker.addEventListener("change", () => { this.upload(picker.files, true); picker.value = ""; });
      box.append(el("h2", { id: "h-photos", text: "照片" }),
        dropzone("把手机里的照片（JPEG、HEIC、PNG）拖到这里，或", el("label", { for: "p-files", class: "button primary", text: "选择照片" }), (files) => this.upload(files, true)),
        picker,
        site.lan ? el("button", { type: "button", onclick: () => this.phone(), text: "用手机上传（扫二维码）" }) : "",
        el("div", { id: "phone-qr" }),
        el("ul", { class: "field-problems", "aria-live": "polite" }));
      this.photoList = el("ul", { class: "photos", "aria-label": "图集" });
      this.loosePhotos = el("div", {});
      box.append(this.photoList, this.loosePhotos);
      this.drawPhotos();
      return box;
    }
    drawPhotos() {
      const photos = this.fields.photos;
      const cover = this.fields.cover;
      this.photoList.replaceChildren(...photos.map((photo, index) => {
        const caption = el("input", { id: "cap-" + index, value: photo.caption });
        caption.addEventListener("input", () => { const next = JSON.parse(JSON.stringify(this.fields.photos)); next[index].caption = caption.value; this.set("photos", next); });
        const isCover = cover === photo.src;
        const item = el("li", { class: "photo" + (isCover ? " cover" : ""), draggable: "true", "data-index": String(index) },
          el("img", { src: "/api/article/thumbnail?src=" + q(this.src) + "&name=" + q(photo.src), alt: photo.caption || photo.src, loading: "lazy" }),
          el("div", { class: "meta", text: (isCover ? "【封面】" : "") + photo.src }),
          el("div", { class: "field" }, el("label", { for: "cap-" + index, text: "照片说明" }), caption),
          el("div", { class: "buttons" },
            el("button", { type: "button", class: "small", disabled: index === 0, onclick: () => this.movePhoto(index, -1) }, "← 前移", el("span", { class: "visually-hidden", text: "：" + photo.src })),
            el("button", { type: "button", class: "small", disabled: index === photos.length - 1, onclick: () => this.movePhoto(index, 1) }, "后移 →", el("span", { class: "visually-hidden", text: "：" + photo.src })),
            el("button", { type: "button", class: "small", "aria-pressed": isCover ? "true" : "false", onclick: () => { this.set("cover", isCover ? "" : photo.src); this.drawPhotos(); }, text: isCover ? "取消封面" : "设为封面" }),
            el("button", { type: "button", class: "small", onclick: () => this.insert("![" + (photo.caption || "") + "](" + encodeMarkdownPath(photo.src) + ")"), text: "插入正文" }),
            el("button", { type: "button", class: "small danger", onclick: () => { const next = this.fields.photos.filter((_, i) => i !== index); this.set("photos", next); if (isCover) this.set("cover", ""); this.drawPhotos(); }, text: "移出图集" })));
        item.addEventListener("dragstart", (e) => { e.dataTransfer.setData("text/x-photo", String(index)); item.classList.add("dragging"); });
        item.addEventListener("dragend", () => item.classList.remove("dragging"));
        item.addEventListener("dragover", (e) => { if (e.dataTransfer.types.includes("text/x-photo")) e.preventDefault(); });
        item.addEventListener("drop", (e) => {
          const from = Number(e.dataTransfer.getData("text/x-photo"));
          if (Number.isNaN(from) || e.dataTransfer.files.length) return;
          e.preventDefault(); e.stopPropagation();
          const next = this.fields.photos.slice(); const [moved] = next.splice(from, 1); next.splice(index, 0, moved);
          this.set("photos", next); this.drawPhotos();
        });
        return item;
      }));
      const used = new Set(photos.map((p) => p.src));
      const loose = this.photoNames().filter((name) => !used.has(name));
      this.loosePhotos.replaceChildren(loose.length ? el("div", {}, el("h3", { text: "文件夹里还有这些照片（未放入图集）" }),
        el("ul", { class: "files" }, loose.map((name) => el("li", {},
          el("img", { src: "/api/article/thumbnail?src=" + q(this.src) + "&name=" + q(name), alt: name, width: "96", height: "72" }), name,
          el("button", { type: "button", class: "small", onclick: () => { this.set("photos", this.fields.photos.concat([{ src: name, caption: "", alt: "" }])); this.drawPhotos(); }, text: "放入图集" }),
          el("button", { type: "button", class: "small", onclick: () => this.insert("![](" + encodeMarkdownPath(name) + ")"), text: "插入正文" }))))) : "");
    }
    movePhoto(index, step) {
      const next = this.fields.photos.slice();
      const [moved] = next.splice(index, 1);
      next.splice(index + step, 0, moved);
      this.set("photos", next); this.drawPhotos();
      const buttons = this.photoList.children[index + step].querySelectorAll("button");
      (step < 0 ? buttons[0] : buttons[1]).focus();
    }
    fileSection() {
      const box = el("section", { "aria-labelledby": "h-files" });
      const picker = el("input", { id: "a-files", type: "file", multiple: true, accept: ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.wps,.et,.dps,.ofd,.zip,.rar,.7z,.txt", class: "visually-hidden" });
      picker.addEventListener("change", () => { this.upload(picker.files, false); picker.value = ""; });
      const files = (this.data.files || []).filter((f) => f.kind === "file");
      box.append(el("h2", { id: "h-files", text: "附件（PDF、Word、Excel 等）" }),
        el("p", { class: "help", text: "上传后点“插入链接”，读者才能在正文里下载；没有链接的附件不会发布。" }),
        el("label", { for: "a-files", class: "button", text: "选择附件" }), picker,
        el("ul", { class: "files" }, files.map((f) => el("li", {}, el("span", { text: f.name }),
          el("button", { type: "button", class: "small", onclick: () => this.insert("[" + f.name + "](" + encodeMarkdownPath(f.name) + ")"), text: "插入链接" })))));
      return box;
    }
    bodySection() {
      this.textarea = el("textarea", { id: "f-body", "aria-label": "正文" });
      this.textarea.value = this.data.body;
      return el("section", { "aria-labelledby": "h-body", class: "field", "data-field": "body" }, el("h2", { id: "h-body", text: "正文" }),
        el("p", { class: "help", text: "空一行分段；“标题”按钮加小标题；照片可以从上面插入。" }), this.textarea, el("ul", { class: "field-problems", "aria-live": "polite" }));
    }
    startEditor() {
      const button = (name, text, title, action) => ({ name, text, title, action, className: "sb-" + name });
      this.editor = new EasyMDE({
        element: this.textarea,
        autoDownloadFontAwesome: false,
        spellChecker: false,
        nativeSpellcheck: false,
        status: false,
        autosave: { enabled: false },
        forceSync: true,
        indentWithTabs: false,
        tabSize: 4,
        minHeight: "320px",
        placeholder: "在这里写正文……",
        shortcuts: { togglePreview: null, toggleSideBySide: null, toggleFullScreen: null },
        toolbar: [
          button("heading", "小标题", "小标题", EasyMDE.toggleHeading2),
          button("bold", "加粗", "加粗", EasyMDE.toggleBold),
          button("ul", "• 列表", "• 列表", EasyMDE.toggleUnorderedList),
          button("ol", "1. 编号", "1. 编号", EasyMDE.toggleOrderedList),
          button("quote", "引用", "引用", EasyMDE.toggleBlockquote),
          button("link", "链接", "链接", EasyMDE.drawLink),
          button("table", "表格", "表格", EasyMDE.drawTable),
          button("more", "摘要到此为止", "摘要到此为止", () => this.insert("\n<!-- more -->\n")),
          "|",
          button("undo", "撤销", "撤销", EasyMDE.undo),
          button("redo", "重做", "重做", EasyMDE.redo),
        ],
        renderingConfig: { singleLineBreaks: false },
      });
      this.editor.codemirror.getInputField().setAttribute("aria-label", "正文");
      this.editor.codemirror.on("change", () => this.changed());
    }
    insert(text) {
      const cm = this.editor.codemirror;
      cm.replaceSelection(text);
      cm.focus();
      this.changed();
    }
    highlightGuesses() {
      if (!this.imported) return;
      for (const key of this.imported.guessed || []) {
        const box = main.querySelector('[data-field="' + key + '"]');
        if (box) box.classList.add("guessed");
      }
    }
    focusField(key, line) {
      if (key === "body" && this.editor) {
        const cm = this.editor.codemirror;
        cm.focus(); cm.setCursor({ line: Math.max(0, line - 1), ch: 0 });
        return;
      }
      const control = this.controls[key] || main.querySelector('[data-field="' + key + '"] input, [data-field="' + key + '"] textarea');
      if (control) { control.focus(); control.scrollIntoView({ block: "center" }); }
    }
    // -- check as you type --
    checkPanel() {
      this.problemBox = el("div", { "aria-live": "polite" });
      return el("section", { "aria-labelledby": "h-check" }, el("h2", { id: "h-check", text: "检查" }), this.problemBox);
    }
    async check() {
      const body = this.body();
      let result;
      try {
        result = await api("POST", "/api/article/check", { src: this.src, changes: this.changes(), body: body === this.baseline ? null : body });
      } catch (error) { this.problemBox.replaceChildren(el("p", { class: "error", text: error.message })); return; }
      for (const list of main.querySelectorAll(".field-problems")) list.replaceChildren();
      for (const box of main.querySelectorAll(".field.has-error")) box.classList.remove("has-error");
      const cm = this.editor && this.editor.codemirror;
      if (cm) for (let i = 0; i < cm.lineCount(); i++) cm.removeLineClass(i, "background", "cm-line-problem");
      const problems = result.problems;
      const items = problems.map((p) => {
        const where = p.field === "body" ? "正文第 " + p.body_line + " 行" : (FIELD_NAMES[p.field] || "文件第 " + p.line + " 行");
        const text = where + "：" + p.message + (p.hint ? "（" + p.hint + "）" : "");
        const box = main.querySelector('.field[data-field="' + p.field + '"], section[data-field="' + p.field + '"]');
        if (box) {
          box.classList.add("has-error");
          box.querySelector(".field-problems").append(el("li", { class: p.severity === "错误" ? "" : "warn", text: p.severity + "：" + (p.field === "body" ? "第 " + p.body_line + " 行：" : "") + p.message }));
        }
        if (p.field === "body" && cm && p.body_line) cm.addLineClass(p.body_line - 1, "background", "cm-line-problem");
        return el("li", { class: p.severity === "错误" ? "error" : "warn" }, p.severity + " · ", el("a", { href: "#", onclick: (e) => { e.preventDefault(); this.focusField(p.field, p.body_line); }, text: text }));
      });
      this.problemBox.replaceChildren(
        problems.length ? el("ul", { class: "problems" }, items) : el("p", { text: "没有发现问题。" }),
        result.publication ? el("p", { class: "meta", text: "发布状态：" + result.publication }) : "");
    }
    // -- preview --
    previewPanel() {
      this.previewBox = el("div", {});
      return el("section", { "aria-labelledby": "h-preview", id: "preview", tabindex: "-1" }, el("h2", { id: "h-preview", text: "预览（保存后自动更新）" }), this.previewBox);
    }
    async refreshPreview(generation) {
      try { await this.drawPreview(generation); } catch (error) { if (!(error instanceof Stale)) this.previewBox.replaceChildren(el("p", { class: "error", text: error.message })); }
    }
    async drawPreview(generation) {
      if (!site.preview || !this.data.url) {
        this.previewBox.replaceChildren(el("p", { class: "meta", text: this.data.url ? "预览没有开启" : "文章有错误，改正并保存后才能预览" }));
        return;
      }
      let state = await api("GET", "/api/preview");
      const wanted = generation || (state.requested > state.built ? state.requested : 0);
      if (wanted && state.built < wanted) {
        this.previewBox.replaceChildren(el("p", { text: "预览正在更新……" }));
        state = await api("GET", "/api/preview?wait=" + wanted);
      }
      const url = site.preview + "/" + this.data.url + "?v=" + state.built;
      const frame = (kind, title) => el("figure", {}, el("div", { class: "frame-box " + kind }, el("iframe", { src: url, title, loading: "lazy" })), el("figcaption", { class: "meta", text: title }));
      this.previewBox.replaceChildren(
        state.built ? el("div", { class: "preview-frames", tabindex: "0", role: "group", "aria-label": "预览" }, frame("phone", "手机上的样子"), frame("desktop", "电脑上的样子")) : el("p", { text: "预览正在生成……" }),
        el("p", {}, el("a", { href: url, target: "_blank", rel: "noopener", text: "在新窗口中打开预览" }), state.seconds ? "（用时 " + state.seconds + " 秒）" : ""),
        state.problems.length ? el("ul", { class: "problems" }, state.problems.slice(0, 5).map((p) => el("li", { class: "error", text: p }))) : "");
      if (!state.built) setTimeout(() => this.refreshPreview(1), 1500);
    }
    // -- history --
    historyPanel() {
      const box = el("section", { "aria-labelledby": "h-history", id: "history", tabindex: "-1" }, el("h2", { id: "h-history", text: "历史版本" }));
      if (!this.data.history.length) { box.append(el("p", { class: "meta", text: "还没有历史版本：每次保存前的内容都会保留在这里。" })); return box; }
      box.append(el("ul", { class: "versions" }, this.data.history.map((v) => el("li", {},
        el("span", { text: v.when + " · " + (v.who || "未署名") + " · " + v.action + "之前" }),
        el("button", { type: "button", class: "small", onclick: () => this.showVersion(v), text: "查看" }),
        el("button", { type: "button", class: "small", onclick: () => this.restore(v), text: "恢复这个版本" })))));
      return box;
    }
    async showVersion(v) {
      const data = await api("GET", "/api/article/version?src=" + q(this.src) + "&id=" + q(v.id));
      const dialog = el("dialog", { "aria-labelledby": "v-title" }, el("h2", { id: "v-title", text: v.when + " 的版本" }),
        el("textarea", { readonly: true, rows: 20, "aria-label": "这个版本的内容" }, data.text),
        el("div", { class: "toolbar" }, el("button", { type: "button", onclick: () => { dialog.close(); this.restore(v); }, text: "恢复这个版本" }), el("button", { type: "button", class: "primary", onclick: () => dialog.close(), text: "关闭" })));
      document.body.append(dialog);
      dialog.addEventListener("close", () => dialog.remove());
      dialog.showModal();
    }
    async restore(v) {
      if (this.isDirty() && !confirm("您还有没保存的修改，恢复旧版本会放弃它们。确定吗？")) return;
      try {
        await api("POST", "/api/article/restore", { src: this.src, id: v.id, version: this.version, who: who() });
        localStorage.removeItem(this.draftKey);
        leaveGuard = null;
        say("已恢复 " + v.when + " 的版本（当前内容也已存入历史版本）");
        route();
      } catch (error) { this.handleSaveError(error); }
    }
    // -- save --
    async save(extra) {
      const changes = Object.assign(this.changes(), extra || {});
      const body = this.body();
      this.saveButton.disabled = true;
      try {
        const result = await api("POST", "/api/article/save", { src: this.src, version: this.version, changes, body: body === this.baseline ? null : body, who: who() });
        localStorage.removeItem(this.draftKey);
        this.version = result.version;
        this.draftKey = "sb-unsaved:" + this.src + ":" + this.version;
        this.loaded = JSON.parse(JSON.stringify(Object.assign(this.fields, extra || {})));
        this.baseline = body;
        document.getElementById("save-state").textContent = result.changed ? "已保存" : "没有修改";
        say(result.changed ? "已保存" : "没有修改，不需要保存");
        if (result.changed) {
          const fresh = await api("GET", "/api/article?src=" + q(this.src));
          this.data = fresh;
          this.refreshPreview(result.preview);
          this.check();
          const side = main.querySelector("#history");
          if (side) side.replaceWith(this.historyPanel());
        }
        return true;
      } catch (error) { this.handleSaveError(error); return false; }
      finally { this.saveButton.disabled = false; }
    }
    async submitForReview() {
      if (await this.save({ draft: false })) { say("已送审：审核人会在“待审核”里看到这篇文章"); route(); }
    }
    handleSaveError(error) {
      if (error.status !== 409 || !error.data.conflict) { say(error.message); return; }
      const conflict = error.data.conflict;
      const dialog = el("dialog", { "aria-labelledby": "c-title" },
        el("h2", { id: "c-title", text: "没有保存：这篇文章刚被别人改过" }),
        el("p", { text: error.message }),
        el("div", { class: "conflict" },
          el("div", {}, el("h3", { text: "现在文件里的版本（别人的修改）" }), el("textarea", { readonly: true, "aria-label": "现在文件里的版本" }, conflict.current)),
          el("div", {}, el("h3", { text: "您的版本（没有保存）" }), el("textarea", { readonly: true, "aria-label": "您的版本" }, conflict.yours))),
        el("div", { class: "toolbar" },
          el("button", { type: "button", class: "primary", onclick: () => { dialog.close(); leaveGuard = null; route(); }, text: "放弃我的修改，打开别人的版本" }),
          el("button", { type: "button", onclick: async () => { this.version = conflict.current_version; dialog.close(); await this.save(); }, text: "用我的版本保存（别人的版本会存入历史）" })));
      document.body.append(dialog);
      dialog.addEventListener("close", () => dialog.remove());
      dialog.showModal();
    }
    // -- uploads --
    async upload(files, photos) {
      if (!files || !files.length) return;
      const form = new FormData();
      for (const file of files) form.append("files", file);
      say("正在上传 " + files.length + " 个文件……");
      try {
        const result = await api("POST", "/api/article/upload?src=" + q(this.src), form);
        if (result.src !== this.src) { // a single-file article became a folder: same URL, new path
          say("已把文章放进自己的文件夹，以便存放照片");
        }
        const added = result.stored.filter((s) => s.kind === "photo").map((s) => ({ src: s.name, caption: "", alt: "" }));
        const renamed = result.stored.filter((s) => s.renamed_from).map((s) => "“" + s.renamed_from + "”已有同名文件，新文件叫“" + s.name + "”");
        const fresh = await api("GET", "/api/article?src=" + q(result.src));
        if (result.src !== this.src) {
          this.src = result.src; this.data = fresh; this.version = fresh.version;
          history.replaceState(null, "", editLink(result.src));
        }
        this.data.files = fresh.files;
        if (photos && added.length) this.set("photos", this.fields.photos.concat(added));
        this.drawPhotos();
        if (!photos) main.querySelector('[aria-labelledby="h-files"]').replaceWith(this.fileSection());
        say("已上传 " + result.stored.length + " 个文件" + (renamed.length ? "；" + renamed.join("；") : "") + (added.length ? "。请填写照片说明，然后保存" : ""));
      } catch (error) { say("上传失败：" + error.message); }
    }
    async phone() {
      try {
        const data = await api("POST", "/api/article/phone-link", { src: this.src });
        const box = document.getElementById("phone-qr");
        const holder = el("div", { class: "qr" });
        holder.innerHTML = data.svg; // produced by segno on the server from our own URL
        box.replaceChildren(el("p", { text: "用手机扫描二维码（手机和电脑要连同一个 Wi-Fi），" + data.minutes + " 分钟内有效，只能给这篇文章上传照片。传完后点“刷新照片”。" }), holder,
          el("button", { type: "button", onclick: async () => { const fresh = await api("GET", "/api/article?src=" + q(this.src)); this.data.files = fresh.files; this.drawPhotos(); }, text: "刷新照片" }));
      } catch (error) { say(error.message); }
    }
  }
  const FIELD_NAMES = { title: "标题", date: "日期", summary: "摘要", cover: "封面", photos: "图集", category: "分类", tags: "标签", unit: "单位", people: "人物", author: "作者", reviewed_by: "审核人", location: "地点", participants: "参与人数", featured: "图片新闻", draft: "草稿", slug: "网址名" };
  function encodeMarkdownPath(name) { return /[\s()<>]/.test(name) ? "<" + name + ">" : name; }

  // ---- 审核 ------------------------------------------------------------------------------------
  async function showReview() {
    const data = await api("GET", "/api/articles?status=" + q("待审核"));
    const reviewer = el("input", { id: "reviewer", value: localStorage.getItem("sb-reviewer") || me.value, autocomplete: "name" });
    reviewer.addEventListener("change", () => localStorage.setItem("sb-reviewer", reviewer.value.trim()));
    const list = el("ul", { class: "articles" }, data.articles.map((a) => {
      const note = el("textarea", { id: "note-" + a.src, rows: 2 });
      const item = el("li", {},
        el("a", { class: "title", href: editLink(a.src), text: a.title }),
        el("div", { class: "meta" }, sectionTitle(a.section), " · ", a.date),
        el("div", { class: "toolbar" },
          el("button", { type: "button", class: "primary", onclick: () => decide(a, "approve", ""), text: "审核通过" }),
          el("a", { class: "button", href: editLink(a.src) + "#preview", text: "打开全文和预览" })),
        el("details", {}, el("summary", { text: "退回修改" }), field("退回的原因（作者会看到）", note),
          el("button", { type: "button", class: "danger", onclick: () => decide(a, "return", note.value), text: "退回给作者" })));
      return item;
    }));
    async function decide(article, decision, note) {
      const name = reviewer.value.trim();
      if (!name) { say("请先填写审核人的姓名"); reviewer.focus(); return; }
      localStorage.setItem("sb-reviewer", name);
      try {
        const current = await api("GET", "/api/article?src=" + q(article.src));
        await api("POST", "/api/article/review", { src: article.src, version: current.version, reviewer: name, decision, note });
        say(decision === "approve" ? "《" + article.title + "》已审核通过" : "《" + article.title + "》已退回给作者");
        route();
      } catch (error) { say(error.message); }
    }
    main.replaceChildren(el("h1", { text: "待审核" }),
      site.require_review ? el("p", { text: "本站要求审核：下面的文章审核通过后才会发布。" }) : el("p", { class: "notice", text: "本站没有要求审核（mkdocs.yml 中 require_review: false），文章不经审核也会发布。" }),
      field("审核人（只需填写一次）", reviewer),
      data.articles.length ? list : el("p", { text: "没有等待审核的文章。" }));
  }

  // ---- 发布 ------------------------------------------------------------------------------------
  async function showPublish() {
    const data = await api("GET", "/api/articles");
    const broken = data.articles.filter((a) => a.status === "有错误");
    const target = el("select", { id: "target" }, site.targets.map((t) => el("option", { value: t.name, text: t.name + "（" + t.address + "）" })));
    const progress = el("progress", { max: "100", value: "0", "aria-label": "发布进度" });
    const phase = el("p", { "aria-live": "polite" });
    const result = el("div", { "aria-live": "polite" });
    const start = el("button", { type: "button", class: "primary big-button", onclick: publish, text: "发布网站" });
    const back = el("button", { type: "button", class: "danger", onclick: rollback, text: "回滚到上一次发布" });
    async function publish() {
      start.disabled = true; result.replaceChildren();
      try { await api("POST", "/api/publish", { target: target.value }); await poll(); }
      catch (error) { result.replaceChildren(el("p", { class: "notice error", text: error.message })); }
      finally { start.disabled = false; }
    }
    async function poll() {
      for (;;) {
        const state = await api("GET", "/api/publish");
        progress.value = state.percent; phase.textContent = state.phase + "……";
        if (!state.running) {
          phase.textContent = state.phase;
          if (state.error) result.replaceChildren(el("p", { class: "notice error", role: "alert", text: "发布失败：" + state.error }));
          else if (state.result) showResult(state.result);
          return;
        }
        await new Promise((r) => setTimeout(r, 400));
      }
    }
    function pages(title, urls, base) {
      return el("div", { class: "changes" }, el("h2", { text: title + "（" + urls.length + "）" }),
        urls.length ? el("ul", {}, urls.slice(0, 50).map((u) => el("li", {}, base ? el("a", { href: base + u, target: "_blank", rel: "noopener", text: u || "首页" }) : u)),
          urls.length > 50 ? el("li", { text: "……另有 " + (urls.length - 50) + " 页" }) : "") : el("p", { class: "meta", text: "无" }));
    }
    function showResult(r) {
      result.replaceChildren(el("p", { class: "notice", text: "发布完成（" + r.seconds + " 秒）：" + r.summary }),
        r.link ? el("p", {}, "网站地址：", el("a", { href: r.link, target: "_blank", rel: "noopener", text: r.link })) : "",
        pages("新增的页面", r.added, r.link), pages("更新的页面", r.updated, r.link), pages("删除的页面", r.removed, ""));
    }
    async function rollback() {
      if (!confirm("确定要回滚到上一次发布的网站吗？")) return;
      try { const r = await api("POST", "/api/rollback", { target: target.value }); result.replaceChildren(el("p", { class: "notice", text: "已回滚到版本 " + r.release })); }
      catch (error) { result.replaceChildren(el("p", { class: "notice error", text: "回滚失败：" + error.message })); }
    }
    const counts = data.counts;
    main.replaceChildren(el("h1", { text: "发布网站" }),
      el("p", { text: "发布前的情况：" + counts["已发布"] + " 篇会发布，" + counts["待审核"] + " 篇待审核，" + counts["草稿"] + " 篇草稿，" + counts["定时"] + " 篇定时发布，" + counts["有错误"] + " 篇有错误。" }),
      broken.length ? el("div", { class: "notice error" }, el("p", { text: "这些文章有错误，改正后才能发布网站：" }), el("ul", {}, broken.map((a) => el("li", {}, el("a", { href: editLink(a.src), text: a.title }), "：", (a.problems[0] || {}).message || "")))) : "",
      ...(site.targets.length ? [field("发布到", target), el("div", { class: "toolbar" }, start, back), progress, phase, result]
        : [el("p", { class: "notice warn", text: "mkdocs.yml 里还没有配置发布位置。请维护人员在 site_builder 下加上 deploy，例如：deploy: {production: /srv/www/site}" })]));
    const state = await api("GET", "/api/publish");
    if (state.running) poll(); else if (state.result) showResult(state.result);
  }

  window.addEventListener("unhandledrejection", (event) => { if (event.reason instanceof Stale) event.preventDefault(); });
  route(); // a deferred script: the page is parsed
})();
