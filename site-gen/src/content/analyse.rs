//! The slow path for YAML that did not deserialize in one go: find *every* problem in it.
//!
//! Loading tries `serde_yaml::from_str::<T>` first, which stops at the first problem and
//! cannot say where a rule was broken. Only when that fails does this module run: it parses the
//! YAML to a [`Value`] (syntax errors, with their line), then takes each top-level key on its own
//! (unknown keys with "did you mean", `TODO` placeholders, unknown nested keys, then the value
//! deserialized alone to find wrong types with their path), and finally deserializes the keys
//! that were fine so the caller can apply its rules to them.

use super::diagnostics::{Diagnostic, Kind};
use super::suggest::suggest;
use super::yaml::{MAX_PROBLEMS_PER_FILE, Yaml, strip_location, syntax_error, too_deep};
use cwu_domain::{FieldPath, Segment};
use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};
use std::collections::BTreeSet;

/// The keys a kind of YAML document may have.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    /// Top-level keys.
    pub fields: &'static [&'static str],
    /// Keys inside nested mappings (or lists of mappings), as `parent.child`.
    pub nested: &'static [&'static str],
    /// Top-level keys that must be present (reported here; rules for the rest are the caller's).
    pub required: &'static [&'static str],
    /// An example line for a field, such as `reward: 25000`, for hints.
    pub example: fn(&str) -> Option<String>,
}

/// What the slow path found.
#[derive(Debug)]
pub struct Analysis<T> {
    /// The document deserialized from the keys that had no problem (`None` when even that fails,
    /// e.g. a required key is missing or the YAML does not parse).
    pub value: Option<T>,
    /// Top-level keys that were reported here; the caller skips its own problems about them.
    pub broken: BTreeSet<String>,
    /// Everything found.
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether a text is a template placeholder that must be replaced (`TODO` or `TODO: …`).
pub fn is_placeholder(text: &str) -> bool {
    let text = text.trim();
    text == "TODO" || text.starts_with("TODO:")
}

/// Finds every problem in `yaml` against `schema` and type `T`.
pub fn analyse<T: DeserializeOwned>(yaml: &Yaml, schema: &Schema) -> Analysis<T> {
    let mut analysis = Analysis {
        value: None,
        broken: BTreeSet::new(),
        diagnostics: Vec::new(),
    };
    if let Some(problem) = too_deep(yaml).or_else(|| super::anchors::anchor_or_alias(yaml)) {
        analysis.diagnostics.push(problem);
        return analysis;
    }
    // Padding with blank lines makes the parser's line numbers the file's line numbers.
    let padded = format!("{}{}", "\n".repeat(yaml.first_line - 1), yaml.text);
    let document = match serde_yaml::from_str::<Value>(&padded) {
        Ok(Value::Null) => Mapping::new(),
        Ok(Value::Mapping(mapping)) => mapping,
        Ok(other) => {
            analysis.diagnostics.push(Diagnostic::new(
                yaml.file,
                (yaml.first_line, 1),
                Kind::Yaml,
                format!(
                    "this should be `key: value` lines, but it is {}",
                    describe_value(&other)
                ),
                "write one field per line, e.g. `title: \"Permit status API\"`",
            ));
            return analysis;
        }
        Err(error) => {
            analysis.diagnostics.push(syntax_error(yaml, &error));
            return analysis;
        }
    };

    let mut good = Mapping::new();
    for (key, value) in document {
        if analysis.diagnostics.len() > MAX_PROBLEMS_PER_FILE {
            break;
        }
        let name = match &key {
            Value::String(name) => name.clone(),
            other => serde_yaml::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_owned(),
        };
        let path = FieldPath::key(&name);
        if !schema.fields.contains(&name.as_str()) {
            let hint = match suggest(&name, schema.fields.iter().copied()) {
                Some(known) => format!("did you mean `{known}`?"),
                None => format!(
                    "remove it; the fields are {}",
                    schema
                        .fields
                        .iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            analysis.diagnostics.push(yaml.at(
                &path,
                Kind::UnknownField,
                format!("unknown field `{name}`"),
                hint,
            ));
            continue;
        }
        let before = analysis.diagnostics.len();
        placeholders(yaml, &path, &value, &mut analysis.diagnostics);
        unknown_nested(yaml, schema, &name, &value, &mut analysis.diagnostics);
        if analysis.diagnostics.len() == before
            && let Err(diagnostic) = deserialize_alone::<T>(yaml, schema, key.clone(), &value)
        {
            analysis.diagnostics.push(diagnostic);
        }
        if analysis.diagnostics.len() == before {
            good.insert(key, value);
        } else {
            analysis.broken.insert(name);
        }
    }
    for field in schema.required {
        if !good.contains_key(*field) && !analysis.broken.contains(*field) {
            let hint = (schema.example)(field)
                .map_or_else(|| format!("add `{field}:`"), |line| format!("add `{line}`"));
            analysis.diagnostics.push(Diagnostic::new(
                yaml.file,
                (yaml.open_line, 1),
                Kind::Rule,
                format!("`{field}` is missing"),
                hint,
            ));
        }
    }
    analysis.value = from_yaml_text(&Value::Mapping(good)).ok();
    analysis
}

/// Deserializes through YAML text, not from the `Value`: a value read from text keeps the
/// meaning it has on the fast path (`title: 2027` is the text "2027" there).
fn from_yaml_text<T: DeserializeOwned>(
    value: &Value,
) -> Result<T, serde_path_to_error::Error<serde_yaml::Error>> {
    let text = serde_yaml::to_string(value).unwrap_or_default();
    serde_path_to_error::deserialize(serde_yaml::Deserializer::from_str(&text))
}

/// Deserializes `{key: value}` alone into `T`, reporting a wrong type with its path.
fn deserialize_alone<T: DeserializeOwned>(
    yaml: &Yaml,
    schema: &Schema,
    key: Value,
    value: &Value,
) -> Result<(), Diagnostic> {
    let single = Mapping::from_iter([(key, value.clone())]);
    let Err(error) = from_yaml_text::<T>(&Value::Mapping(single)) else {
        return Ok(());
    };
    let path = field_path(error.path());
    let raw = strip_location(&error.inner().to_string());
    let raw = raw
        .strip_prefix(&format!("{path}: "))
        .unwrap_or(&raw)
        .to_owned();
    if path.0.is_empty() && raw.starts_with("missing field") {
        // Another required field is absent from this one-key document; not this key's problem.
        return Ok(());
    }
    let (message, hint) = describe_type_error(&path, &raw, schema);
    Err(yaml.at(&path, Kind::WrongType, message, hint))
}

fn field_path(path: &serde_path_to_error::Path) -> FieldPath {
    FieldPath(
        path.iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(Segment::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(Segment::Key(key.clone())),
                serde_path_to_error::Segment::Enum { .. }
                | serde_path_to_error::Segment::Unknown => None,
            })
            .collect(),
    )
}

/// Turns serde's `invalid type: string "x", expected i64` into plain words and a hint.
fn describe_type_error(path: &FieldPath, raw: &str, schema: &Schema) -> (String, String) {
    let leaf = match path.0.last() {
        Some(Segment::Key(key)) => key.clone(),
        _ => path.to_string(),
    };
    if let Some(rest) = raw.strip_prefix("unknown variant ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let choices: Vec<&str> = expected
            .trim_start_matches("one of ")
            .split(", ")
            .map(|c| c.trim_matches('`'))
            .filter(|c| !c.is_empty())
            .collect();
        let found = found.trim_matches('`');
        let hint = match suggest(found, choices.iter().copied()) {
            Some(choice) => format!("did you mean `{choice}`?"),
            None => format!("write one of `{}`", choices.join("`, `")),
        };
        return (format!("`{path}` cannot be `{found}`"), hint);
    }
    let Some((found, expected)) = raw
        .strip_prefix("invalid type: ")
        .or_else(|| raw.strip_prefix("invalid value: "))
        .and_then(|rest| rest.split_once(", expected "))
    else {
        return (
            format!("`{path}`: {raw}"),
            "check the value against the reference".into(),
        );
    };
    let (wanted, generic_hint) = match expected {
        e if e.starts_with('i') || e.starts_with('u') => (
            "a whole number",
            format!("write digits only, without quotes, `$` or commas, e.g. `{leaf}: 40`"),
        ),
        "a string" => (
            "text",
            format!("put the text in double quotes, e.g. `{leaf}: \"…\"`"),
        ),
        "a boolean" => (
            "`true` or `false`",
            format!("write `{leaf}: true` or `{leaf}: false`"),
        ),
        "a sequence" => (
            "a list",
            format!(
                "write a list, e.g. `{leaf}: [\"first\", \"second\"]` or one `- item` per line"
            ),
        ),
        e if e.starts_with("struct") || e == "a map" => (
            "a set of `key: value` fields",
            format!("write the fields indented under `{leaf}:`, one per line"),
        ),
        other => (other, "check the value against the reference".into()),
    };
    let found = found
        .replace("string ", "the text ")
        .replace("integer ", "the number ")
        .replace("floating point ", "the number ")
        .replace("boolean ", "")
        .replace("unit value", "empty")
        .replace("sequence", "a list")
        .replace("map", "a set of fields");
    let hint = match (path.0.len(), (schema.example)(&leaf)) {
        (1, Some(example)) => format!("write it like `{example}`"),
        _ => generic_hint,
    };
    (format!("`{path}` should be {wanted}, not {found}"), hint)
}

/// Reports every `TODO` placeholder under `value`.
fn placeholders(yaml: &Yaml, path: &FieldPath, value: &Value, out: &mut Vec<Diagnostic>) {
    match value {
        Value::String(text) if is_placeholder(text) => out.push(yaml.at(
            path,
            Kind::Placeholder,
            format!(
                "`{path}` still has the template's placeholder `{}`",
                text.trim()
            ),
            "replace the TODO with the real value, as the comment above it explains",
        )),
        Value::Sequence(items) => {
            for (index, item) in items.iter().enumerate() {
                placeholders(yaml, &path.index(index), item, out);
            }
        }
        Value::Mapping(mapping) => {
            for (key, item) in mapping {
                if let Value::String(key) = key {
                    placeholders(yaml, &path.child(key), item, out);
                }
            }
        }
        _ => {}
    }
}

/// Reports keys inside `field`'s mapping (or list of mappings) that the schema does not know.
fn unknown_nested(
    yaml: &Yaml,
    schema: &Schema,
    field: &str,
    value: &Value,
    out: &mut Vec<Diagnostic>,
) {
    let prefix = format!("{field}.");
    let children: Vec<&str> = schema
        .nested
        .iter()
        .filter_map(|nested| nested.strip_prefix(&prefix))
        .collect();
    if children.is_empty() {
        return;
    }
    let mut check = |path: FieldPath, mapping: &Mapping| {
        for key in mapping.keys() {
            let name = key.as_str().unwrap_or("?");
            if !children.contains(&name) {
                let hint = match suggest(name, children.iter().copied()) {
                    Some(known) => format!("did you mean `{known}`?"),
                    None => format!("the fields here are `{}`", children.join("`, `")),
                };
                out.push(yaml.at(
                    &path.child(name),
                    Kind::UnknownField,
                    format!("unknown field `{name}` in `{field}`"),
                    hint,
                ));
            }
        }
    };
    match value {
        Value::Mapping(mapping) => check(FieldPath::key(field), mapping),
        Value::Sequence(items) => {
            for (index, item) in items.iter().enumerate() {
                if let Value::Mapping(mapping) = item {
                    check(FieldPath::key(field).index(index), mapping);
                }
            }
        }
        _ => {}
    }
}

fn describe_value(value: &Value) -> &'static str {
    match value {
        Value::Sequence(_) => "a list",
        Value::String(_) => "a line of text",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a true/false value",
        Value::Tagged(_) => "a tagged value",
        Value::Null | Value::Mapping(_) => "empty",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::path::Path;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Page {
        title: String,
        weight: Option<i64>,
        owner: Option<Owner>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Owner {
        name: Option<String>,
    }

    const SCHEMA: Schema = Schema {
        fields: &["title", "weight", "owner"],
        nested: &["owner.name"],
        required: &["title"],
        example: |field| (field == "title").then(|| "title: \"Payment\"".to_owned()),
    };

    fn run(text: &str) -> Analysis<Page> {
        let yaml = Yaml {
            file: Path::new("x.md"),
            text,
            first_line: 2,
            open_line: 1,
        };
        analyse(&yaml, &SCHEMA)
    }

    fn found(analysis: &Analysis<Page>) -> Vec<(usize, usize, Kind)> {
        analysis
            .diagnostics
            .iter()
            .map(|d| (d.line, d.column, d.kind))
            .collect()
    }

    #[test]
    fn every_key_is_checked_on_its_own() {
        let analysis = run("tittle: A\nweight: heavy\nowner: {nmae: Ana}\n");
        assert_eq!(
            found(&analysis),
            [
                (2, 1, Kind::UnknownField),
                (3, 1, Kind::WrongType),
                (4, 9, Kind::UnknownField),
                (1, 1, Kind::Rule),
            ]
        );
        assert!(analysis.diagnostics[0].hint.contains("`title`"));
        assert!(analysis.diagnostics[1].message.contains("whole number"));
        assert!(analysis.diagnostics[2].hint.contains("`name`"));
        assert!(analysis.diagnostics[3].hint.contains("title: \"Payment\""));
        assert!(analysis.value.is_none());
    }

    #[test]
    fn good_keys_still_deserialize() {
        let analysis = run("title: 2027\nweight: x\n");
        assert_eq!(analysis.value.unwrap().title, "2027");
        assert!(analysis.broken.contains("weight"));
    }

    #[test]
    fn syntax_errors_point_at_file_lines() {
        let analysis = run("title: A\n\tweight: 1\n");
        assert_eq!(found(&analysis), [(3, 1, Kind::Yaml)]);
        assert!(analysis.diagnostics[0].hint.contains("tabs"));
        assert!(!analysis.diagnostics[0].message.contains("line 3 column"));
        let duplicate = run("title: A\nweight: 1\ntitle: B\n");
        assert_eq!(found(&duplicate), [(4, 1, Kind::Yaml)]);
        let deep = run(&format!("title: {}", "[".repeat(500_000)));
        assert_eq!(found(&deep), [(2, 40, Kind::Yaml)]);
        let quoted = run(&format!("title: \"{}\"", "[".repeat(100)));
        assert_eq!(quoted.value.unwrap().title, "[".repeat(100));
    }

    #[test]
    fn lists_and_scalars_are_not_documents() {
        assert!(run("- a\n- b\n").diagnostics[0].message.contains("a list"));
        assert!(run("hello").diagnostics[0].message.contains("text"));
        assert_eq!(found(&run("")), [(1, 1, Kind::Rule)]);
    }

    #[test]
    fn placeholders_are_reported() {
        let analysis = run("title: \"TODO: a title\"\n");
        assert_eq!(analysis.diagnostics[0].kind, Kind::Placeholder);
        assert!(is_placeholder(" TODO "));
        assert!(!is_placeholder("TODO list app"));
    }
}
