//! Quote linking measured on `verbatim extract` output: LSH buckets, candidate pairs, verified
//! pairs, clusters, and example clusters to eyeball precision.
//!
//! ```text
//! cargo run --release -- extract ../../shared/data/polnear/train.jsonl \
//!     ../../shared/data/polnear/dev.jsonl > /tmp/all.jsonl
//! cargo run --release -p verbatim-core --example quote_pairs -- /tmp/all.jsonl [--direct]
//! ```
//!
//! `--direct` keeps only direct and mixed quotes (the default keeps every content).

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::time::Instant;
use verbatim_core::link::quotes::{compare, diff, same_statement, QuoteText};

struct Quote {
    article: usize,
    text: String,
    q: QuoteText,
}

fn find(parent: &mut [usize], mut a: usize) -> usize {
    while parent[a] != a {
        parent[a] = parent[parent[a]];
        a = parent[a];
    }
    a
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let direct_only = args.iter().any(|a| a == "--direct");
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: quote_pairs EXTRACT.jsonl [--direct]");
        std::process::exit(2);
    };
    let mut articles: Vec<(String, String)> = Vec::new(); // id, outlet
    let mut quotes: Vec<Quote> = Vec::new();
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    for line in file.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let rec: serde_json::Value = serde_json::from_str(&line)?;
        let text = rec["text"].as_str().unwrap_or_default();
        let chars: Vec<char> = text.chars().collect();
        let article = articles.len();
        articles.push((
            rec["id"].as_str().unwrap_or_default().to_string(),
            rec["outlet"].as_str().unwrap_or("?").to_string(),
        ));
        for a in rec["attributions"].as_array().into_iter().flatten() {
            let kind = a["kind"].as_str().unwrap_or_default();
            if direct_only && kind != "direct" && kind != "mixed" {
                continue;
            }
            let pieces: Vec<String> = a["content"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| {
                    let s0 = s[0].as_u64()? as usize;
                    let e0 = s[1].as_u64()? as usize;
                    (s0 <= e0 && e0 <= chars.len()).then(|| chars[s0..e0].iter().collect())
                })
                .collect();
            if pieces.is_empty() {
                continue;
            }
            let text = pieces.join(" \u{2026} ");
            let q = QuoteText::new(&text);
            quotes.push(Quote { article, text, q });
        }
    }

    let t0 = Instant::now();
    let keys: Vec<Option<Vec<i64>>> = quotes.iter().map(|q| q.q.bands()).collect();
    let t_bands = t0.elapsed();
    let linkable = keys.iter().filter(|k| k.is_some()).count();
    let total_words: usize = quotes
        .iter()
        .zip(&keys)
        .filter(|(_, k)| k.is_some())
        .map(|(q, _)| q.q.words().len())
        .sum();

    let t1 = Instant::now();
    let mut buckets: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        for &key in k.iter().flatten() {
            buckets.entry(key).or_default().push(i);
        }
    }
    let mut candidates: BTreeSet<(usize, usize)> = BTreeSet::new();
    for members in buckets.values() {
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                if a != b && quotes[a].article != quotes[b].article {
                    candidates.insert((a.min(b), a.max(b)));
                }
            }
        }
    }
    let t_cand = t1.elapsed();
    let t2 = Instant::now();
    let verified: Vec<(usize, usize)> = candidates
        .iter()
        .copied()
        .filter(|&(a, b)| same_statement(&quotes[a].q, &quotes[b].q))
        .collect();
    let t_verify = t2.elapsed();

    let mut parent: Vec<usize> = (0..quotes.len()).collect();
    for &(a, b) in &verified {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut clusters: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        if k.is_some() {
            let r = find(&mut parent, i);
            clusters.entry(r).or_default().push(i);
        }
    }
    let mut multi: Vec<Vec<usize>> = clusters.into_values().filter(|c| c.len() > 1).collect();
    multi.sort_by_key(|c| (std::cmp::Reverse(c.len()), c[0]));

    let t3 = Instant::now();
    let mut altered_members = 0;
    let mut comparisons = Vec::new();
    for c in &multi {
        let qs: Vec<QuoteText> = c.iter().map(|&i| quotes[i].q.clone()).collect();
        let cmp = compare(&qs);
        altered_members += cmp.altered.iter().filter(|&&a| a).count();
        comparisons.push(cmp);
    }
    let t_compare = t3.elapsed();

    let exact_pairs = verified
        .iter()
        .filter(|&&(a, b)| quotes[a].q.words() == quotes[b].q.words())
        .count();
    println!("articles {}", articles.len());
    println!(
        "quotes {} (linkable {linkable}, {:.1} words on average)",
        quotes.len(),
        total_words as f64 / linkable.max(1) as f64
    );
    println!(
        "band keys {} in {} buckets",
        linkable * keys.iter().flatten().next().map_or(0, |k| k.len()),
        buckets.len()
    );
    println!("cross-article candidate pairs {}", candidates.len());
    println!(
        "verified pairs {} (identical normalised words: {exact_pairs})",
        verified.len()
    );
    println!(
        "clusters with 2+ members {} ({} quotes); altered members {altered_members}",
        multi.len(),
        multi.iter().map(|c| c.len()).sum::<usize>()
    );
    println!(
        "timing: bands {:?} ({:.2} us/quote), buckets+candidates {:?}, verify {:?}, compare {:?}",
        t_bands,
        t_bands.as_secs_f64() * 1e6 / quotes.len().max(1) as f64,
        t_cand,
        t_verify,
        t_compare
    );

    // 15 example clusters: the largest 5, then every n-th of the rest.
    let mut shown: Vec<usize> = (0..multi.len().min(5)).collect();
    if multi.len() > 5 {
        let step = ((multi.len() - 5) / 10).max(1);
        shown.extend((5..multi.len()).step_by(step).take(10));
    }
    for &ci in &shown {
        let c = &multi[ci];
        let cmp = &comparisons[ci];
        let outlets: BTreeSet<&str> = c
            .iter()
            .map(|&i| articles[quotes[i].article].1.as_str())
            .collect();
        println!(
            "\n== cluster {ci}: {} members, outlets {:?}",
            c.len(),
            outlets
        );
        let reference = &quotes[c[cmp.reference]].text;
        for (k, &i) in c.iter().enumerate().take(8) {
            let mark = if k == cmp.reference {
                "REF"
            } else if cmp.altered[k] {
                "ALT"
            } else {
                "   "
            };
            let text: String = quotes[i].text.chars().take(160).collect();
            println!(
                "  {mark} [{}] {}",
                articles[quotes[i].article].0,
                text.replace('\n', " ")
            );
            if cmp.altered[k] {
                let d: Vec<String> = diff(reference, &quotes[i].text)
                    .into_iter()
                    .filter(|p| p.text.len() < 200)
                    .map(|p| format!("{:?}:{:?}", p.op, p.text))
                    .collect();
                println!("        diff {}", d.join(" "));
            }
        }
        if c.len() > 8 {
            println!("  ... {} more", c.len() - 8);
        }
    }
    Ok(())
}
