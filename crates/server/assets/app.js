// verbatim web UI: plain JavaScript, no build step. Every piece of data reaches the page
// through textContent or a text node (never as markup), and external links only when they
// are http(s) URLs.
"use strict";

const KINDS = ["direct", "mixed", "indirect", "according_to", "other"];
const ROLES = ["source", "cue", "content"];
const PAGE = 20;

// ---- DOM helpers ---------------------------------------------------------------------

/** An element with attributes and children (strings become text nodes). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return el;
}

const SVG = "http://www.w3.org/2000/svg";
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs || {})) el.setAttribute(name, String(value));
  return append(el, children);
}

/** `url` if it is an absolute http(s) URL, else null (no javascript: links from data). */
function safeUrl(url) {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch (_) {
    return null;
  }
}

function day(published) {
  return published ? published.slice(0, 10) : "";
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function kindLabel(kind) {
  return kind === "according_to" ? "according to" : kind;
}

// ---- API -----------------------------------------------------------------------------

async function api(path, params) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== null && v !== undefined && String(v).trim() !== "") query.set(k, String(v).trim());
  }
  const qs = query.toString();
  const response = await fetch(qs ? `${path}?${qs}` : path, { headers: { Accept: "application/json" } });
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
    const err = new Error(message);
    err.status = response.status;
    throw err;
  }
  return body;
}

// ---- page frame ----------------------------------------------------------------------

const main = () => document.getElementById("main");

function show(...children) {
  const m = main();
  m.replaceChildren();
  append(m, children);
}

function errorBox(err) {
  return h("p", { class: "error", role: "alert" }, err.message || String(err));
}

function setTitle(text) {
  document.title = text ? `${text} — verbatim` : "verbatim — who said what";
}

// ---- quote cards ---------------------------------------------------------------------

function speakerOf(q) {
  if (q.speaker && q.speaker_id) {
    return h("a", { class: "speaker", href: `/speakers/${q.speaker_id}` }, q.speaker);
  }
  const name = q.speaker || q.source_text || "unattributed";
  return h("span", { class: "speaker" }, name);
}

function quoteCard(q, options) {
  const opts = options || {};
  const link = safeUrl(q.url);
  const meta = h(
    "p",
    { class: "meta" },
    opts.noSpeaker ? null : speakerOf(q),
    q.resolved && q.resolved.description ? h("span", { class: "desc" }, q.resolved.description) : null,
    h("span", { class: `kind kind-${q.kind}` }, kindLabel(q.kind)),
    q.outlet ? h("span", { class: "outlet" }, q.outlet) : null,
    q.published ? h("time", { datetime: day(q.published) }, day(q.published)) : null
  );
  const links = h(
    "p",
    { class: "links" },
    h("a", { href: `/articles/${q.article}#a${q.index}` }, q.headline ? `Article: ${q.headline}` : "Article"),
    q.cluster ? h("a", { class: "cluster-link", href: `/clusters/${q.cluster}` }, q.altered ? "other outlets (this wording is altered)" : "other outlets") : null,
    link ? h("a", { class: "external", href: link, rel: "noopener noreferrer" }, "original ↗") : null
  );
  const cue = q.cue_text ? h("p", { class: "cue-line" }, h("span", { class: "label" }, "cue: "), q.cue_text) : null;
  // Decorative quote marks only around content that does not bring its own.
  const quoted = /^["“'‘«]/.test(q.content_text || "");
  return h("li", { class: "card" }, h("blockquote", { class: quoted ? "quote" : "quote marked" }, q.content_text), meta, cue, links);
}

function pager(page, hrefFor) {
  const prev = page.offset > 0 ? Math.max(0, page.offset - page.limit) : null;
  const next = page.next_offset;
  if (prev === null && (next === null || next === undefined)) return null;
  return h(
    "nav",
    { class: "pager", "aria-label": "pages" },
    prev !== null ? h("a", { href: hrefFor(prev), rel: "prev" }, "← previous") : h("span", {}),
    h("span", { class: "range" }, `${page.offset + 1}–${page.offset + page.items.length}`),
    next !== null && next !== undefined ? h("a", { href: hrefFor(next), rel: "next" }, "next →") : h("span", {})
  );
}

function withParam(params, name, value) {
  const p = new URLSearchParams(params);
  for (const key of [...p.keys()]) if (!p.get(key)) p.delete(key);
  if (value) p.set(name, String(value));
  else p.delete(name);
  const qs = p.toString();
  return qs ? `?${qs}` : "?";
}

// ---- search view ---------------------------------------------------------------------

function field(label, name, value, attrs) {
  const id = `f-${name}`;
  return h("div", { class: "field" }, h("label", { for: id }, label), h("input", Object.assign({ id, name, value: value || "" }, attrs || {})));
}

function select(label, name, value, options) {
  const id = `f-${name}`;
  const el = h("select", { id, name });
  for (const [v, text] of options) {
    const opt = h("option", { value: v }, text);
    if (v === (value || "")) opt.selected = true;
    el.appendChild(opt);
  }
  return h("div", { class: "field" }, h("label", { for: id }, label), el);
}

function searchForm(p) {
  return h(
    "form",
    { class: "search", method: "get", action: "/", role: "search" },
    h(
      "div",
      { class: "main-field" },
      h("label", { for: "f-q" }, "Words in the quote"),
      h("input", { id: "f-q", name: "q", type: "search", value: p.get("q") || "", placeholder: "e.g. recuse himself", autofocus: true, "aria-describedby": "f-q-hint" }),
      h("button", { type: "submit" }, "Search")
    ),
    h("p", { class: "hint", id: "f-q-hint" }, "Any word form matches (“tax return” finds “tax returns”). ", h("code", {}, "\"health care\""), " for an exact phrase, ", h("code", {}, "email OR server"), " for either, ", h("code", {}, "-Obamacare"), " to exclude."),
    h(
      "details",
      { class: "filters", open: ["speaker", "outlet", "kind", "since", "until", "sort"].some((k) => p.get(k)) },
      h("summary", {}, "Filters"),
      h(
        "div",
        { class: "grid" },
        field("Speaker", "speaker", p.get("speaker"), { placeholder: "e.g. Sessions" }),
        field("Outlet", "outlet", p.get("outlet")),
        select("Kind", "kind", p.get("kind"), [["", "any"]].concat(KINDS.map((k) => [k, kindLabel(k)]))),
        field("From", "since", p.get("since"), { placeholder: "YYYY-MM-DD", pattern: "\\d{4}(-\\d{2}(-\\d{2})?)?" }),
        field("Until", "until", p.get("until"), { placeholder: "YYYY-MM-DD", pattern: "\\d{4}(-\\d{2}(-\\d{2})?)?" }),
        select("Order", "sort", p.get("sort"), [["", "newest first"], ["relevance", "best match first"]])
      )
    )
  );
}

async function searchView() {
  const p = new URLSearchParams(location.search);
  const q = p.get("q");
  setTitle(q ? `“${q}”` : "");
  const results = h("section", { class: "results", "aria-live": "polite" }, h("p", { class: "loading" }, "Loading…"));
  const side = h("aside", { class: "side" });
  show(h("h1", { class: "visually-hidden" }, "Search quotes"), searchForm(p), h("div", { class: "columns" }, results, side));

  const params = {
    search: q,
    speaker: p.get("speaker"),
    outlet: p.get("outlet"),
    kind: p.get("kind"),
    since: p.get("since"),
    until: p.get("until"),
    sort: p.get("sort") === "relevance" && q ? "relevance" : null,
    limit: PAGE,
    offset: p.get("offset"),
  };
  const filtered = ["q", "speaker", "outlet", "kind", "since", "until"].some((k) => p.get(k));
  try {
    const page = await api("/api/quotes", params);
    const heading = filtered ? (page.items.length ? "Quotes found" : "No quotes found") : "Latest quotes";
    results.replaceChildren(
      h("h2", {}, heading),
      page.items.length ? h("ol", { class: "cards" }, page.items.map((item) => quoteCard(item))) : h("p", { class: "empty" }, filtered ? "Try fewer words or filters." : "The store is empty: run `verbatim ingest` first."),
      pager(page, (offset) => withParam(p, "offset", offset))
    );
  } catch (err) {
    results.replaceChildren(errorBox(err));
  }
  try {
    const speakers = await api("/api/speakers", { limit: 10 });
    if (speakers.items.length) {
      side.replaceChildren(
        h("h2", {}, "Most quoted"),
        h(
          "ol",
          { class: "top-speakers" },
          speakers.items.map((sp) => h("li", {}, h("a", { href: `/speakers/${sp.id}` }, sp.name), " ", h("span", { class: "count" }, String(sp.n_quotes))))
        )
      );
    }
  } catch (_) {
    side.replaceChildren();
  }
}

// ---- speaker view --------------------------------------------------------------------

function timelineChart(months, name) {
  if (!months.length) return h("p", { class: "empty" }, "No dated quotes.");
  const max = Math.max(...months.map((m) => m.quotes));
  // Up to a year: wide bars, each labelled; longer: narrow bars, first and last labelled.
  const few = months.length <= 12;
  const barW = few ? 44 : 14;
  const gap = 3;
  const height = 120;
  const width = Math.max(months.length * (barW + gap), 160);
  const svg = s("svg", {
    class: "timeline",
    viewBox: `0 0 ${width} ${height + 18}`,
    width: Math.min(width, 1000),
    height: height + 18,
    role: "img",
    "aria-label": `Quotes by ${name} per month, ${months[0].month} to ${months[months.length - 1].month}, at most ${max} in a month`,
    preserveAspectRatio: "xMinYMid meet",
  });
  months.forEach((m, i) => {
    const barH = max ? Math.round((m.quotes / max) * height) : 0;
    const x = i * (barW + gap);
    const bar = s("rect", { x, y: height - barH, width: barW, height: Math.max(barH, m.quotes ? 1 : 0), class: "bar" }, s("title", {}, `${m.month}: ${plural(m.quotes, "quote")}`));
    svg.appendChild(bar);
  });
  if (few) {
    months.forEach((m, i) => {
      svg.appendChild(s("text", { x: i * (barW + gap) + barW / 2, y: height + 14, class: "axis", "text-anchor": "middle" }, m.month));
    });
  } else {
    svg.appendChild(s("text", { x: 0, y: height + 14, class: "axis" }, months[0].month));
    const lastX = (months.length - 1) * (barW + gap) + barW;
    svg.appendChild(s("text", { x: lastX, y: height + 14, class: "axis", "text-anchor": "end" }, months[months.length - 1].month));
  }
  const table = h(
    "table",
    { class: "visually-hidden" },
    h("caption", {}, "Quotes per month"),
    h("tr", {}, h("th", { scope: "col" }, "month"), h("th", { scope: "col" }, "quotes")),
    months.map((m) => h("tr", {}, h("td", {}, m.month), h("td", {}, String(m.quotes))))
  );
  return h("figure", { class: "chart" }, svg, table, h("figcaption", {}, `Quotes per month (most: ${max})`));
}

async function speakerView(id) {
  show(h("p", { class: "loading" }, "Loading…"));
  const p = new URLSearchParams(location.search);
  let sp;
  try {
    sp = await api(`/api/speakers/${encodeURIComponent(id)}`);
  } catch (err) {
    setTitle("not found");
    show(errorBox(err));
    return;
  }
  setTitle(sp.name);
  const others = sp.aliases.filter((a) => a !== sp.name);
  const quotes = h("section", { class: "results" }, h("p", { class: "loading" }, "Loading…"));
  show(
    h("p", { class: "crumbs" }, h("a", { href: "/" }, "← search")),
    h("h1", {}, sp.name),
    h("p", { class: "meta" }, h("span", { class: "type" }, sp.type), `${plural(sp.n_quotes, "quote")} in ${plural(sp.n_articles, "article")}`, sp.undated ? ` (${sp.undated} undated)` : ""),
    others.length ? h("p", { class: "aliases" }, "Also named: ", others.join("; ")) : null,
    sp.roles && sp.roles.length
      ? h("p", { class: "roles" }, "Roles: ", sp.roles.map((r) => (r.first_day ? `${r.title} (${r.first_day}${r.last_day && r.last_day !== r.first_day ? ` to ${r.last_day}` : ""})` : r.title)).join("; "))
      : null,
    timelineChart(sp.timeline, sp.name),
    quotes
  );
  try {
    const page = await api("/api/quotes", { speaker_id: sp.id, limit: PAGE, offset: p.get("offset") });
    quotes.replaceChildren(
      h("h2", {}, "Quotes"),
      h("ol", { class: "cards" }, page.items.map((item) => quoteCard(item, { noSpeaker: true }))),
      pager(page, (offset) => withParam(p, "offset", offset))
    );
  } catch (err) {
    quotes.replaceChildren(errorBox(err));
  }
}

// ---- article view --------------------------------------------------------------------

/**
 * The article text as nodes, with every attribution span in a <mark class="source|cue|content">.
 * Spans are code-point offsets; where spans overlap, cue wins over source over content.
 */
function markedText(text, attributions) {
  const chars = Array.from(text);
  const n = chars.length;
  const spans = [];
  attributions.forEach((a, i) => {
    for (const role of ROLES) {
      for (const [start, end] of a[role] || []) {
        const st = Math.max(0, Math.min(n, start));
        const en = Math.max(st, Math.min(n, end));
        if (en > st) spans.push({ start: st, end: en, role, i });
      }
    }
  });
  const cuts = new Set([0, n]);
  for (const sp of spans) {
    cuts.add(sp.start);
    cuts.add(sp.end);
  }
  const points = [...cuts].sort((x, y) => x - y);
  const rank = { cue: 0, source: 1, content: 2 };
  const seen = new Set();
  const nodes = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k];
    const b = points[k + 1];
    const piece = chars.slice(a, b).join("");
    const covering = spans.filter((sp) => sp.start <= a && sp.end >= b);
    if (!covering.length) {
      nodes.push(document.createTextNode(piece));
      continue;
    }
    covering.sort((x, y) => rank[x.role] - rank[y.role] || x.i - y.i);
    const top = covering[0];
    const attr = attributions[top.i];
    const who = attr.speaker || attr.source_text;
    const mark = h("mark", { class: top.role, "data-attribution": top.i + 1, title: `${top.role} of attribution ${top.i + 1}${who ? ` (${who})` : ""}` }, piece);
    if (!seen.has(top.i)) {
      seen.add(top.i);
      mark.id = `a${attr.index}`;
    }
    nodes.push(mark);
  }
  return nodes;
}

function legend() {
  return h(
    "ul",
    { class: "legend", "aria-label": "legend" },
    h("li", {}, h("mark", { class: "source" }, "source"), " who"),
    h("li", {}, h("mark", { class: "cue" }, "cue"), " the reporting words"),
    h("li", {}, h("mark", { class: "content" }, "content"), " what was said")
  );
}

function attributionList(a) {
  return h(
    "ol",
    { class: "attributions" },
    a.map((q) =>
      h(
        "li",
        {},
        h("a", { href: `#a${q.index}` }, q.speaker || q.source_text || "unattributed"),
        " ",
        h("span", { class: `kind kind-${q.kind}` }, kindLabel(q.kind)),
        q.speaker_id ? h("a", { class: "more", href: `/speakers/${q.speaker_id}` }, "all quotes") : null,
        q.cluster ? h("a", { class: "more", href: `/clusters/${q.cluster}` }, "other outlets") : null,
        h("p", { class: "excerpt" }, q.content_text)
      )
    )
  );
}

async function articleView(id) {
  show(h("p", { class: "loading" }, "Loading…"));
  let a;
  try {
    a = await api(`/api/articles/${encodeURIComponent(id)}`);
  } catch (err) {
    setTitle("not found");
    show(errorBox(err));
    return;
  }
  setTitle(a.headline || a.key);
  const link = safeUrl(a.url);
  show(
    h("p", { class: "crumbs" }, h("a", { href: "/" }, "← search")),
    h("h1", {}, a.headline || a.key),
    h(
      "p",
      { class: "meta" },
      a.outlet ? h("span", { class: "outlet" }, a.outlet) : null,
      a.published ? h("time", { datetime: day(a.published) }, day(a.published)) : null,
      a.byline ? h("span", { class: "byline" }, a.byline) : null,
      link ? h("a", { class: "external", href: link, rel: "noopener noreferrer" }, "original ↗") : null
    ),
    h("h2", {}, plural(a.attributions.length, "attribution")),
    legend(),
    h("div", { class: "article-text" }, markedText(a.text, a.attributions)),
    a.attributions.length ? h("h2", {}, "Who said what") : null,
    attributionList(a.attributions)
  );
  if (location.hash) {
    const target = document.getElementById(location.hash.slice(1));
    if (target) {
      target.classList.add("target");
      target.scrollIntoView({ block: "center" });
    }
  }
}

// ---- quote cluster view --------------------------------------------------------------

/** A member's wording with its differences from the reference marked. */
function diffWords(pieces) {
  const out = [];
  for (const p of pieces) {
    if (out.length) out.push(" ");
    if (p.op === "added") out.push(h("ins", { title: "not in the reference wording" }, p.text));
    else if (p.op === "removed") out.push(h("del", { title: "dropped from the middle" }, p.text));
    else if (p.op === "trimmed") out.push(h("span", { class: "trimmed", title: "trimmed (not a change)" }, `…${p.text}…`));
    else if (p.op === "extra") out.push(h("span", { class: "extra", title: "beyond the reference wording (a longer version)" }, p.text));
    else out.push(p.text);
  }
  return out;
}

async function clusterView(id) {
  show(h("p", { class: "loading" }, "Loading…"));
  let c;
  try {
    c = await api(`/api/clusters/${encodeURIComponent(id)}`);
  } catch (err) {
    setTitle("not found");
    show(errorBox(err));
    return;
  }
  setTitle(c.text);
  const first = c.members.find((m) => m.article === c.earliest);
  const altered = c.members.filter((m) => m.altered).length;
  const ties = c.earliest_ties || [];
  const tied = (m) => m.article === c.earliest || ties.includes(m.article);
  const by = (m) => `${m.outlet || "an unnamed outlet"}${m.published ? `, ${m.published}` : ""}`;
  let firstLine = null;
  if (first && ties.length) {
    const others = ties.map((a) => c.members.find((m) => m.article === a)).filter(Boolean);
    firstLine = h("span", { class: "tie" }, `first published: a tie between ${[first].concat(others).map(by).join(" and ")} (the same day, and a date without a time cannot be ordered)`);
  } else if (first) {
    firstLine = h("span", {}, `first published by ${by(first)}`);
  }
  const credits = c.disputed
    ? h(
        "section",
        { class: "credits" },
        h("h2", {}, "Disputed: outlets credit this to different speakers"),
        h(
          "ul",
          {},
          c.credits.map((cr) =>
            h(
              "li",
              {},
              h("a", { class: "speaker", href: `/speakers/${cr.speaker_id}` }, cr.speaker),
              ` (${cr.speaker_type}), according to `,
              cr.outlets.length ? cr.outlets.join(", ") : cr.articles.map((a) => `article ${a}`).join(", ")
            )
          )
        )
      )
    : null;
  show(
    h("p", { class: "crumbs" }, h("a", { href: "/" }, "← search")),
    h("h1", {}, "One statement, ", plural(new Set(c.members.map((m) => m.article)).size, "article")),
    h("blockquote", { class: "quote statement" }, c.text),
    h(
      "p",
      { class: "meta" },
      c.speaker_id ? h("a", { class: "speaker", href: `/speakers/${c.speaker_id}` }, c.speaker) : h("span", { class: "speaker" }, c.speaker || "speaker not resolved"),
      c.disputed ? h("span", { class: "disputed" }, "disputed") : null,
      firstLine,
      altered ? h("span", { class: "altered" }, `${plural(altered, "altered wording")}`) : h("span", {}, "no altered wording")
    ),
    credits,
    h("p", { class: "legend-line" }, "Marks: ", h("ins", {}, "added"), " ", h("del", {}, "dropped"), " ", h("span", { class: "trimmed" }, "…trimmed…"), " ", h("span", { class: "extra" }, "longer version")),
    h(
      "ol",
      { class: "cards members" },
      c.members.map((m) =>
        h(
          "li",
          { class: m.altered ? "card altered-card" : "card" },
          h("blockquote", { class: "quote marked" }, diffWords(m.diff)),
          h(
            "p",
            { class: "meta" },
            m.outlet ? h("span", { class: "outlet" }, m.outlet) : null,
            m.published ? h("time", { datetime: m.published }, m.published) : null,
            tied(m) ? h("span", { class: "earliest" }, ties.length ? "earliest (tie)" : "earliest") : null,
            m.altered ? h("span", { class: "altered" }, "altered") : null
          ),
          h("p", { class: "links" }, h("a", { href: `/articles/${m.article}` }, m.headline ? `Article: ${m.headline}` : "Article"))
        )
      )
    )
  );
}

// ---- routing -------------------------------------------------------------------------

function route() {
  const path = location.pathname;
  let m;
  if (path === "/" || path === "") return searchView();
  if ((m = path.match(/^\/speakers\/([^/]+)\/?$/))) return speakerView(decodeURIComponent(m[1]));
  if ((m = path.match(/^\/articles\/([^/]+)\/?$/))) return articleView(decodeURIComponent(m[1]));
  if ((m = path.match(/^\/clusters\/([^/]+)\/?$/))) return clusterView(decodeURIComponent(m[1]));
  setTitle("not found");
  show(h("p", { class: "error", role: "alert" }, "No such page."), h("p", {}, h("a", { href: "/" }, "Search quotes")));
  return null;
}

document.addEventListener("DOMContentLoaded", () => {
  const done = route();
  if (done && done.catch) done.catch((err) => show(errorBox(err)));
});
