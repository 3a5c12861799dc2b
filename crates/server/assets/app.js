// verbatim web UI: plain JavaScript, no build step. Every piece of data reaches the page
// through textContent or a text node (never as markup), and external links only when they
// are http(s) URLs.
"use strict";

const KINDS = ["direct", "mixed", "indirect", "according_to", "other"];
/** What a cue reports; the quote list shows speech and writing unless asked otherwise. */
const CUE_CLASSES = ["speech", "writing", "thought", "intention", "evidence", "other"];
const DEFAULT_CUE_CLASSES = "speech,writing";

/** The cue classes to ask the API for: the default statements, every class ("all"), or one. */
function cueClasses(p) {
  const v = p.get("cue_class");
  if (!v) return DEFAULT_CUE_CLASSES;
  return v === "all" ? null : v;
}
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

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/**
 * A stored date or timestamp for people: "3 March 2017", or "3 March 2017, 08:30 (UTC+05:30)"
 * in the zone the article gave (never converted), "(no time zone given)" when it gave none.
 */
function readableDate(published) {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?/.exec(published || "");
  if (!m) return published || "";
  const [, y, mo, d, hh, mm, zone] = m;
  const month = mo ? MONTHS[Number(mo) - 1] : null;
  let text = d && month ? `${Number(d)} ${month} ${y}` : month ? `${month} ${y}` : y;
  if (hh) {
    const tz = zone === undefined ? "no time zone given" : zone === "Z" || /^[+-]00:?00$/.test(zone) ? "UTC" : `UTC${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
    text += `, ${hh}:${mm} (${tz})`;
  }
  return text;
}

/** A <time> element showing `published` readably, machine-readable in `datetime`. */
function timeEl(published) {
  return published ? h("time", { datetime: published, title: published }, readableDate(published)) : null;
}

/** Replaces the children of `el`, skipping null (replaceChildren would print "null"). */
function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Outlet display names by stored outlet, loaded once. */
let outletList = null;
async function outlets() {
  if (!outletList) {
    outletList = api("/api/outlets")
      .then((list) => {
        outletNames = new Map(list.map((o) => [o.outlet, o.name]));
        return list;
      })
      .catch(() => []);
  }
  return outletList;
}
let outletNames = new Map();
function outletName(outlet) {
  return outletNames.get(outlet) || outlet;
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

/** How the speaker of `q` was inferred ("pronoun"), or null when the source named them. */
function inferredVia(q) {
  const via = q.resolved && q.resolved.via;
  return via && via !== "name" && via !== "none" && q.speaker && q.source_text ? via : null;
}

/** "found by pronoun, confidence 0.78": the detail line of an inferred speaker. */
function provenanceText(r) {
  const parts = [`found by ${r.via}`];
  if (r.confidence !== null && r.confidence !== undefined) parts.push(`confidence ${r.confidence.toFixed(2)}`);
  return parts.join(", ");
}

/**
 * The speaker of `q`, linked to their page. A speaker inferred from anything but a name in
 * the source shows as inferred: the source's words, an arrow, the name ("he → Donald
 * Trump"), with how it was found and the confidence on hover.
 */
function speakerOf(q) {
  const name =
    q.speaker && q.speaker_id
      ? h("a", { class: "speaker", href: `/speakers/${q.speaker_id}` }, q.speaker)
      : h("span", { class: "speaker" }, q.speaker || q.source_text || "unattributed");
  if (!inferredVia(q)) return name;
  return h("span", { class: "inferred", title: provenanceText(q.resolved) }, h("span", { class: "source-words" }, q.source_text), " → ", name);
}

/**
 * The content of an attribution as a reader must see it: a direct quote in quote marks (its
 * own, or added), a mixed quote as written (only its quoted words carry marks), and anything
 * else as paraphrase, never in quote marks.
 */
function contentBlock(kind, text, extraClass) {
  const cls = extraClass ? ` ${extraClass}` : "";
  if (kind === "direct") {
    const own = /^["“'‘«]/.test(text || "");
    return h("blockquote", { class: `quote direct${own ? "" : " marked"}${cls}` }, text);
  }
  if (kind === "mixed") return h("blockquote", { class: `quote mixed${cls}` }, text);
  return h("p", { class: `paraphrase${cls}` }, h("span", { class: "label" }, "paraphrase: "), text);
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
    q.cue_class && q.cue_class !== "speech" ? h("span", { class: `cue-class cue-${q.cue_class}` }, q.cue_class) : null,
    q.outlet ? h("span", { class: "outlet" }, outletName(q.outlet)) : null,
    timeEl(q.published)
  );
  const links = h(
    "p",
    { class: "links" },
    h("a", { class: "permalink", href: `/quotes/${q.id}` }, "permalink"),
    h("a", { href: `/articles/${q.article}#a${q.index}` }, q.headline ? `Article: ${q.headline}` : "Article"),
    q.cluster ? h("a", { class: "cluster-link", href: `/clusters/${q.cluster}` }, q.altered ? "other outlets (this wording is altered)" : "other outlets") : null,
    link ? h("a", { class: "external", href: link, rel: "noopener noreferrer" }, "original ↗") : null
  );
  const cue = q.cue_text ? h("p", { class: "cue-line" }, h("span", { class: "label" }, "cue: "), q.cue_text) : null;
  return h("li", { class: "card" }, contentBlock(q.kind, q.content_text), meta, cue, links);
}

function pager(page, hrefFor) {
  const prev = page.offset > 0 ? Math.max(0, page.offset - page.limit) : null;
  const next = page.next_offset;
  if (prev === null && (next === null || next === undefined)) return null;
  return h(
    "nav",
    { class: "pager", "aria-label": "pages" },
    prev !== null ? h("a", { href: hrefFor(prev), rel: "prev" }, "← previous") : h("span", {}),
    h("span", { class: "range" }, page.items.length ? `${page.offset + 1}–${page.offset + page.items.length} of ${page.total}` : `none of ${page.total} here`),
    next !== null && next !== undefined ? h("a", { href: hrefFor(next), rel: "next" }, "next →") : h("span", {})
  );
}

/** "12 quotes" (or "showing 1–20 of 312 quotes") for a result page. */
function totalLine(page, noun) {
  const total = page.total || 0;
  const text = total > page.items.length && page.items.length ? `${plural(total, noun)} in all; showing ${page.offset + 1}–${page.offset + page.items.length}` : plural(total, noun);
  return h("p", { class: "total", role: "status" }, text);
}

/** The largest page the server gives (its default max_page_size). */
const DOWNLOAD_LIMIT = 500;

/** Links that download the current query (the API with the same filters) as CSV and JSON. */
function downloads(path, params, page, noun) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (k === "limit" || k === "offset") continue;
    if (v !== null && v !== undefined && String(v).trim() !== "") query.set(k, String(v).trim());
  }
  query.set("limit", String(DOWNLOAD_LIMIT));
  const base = `${path}?${query.toString()}`;
  const some = page.total > DOWNLOAD_LIMIT ? ` (the first ${DOWNLOAD_LIMIT} of ${page.total})` : "";
  return h(
    "p",
    { class: "downloads" },
    `Download these ${noun}${some}: `,
    h("a", { class: "download-csv", href: `${base}&format=csv`, download: `${noun}.csv` }, "CSV"),
    " ",
    h("a", { class: "download-json", href: `${base}&format=json`, download: `${noun}.json` }, "JSON")
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
    el.appendChild(h("option", { value: v, selected: v === (value || "") }, text));
  }
  return h("div", { class: "field" }, h("label", { for: id }, label), el);
}

/** The outlet filter: a list of the store's outlets under the names they call themselves. */
function outletSelect(value, list) {
  const options = [["", "any"]].concat(list.map((o) => [o.outlet, `${o.name} (${o.n_articles})`]));
  if (value && !list.some((o) => o.outlet === value)) options.push([value, value]);
  return select("Outlet", "outlet", value, options);
}

function dayField(label, name, value) {
  return field(label, name, value, { placeholder: "YYYY-MM-DD", pattern: "\\d{4}(-\\d{2}(-\\d{2})?)?", title: "a year, YYYY-MM or YYYY-MM-DD" });
}

function searchForm(p, outletOptions) {
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
      { class: "filters", open: ["speaker", "outlet", "kind", "cue_class", "since", "until", "sort"].some((k) => p.get(k)) },
      h("summary", {}, "Filters"),
      h(
        "div",
        { class: "grid" },
        field("Speaker", "speaker", p.get("speaker"), { placeholder: "e.g. Sessions" }),
        outletSelect(p.get("outlet"), outletOptions),
        select("Kind", "kind", p.get("kind"), [["", "any"]].concat(KINDS.map((k) => [k, kindLabel(k)]))),
        select("Reported as", "cue_class", p.get("cue_class"), [["", "said or written"], ["all", "anything (beliefs, plans, findings too)"]].concat(CUE_CLASSES.map((c) => [c, c]))),
        dayField("From", "since", p.get("since")),
        dayField("Until", "until", p.get("until")),
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
  show(h("h1", { class: "visually-hidden" }, "Search quotes"), searchForm(p, await outlets()), h("div", { class: "columns" }, results, side));

  const params = {
    search: q,
    speaker: p.get("speaker"),
    outlet: p.get("outlet"),
    kind: p.get("kind"),
    cue_class: cueClasses(p),
    since: p.get("since"),
    until: p.get("until"),
    sort: p.get("sort") === "relevance" && q ? "relevance" : null,
    limit: PAGE,
    offset: p.get("offset"),
  };
  const filtered = ["q", "speaker", "outlet", "kind", "cue_class", "since", "until"].some((k) => p.get(k));
  try {
    const page = await api("/api/quotes", params);
    const heading = filtered ? (page.total ? "Quotes found" : "No quotes found") : "Latest quotes";
    fill(
      results,
      h("h2", {}, heading),
      totalLine(page, "quote"),
      page.total ? downloads("/api/quotes", params, page, "quotes") : null,
      page.items.length ? h("ol", { class: "cards" }, page.items.map((item) => quoteCard(item))) : h("p", { class: "empty" }, filtered ? "Try fewer words or filters." : "The store is empty: run `verbatim ingest` first."),
      pager(page, (offset) => withParam(p, "offset", offset))
    );
  } catch (err) {
    fill(results, errorBox(err));
  }
  try {
    const speakers = await api("/api/speakers", { limit: 10 });
    if (speakers.items.length) {
      fill(
        side,
        h("h2", {}, "Most quoted"),
        h(
          "ol",
          { class: "top-speakers" },
          speakers.items.map((sp) => h("li", {}, h("a", { href: `/speakers/${sp.id}` }, sp.name), " ", h("span", { class: "count" }, String(sp.n_quotes))))
        ),
        h("p", {}, h("a", { href: "/speakers" }, `All ${plural(speakers.total, "speaker")} →`))
      );
    }
  } catch (_) {
    fill(side);
  }
}

// ---- speaker view --------------------------------------------------------------------

/** "Mar 2017" for "2017-03". */
function shortMonth(ym) {
  const [y, m] = ym.split("-");
  return `${MONTHS[Number(m) - 1].slice(0, 3)} ${y}`;
}

/** Quotes per month as a bar chart with a labelled count axis and month axis. */
function timelineChart(months, name) {
  if (!months.length) return h("p", { class: "empty" }, "No dated quotes.");
  const max = Math.max(...months.map((m) => m.quotes));
  const few = months.length <= 12;
  const barW = few ? 48 : 14;
  const gap = 4;
  const left = 34;
  const top = 16;
  const height = 120;
  const bottom = 34;
  const width = left + Math.max(months.length * (barW + gap), 160);
  const svg = s("svg", {
    class: "timeline",
    viewBox: `0 0 ${width} ${top + height + bottom}`,
    width: Math.min(width, 1000),
    height: top + height + bottom,
    role: "img",
    "aria-label": `Quotes by ${name} per month, ${shortMonth(months[0].month)} to ${shortMonth(months[months.length - 1].month)}, at most ${max} in a month`,
    preserveAspectRatio: "xMinYMid meet",
  });
  // The count axis: 0, the middle and the maximum, with grid lines.
  const ticks = [...new Set([0, Math.round(max / 2), max])];
  for (const t of ticks) {
    const y = top + height - (max ? (t / max) * height : 0);
    svg.appendChild(s("line", { x1: left - 4, x2: width, y1: y, y2: y, class: "grid-line" }));
    svg.appendChild(s("text", { x: left - 6, y: y + 3, class: "axis", "text-anchor": "end" }, String(t)));
  }
  svg.appendChild(s("text", { x: 0, y: 10, class: "axis axis-title" }, "quotes"));
  // Month labels: every month up to a year, else each January and the first and last month.
  const labelled = (i) => few || i === 0 || i === months.length - 1 || months[i].month.endsWith("-01");
  months.forEach((m, i) => {
    const barH = max ? Math.round((m.quotes / max) * height) : 0;
    const x = left + i * (barW + gap);
    svg.appendChild(s("rect", { x, y: top + height - barH, width: barW, height: Math.max(barH, m.quotes ? 1 : 0), class: "bar" }, s("title", {}, `${shortMonth(m.month)}: ${plural(m.quotes, "quote")}`)));
    if (few && m.quotes) svg.appendChild(s("text", { x: x + barW / 2, y: top + height - barH - 3, class: "axis count-label", "text-anchor": "middle" }, String(m.quotes)));
    if (labelled(i)) {
      const anchor = few ? "middle" : i === months.length - 1 ? "end" : "start";
      const lx = few ? x + barW / 2 : i === months.length - 1 ? x + barW : x;
      svg.appendChild(s("text", { x: lx, y: top + height + 14, class: "axis month-label", "text-anchor": anchor }, shortMonth(m.month)));
    }
  });
  svg.appendChild(s("line", { x1: left, x2: width, y1: top + height, y2: top + height, class: "base-line" }));
  svg.appendChild(s("text", { x: left, y: top + height + 30, class: "axis axis-title" }, "month of publication"));
  const table = h(
    "table",
    { class: "visually-hidden" },
    h("caption", {}, "Quotes per month"),
    h("tr", {}, h("th", { scope: "col" }, "month"), h("th", { scope: "col" }, "quotes")),
    months.map((m) => h("tr", {}, h("td", {}, m.month), h("td", {}, String(m.quotes))))
  );
  return h("figure", { class: "chart" }, svg, table, h("figcaption", {}, `Quotes by ${name} per month of publication (most in one month: ${max})`));
}

/** The speaker page's quote filters: words and dates. */
function speakerQuoteForm(id, p) {
  return h(
    "form",
    { class: "search speaker-filter", method: "get", action: `/speakers/${id}`, role: "search" },
    h("div", { class: "grid" }, field("Words in the quote", "q", p.get("q"), { type: "search", placeholder: "e.g. recuse" }), dayField("From", "since", p.get("since")), dayField("Until", "until", p.get("until")), h("div", { class: "field submit" }, h("button", { type: "submit" }, "Filter")))
  );
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
    h("p", { class: "crumbs" }, h("a", { href: "/speakers" }, "← all speakers")),
    h("h1", {}, sp.name),
    h("p", { class: "meta" }, h("span", { class: "type" }, sp.type), `${plural(sp.n_quotes, "quote")} in ${plural(sp.n_articles, "article")}`, sp.undated ? ` (${sp.undated} undated)` : ""),
    others.length ? h("p", { class: "aliases" }, "Also named: ", others.join("; ")) : null,
    sp.roles && sp.roles.length
      ? h("p", { class: "roles" }, "Roles: ", sp.roles.map((r) => (r.first_day ? `${r.title} (${readableDate(r.first_day)}${r.last_day && r.last_day !== r.first_day ? ` to ${readableDate(r.last_day)}` : ""})` : r.title)).join("; "))
      : null,
    timelineChart(sp.timeline, sp.name),
    h("h2", {}, "Quotes"),
    speakerQuoteForm(sp.id, p),
    quotes
  );
  const params = { speaker_id: sp.id, search: p.get("q"), since: p.get("since"), until: p.get("until"), limit: PAGE, offset: p.get("offset") };
  try {
    const page = await api("/api/quotes", params);
    fill(
      quotes,
      totalLine(page, "quote"),
      page.total ? downloads("/api/quotes", params, page, "quotes") : null,
      page.items.length ? h("ol", { class: "cards" }, page.items.map((item) => quoteCard(item, { noSpeaker: true }))) : h("p", { class: "empty" }, "No quote of this speaker matches."),
      pager(page, (offset) => withParam(p, "offset", offset))
    );
  } catch (err) {
    fill(quotes, errorBox(err));
  }
}

// ---- index pages ---------------------------------------------------------------------

const SPEAKER_TYPES = ["person", "organization", "group", "anonymous", "document", "unknown"];

/**
 * An index page: a filter form from `fields`, then the API's page at `path` as a table.
 * `columns` are [heading, (row) => cell] pairs.
 */
async function indexView(opts) {
  const p = new URLSearchParams(location.search);
  setTitle(opts.title);
  const list = await outlets();
  const results = h("section", { class: "results", "aria-live": "polite" }, h("p", { class: "loading" }, "Loading…"));
  show(
    h("h1", {}, opts.title),
    h("form", { class: "search index-filter", method: "get", action: opts.route, role: "search" }, h("div", { class: "grid" }, opts.fields(p, list), h("div", { class: "field submit" }, h("button", { type: "submit" }, "Show")))),
    results
  );
  const params = Object.assign(opts.params(p), { limit: PAGE, offset: p.get("offset") });
  try {
    const page = await api(opts.path, params);
    fill(
      results,
      totalLine(page, opts.noun),
      page.total ? downloads(opts.path, params, page, `${opts.noun}s`) : null,
      page.items.length
        ? h(
            "table",
            { class: `index ${opts.noun}-index` },
            h("thead", {}, h("tr", {}, opts.columns.map(([label]) => h("th", { scope: "col" }, label)))),
            h("tbody", {}, page.items.map((row) => h("tr", {}, opts.columns.map(([label, cell]) => h("td", { "data-label": label }, cell(row))))))
          )
        : h("p", { class: "empty" }, `No ${opts.noun}s match.`),
      pager(page, (offset) => withParam(p, "offset", offset))
    );
  } catch (err) {
    fill(results, errorBox(err));
  }
}

function speakersIndex() {
  return indexView({
    title: "Speakers",
    route: "/speakers",
    path: "/api/speakers",
    noun: "speaker",
    fields: (p, list) => [
      field("Name", "name", p.get("name"), { placeholder: "e.g. Sessions" }),
      select("Type", "type", p.get("type"), [["", "any"]].concat(SPEAKER_TYPES.map((t) => [t, t]))),
      outletSelect(p.get("outlet"), list),
      dayField("Quoted from", "since", p.get("since")),
      dayField("Quoted until", "until", p.get("until")),
      select("Order", "sort", p.get("sort"), [["", "most quoted first"], ["name", "by name"], ["recent", "most recently quoted first"]]),
    ],
    params: (p) => ({ name: p.get("name"), type: p.get("type"), outlet: p.get("outlet"), since: p.get("since"), until: p.get("until"), sort: p.get("sort") }),
    columns: [
      ["Speaker", (r) => h("a", { class: "speaker", href: `/speakers/${r.id}` }, r.name)],
      ["Type", (r) => h("span", { class: "type" }, r.kind || r.type)],
      ["Quotes", (r) => String(r.n_quotes)],
      ["Articles", (r) => String(r.n_articles)],
      ["First quoted", (r) => timeEl(r.first_day) || "undated"],
      ["Last quoted", (r) => timeEl(r.last_day) || "undated"],
    ],
  });
}

function articlesIndex() {
  return indexView({
    title: "Articles",
    route: "/articles",
    path: "/api/articles",
    noun: "article",
    fields: (p, list) => [
      field("Words in the article", "q", p.get("q"), { type: "search", placeholder: "e.g. \"health care\"" }),
      outletSelect(p.get("outlet"), list),
      dayField("From", "since", p.get("since")),
      dayField("Until", "until", p.get("until")),
      select("Order", "sort", p.get("sort"), [["", "newest first"], ["relevance", "best match first"]]),
    ],
    params: (p) => ({ search: p.get("q"), outlet: p.get("outlet"), since: p.get("since"), until: p.get("until"), sort: p.get("sort") === "relevance" && p.get("q") ? "relevance" : null }),
    columns: [
      ["Published", (r) => timeEl(r.published) || "undated"],
      ["Outlet", (r) => (r.outlet ? outletName(r.outlet) : "unnamed")],
      ["Headline", (r) => h("a", { href: `/articles/${r.id}` }, r.headline || r.key)],
      ["Attributions", (r) => String(r.n_attributions)],
    ],
  });
}

function clustersIndex() {
  return indexView({
    title: "Statements in several articles",
    route: "/clusters",
    path: "/api/clusters",
    noun: "cluster",
    fields: (p, list) => [
      field("Speaker", "speaker", p.get("speaker"), { placeholder: "e.g. Trump" }),
      select("Speaker type", "speaker_type", p.get("speaker_type"), [["", "any"]].concat(SPEAKER_TYPES.map((t) => [t, t]))),
      outletSelect(p.get("outlet"), list),
      dayField("First published from", "since", p.get("since")),
      dayField("First published until", "until", p.get("until")),
      select("Show", "only", p.get("only"), [["", "all statements"], ["disputed", "disputed attribution"], ["altered", "altered wording"]]),
      select("Order", "sort", p.get("sort"), [["", "most articles first"], ["recent", "latest first"]]),
    ],
    params: (p) => ({
      speaker: p.get("speaker"),
      speaker_type: p.get("speaker_type"),
      outlet: p.get("outlet"),
      since: p.get("since"),
      until: p.get("until"),
      disputed: p.get("only") === "disputed" ? "true" : null,
      altered: p.get("only") === "altered" ? "true" : null,
      sort: p.get("sort"),
    }),
    columns: [
      ["Statement", (r) => h("a", { href: `/clusters/${r.id}` }, r.text)],
      ["Speaker", (r) => (r.speaker_id ? h("a", { class: "speaker", href: `/speakers/${r.speaker_id}` }, r.speaker) : r.speaker || "not resolved")],
      ["First published", (r) => timeEl(r.first_day) || "undated"],
      ["Articles", (r) => String(r.n_articles)],
      ["Outlets", (r) => r.outlets.map(outletName).join(", ")],
      ["Flags", (r) => [r.disputed ? h("span", { class: "disputed" }, "disputed") : null, r.n_altered ? h("span", { class: "altered" }, `${r.n_altered} altered`) : null]],
    ],
  });
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
    const n = top.i + 1;
    const mark = h("mark", { class: top.role, "data-attribution": n, title: `${top.role} of attribution ${n}${who ? `: ${who}` : ""}` }, piece);
    if (!seen.has(top.i)) {
      // The first piece of each attribution carries its number and speaker, linked to its
      // line in the "who said what" list.
      seen.add(top.i);
      mark.id = `a${attr.index}`;
      nodes.push(h("a", { class: "num", href: `#w${n}`, "aria-label": `attribution ${n}${who ? `, ${who}` : ""}` }, String(n), who ? h("span", { class: "num-who" }, ` ${who}`) : null));
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
    a.map((q, i) =>
      h(
        "li",
        { id: `w${i + 1}` },
        h("a", { class: "num", href: `#a${q.index}`, title: "show in the text" }, String(i + 1)),
        " ",
        speakerOf(q),
        " ",
        h("span", { class: `kind kind-${q.kind}` }, kindLabel(q.kind)),
        h("a", { class: "more", href: `/quotes/${q.id}` }, "permalink"),
        q.cluster ? h("a", { class: "more", href: `/clusters/${q.cluster}` }, "other outlets") : null,
        contentBlock(q.kind, q.content_text, "excerpt")
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
    h("p", { class: "crumbs" }, h("a", { href: "/articles" }, "← all articles")),
    h("h1", {}, a.headline || a.key),
    h(
      "p",
      { class: "meta" },
      a.outlet ? h("span", { class: "outlet" }, outletName(a.outlet)) : null,
      timeEl(a.published),
      a.byline ? h("span", { class: "byline" }, a.byline) : null,
      link ? h("a", { class: "external", href: link, rel: "noopener noreferrer" }, "original ↗") : null
    ),
    h("h2", {}, plural(a.attributions.length, "attribution")),
    legend(),
    h("div", { class: "article-text" }, markedText(a.text, a.attributions)),
    a.attributions.length ? h("h2", { id: "who" }, "Who said what") : null,
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
  const by = (m) => `${m.outlet ? outletName(m.outlet) : "an unnamed outlet"}${m.published ? `, ${readableDate(m.published)}` : ""}`;
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
              cr.outlets.length ? cr.outlets.map(outletName).join(", ") : cr.articles.map((a) => `article ${a}`).join(", ")
            )
          )
        )
      )
    : null;
  show(
    h("p", { class: "crumbs" }, h("a", { href: "/clusters" }, "← all statements")),
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
          h("blockquote", { class: "quote" }, diffWords(m.diff)),
          h(
            "p",
            { class: "meta" },
            m.outlet ? h("span", { class: "outlet" }, outletName(m.outlet)) : null,
            timeEl(m.published),
            tied(m) ? h("span", { class: "earliest" }, ties.length ? "earliest (tie)" : "earliest") : null,
            m.altered ? h("span", { class: "altered" }, "altered") : null
          ),
          h("p", { class: "links" }, h("a", { class: "permalink", href: `/quotes/${m.quote}` }, "permalink"), h("a", { href: `/articles/${m.article}` }, m.headline ? `Article: ${m.headline}` : "Article"))
        )
      )
    )
  );
}

// ---- quote permalink view ----------------------------------------------------------

/** The paragraph(s) of `text` around the spans of `q`, with `q` marked, as nodes. */
function context(text, q) {
  const chars = Array.from(text);
  const spans = ROLES.flatMap((r) => q[r] || []);
  if (!spans.length) return [];
  let start = Math.min(...spans.map((sp) => sp[0]));
  let end = Math.max(...spans.map((sp) => sp[1]));
  while (start > 0 && !(chars[start - 1] === "\n")) start--;
  while (end < chars.length && chars[end] !== "\n") end++;
  const shift = (list) => (list || []).map(([a, b]) => [a - start, b - start]);
  const local = Object.assign({}, q, { source: shift(q.source), cue: shift(q.cue), content: shift(q.content) });
  return markedText(chars.slice(start, end).join(""), [local]);
}

/** How the speaker of `q` was found, in words. */
function howFound(q) {
  const lines = [];
  if (q.source_text) lines.push(h("li", {}, "The article names the source as ", h("q", { class: "source-text" }, q.source_text), "."));
  else lines.push(h("li", {}, "The article names no source in this sentence."));
  if (q.resolved) {
    const r = q.resolved;
    lines.push(h("li", {}, `In the article this is ${r.name} (${r.type})`, r.description ? `, described as “${r.description}”` : "", r.role ? `, ${r.role}` : "", r.affiliation ? `, of ${r.affiliation}` : "", r.issuer ? `, issued by ${r.issuer}` : "", r.entity !== null && r.entity !== undefined ? `, mention ${r.entity + 1} of the article's named people and groups` : "", "."));
    if (r.via) lines.push(h("li", { class: "provenance" }, `The speaker was ${provenanceText(r)} (rule ${r.evidence})`, r.gender ? `; gender: ${r.gender}` : "", "."));
  }
  if (q.speaker_link) lines.push(h("li", {}, `Across articles the name “${q.speaker_link.name}” was linked to ${q.speaker} by the rule: ${q.speaker_link.reason} (${plural(q.speaker_link.n_quotes, "quote")} in ${plural(q.speaker_link.n_articles, "article")} under that name).`));
  else if (q.speaker && !q.resolved) lines.push(h("li", {}, `Linked to ${q.speaker}.`));
  if (!q.speaker) lines.push(h("li", {}, "The speaker was not resolved: check the article."));
  return h("ul", { class: "how-found" }, lines);
}

async function quoteView(id) {
  show(h("p", { class: "loading" }, "Loading…"));
  let q;
  try {
    q = await api(`/api/quotes/${encodeURIComponent(id)}`);
  } catch (err) {
    setTitle("not found");
    show(errorBox(err));
    return;
  }
  setTitle(`${q.speaker || q.source_text || "Quote"}: ${q.content_text.slice(0, 60)}`);
  const ctx = h("section", { class: "context" }, h("p", { class: "loading" }, "Loading…"));
  const others = h("section", { class: "others" });
  const link = safeUrl(q.url);
  show(
    h("p", { class: "crumbs" }, h("a", { href: "/" }, "← search")),
    h("h1", {}, speakerOf(q), " ", h("span", { class: `kind kind-${q.kind}` }, kindLabel(q.kind))),
    contentBlock(q.kind, q.content_text, "statement"),
    h("p", { class: "meta" }, q.outlet ? h("span", { class: "outlet" }, outletName(q.outlet)) : null, timeEl(q.published), q.cue_text ? h("span", { class: "cue-line" }, "cue: ", q.cue_text) : null, link ? h("a", { class: "external", href: link, rel: "noopener noreferrer" }, "original ↗") : null),
    h("h2", {}, "How the speaker was found"),
    howFound(q),
    h("h2", {}, "In the article"),
    ctx,
    others
  );
  try {
    const a = await api(`/api/articles/${q.article}`);
    fill(ctx, h("p", { class: "links" }, h("a", { href: `/articles/${q.article}#a${q.index}` }, a.headline ? `Article: ${a.headline}` : "The whole article")), legend(), h("div", { class: "article-text" }, context(a.text, q)));
  } catch (err) {
    fill(ctx, errorBox(err));
  }
  if (!q.cluster) {
    fill(others, h("h2", {}, "Other outlets"), h("p", { class: "empty" }, "No other article of the store carries this statement."));
    return;
  }
  try {
    const c = await api(`/api/clusters/${q.cluster}`);
    const rest = c.members.filter((m) => m.quote !== q.id);
    fill(
      others,
      h("h2", {}, "Other outlets"),
      c.disputed ? h("p", {}, h("span", { class: "disputed" }, "disputed"), " outlets credit this statement to different speakers.") : null,
      h(
        "ul",
        { class: "other-outlets" },
        rest.map((m) => h("li", {}, h("span", { class: "outlet" }, m.outlet ? outletName(m.outlet) : "unnamed outlet"), " ", timeEl(m.published), " ", m.speaker ? h("span", { class: "speaker" }, m.speaker) : null, " ", m.altered ? h("span", { class: "altered" }, "altered") : null, " ", h("a", { href: `/quotes/${m.quote}` }, "this version")))
      ),
      h("p", {}, h("a", { href: `/clusters/${q.cluster}` }, "Compare every wording →"))
    );
  } catch (err) {
    fill(others, errorBox(err));
  }
}

// ---- routing -------------------------------------------------------------------------

async function route() {
  await outlets();
  const path = location.pathname.replace(/\/+$/, "") || "/";
  let m;
  if (path === "/") return searchView();
  if (path === "/speakers") return speakersIndex();
  if (path === "/articles") return articlesIndex();
  if (path === "/clusters") return clustersIndex();
  if ((m = path.match(/^\/speakers\/([^/]+)$/))) return speakerView(decodeURIComponent(m[1]));
  if ((m = path.match(/^\/articles\/([^/]+)$/))) return articleView(decodeURIComponent(m[1]));
  if ((m = path.match(/^\/clusters\/([^/]+)$/))) return clusterView(decodeURIComponent(m[1]));
  if ((m = path.match(/^\/quotes\/([^/]+)$/))) return quoteView(decodeURIComponent(m[1]));
  setTitle("not found");
  show(h("p", { class: "error", role: "alert" }, "No such page."), h("p", {}, h("a", { href: "/" }, "Search quotes")));
  return null;
}

document.addEventListener("DOMContentLoaded", () => {
  route().catch((err) => show(errorBox(err)));
});
