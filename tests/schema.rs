//! The JSON Schemas of the output, checked against real output: `docs/extract.schema.json`
//! against `verbatim extract` records, the OpenAPI document's component schemas against the
//! API's answers. Every property must be declared (nothing undocumented slips out) and every
//! declared property described.

use crate::common::{json_lines, verbatim, workspace};
use serde_json::Value;

/// The schema `$ref` points to, inside `root` (only local `#/...` references).
fn resolve<'a>(root: &'a Value, reference: &str) -> &'a Value {
    let pointer = reference
        .strip_prefix('#')
        .unwrap_or_else(|| panic!("not a local $ref: {reference}"));
    root.pointer(pointer)
        .unwrap_or_else(|| panic!("dangling $ref {reference}"))
}

fn type_matches(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        other => panic!("unknown type {other} in a schema"),
    }
}

/// The properties an object schema declares, through `allOf` and `$ref`.
fn declared<'a>(root: &'a Value, schema: &'a Value, out: &mut Vec<&'a str>) {
    if let Some(r) = schema["$ref"].as_str() {
        return declared(root, resolve(root, r), out);
    }
    if let Some(props) = schema["properties"].as_object() {
        out.extend(props.keys().map(String::as_str));
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        declared(root, part, out);
    }
}

/// Appends to `errors` every way `v` breaks `schema` (the subset of JSON Schema 2020-12 the
/// schemas use: $ref, allOf, oneOf, type, enum, required, properties, items, minItems,
/// maxItems, minimum); an object property the schema does not declare is an error.
fn check(root: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        return check(root, resolve(root, r), v, at, errors);
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        check_shallow(root, part, v, at, errors);
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let fits = options
            .iter()
            .filter(|o| {
                let mut e = Vec::new();
                check(root, o, v, at, &mut e);
                e.is_empty()
            })
            .count();
        if fits != 1 {
            errors.push(format!("{at}: fits {fits} of the oneOf options: {v}"));
        }
    }
    check_shallow(root, schema, v, at, errors);
    if v.is_object() && (schema.get("properties").is_some() || schema.get("allOf").is_some()) {
        let mut names = Vec::new();
        declared(root, schema, &mut names);
        for key in v.as_object().unwrap().keys() {
            if !names.contains(&key.as_str()) {
                errors.push(format!("{at}: property {key:?} is not in the schema"));
            }
        }
    }
}

/// `check` without the undeclared-property rule (for the parts of an `allOf`).
fn check_shallow(root: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        return check_shallow(root, resolve(root, r), v, at, errors);
    }
    match &schema["type"] {
        Value::String(t) if !type_matches(v, t) => errors.push(format!("{at}: not {t}: {v}")),
        Value::Array(ts) if !ts.iter().any(|t| type_matches(v, t.as_str().unwrap())) => {
            errors.push(format!("{at}: not any of {ts:?}: {v}"))
        }
        _ => {}
    }
    if let Some(options) = schema["enum"].as_array() {
        if !options.contains(v) {
            errors.push(format!("{at}: {v} is not one of {options:?}"));
        }
    }
    if let Some(min) = schema["minimum"].as_i64() {
        if v.as_i64().is_some_and(|n| n < min) {
            errors.push(format!("{at}: {v} < {min}"));
        }
    }
    if let Some(obj) = v.as_object() {
        for name in schema["required"].as_array().into_iter().flatten() {
            if !obj.contains_key(name.as_str().unwrap()) {
                errors.push(format!("{at}: missing required {name}"));
            }
        }
        for (name, sub) in schema["properties"].as_object().into_iter().flatten() {
            if let Some(x) = obj.get(name) {
                check(root, sub, x, &format!("{at}.{name}"), errors);
            }
        }
    }
    if let Some(items) = v.as_array() {
        if let Some(n) = schema["minItems"].as_u64() {
            if (items.len() as u64) < n {
                errors.push(format!("{at}: fewer than {n} items"));
            }
        }
        if let Some(n) = schema["maxItems"].as_u64() {
            if (items.len() as u64) > n {
                errors.push(format!("{at}: more than {n} items"));
            }
        }
        if let Some(sub) = schema.get("items") {
            for (i, x) in items.iter().enumerate() {
                check(root, sub, x, &format!("{at}[{i}]"), errors);
            }
        }
    }
}

pub(crate) fn assert_valid(root: &Value, schema: &Value, v: &Value, what: &str) {
    let mut errors = Vec::new();
    check(root, schema, v, what, &mut errors);
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

/// Every declared property of every schema under `schemas` has a description (its own or
/// its `$ref` target's).
pub(crate) fn undescribed(root: &Value, schema: &Value, at: &str, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            for (name, sub) in map
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let described = sub.get("description").is_some()
                    || sub["$ref"]
                        .as_str()
                        .is_some_and(|r| resolve(root, r).get("description").is_some());
                if !described {
                    out.push(format!("{at}.{name}"));
                }
            }
            for (key, sub) in map {
                undescribed(root, sub, &format!("{at}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, sub) in items.iter().enumerate() {
                undescribed(root, sub, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

pub(crate) fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(workspace().join(path)).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    let root = load("docs/extract.schema.json");
    let out = verbatim(
        &["extract", "examples/articles/ani-2017-03-03-sessions.txt"],
        None,
    );
    let good = json_lines(&out.stdout).remove(0);
    assert_valid(&root, &root, &good, "seed");
    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        edit(&mut v);
        let mut errors = Vec::new();
        check(&root, &root, &v, "record", &mut errors);
        errors
    };
    assert!(!broken(&|v| v["surprise"] = 1.into()).is_empty());
    assert!(!broken(&|v| v["attributions"][0]["kind"] = "rumour".into()).is_empty());
    assert!(
        !broken(&|v| v["attributions"][0]["source"] = serde_json::json!([[1, 2, 3]])).is_empty()
    );
    assert!(!broken(&|v| v["entities"][0]["id"] = "x".into()).is_empty());
    assert!(!broken(&|v| v["attributions"][0]["speaker"]["extra"] = true.into()).is_empty());
    assert!(!broken(&|v| {
        v.as_object_mut().unwrap().remove("text");
    })
    .is_empty());
    assert!(!broken(&|v| {
        v["producer"]["models"]
            .as_object_mut()
            .unwrap()
            .remove("pos");
    })
    .is_empty());
    assert!(!broken(&|v| v["producer"]["verbatim"] = 1.into()).is_empty());
}

#[test]
fn every_record_names_its_producer() {
    let embedded = serde_json::to_value(verbatim_core::Producer::embedded()).unwrap();
    let file = "examples/articles/ani-2017-03-03-sessions.txt";
    let model = json_lines(&verbatim(&["extract", file], None).stdout).remove(0);
    assert_eq!(model["producer"], embedded);
    assert_eq!(model["producer"]["verbatim"], env!("CARGO_PKG_VERSION"));
    let pos_bytes = std::fs::read(workspace().join("models/pos.bin")).unwrap();
    assert_eq!(
        model["producer"]["models"]["pos"],
        verbatim_core::producer::model_id(&pos_bytes)
    );
    let rules = json_lines(&verbatim(&["extract", "--attributor", "rules", file], None).stdout);
    let models = &rules[0]["producer"]["models"];
    assert_eq!(models["attribution"], "rules");
    assert_eq!(models["parse"], embedded["models"]["parse"]);
}

#[test]
fn extract_records_follow_the_documented_schema() {
    let root = load("docs/extract.schema.json");
    let mut missing = Vec::new();
    undescribed(&root, &root, "extract", &mut missing);
    assert!(missing.is_empty(), "undescribed: {missing:?}");
    let out = verbatim(
        &[
            "extract",
            "examples/articles/",
            "examples/pages/",
            "examples/crawl/",
            "examples/disputed/",
        ],
        None,
    );
    let records = json_lines(&out.stdout);
    assert!(records.len() >= 10);
    let mut seen_speaker_fields = 0;
    let mut inferred: Vec<String> = Vec::new();
    for r in &records {
        assert_valid(&root, &root, r, r["id"].as_str().unwrap_or("?"));
        let text: Vec<char> = r["text"].as_str().unwrap_or("").chars().collect();
        for a in r["attributions"].as_array().unwrap() {
            let sp = &a["speaker"];
            seen_speaker_fields += sp["affiliation"].is_string() as usize;
            if sp.is_null() {
                continue;
            }
            // The antecedent is there exactly when the speaker was inferred from a mention.
            let via = sp["via"].as_str().unwrap_or("?");
            let signature = sp["evidence"] == "signature";
            let mention = !matches!(via, "name" | "none" | "byline") || signature;
            assert_eq!(sp["antecedent"].is_array(), mention, "{via}: {sp}");
            if let Some([s, e]) = sp["antecedent"].as_array().map(|v| {
                [
                    v[0].as_u64().unwrap() as usize,
                    v[1].as_u64().unwrap() as usize,
                ]
            }) {
                assert!(s < e && e <= text.len(), "{sp}");
                inferred.push(text[s..e].iter().collect::<String>());
            }
        }
    }
    // The examples exercise the optional fields too.
    assert!(seen_speaker_fields > 0, "no affiliation in the examples");
    assert!(
        inferred.iter().any(|m| m.contains("Trump")),
        "no speaker inferred from a Trump mention in the examples: {inferred:?}"
    );
    assert!(records.iter().any(|r| r["dateline"].is_object()));
}
