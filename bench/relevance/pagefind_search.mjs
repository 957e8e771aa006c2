// Pagefind for sokbo's relevance benchmark (driven by engine_pagefind.py).
//
//   node pagefind_search.mjs build <pages.jsonl> <bundle dir>
//       Index the pages ({"url", "html"} per line) with Pagefind's Node API; write the bundle.
//   node pagefind_search.mjs search <bundle dir>
//       Load the bundle's own pagefind.js (the browser's search code, which runs in Node since
//       Pagefind 1.4) and answer one JSON query per stdin line, {"q", "accepted": [url]}, with
//       {"urls": [url in rank order], "ms"}. Only the search() call is timed; a result's URL
//       (its fragment) is loaded afterwards, and only until an accepted URL is found.

import { readFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const MAX_RANK = 1000;
const BATCH = 64;

async function build(pagesFile, bundleDir) {
  const pagefind = await import("pagefind");
  const { index, errors } = await pagefind.createIndex({ forceLanguage: "ko" });
  if (errors.length) throw new Error(errors.join("; "));
  const pages = (await readFile(pagesFile, "utf8")).split("\n").filter(Boolean).map((line) => JSON.parse(line));
  for (let i = 0; i < pages.length; i += BATCH) {
    const added = await Promise.all(pages.slice(i, i + BATCH).map(({ url, html }) => index.addHTMLFile({ url, content: html })));
    const failed = added.flatMap((r) => r.errors);
    if (failed.length) throw new Error(failed.join("; "));
  }
  const written = await index.writeFiles({ outputPath: bundleDir });
  if (written.errors.length) throw new Error(written.errors.join("; "));
  await pagefind.close();
}

async function search(bundleDir) {
  // pagefind.js fetches its index chunks next to itself: here they are files, read from disk.
  const fetchOnline = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.startsWith("file:")) return fetchOnline(input, init);
    return new Response(await readFile(fileURLToPath(url.split("?")[0])));
  };
  console.log = console.error; // stdout carries the answers only
  const pagefind = await import(pathToFileURL(path.resolve(bundleDir, "pagefind.js")).href);
  await pagefind.options({ baseUrl: "/" }); // else URLs are prefixed with the bundle's file: path
  await pagefind.init();
  const urlOf = new Map(); // result id → page URL, each fragment loaded once
  for await (const line of createInterface({ input: process.stdin })) {
    const { q, accepted } = JSON.parse(line);
    const wanted = new Set(accepted);
    const started = performance.now();
    const found = await pagefind.search(q);
    const ms = performance.now() - started;
    const urls = [];
    for (const result of (found?.results ?? []).slice(0, MAX_RANK)) {
      if (!urlOf.has(result.id)) urlOf.set(result.id, (await result.data()).url);
      urls.push(urlOf.get(result.id));
      if (wanted.has(urls.at(-1))) break;
    }
    process.stdout.write(JSON.stringify({ urls, ms }) + "\n");
  }
}

const [mode, ...args] = process.argv.slice(2);
if (mode === "build" && args.length === 2) await build(...args);
else if (mode === "search" && args.length === 1) await search(...args);
else {
  console.error("usage: pagefind_search.mjs build <pages.jsonl> <bundle dir> | search <bundle dir>");
  process.exit(2);
}
