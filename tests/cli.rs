//! The command line end to end: inputs, outputs, exit codes.

use crate::common::{json_lines, slice_chars, verbatim, TempDir};

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
        stdout.contains("Smith — \"We will win,\" (said; direct)"),
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
