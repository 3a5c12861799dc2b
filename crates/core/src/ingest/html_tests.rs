//! Tests of HTML detection, charsets, metadata and extraction.

use super::*;

#[test]
fn html_is_told_by_content() {
    let check = |input: &str, expected: bool| {
        assert_eq!(looks_like_html(input.as_bytes()), expected, "{input:?}")
    };
    check("<!DOCTYPE html><html><body>x</body></html>", true);
    check("\n\n  <html lang=en>", true);
    check("\u{feff}<!doctype HTML>", true);
    check("<HEAD><title>x</title></HEAD>", true);
    check("<body><p>x</p></body>", true);
    check("<!-- saved page --><html>", true);
    check("<?xml version=\"1.0\"?><html xmlns=\"x\">", true);
    check("<meta charset=utf-8><title>x</title><p>y", true);
    check("<!-- just a comment -->", false);
    check("Hello <b>world</b>", false);
    check("{\"text\": \"<html>\"}", false);
    check("<p>", false);
    check("", false);
    check("<", false);
}

#[cfg(feature = "html")]
#[test]
fn charsets() {
    let check = |bytes: &[u8], declared: Option<&str>, text: &str, enc: &str| {
        let (t, e) = decode(bytes, declared);
        assert_eq!((t.as_str(), e), (text, enc), "{bytes:?}");
    };
    check(b"<p>caf\xc3\xa9</p>", None, "<p>café</p>", "UTF-8");
    check(
        b"\xef\xbb\xbf<p>x</p>",
        Some("iso-8859-1"),
        "<p>x</p>",
        "UTF-8",
    );
    check(
        b"<p>caf\xe9</p>",
        Some("iso-8859-1"),
        "<p>café</p>",
        "windows-1252",
    );
    check(
        b"<meta charset=\"windows-1251\"><p>\xcf\xf0\xe8\xe2\xe5\xf2</p>",
        None,
        "<meta charset=\"windows-1251\"><p>Привет</p>",
        "windows-1251",
    );
    check(
        b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"><p>\xe9</p>",
        None,
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"><p>é</p>",
        "windows-1252",
    );
    // A meta tag claiming UTF-16 on ASCII-compatible bytes is UTF-8.
    check(
        b"<meta charset=utf-16><p>x</p>",
        None,
        "<meta charset=utf-16><p>x</p>",
        "UTF-8",
    );
    // UTF-16 with a BOM.
    check(b"\xff\xfe<\x00p\x00>\x00", None, "<p>", "UTF-16LE");
    // No declaration, not UTF-8: the detector guesses a single-byte encoding.
    let (t, _) = decode(
        b"<p>Le caf\xe9 est tr\xe8s bon et la cr\xe8me br\xfbl\xe9e aussi.</p>",
        None,
    );
    assert!(t.contains("café"), "{t}");
    // Unknown labels are ignored.
    check(b"<p>x</p>", Some("klingon"), "<p>x</p>", "UTF-8");
}

#[test]
fn meta_charsets() {
    let check = |html: &str, expected: Option<&str>| {
        assert_eq!(meta_charset(html.as_bytes()).as_deref(), expected, "{html}")
    };
    check("<meta charset=UTF-8>", Some("utf-8"));
    check("<META CHARSET='latin1'>", Some("latin1"));
    check(
        "<meta http-equiv=content-type content='text/html;charset=gbk'>",
        Some("gbk"),
    );
    check("<meta name=x content=y>", None);
    check("<!-- <meta charset=koi8-r> --><p>", None);
    check("", None);
}

#[test]
fn entities() {
    let check = |s: &str, expected: &str| assert_eq!(decode_entities(s), expected, "{s}");
    check("Tom &amp; Jerry", "Tom & Jerry");
    check("&lt;b&gt; &quot;x&quot;", "<b> \"x\"");
    check("&#8220;Hi&#8221; &#x2014; ok", "“Hi” — ok");
    check("a &unknown; b", "a &unknown; b");
    check("AT&T", "AT&T");
    check("&", "&");
    check("&#xZZ;", "&#xZZ;");
    check("&#99999999;", "\u{fffd}");
    check("caf&eacute", "café");
}

#[test]
fn site_names_are_cut_from_titles() {
    let check = |t: &str, outlet: Option<&str>, expected: &str| {
        assert_eq!(strip_site_name(t, outlet), expected, "{t}")
    };
    check(
        "Senate passes bill | CNN Politics",
        Some("CNN"),
        "Senate passes bill",
    );
    check(
        "Senate passes bill - The Washington Post",
        Some("The Washington Post"),
        "Senate passes bill",
    );
    check(
        "Senate passes the bill | Reuters",
        None,
        "Senate passes the bill",
    );
    check(
        "Senate passes bill - Reuters",
        None,
        "Senate passes bill - Reuters",
    );
    check(
        "Well - being matters",
        Some("Health Site"),
        "Well - being matters",
    );
    check("A | B", None, "A | B");
    check("Plain headline", Some("X"), "Plain headline");
    check("", None, "");
}

#[test]
fn dates_in_urls() {
    let check = |url: &str, expected: Option<&str>| {
        assert_eq!(
            url_date(url).map(|t| t.to_string()).as_deref(),
            expected,
            "{url}"
        )
    };
    check("https://ex.com/2019/11/19/story.html", Some("2019-11-19"));
    check("https://ex.com/news/2019-11-19/story", Some("2019-11-19"));
    check("https://ex.com/news/story-2019-11-19", Some("2019-11-19"));
    check("https://ex.com/20191119/story", Some("2019-11-19"));
    check("https://ex.com/2019/13/40/story", None);
    check("https://ex.com/1234/11/19/x", None);
    check("https://ex.com/story?d=2019/11/19", None);
    check("https://ex.com/story-12345678", None);
    check("", None);
}

#[test]
fn bylines() {
    let check = |raw: &str, expected: Option<&str>| {
        assert_eq!(clean_byline(raw).as_deref(), expected, "{raw}")
    };
    check("By Jane Doe", Some("Jane Doe"));
    check("by Jane Doe and John Roe", Some("Jane Doe and John Roe"));
    check(
        "Jane Doe, John Roe, Ann Lee",
        Some("Jane Doe, John Roe and Ann Lee"),
    );
    check("By Jane Doe, Associated Press", Some("Jane Doe"));
    check(
        "Jane Doe & John Roe | Reuters",
        Some("Jane Doe and John Roe"),
    );
    check("Reuters", Some("Reuters"));
    check("https://www.facebook.com/janedoe", None);
    check("Jane Doe, jane@example.com", Some("Jane Doe"));
    check("Jane Doe, Jane Doe", Some("Jane Doe"));
    check("  ", None);
    check("By", None);
    check(
        "Jane Doe is a reporter who covers the courts for the paper",
        None,
    );
    check("Jos&eacute; Ruiz", Some("José Ruiz"));
}

#[test]
fn html_fragments_become_paragraphs() {
    let check = |html: &str, expected: &str| assert_eq!(html_text(html), expected, "{html}");
    check(
        "<p>One <b>two</b>\n three.</p><p>Four &amp; five</p>",
        "One two three.\n\nFour & five",
    );
    check(
        "<h2>Head</h2>text<br>more<ul><li>a</li><li>b</li></ul>",
        "Head\n\ntext\n\nmore\n\na\n\nb",
    );
    check(
        "<div><script>var x = '<p>';</script><p>kept</p></div>",
        "kept",
    );
    check("a < b", "a < b");
    check("x &lt;p&gt; y", "x <p> y");
    check("<!-- c --><p>x</p>", "x");
    check("", "");
    check("<p>", "");
    check("plain", "plain");
    check("<p>unclosed <", "unclosed <");
}

#[test]
fn paragraphs_are_separated_by_blank_lines() {
    assert_eq!(paragraphs("a  b\n\n\n c \nd"), "a b\n\nc\n\nd");
    assert_eq!(paragraphs("\n \n"), "");
    assert_eq!(paragraphs("x\u{a0}y"), "x y");
}

#[test]
fn declared_metadata() {
    let html = r#"<html><head>
        <title>Big story | The Daily</title>
        <meta property="og:site_name" content="The Daily">
        <meta property="og:title" content="Big &amp; bold story">
        <meta property="article:published_time" content="2019-11-19T10:30:00-05:00">
        <meta name="author" content="By Jane Doe">
        <link rel="canonical" href="/news/big-story">
        <script>var x = "<meta name=author content=Wrong>";</script>
        <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
          {"@type":"WebSite","name":"The Daily"},
          {"@type":"NewsArticle","headline":"Big story, JSON-LD","datePublished":"2019-11-19T15:30:00Z",
           "dateModified":"2019-11-20","author":[{"@type":"Person","name":"Jane Doe"},{"name":"John Roe"}],
           "publisher":{"name":"Daily Co"}}]}</script>
        </head><body><h1>Big <em>story</em></h1><time datetime="2018-01-01">x</time></body></html>"#;
    let d = Declared::scan(html);
    assert_eq!(d.title.as_deref(), Some("Big story | The Daily"));
    assert_eq!(d.h1.as_deref(), Some("Big story"));
    assert_eq!(d.canonical.as_deref(), Some("/news/big-story"));
    assert_eq!(d.times, ["2018-01-01"]);
    assert_eq!(d.json_ld.len(), 2);
    assert!(!d.meta.iter().any(|(_, v)| v == "Wrong"));
    let m = page_meta(&d, Some("https://daily.example/x?y=1"));
    assert_eq!(m.headline.as_deref(), Some("Big story, JSON-LD"));
    assert_eq!(
        m.published.map(|t| t.to_string()).as_deref(),
        Some("2019-11-19T15:30:00+00:00")
    );
    assert_eq!(
        m.updated.map(|t| t.to_string()).as_deref(),
        Some("2019-11-20")
    );
    assert_eq!(m.byline.as_deref(), Some("Jane Doe and John Roe"));
    assert_eq!(m.outlet.as_deref(), Some("The Daily"));
    assert_eq!(
        m.url.as_deref(),
        Some("https://daily.example/news/big-story")
    );

    // Without JSON-LD: meta tags, then the title.
    let d = Declared::scan(&html.replace("application/ld+json", "text/plain"));
    let m = page_meta(&d, None);
    assert_eq!(m.headline.as_deref(), Some("Big & bold story"));
    assert_eq!(
        m.published.map(|t| t.to_string()).as_deref(),
        Some("2019-11-19T10:30:00-05:00")
    );
    assert_eq!(m.byline.as_deref(), Some("Jane Doe"));
    assert_eq!(m.url, None);

    // Only a title and a dated URL.
    let d = Declared::scan("<title>Council votes - Town News</title><p>x");
    let m = page_meta(&d, Some("http://town.example/2020/02/03/council"));
    assert_eq!(m.headline.as_deref(), Some("Council votes - Town News"));
    assert_eq!(
        m.published.map(|t| t.to_string()).as_deref(),
        Some("2020-02-03")
    );
    assert_eq!(
        m.url.as_deref(),
        Some("http://town.example/2020/02/03/council")
    );

    // A placeholder date gives way to the next source.
    let d = Declared::scan(
        "<meta property=article:published_time content=0001-01-01T00:00:00Z>\
         <meta name=date content=2020-02-04>",
    );
    let m = page_meta(&d, None);
    assert_eq!(
        m.published.map(|t| t.to_string()).as_deref(),
        Some("2020-02-04")
    );

    // Nothing.
    assert_eq!(page_meta(&Declared::scan(""), None), Meta::default());
}

#[test]
fn odd_markup_does_not_break_the_scanner() {
    for html in [
        "<",
        "<meta",
        "<meta content=",
        "<meta content='unterminated",
        "<script type=application/ld+json>{not json",
        "<title>never closed",
        "<!--",
        "<a =x = =>",
        "<é><ü a=ß>",
        "<h1><h1><h1>",
        "&#;&#x;&",
    ] {
        let d = Declared::scan(html);
        let _ = page_meta(&d, Some("not a url"));
        let _ = meta_charset(html.as_bytes());
    }
}

#[cfg(feature = "html")]
mod extraction {
    use super::*;

    fn page(body: &str) -> String {
        format!(
            "<!DOCTYPE html><html><head><title>Mayor resigns | City Paper</title>\
             <meta property=\"og:site_name\" content=\"City Paper\">\
             <meta property=\"article:published_time\" content=\"2021-05-04T08:00:00+02:00\">\
             <meta name=\"author\" content=\"By Ann Lee\"></head><body>\
             <nav><a href=/>Home</a> <a href=/news>News</a></nav>{body}\
             <footer>Copyright 2021 City Paper. All rights reserved.</footer></body></html>"
        )
    }

    const BODY: &str = "<article><h1>Mayor resigns</h1>\
        <p>The mayor resigned on Tuesday after a long inquiry into the city's finances, \
        officials said in a statement released to reporters in the afternoon.</p>\
        <p>\"I have decided to step down,\" the mayor said, adding that the decision was \
        made after consulting family members and close advisers over the weekend.</p>\
        <p>The council will choose an interim mayor next week, according to the city \
        clerk, who said the vote would take place on Monday evening at city hall.</p></article>";

    #[test]
    fn a_page_becomes_an_article() {
        let html = page(BODY);
        let (text, meta) = extract(&html, Some("https://city.example/2021/05/04/mayor")).unwrap();
        assert!(text.starts_with("The mayor resigned on Tuesday"), "{text}");
        assert!(text.contains("finances, officials said"), "{text}");
        assert!(
            text.contains("\n\n\"I have decided to step down,\""),
            "{text}"
        );
        assert!(!text.contains("Copyright"), "{text}");
        assert!(!text.contains("Home"), "{text}");
        assert_eq!(meta.headline.as_deref(), Some("Mayor resigns"));
        assert_eq!(meta.outlet.as_deref(), Some("City Paper"));
        assert_eq!(meta.byline.as_deref(), Some("Ann Lee"));
        assert_eq!(
            meta.published.map(|t| t.to_string()).as_deref(),
            Some("2021-05-04T08:00:00+02:00")
        );
        assert_eq!(
            meta.url.as_deref(),
            Some("https://city.example/2021/05/04/mayor")
        );
    }

    #[test]
    fn a_page_without_text_is_an_error() {
        for html in [
            page(""),
            "<html><head><title>x</title></head></html>".to_string(),
            String::new(),
            "<html><body><script>var a = 1;</script></body></html>".to_string(),
        ] {
            assert_eq!(
                extract(&html, None).err().as_deref(),
                Some("no article text found")
            );
        }
    }

    #[test]
    fn page_ids() {
        let p = HtmlPage {
            bytes: page(BODY).into_bytes(),
            origin: "x.html".into(),
            id: Some("x".into()),
            ..Default::default()
        };
        assert_eq!(p.to_article().unwrap().id, "x");
        let p = HtmlPage {
            id: None,
            url: Some("https://city.example/a".into()),
            ..p
        };
        assert_eq!(
            p.to_article().unwrap().id,
            crate::ingest::text_id("https://city.example/a")
        );
        let ev = HtmlPage {
            bytes: b"<html></html>".to_vec(),
            origin: "empty.html".into(),
            ..Default::default()
        }
        .into_event();
        assert!(
            matches!(&ev, Event::Error { origin, message } if origin == "empty.html" && message == "no article text found"),
            "{ev:?}"
        );
    }

    #[test]
    fn deep_and_odd_pages_do_not_panic() {
        let deep = format!(
            "<html><body>{}<p>deep text here</p></body></html>",
            "<div>".repeat(5000)
        );
        let weird = "<html><body><p>\u{0}\u{fffd}\u{202e}ẞ 🙂 text</p></body></html>";
        for html in [deep.as_str(), weird, "<p>", "<html><body><table><tr><td>x"] {
            let _ = std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn({
                    let html = html.to_string();
                    move || extract(&html, None)
                })
                .unwrap()
                .join()
                .unwrap();
        }
    }
}

#[test]
fn an_outlet_that_is_a_url_is_not_a_name() {
    let page = |head: &str| {
        let html = format!("<html><head>{head}</head><body><p>Text.</p></body></html>");
        page_meta(&Declared::scan(&html), None).outlet
    };
    // The next source names it.
    let outlet = page(
        r#"<meta property="og:site_name" content="https://www.facebook.com/CBSPolitics">
        <meta name="application-name" content="CBS News">"#,
    );
    assert_eq!(outlet.as_deref(), Some("CBS News"));
    // Nothing else does: no outlet rather than a URL.
    let outlet = page(r#"<meta property="og:site_name" content="www.example.com">"#);
    assert_eq!(outlet, None);
    let outlet = page(r#"<meta property="og:site_name" content="HTTP://EXAMPLE.COM/news">"#);
    assert_eq!(outlet, None);
    // A name with a dot in it is still a name.
    let outlet = page(r#"<meta property="og:site_name" content="Salon.com">"#);
    assert_eq!(outlet.as_deref(), Some("Salon.com"));
}

#[test]
fn nesting_depth_counts_what_a_parser_nests() {
    let check = |input: &str, expected: usize| {
        assert_eq!(nesting_depth(input.as_bytes()), expected, "{input:?}")
    };
    check("", 0);
    check("plain text < 3", 0);
    check("<html><body><div><p>a</p></div></body></html>", 3);
    // Unclosed elements nest; closed ones do not.
    check(&"<div>".repeat(40), 40);
    check(&"<div></div>".repeat(40), 1);
    // Void, self-closing and sibling-closed elements add nothing.
    check(
        "<div><br><img src=x><hr/><p>a<p>b<li>c<li>d<td>e<td>f</div>",
        1,
    );
    check("<span/><span/><span/>", 0);
    // Comments, doctypes and raw text are skipped, quoted `>` too.
    check("<!doctype html><!-- <div><div> --><div>", 1);
    check("<script>if (a<b) { x = '<div><div>' }</script><div>", 1);
    check("<STYLE>p > a {}</style><a title='a > b'><b>", 2);
    // Nested tables: the table elements count, the rows and cells do not.
    check(&"<table><tr><td>".repeat(30), 30);
    // Stray end tags never go below zero.
    check("</div></div><div>", 1);
}
