// Runs site_builder/search/search.js in Node for the tests (tests/test_search*.py):
//   node search_node.js analyse FIXTURE.json        → {"mismatches": [...]}
//   node search_node.js query SITE_DIR QUERY [OFFSET] → the query's result, and the files it fetched
//   node search_node.js queries SITE_DIR FILE.json    → the first page of each query (fresh clients)
//   node search_node.js pages SITE_DIR QUERY          → every page of a query, read one after another
// SEARCH_COUNT_BUDGET (bytes) overrides the client's budget for exact counts.
// The client's fetch is a shim that reads SITE_DIR/search/, so the engine runs exactly as in a browser.
"use strict";
const fs = require("fs");
const path = require("path");
const search = require("../../site_builder/search/search.js");

function analyseFixture(fixture) {
  const mismatches = [];
  for (const c of JSON.parse(fs.readFileSync(fixture, "utf8")).cases) {
    const terms = search.analyse(c.text);
    const got = {
      runs: search.wordRuns(c.text),
      characters: Array.from(terms.characters).sort(),
      bigrams: Object.fromEntries(Array.from(terms.bigrams.entries()).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))),
    };
    const expected = {runs: c.runs, characters: c.characters.slice().sort(), bigrams: c.bigrams};
    for (const key of Object.keys(expected)) {
      if (JSON.stringify(got[key]) !== JSON.stringify(expected[key])) {
        mismatches.push({text: c.text, key, expected: expected[key], got: got[key]});
      }
    }
  }
  const {hashes} = JSON.parse(fs.readFileSync(fixture, "utf8"));
  for (const [term, expected] of Object.entries(hashes)) {
    if (search.termHash(term) !== expected) mismatches.push({text: term, key: "hash", expected, got: search.termHash(term)});
  }
  return {mismatches};
}

const versions = new Set();
// The `v` of every file the client asked for but meta.json: the index's `build`, so that a browser
// never mixes a fresh meta.json with shards of an earlier build.

function engineFor(siteDir, fetched) {
  const base = "http://site.test/search/";
  const budget = process.env.SEARCH_COUNT_BUDGET;
  return search.createEngine(base, async (url, kind) => {
    const relative = decodeURIComponent(new URL(url).pathname).replace(/^\/search\//, "");
    fetched.push(relative);
    if (relative !== "meta.json") versions.add(new URL(url).searchParams.get("v"));
    const data = fs.readFileSync(path.join(siteDir, "search", relative));
    return kind === "json" ? JSON.parse(data.toString("utf8")) : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  }, budget === undefined ? {} : {countBudget: Number(budget)});
}

async function query(siteDir, q, offset, limit) {
  const fetched = [];
  const result = await engineFor(siteDir, fetched).query(q, {offset, limit});
  return {total: result.total, results: result.results, fetched, versions: Array.from(versions)};
}

async function pages(siteDir, q) {
  const fetched = [], engine = engineFor(siteDir, fetched), answers = [];
  for (let offset = 0; ; offset += 10) {
    const answer = await engine.search(q, {offset, limit: 10});
    answers.push({total: answer.total, exact: answer.exact, titles: answer.results.map((r) => r.title)});
    if (!answer.results.length) break;
  }
  return {answers, fetched};
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  let output;
  if (command === "analyse") output = analyseFixture(args[0]);
  else if (command === "pages") output = await pages(args[0], args[1]);
  else if (command === "query") output = await query(args[0], args[1], Number(args[2] || 0), Number(args[3] || 10));
  else if (command === "queries") {
    // queries SITE_DIR FILE.json: run each query of the JSON list on a fresh engine.
    output = [];
    for (const q of JSON.parse(fs.readFileSync(args[1], "utf8"))) output.push(await query(args[0], q, 0, 10));
  } else throw new Error("unknown command " + command);
  process.stdout.write(JSON.stringify(output));
}

main().catch((error) => { console.error(error && error.stack || error); process.exit(1); });
