//! The command line end to end: inputs, outputs, exit codes.

use crate::common::{json_lines, slice_chars, verbatim, TempDir};
use std::process::Command;

#[test]
fn extract_reads_stdin_and_keeps_code_point_offsets() {
    let text = "Café owner Zoë Martin said: “Prices will rise.”";
    let out = verbatim(&["extract", "-"], Some(text.as_bytes()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 1);
    let rec = &records[0];
    assert_eq!(rec["text"], text);
    let att = &rec["attributions"][0];
    assert_eq!(slice_chars(text, &att["content"][0]), "“Prices will rise.”");
    assert!(
        slice_chars(text, &att["source"][0]).ends_with("Zoë Martin"),
        "{att}"
    );
    assert_eq!(att["kind"], "direct");
}

#[test]
fn extract_text_format_shows_who_said_what() {
    let out = verbatim(
        &["extract", "--format", "text", "-"],
        Some(b"\"We will win,\" Smith said."),
    );
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("Smith — “We will win,” (said; direct)"),
        "{stdout}"
    );
}

#[test]
fn missing_file_is_reported_and_the_rest_processed() {
    let dir = TempDir::new("missing");
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "Smith said the plan would fail.").unwrap();
    let out = verbatim(
        &["extract", "no/such/file.txt", good.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no/such/file.txt"), "{stderr}");
    assert_eq!(json_lines(&out.stdout).len(), 1);
}

#[test]
fn closed_pipe_is_not_an_error() {
    // `verbatim extract big | head -c1`: simulate by closing stdout early via a shell.
    let dir = TempDir::new("pipe");
    let lines: String = (0..2000)
        .map(|i| {
            format!("{{\"id\": \"a{i}\", \"text\": \"Smith said the plan {i} would fail.\"}}\n")
        })
        .collect();
    let input = dir.path().join("many.jsonl");
    std::fs::write(&input, lines).unwrap();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' extract '{}' | head -c 1 >/dev/null; exit ${{PIPESTATUS:-0}}",
            env!("CARGO_BIN_EXE_verbatim"),
            input.display()
        ))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&status.stderr).is_empty(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// The commands of the README's "A short tour" block, comments dropped, one per line.
fn tour_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(crate::common::workspace().join("README.md")).unwrap();
    let tour = readme
        .split("## A short tour")
        .nth(1)
        .expect("a tour section");
    let block = tour
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a sh block in the tour");
    block
        .lines()
        .map(|l| match l.find("   #") {
            Some(at) => l[..at].trim(),
            None => l.trim(),
        })
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_readme_tour_runs_start_to_finish_on_bundled_files() {
    let commands = tour_commands();
    assert!(commands.len() >= 15, "{commands:?}");
    // A fresh clone's files: only what the repository ships under examples/.
    let clone = TempDir::new("tour");
    let copied = Command::new("cp")
        .arg("-r")
        .arg(crate::common::workspace().join("examples"))
        .arg(clone.path())
        .status()
        .unwrap();
    assert!(copied.success());
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_verbatim"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for command in &commands {
        assert!(
            command.starts_with("verbatim ") || command.starts_with("cat "),
            "the tour runs only verbatim: {command}"
        );
        let out = Command::new("sh")
            .args(["-c", command])
            .current_dir(clone.path())
            .env("PATH", &path)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{command}: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        // Output that is not redirected is shown: no command of the tour prints nothing.
        if !command.contains(" > ") && !command.starts_with("verbatim ingest") {
            assert!(!out.stdout.is_empty(), "{command} printed nothing");
        }
    }
    // What the tour promises to find.
    let quotes = Command::new("sh")
        .args([
            "-c",
            "verbatim quotes --db tour.db --cluster --disputed --format json",
        ])
        .current_dir(clone.path())
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(
        !json_lines(&quotes.stdout).is_empty(),
        "no disputed statement in the tour store"
    );
}

#[test]
fn both_licenses_that_cargo_toml_names_are_shipped() {
    let root = crate::common::workspace();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("license = \"MIT OR Apache-2.0\""));
    let mit = std::fs::read_to_string(root.join("LICENSE-MIT")).expect("LICENSE-MIT");
    assert!(mit.starts_with("MIT License") && mit.contains("Permission is hereby granted"));
    let apache = std::fs::read_to_string(root.join("LICENSE-APACHE")).expect("LICENSE-APACHE");
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0, January 2004"));
    assert!(apache.contains("END OF TERMS AND CONDITIONS"));
}

/// Title-Case headlines are not one long name: "Chris Christie Calls Hillary Clinton" is
/// two people, split at the verb (models/name_breaks.tsv).
#[test]
fn title_case_headlines_split_names_at_verbs() {
    let out = verbatim(
        &["extract", "tests/fixtures/articles/christie-headline.txt"],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rec = &json_lines(&out.stdout)[0];
    let people: Vec<&str> = rec["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "person")
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(
        people,
        [
            "Chris Christie",
            "Hillary Clinton",
            "Donald Trump",
            "Mike Pence"
        ],
        "{people:?}"
    );
    let text = rec["text"].as_str().unwrap();
    let christie = &rec["entities"][0];
    let mentions: Vec<String> = christie["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| slice_chars(text, m))
        .collect();
    assert_eq!(mentions, ["Chris Christie", "Chris Christie", "Christie"]);
    for a in rec["attributions"].as_array().unwrap() {
        let name = a["speaker"]["name"].as_str().unwrap_or("");
        assert!(!name.contains("Calls") && !name.contains("Praises"), "{a}");
    }
}

/// `extract` reports progress on a terminal (stderr a TTY, here through `script`) with no
/// ETA in the first seconds, and never when stderr is piped.
#[test]
fn extract_progress_only_on_a_terminal() {
    let Some(shared) = crate::common::shared("extract_progress_only_on_a_terminal") else {
        return;
    };
    let dev = shared.join("data/polnear/dev.jsonl");
    let dev = dev.to_str().unwrap();
    let piped = verbatim(&["extract", "--jobs", "1", dev], None);
    assert!(piped.status.success());
    assert!(
        piped.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );
    if !std::path::Path::new("/usr/bin/script").exists() {
        eprintln!("skipping the terminal half: /usr/bin/script (util-linux) not found");
        return;
    }
    let command = format!(
        "{} extract --jobs 1 {dev} > /dev/null",
        env!("CARGO_BIN_EXE_verbatim")
    );
    let out = Command::new("/usr/bin/script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success());
    let shown = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = shown
        .split('\r')
        .filter(|l| l.contains("articles/s"))
        .collect();
    assert!(
        !lines.is_empty(),
        "no progress line on a terminal: {shown:?}"
    );
    // The first report comes after 250 ms, long before an ETA may be given.
    assert!(lines[0].ends_with("ETA --"), "{:?}", lines[0]);
    assert!(lines[0].contains('%'), "{:?}", lines[0]);
}
