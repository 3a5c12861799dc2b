//! The tab-separated tables under `models/` that the binary embeds (`cue_classes.tsv`,
//! `first_names.tsv`, `name_breaks.tsv`): one reader of their lines.

/// The data rows of a table, each as its tab-separated columns: lines starting with `#` and
/// blank lines are skipped.
pub(crate) fn rows(table: &str) -> impl Iterator<Item = std::str::Split<'_, char>> {
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t'))
}

#[cfg(test)]
mod tests {
    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let rows: Vec<Vec<&str>> = super::rows("# head\n\na\t1\n  \nb\t2\t3\n")
            .map(Iterator::collect)
            .collect();
        assert_eq!(rows, vec![vec!["a", "1"], vec!["b", "2", "3"]]);
    }
}
