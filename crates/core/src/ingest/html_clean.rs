//! A page made ready for main-text extraction, in one linear scan of its tags:
//!
//! - **Hidden elements are dropped**: an element with the `hidden` attribute, an inline
//!   `display: none` or `visibility: hidden` style, `role="tooltip"`, or a class naming the
//!   content of a hover card or tooltip (`rollover-people-block`, `tooltiptext`,
//!   `q-tooltip-inner`: a class token holding `tooltip`, `popover`, `hovercard`, `hover-card`
//!   or `rollover` and ending in `text`, `content`, `inner`, `block`, `body`, `card`, `box` or
//!   `panel`). A reader never sees them, but their text ("Kristi Lynn Noem", "South Dakota
//!   governor doubles down on ...") would be glued into the sentence around them. The element
//!   that shows the name (`rollover-people-link`) is kept. An element left open to the end of
//!   the page is kept (the page is cut, not the article).
//! - **Word breaks at inline tags are kept**: the extractor trims the text on either side of
//!   an inline element, so `<strong>Summary</strong> Studies` became "SummaryStudies". The
//!   whitespace between a word and an inline tag gets a zero-width space (U+200B) beside the
//!   word, which trimming keeps and the text assembly ([`super::html::html_text`]) reads as a
//!   space. Nothing else of the markup changes.

/// Elements without content (no end tag).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose content is raw text, copied through untouched.
const RAW: &[&str] = &["script", "style", "textarea", "title"];

/// Class words of hover cards and tooltips, and the endings that mark a card's content.
const CARD_WORDS: &[&str] = &["tooltip", "popover", "hovercard", "hover-card", "rollover"];
const CARD_PARTS: &[&str] = &[
    "text", "content", "inner", "block", "body", "card", "box", "panel",
];

const ZWSP: char = '\u{200b}';

/// The page with hidden elements removed and word breaks at inline tags protected.
pub fn prepare(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 64);
    // Open elements: name, and whether the element hides its content.
    let mut open: Vec<(String, bool)> = Vec::new();
    // While inside a hidden element: where it started in the input and in `out`.
    let mut hidden_from: Option<(usize, usize)> = None;
    let mut prev_inline = false;
    let mut i = 0;
    while i < html.len() {
        let lt = html[i..].find('<').map_or(html.len(), |k| i + k);
        let text = &html[i..lt];
        if lt == html.len() {
            if hidden_from.is_none() {
                out.push_str(text);
            }
            break;
        }
        let tag = read_tag(html, lt);
        if hidden_from.is_none() {
            push_text(&mut out, text, prev_inline, tag.inline);
        }
        let end = tag.end;
        match tag.kind {
            TagKind::Other => {}
            TagKind::Open { ref name, hides } => {
                if RAW.contains(&name.as_str()) {
                    let close = format!("</{name}");
                    let stop = super::html::find_ascii_ci(&html[end..], &close)
                        .map_or(html.len(), |k| end + k);
                    if hidden_from.is_none() {
                        out.push_str(&html[lt..stop]);
                    }
                    i = stop;
                    prev_inline = false;
                    continue;
                }
                if !VOID.contains(&name.as_str()) && !tag.self_closing {
                    if hides && hidden_from.is_none() {
                        hidden_from = Some((lt, out.len()));
                    }
                    open.push((name.clone(), hides));
                }
            }
            TagKind::Close { ref name } => {
                if let Some(k) = open.iter().rposition(|(n, _)| n == name) {
                    open.truncate(k);
                    if hidden_from.is_some() && !open.iter().any(|(_, h)| *h) {
                        hidden_from = None;
                        i = end;
                        prev_inline = tag.inline;
                        continue;
                    }
                }
            }
        }
        if hidden_from.is_none() {
            out.push_str(&html[lt..end]);
        }
        prev_inline = tag.inline;
        i = end;
    }
    if let Some((input_at, output_at)) = hidden_from {
        // Never closed: keep it, and the rest of the page, as it was.
        out.truncate(output_at);
        out.push_str(&html[input_at..]);
    }
    out
}

/// Appends a text between two tags, with a zero-width space beside a word that whitespace
/// separates from an inline tag.
fn push_text(out: &mut String, text: &str, after_inline: bool, before_inline: bool) {
    let start = text.len() - trim_space_start(text).len();
    let body_end = trim_space_end(text).len();
    if start >= body_end {
        // Whitespace only: between two inline tags it is a word break.
        if after_inline && before_inline && !text.is_empty() {
            out.push(ZWSP);
        }
        out.push_str(text);
        return;
    }
    out.push_str(&text[..start]);
    if after_inline && start > 0 {
        out.push(ZWSP);
    }
    out.push_str(&text[start..body_end]);
    if before_inline && body_end < text.len() {
        out.push(ZWSP);
    }
    out.push_str(&text[body_end..]);
}

/// Spaces as a parser sees them: ASCII whitespace and the no-break space references.
const NBSP_REFS: [&str; 3] = ["&nbsp;", "&#160;", "&#xa0;"];

fn trim_space_start(mut s: &str) -> &str {
    loop {
        let t = s.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '\u{a0}');
        match NBSP_REFS.iter().find_map(|r| t.strip_prefix(r)) {
            Some(rest) => s = rest,
            None => return t,
        }
    }
}

fn trim_space_end(mut s: &str) -> &str {
    loop {
        let t = s.trim_end_matches(|c: char| c.is_ascii_whitespace() || c == '\u{a0}');
        match NBSP_REFS.iter().find_map(|r| t.strip_suffix(r)) {
            Some(rest) => s = rest,
            None => return t,
        }
    }
}

enum TagKind {
    Open {
        name: String,
        hides: bool,
    },
    Close {
        name: String,
    },
    /// A comment, doctype, processing instruction or stray `<`.
    Other,
}

struct Tag {
    kind: TagKind,
    /// Index after the tag's `>`.
    end: usize,
    inline: bool,
    self_closing: bool,
}

fn read_tag(html: &str, lt: usize) -> Tag {
    let b = html.as_bytes();
    let other = |end: usize| Tag {
        kind: TagKind::Other,
        end,
        inline: false,
        self_closing: false,
    };
    let rest = &html[lt + 1..];
    if rest.starts_with("!--") {
        return other(rest.find("-->").map_or(html.len(), |k| lt + 1 + k + 3));
    }
    let closing = rest.starts_with('/');
    let name_start = lt + 1 + usize::from(closing);
    if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
        if rest.starts_with(['!', '?']) {
            return other(rest.find('>').map_or(html.len(), |k| lt + 1 + k + 1));
        }
        // A stray `<` is text.
        return other(lt + 1);
    }
    let name_end = html[name_start..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
        .map_or(html.len(), |k| name_start + k);
    let name = html[name_start..name_end].to_ascii_lowercase();
    let (attrs, end) = super::html::parse_attrs(html, name_end);
    let self_closing = html[..end].trim_end_matches('>').ends_with('/');
    let inline = super::html::INLINE.contains(&name.as_str());
    let kind = if closing {
        TagKind::Close { name }
    } else {
        let hides = hides(&attrs);
        TagKind::Open { name, hides }
    };
    Tag {
        kind,
        end,
        inline,
        self_closing,
    }
}

/// Whether an element with these attributes is hidden from the reader.
fn hides(attrs: &[(String, String)]) -> bool {
    attrs.iter().any(|(name, value)| match name.as_str() {
        "hidden" => true,
        "role" => value.eq_ignore_ascii_case("tooltip"),
        "style" => {
            let style: String = value
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            style.contains("display:none") || style.contains("visibility:hidden")
        }
        "class" => value.split_ascii_whitespace().any(|token| {
            let token = token.to_ascii_lowercase();
            CARD_WORDS.iter().any(|w| token.contains(w))
                && CARD_PARTS.iter().any(|p| token.ends_with(p))
        }),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prepared page, zero-width spaces shown as `^`.
    fn shown(html: &str) -> String {
        prepare(html).replace(ZWSP, "^")
    }

    #[test]
    fn hidden_elements_are_dropped() {
        let check = |html: &str, expected: &str| assert_eq!(shown(html), expected, "{html}");
        // The Hill's people rollover: the name stays, the card goes.
        check(
            "<p>Gov. <span class=\"rollover-people\"><a class=\"rollover-people-link\">Kristi Noem</a>\
             <span class=\"rollover-people-block\"><span class=\"rollover-block\"><a>Kristi Lynn Noem</a>\
             <a>South Dakota drops pipeline protest laws</a></span></span></span> (R) said.</p>",
            "<p>Gov.^ <span class=\"rollover-people\"><a class=\"rollover-people-link\">Kristi Noem</a></span> ^(R) said.</p>",
        );
        check(
            "<p>a <span class=\"tooltip\">b<span class=\"tooltiptext\">tip</span></span> c</p>",
            "<p>a^ <span class=\"tooltip\">b</span> ^c</p>",
        );
        check("<div hidden><p>x</p></div><p>y</p>", "<p>y</p>");
        check(
            "<div style=\"display: none\">x</div><div role=\"tooltip\">t</div><p>y</p>",
            "<p>y</p>",
        );
        // Void and self-closing elements inside a hidden one do not confuse the matching,
        // nor do unclosed paragraphs (closed by their parent's end tag).
        check(
            "<div class=\"q-tooltip-inner\"><img src=x><br/><p>one<p>two</div><p>y</p>",
            "<p>y</p>",
        );
        // Nested hidden elements end with the outermost.
        check("<div hidden><div hidden>a</div>b</div>c", "c");
        // Never closed: kept as it was.
        check(
            "<p>a</p><div hidden><p>b</p>",
            "<p>a</p><div hidden><p>b</p>",
        );
        // Classes that only style (hover colours) or mark a trigger hide nothing.
        check(
            "<a class=\"hover-bg-blue has-tooltip basel-tooltip\">x</a>",
            "<a class=\"hover-bg-blue has-tooltip basel-tooltip\">x</a>",
        );
    }

    #[test]
    fn word_breaks_at_inline_tags() {
        let check = |html: &str, expected: &str| assert_eq!(shown(html), expected, "{html}");
        check(
            "<blockquote><strong>Summary</strong> Studies show</blockquote>",
            "<blockquote><strong>Summary</strong> ^Studies show</blockquote>",
        );
        check(
            "<p>and <em>Wolfenstein</em>.</p>",
            "<p>and^ <em>Wolfenstein</em>.</p>",
        );
        check("<a>x</a> <a>y</a>", "<a>x</a>^ <a>y</a>");
        check("<p>a&nbsp;<b>b</b></p>", "<p>a^&nbsp;<b>b</b></p>");
        // No whitespace, no break (a word split by markup stays one word); blocks untouched.
        check("<p>Wash<b>ing</b>ton</p>", "<p>Wash<b>ing</b>ton</p>");
        check("<div>a</div> <div>b</div>", "<div>a</div> <div>b</div>");
        // Raw text and attributes are never touched.
        check(
            "<script>if (a < b) { x = '<b> y'; }</script><a title=\"a > b\"> z</a>",
            "<script>if (a < b) { x = '<b> y'; }</script><a title=\"a > b\"> ^z</a>",
        );
        check("a < b and c", "a < b and c");
        check("", "");
    }
}
