/* site_builder search: queries the sharded bigram index next to this file, and wires the
 * header search box. No library, nothing from another host. Format and rules: index.py and
 * analyse.py in site_builder/search/ (the analysis is checked against the same fixture in
 * Python and in Node, tests/fixtures/search_analysis.json).
 *
 *   window.siteBuilderSearch.query("留守儿童", {offset: 0, limit: 10})
 *     → Promise<{total, results: [{url, title, date, section, snippet_html}]}>
 *
 * Ranking: articles whose title contains every term first, then articles that contain every term
 * in their title or text; newest first within each. Blocks of documents are read from the newest
 * until the page is full; `total` counts every match when that is cheap to know (COUNT_BUDGET),
 * else the matches found so far (then at least offset + limit).
 */
(function (root) {
  "use strict";

  var FORMAT_VERSION = 1;
  var WORD = new RegExp("[\\p{L}\\p{M}\\p{N}]", "u");
  var SEPARATOR = " ";

  // ----------------------------------------------------------------------------------------
  // Analysis: the same rules as analyse.py

  var foldCache = new Map();

  /** One code point folded: NFKC, lower case, every non-word character a SEPARATOR. */
  function foldChar(ch) {
    var folded = foldCache.get(ch);
    if (folded === undefined) {
      folded = "";
      for (var c of ch.normalize("NFKC").toLowerCase()) folded += WORD.test(c) ? c : SEPARATOR;
      foldCache.set(ch, folded);
    }
    return folded;
  }

  function fold(text) {
    var out = "";
    for (var ch of text) out += foldChar(ch);
    return out;
  }

  /** Runs of word characters, folded: a query's terms. */
  function wordRuns(text) {
    return fold(text).split(SEPARATOR).filter(function (run) { return run.length > 0; });
  }

  /** Characters and positioned bigrams of a text, as analyse.py's `analyse` (for the tests). */
  function analyse(text) {
    var chars = Array.from(wordRuns(text).join(SEPARATOR));
    var characters = new Set();
    var bigrams = new Map();
    for (var i = 0; i < chars.length; i++) {
      if (chars[i] === SEPARATOR) continue;
      characters.add(chars[i]);
      if (i + 1 < chars.length && chars[i + 1] !== SEPARATOR) {
        var pair = chars[i] + chars[i + 1];
        if (!bigrams.has(pair)) bigrams.set(pair, []);
        bigrams.get(pair).push(i);
      }
    }
    return {characters: characters, bigrams: bigrams};
  }

  /** `text` folded, with the span of the original text each folded UTF-16 unit comes from. */
  function foldWithOffsets(text) {
    var folded = "", starts = [], ends = [];
    for (var i = 0; i < text.length;) {
      var code = text.codePointAt(i), width = code > 0xffff ? 2 : 1;
      var part = foldChar(text.slice(i, i + width));
      for (var j = 0; j < part.length; j++) { starts.push(i); ends.push(i + width); }
      folded += part;
      i += width;
    }
    return {folded: folded, starts: starts, ends: ends};
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
  }

  /** Spans [start, end) of `text` where any of `terms` (folded runs) occurs, in order, disjoint. */
  function matchSpans(text, terms) {
    var f = foldWithOffsets(text), spans = [];
    terms.forEach(function (term) {
      for (var at = f.folded.indexOf(term); at >= 0; at = f.folded.indexOf(term, at + term.length)) {
        spans.push([f.starts[at], f.ends[at + term.length - 1]]);
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    spans.forEach(function (span) {
      var last = merged[merged.length - 1];
      if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
      else merged.push(span.slice());
    });
    return merged;
  }

  /** `text` escaped, each span in <mark>. */
  function markSpans(text, spans, from, to) {
    var html = "", at = from;
    spans.forEach(function (span) {
      var start = Math.max(span[0], from), end = Math.min(span[1], to);
      if (start >= end) return;
      html += escapeHtml(text.slice(at, start)) + "<mark>" + escapeHtml(text.slice(start, end)) + "</mark>";
      at = end;
    });
    return html + escapeHtml(text.slice(at, to));
  }

  /** `text` escaped with every occurrence of `terms` in <mark>. */
  function highlight(text, terms) {
    return markSpans(text, matchSpans(text, terms), 0, text.length);
  }

  var SNIPPET_BEFORE = 24, SNIPPET_LENGTH = 100;

  /** About SNIPPET_LENGTH characters of `text` around the first match, escaped, matches in <mark>. */
  function snippet(text, terms) {
    var spans = matchSpans(text, terms);
    var start = spans.length ? Math.max(0, spans[0][0] - SNIPPET_BEFORE) : 0;
    var end = Math.min(text.length, start + SNIPPET_LENGTH);
    if (end === text.length) start = Math.max(0, end - SNIPPET_LENGTH);
    spans.forEach(function (span) { if (span[0] < end && span[1] > end) end = span[1]; });
    if (start > 0 && isLowSurrogate(text, start)) start--;
    if (end < text.length && isLowSurrogate(text, end)) end++;
    return (start > 0 ? "…" : "") + markSpans(text, spans, start, end) + (end < text.length ? "…" : "");
  }

  function isLowSurrogate(text, index) {
    var code = text.charCodeAt(index);
    return code >= 0xdc00 && code <= 0xdfff;
  }

  // ----------------------------------------------------------------------------------------
  // Index files

  var utf8 = new TextDecoder();

  var CRC_TABLE = (function () {
    var table = new Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();

  /** CRC-32 of the term's UTF-8, as index.py's `term_hash` (zlib.crc32). */
  function termHash(term) {
    var bytes = new TextEncoder().encode(term), crc = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  }

  /** A reader of unsigned LEB128 varints over a byte array. */
  function Reader(bytes, start, end) {
    this.bytes = bytes;
    this.at = start || 0;
    this.end = end === undefined ? bytes.length : end;
  }
  Reader.prototype.varint = function () {
    var value = 0, shift = 0, byte;
    do {
      byte = this.bytes[this.at++];
      value += (byte & 0x7f) * Math.pow(2, shift);
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  Reader.prototype.slice = function (length) {
    var part = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return part;
  };

  /** A t shard: term → {title, titleCount, bodyCount, body (inline postings) | blocks, bodySize}. */
  function parseShard(bytes) {
    var terms = new Map(), reader = new Reader(bytes);
    while (reader.at < reader.end) {
      var term = utf8.decode(reader.slice(reader.varint()));
      var record = {titleCount: reader.varint()};
      record.title = reader.slice(reader.varint());
      record.bodyCount = reader.varint();
      record.both = reader.varint();
      var code = reader.varint();
      if (code % 2 === 0) {
        record.body = reader.slice(code / 2);
        record.bodySize = record.body.length;
      } else {
        record.bodySize = reader.varint();
        record.blocks = [];
        for (var i = 0, block = 0; i < (code - 1) / 2; i++) record.blocks.push(block += reader.varint());
      }
      terms.set(term, record);
    }
    return terms;
  }

  /** A p file: term → its body postings in the block. */
  function parseBlock(bytes) {
    var terms = new Map(), reader = new Reader(bytes);
    while (reader.at < reader.end) {
      var term = utf8.decode(reader.slice(reader.varint()));
      terms.set(term, reader.slice(reader.varint()));
    }
    return terms;
  }

  /** Postings → Map(document → positions) for a bigram, Map(document → null) for a character. */
  function decodePostings(bytes, base, isBigram) {
    var documents = new Map(), reader = new Reader(bytes), doc = base;
    while (reader.at < reader.end) {
      doc += reader.varint();
      if (!isBigram) { documents.set(doc, null); continue; }
      var count = reader.varint(), positions = new Array(count), position = 0;
      for (var i = 0; i < count; i++) positions[i] = position += reader.varint();
      documents.set(doc, positions);
    }
    return documents;
  }

  /** A term's inline body postings, decoded once. */
  function bodyPostings(record, isBigram) {
    if (!record.bodyDocuments) record.bodyDocuments = decodePostings(record.body, 0, isBigram);
    return record.bodyDocuments;
  }

  // ----------------------------------------------------------------------------------------
  // The engine

  function Engine(base, fetchFile, options) {
    this.base = base;
    this.fetchFile = fetchFile || defaultFetch;
    this.countBudget = options && options.countBudget !== undefined ? options.countBudget : COUNT_BUDGET;
    this.files = new Map();
    this.states = new Map();
  }

  function defaultFetch(url, kind) {
    // meta.json is revalidated on every page load: the other files are asked for with its digest.
    return fetch(url, {cache: /\/meta\.json$/.test(url) ? "no-cache" : "default"}).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + url);
      return kind === "json" ? response.json() : response.arrayBuffer();
    });
  }

  /** A file of the index, fetched once (a failed fetch is retried next time). */
  Engine.prototype.file = function (path, kind) {
    var engine = this, files = this.files, cached = files.get(path);
    if (!cached) {
      var version = path === "meta.json" ? Promise.resolve("") : this.meta().then(function (meta) {
        return "?v=" + encodeURIComponent(meta.build);
      });
      cached = version.then(function (query) {
        return engine.fetchFile(new URL(path + query, engine.base).href, kind);
      }).then(function (data) {
        return kind === "json" ? data : new Uint8Array(data);
      });
      cached.catch(function () { files.delete(path); });
      files.set(path, cached);
    }
    return cached;
  };

  Engine.prototype.meta = function () {
    return this.file("meta.json", "json").then(function (meta) {
      if (meta.version !== FORMAT_VERSION) throw new Error("search index version " + meta.version);
      return meta;
    });
  };

  /** A binary file parsed once into a Map (term → record or postings). */
  Engine.prototype.parsed = function (path, parse) {
    var files = this.files, key = "parsed:" + path, parsed = files.get(key);
    if (!parsed) {
      parsed = this.file(path, "bin").then(parse);
      parsed.catch(function () { files.delete(key); });
      files.set(key, parsed);
    }
    return parsed;
  };

  Engine.prototype.shard = function (meta, term) {
    return this.parsed("t/" + (termHash(term) % meta.shards) + ".bin", parseShard).then(function (terms) {
      return terms.get(term);
    });
  };

  Engine.prototype.block = function (meta, term, block) {
    var path = "p/" + (termHash(term) % meta.groups) + "/" + block + ".bin";
    return this.parsed(path, parseBlock).then(function (terms) { return terms.get(term); });
  };

  Engine.prototype.document = function (id) {
    return this.file("d/" + id + ".json", "json");
  };

  /** The query's terms: word runs, each with the index keys it needs (itself or its bigrams). */
  function plan(query) {
    var seen = new Set();
    return wordRuns(query).filter(function (run) {
      if (seen.has(run)) return false;
      seen.add(run);
      return true;
    }).map(function (run) {
      var chars = Array.from(run), keys = [];
      if (chars.length === 1) keys.push(run);
      for (var i = 0; i + 1 < chars.length; i++) keys.push(chars[i] + chars[i + 1]);
      return {text: run, length: chars.length, keys: keys, records: null};
    });
  }

  /** Documents where the bigrams (postings maps, offset i for bigram i) occur at consecutive positions. */
  function phraseDocuments(parts) {
    var result = new Set();
    if (!parts.length) return result;
    parts = parts.slice().sort(function (a, b) { return a.docs.size - b.docs.size; });
    parts[0].docs.forEach(function (positions, doc) {
      var lists = [];
      for (var j = 0; j < parts.length; j++) {
        var found = parts[j].docs.get(doc);
        if (found === undefined) return;
        lists.push({positions: new Set(found), offset: parts[j].offset});
      }
      var ok = positions.some(function (position) {
        var start = position - parts[0].offset;
        return lists.every(function (list) { return list.positions.has(start + list.offset); });
      });
      if (ok) result.add(doc);
    });
    return result;
  }

  /** Documents whose title contains `term` (all its bigrams are in the t shards). */
  function titleDocuments(term) {
    if (term.length === 1) return new Set(decodePostings(term.records[0].title, 0, false).keys());
    return phraseDocuments(term.records.map(function (record, i) {
      return {docs: decodePostings(record.title, 0, true), offset: i};
    }));
  }

  /** Which bigrams to check in the text: every inline one (free), and the cheapest set of the
   * others that, with them, covers every character (SPEED §2.2). */
  function bodyCover(term) {
    var n = term.length, records = term.records;
    if (n === 1) return [0];
    var covered = new Array(n).fill(false), chosen = [];
    records.forEach(function (record, i) {
      if (record.body) { covered[i] = covered[i + 1] = true; chosen.push(i); }
    });
    // best[j][s]: cheapest choice of external bigrams < j covering characters < j, s = bigram j-1 chosen.
    var best = [[0, Infinity]], pick = [[null, null]];
    for (var j = 0; j < n - 1; j++) {
      best.push([Infinity, Infinity]);
      pick.push([null, null]);
      for (var s = 0; s < 2; s++) {
        if (best[j][s] === Infinity) continue;
        for (var take = 0; take < 2; take++) {
          if (take && records[j].body) continue;
          if (!covered[j] && !s && !take) continue;
          var cost = best[j][s] + (take ? records[j].bodySize : 0);
          if (cost < best[j + 1][take]) { best[j + 1][take] = cost; pick[j + 1][take] = s; }
        }
      }
    }
    var last = n - 1, state;
    var options = [0, 1].filter(function (t) { return covered[last] || t; });
    state = options.reduce(function (a, b) { return best[last][a] <= best[last][b] ? a : b; });
    for (var k = last; k > 0; k--) {
      if (state && !records[k - 1].body) chosen.push(k - 1);
      state = pick[k][state];
    }
    return chosen.sort(function (a, b) { return a - b; });
  }

  /** Documents of block `block` whose text contains `term`. */
  Engine.prototype.bodyDocuments = function (meta, term, block) {
    var engine = this, first = block * meta.block, last = first + meta.block;
    return Promise.all(term.cover.map(function (i) {
      var record = term.records[i], key = term.keys[i];
      if (record.body) {
        var all = bodyPostings(record, term.length > 1), docs = new Map();
        all.forEach(function (positions, doc) { if (doc >= first && doc < last) docs.set(doc, positions); });
        return {docs: docs, offset: i};
      }
      if (record.blocks.indexOf(block) < 0) return {docs: new Map(), offset: i};
      return engine.block(meta, key, block).then(function (postings) {
        return {docs: postings ? decodePostings(postings, first, term.length > 1) : new Map(), offset: i};
      });
    })).then(function (parts) {
      if (term.length === 1) return new Set(parts[0].docs.keys());
      return phraseDocuments(parts);
    });
  };

  /** Whether the text of some document of `block` may contain `term` (skips blocks cheaply). */
  function mayHaveBlock(meta, term, block) {
    var first = block * meta.block, last = first + meta.block;
    return term.cover.every(function (i) {
      var record = term.records[i];
      if (record.blocks) return record.blocks.indexOf(block) >= 0;
      for (var doc of bodyPostings(record, term.length > 1).keys()) if (doc >= first && doc < last) return true;
      return false;
    });
  }

  /** Raw bytes of p files (estimated from the terms' sizes) a query may read beyond its first page
   * to count its matches exactly. Past it, `total` is a lower bound and `exact` false. Measured on
   * the bench corpus, 51 queries, gzipped bytes of the first query (median / p95 / max):
   * - count everything: 2,000 articles 30 / 91 / 109 KB, 10,000 articles 115 / 328 / 388 KB;
   * - this budget: 27 / 67 / 109 KB with 45 of 51 totals exact, 35 / 60 / 68 KB with 26 exact;
   * - none: 26 / 45 / 63 KB (28 exact), 32 / 47 / 55 KB (22 exact).
   * Readers see the newest results first whatever the count, so bytes win at 10,000. */
  var COUNT_BUDGET = 32 * 1024;
  var MAX_STATES = 20;

  /** A query in progress: title matches (complete), then body matches of the blocks read so far. */
  function QueryState(meta, terms) {
    this.meta = meta;
    this.terms = terms;
    this.titled = [];
    this.body = [];
    this.next = Math.ceil(meta.documents / meta.block) - 1;
    this.known = null;
  }

  Engine.prototype.start = function (query) {
    var engine = this, state = this.states.get(query);
    if (state) return state;
    var terms = plan(query);
    state = this.meta().then(function (meta) {
      var empty = new QueryState(meta, terms);
      if (!terms.length || !meta.documents) { empty.next = -1; return empty; }
      return Promise.all(terms.map(function (term) {
        return Promise.all(term.keys.map(function (key) { return engine.shard(meta, key); }));
      })).then(function (records) {
        terms.forEach(function (term, i) { term.records = records[i]; });
        if (terms.some(function (term) { return term.records.some(function (r) { return !r; }); })) {
          empty.next = -1;
          return empty;
        }
        var state = new QueryState(meta, terms);
        terms.forEach(function (term) {
          term.inTitle = titleDocuments(term);
          term.cover = bodyCover(term);
        });
        var titled = terms[0].inTitle;
        state.titled = Array.from(titled).filter(function (doc) {
          return terms.every(function (term) { return term.inTitle.has(doc); });
        }).sort(function (a, b) { return b - a; });
        // One term of one or two characters: its counts give the total without reading any p file.
        if (terms.length === 1 && terms[0].length <= 2) {
          var record = terms[0].records[0];
          state.known = record.titleCount + record.bodyCount - record.both;
        }
        return state;
      });
    });
    state.catch(function () { engine.states.delete(query); });
    this.states.set(query, state);
    // Every keystroke is a query: keep the latest few (a Map iterates oldest first).
    if (this.states.size > MAX_STATES) this.states.delete(this.states.keys().next().value);
    return state;
  };

  /** Read the next `count` blocks (newest first) into `state.body`. */
  Engine.prototype.readBlocks = function (state, count) {
    var blocks = [];
    for (; count > 0 && state.next >= 0; count--) blocks.push(state.next--);
    var engine = this;
    return Promise.all(blocks.map(function (block) {
      return engine.matchBlock(state.meta, state.terms, block);
    })).then(function (perBlock) {
      perBlock.forEach(function (matches) {
        matches.forEach(function (doc) {
          if (!state.terms.every(function (term) { return term.inTitle.has(doc); })) state.body.push(doc);
        });
      });
    });
  };

  /** Raw bytes of p files the remaining blocks would need (estimated from each term's sizes). */
  function remainingCost(state) {
    var cost = 0;
    state.terms.forEach(function (term) {
      term.cover.forEach(function (i) {
        var record = term.records[i];
        if (!record.blocks) return;
        var left = record.blocks.filter(function (block) { return block <= state.next; }).length;
        cost += left * record.bodySize / record.blocks.length;
      });
    });
    return cost;
  }

  /** Documents of `block` that contain every term in their title or text, newest first. */
  Engine.prototype.matchBlock = function (meta, terms, block) {
    var engine = this, first = block * meta.block, last = first + meta.block;
    return Promise.all(terms.map(function (term) {
      var titled = new Set();
      term.inTitle.forEach(function (doc) { if (doc >= first && doc < last) titled.add(doc); });
      if (!mayHaveBlock(meta, term, block)) return titled;
      return engine.bodyDocuments(meta, term, block).then(function (docs) {
        titled.forEach(function (doc) { docs.add(doc); });
        return docs;
      });
    })).then(function (sets) {
      sets.sort(function (a, b) { return a.size - b.size; });
      return Array.from(sets[0]).filter(function (doc) {
        return sets.every(function (docs) { return docs.has(doc); });
      }).sort(function (a, b) { return b - a; });
    });
  };

  /** Read blocks until `needed` results are known (1, 2, 4… blocks at a time: few round trips for
   * rare words, few bytes for frequent ones), then the rest while counting them stays cheap. */
  Engine.prototype.fill = function (state, needed, batch) {
    var engine = this;
    if (state.next < 0) return Promise.resolve(state);
    if (state.titled.length + state.body.length < needed) {
      return this.readBlocks(state, batch).then(function () { return engine.fill(state, needed, batch * 2); });
    }
    if (state.known === null && remainingCost(state) <= this.countBudget) {
      return this.readBlocks(state, state.next + 1).then(function () { return state; });
    }
    return Promise.resolve(state);
  };

  /** One page of results: {total, exact, results: [{url, title, date, section, snippet_html}]}; the
   * public API (`siteBuilderSearch.query`) leaves `exact` out. */
  Engine.prototype.search = function (query, options) {
    var engine = this, offset = (options && options.offset) || 0, limit = (options && options.limit) || 10;
    var key = String(query || "");
    return this.start(key).then(function (state) {
      // One reading at a time per query, so blocks are appended newest first.
      state.reading = (state.reading || Promise.resolve()).then(function () {
        return engine.fill(state, offset + limit, 1);
      });
      state.reading.catch(function () { engine.states.delete(key); });
      return state.reading;
    }).then(function (state) {
      var ids = state.titled.concat(state.body), done = state.next < 0;
      var page = ids.slice(offset, offset + limit), texts = state.terms.map(function (t) { return t.text; });
      return Promise.all(page.map(function (id) { return engine.document(id); })).then(function (documents) {
        return {
          total: done ? ids.length : state.known !== null ? state.known : ids.length,
          exact: done || state.known !== null,
          results: documents.map(function (doc) {
            return {
              url: new URL(doc.url, new URL("../", engine.base)).href,
              title: doc.title,
              date: doc.date,
              section: doc.section,
              snippet_html: snippet(doc.text, texts)
            };
          })
        };
      });
    });
  };

  /** `{total, results}`: `total` counts every match when that is cheap to know (see COUNT_BUDGET),
   * else the matches found so far (at least offset + limit). */
  Engine.prototype.query = function (query, options) {
    return this.search(query, options).then(function (answer) {
      return {total: answer.total, results: answer.results};
    });
  };

  var api = {
    fold: fold, wordRuns: wordRuns, analyse: analyse, termHash: termHash, highlight: highlight, snippet: snippet,
    Engine: Engine,
    createEngine: function (base, fetchFile, options) { return new Engine(base, fetchFile, options); }
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof document === "undefined") return;

  // ----------------------------------------------------------------------------------------
  // The header search box (site_builder/search.html)

  var script = document.currentScript;
  var engine = new Engine(new URL(".", script ? script.src : document.baseURI).href);
  root.siteBuilderSearch = {query: function (q, options) { return engine.query(q, options); }};

  function wire() {
    var box = document.querySelector("[data-sb-search]");
    if (!box) return;
    var toggle = document.getElementById("__search");
    var input = box.querySelector("[data-sb-search-input]");
    var form = box.querySelector("form");
    var status = box.querySelector("[data-sb-search-status]");
    var list = box.querySelector("[data-sb-search-list]");
    var more = box.querySelector("[data-sb-search-more]");
    var opener = document.querySelector("[data-sb-search-open]");
    var shown = 0, current = "", timer = 0, generation = 0;

    function open() { if (toggle && !toggle.checked) { toggle.checked = true; toggle.dispatchEvent(new Event("change")); } }
    function close() { if (toggle && toggle.checked) { toggle.checked = false; toggle.dispatchEvent(new Event("change")); } }
    function isVisible(element) { return !!(element.offsetWidth || element.offsetHeight || element.getClientRects().length); }

    function render(result, append, q) {
      if (!append) list.textContent = "";
      var terms = wordRuns(q), firstNew = null;
      result.results.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "md-search-result__item";
        li.innerHTML =
          '<a class="md-search-result__link sb-search__link" href="' + escapeHtml(item.url) + '">' +
          '<article class="md-search-result__article md-typeset">' +
          '<h2 class="sb-search__title">' + highlight(item.title, terms) + "</h2>" +
          '<p class="sb-search__meta"><time datetime="' + escapeHtml(item.date) + '">' + escapeHtml(zhDate(item.date)) +
          "</time> · " + escapeHtml(item.section) + "</p>" +
          '<p class="sb-search__snippet">' + item.snippet_html + "</p></article></a>";
        list.appendChild(li);
        firstNew = firstNew || li.firstChild;
      });
      shown = list.children.length;
      if (!result.total) status.textContent = "没有找到与“" + q.trim() + "”相关的文章";
      else if (!result.exact) status.textContent = "相关文章很多，从最新的开始显示，已显示 " + shown + " 篇";
      else status.textContent = "找到 " + result.total + " 篇相关文章" + (result.total > shown ? "，已显示 " + shown + " 篇" : "");
      more.hidden = result.exact ? shown >= result.total : result.results.length === 0;
      return firstNew;
    }

    function search(q, append) {
      var mine = ++generation;
      current = q;
      if (!wordRuns(q).length) {
        list.textContent = "";
        more.hidden = true;
        status.textContent = q.trim() ? "请输入文字或数字" : "输入关键词，搜索本站文章";
        return Promise.resolve(null);
      }
      if (!append) status.textContent = "正在搜索…";
      return engine.search(q, {offset: append ? shown : 0, limit: 10}).then(function (result) {
        return mine === generation ? render(result, append, q) : null;
      }, function () {
        if (mine === generation) status.textContent = "搜索暂时不可用，请稍后再试";
        return null;
      });
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(function () { if (input.value !== current) search(input.value, false); }, 150);
    }

    function links() { return Array.prototype.slice.call(list.querySelectorAll("a")).concat(more.hidden ? [] : [more]); }

    input.addEventListener("focus", open);
    input.addEventListener("input", function (event) { if (!event.isComposing) schedule(); });
    input.addEventListener("compositionend", schedule);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () {
      clearTimeout(timer);
      setTimeout(function () { search("", false); input.focus(); });
    });
    more.addEventListener("click", function () {
      search(current, true).then(function (firstNew) { if (firstNew) firstNew.focus(); });
    });

    box.addEventListener("keydown", function (event) {
      if (event.isComposing) return;
      var items = links(), at = items.indexOf(document.activeElement);
      if (event.key === "Escape") {
        event.preventDefault();
        close();
        if (isVisible(input)) input.focus();
        else if (opener) opener.focus();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!items.length) return;
        event.preventDefault();
        var down = event.key === "ArrowDown";
        if (document.activeElement === input) (down ? items[0] : items[items.length - 1]).focus();
        else if (at >= 0) {
          var next = at + (down ? 1 : -1);
          if (next < 0 || next >= items.length) input.focus();
          else items[next].focus();
        }
      } else if (event.key === "Enter" && document.activeElement === input) {
        event.preventDefault();
        clearTimeout(timer);
        var q = input.value;
        (q === current ? Promise.resolve(null) : search(q, false)).then(function () {
          var first = list.querySelector("a");
          if (first) first.focus();
        });
      }
    });

    if (toggle) {
      toggle.addEventListener("change", function () { if (toggle.checked && document.activeElement !== input) input.focus(); });
    }
    if (opener) {
      // The header's magnifier (a button on phones, where the box itself is hidden).
      opener.addEventListener("click", function () { open(); input.focus(); });
    }
    document.addEventListener("keydown", function (event) {
      var target = event.target, typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        open();
        input.focus();
      }
    });
    // A click elsewhere closes the results (the click a label sends to the toggle itself aside).
    document.addEventListener("click", function (event) {
      var target = event.target;
      if (!toggle || !toggle.checked || target === toggle || box.contains(target)) return;
      if (target.closest && target.closest("label[for='__search'], [data-sb-search-open]")) return;
      close();
    });
    search("", false);
  }

  function zhDate(iso) {
    var parts = iso.split("-");
    return parts.length === 3 ? +parts[0] + "年" + +parts[1] + "月" + +parts[2] + "日" : iso;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})(typeof window !== "undefined" ? window : this);
