//! Every generated Open Contracting Data Standard package, validated against the OCDS 1.1.5
//! release package schema (a real JSON Schema validator, schemas read from `../shared/ocds-1.1.5/`,
//! no network) and every code against its codelist: the example content, and the example with a
//! recorded award, acceptance and payment.

mod common;

use common::{SLUG, moment, outcome, record, repo, site_copy};
use serde_json::Value;
use site_gen::render::{BuildOptions, build_site};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

const NOW: &str = "2026-12-20T12:00:00-08:00";
const RELEASE_SCHEMA_URL: &str =
    "https://standard.open-contracting.org/schema/1__1__5/release-schema.json";

/// The OCDS 1.1.5 files, beside the workspace (CI has them at `../shared/ocds-1.1.5/`).
fn ocds_dir() -> PathBuf {
    let dir = repo().join("../shared/ocds-1.1.5");
    assert!(
        dir.join("release-package-schema.json").is_file(),
        "the OCDS schema must be at {}",
        dir.display()
    );
    dir
}

fn json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn validator() -> jsonschema::Validator {
    let dir = ocds_dir();
    let release = jsonschema::Resource::from_contents(json(&dir.join("release-schema.json")))
        .expect("the release schema is a schema");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .with_resource(RELEASE_SCHEMA_URL, release)
        .build(&json(&dir.join("release-package-schema.json")))
        .expect("the package schema compiles")
}

/// The fields of one CSV line (quoted fields may hold commas; `""` is a quote).
fn fields(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// The codes of a codelist (its `Code` column). No field of these codelists spans lines.
fn codelist(name: &str) -> BTreeSet<String> {
    let text = fs::read_to_string(ocds_dir().join("codelists").join(name)).unwrap();
    let mut lines = text.lines();
    let header = fields(lines.next().unwrap());
    let column = header.iter().position(|h| h == "Code").unwrap();
    lines
        .filter_map(|line| fields(line).into_iter().nth(column))
        .collect()
}

/// Every code in `package` with the codelist it must come from.
fn codes(package: &Value) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    let mut add = |list: &'static str, value: &Value| {
        if let Some(code) = value.as_str() {
            found.push((list, code.to_owned()));
        }
    };
    let each = |value: &Value| value.as_array().cloned().unwrap_or_default();
    for release in each(&package["releases"]) {
        for tag in each(&release["tag"]) {
            add("releaseTag.csv", &tag);
        }
        add("initiationType.csv", &release["initiationType"]);
        for party in each(&release["parties"]) {
            for role in each(&party["roles"]) {
                add("partyRole.csv", &role);
            }
        }
        let tender = &release["tender"];
        add("tenderStatus.csv", &tender["status"]);
        add("method.csv", &tender["procurementMethod"]);
        add(
            "procurementCategory.csv",
            &tender["mainProcurementCategory"],
        );
        add("awardCriteria.csv", &tender["awardCriteria"]);
        add("currency.csv", &tender["value"]["currency"]);
        for method in each(&tender["submissionMethod"]) {
            add("submissionMethod.csv", &method);
        }
        for document in each(&tender["documents"]) {
            add("documentType.csv", &document["documentType"]);
        }
        for award in each(&release["awards"]) {
            add("awardStatus.csv", &award["status"]);
            add("currency.csv", &award["value"]["currency"]);
        }
        for contract in each(&release["contracts"]) {
            add("contractStatus.csv", &contract["status"]);
            add("currency.csv", &contract["value"]["currency"]);
            let implementation = &contract["implementation"];
            for milestone in each(&implementation["milestones"]) {
                add("milestoneType.csv", &milestone["type"]);
                add("milestoneStatus.csv", &milestone["status"]);
            }
            for transaction in each(&implementation["transactions"]) {
                add("currency.csv", &transaction["value"]["currency"]);
            }
        }
    }
    found
}

/// Validates every package under `public/`; returns them by path.
fn validate_all(root: &Path) -> Vec<(PathBuf, Value)> {
    let validator = validator();
    let mut packages = vec![root.join("public/ocds/releases.json")];
    for entry in fs::read_dir(root.join("public/opportunities")).unwrap() {
        let file = entry.unwrap().path().join("ocds.json");
        if file.is_file() {
            packages.push(file);
        }
    }
    assert!(packages.len() > 2, "{packages:?}");
    packages
        .into_iter()
        .map(|path| {
            let package = json(&path);
            let errors: Vec<String> = validator
                .iter_errors(&package)
                .map(|e| format!("{} at {}", e, e.instance_path))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
            for (list, code) in codes(&package) {
                assert!(
                    codelist(list).contains(&code),
                    "{}: `{code}` is not in {list}",
                    path.display()
                );
            }
            (path, package)
        })
        .collect()
}

fn options() -> BuildOptions {
    BuildOptions {
        now: cwu_domain::when::parse_moment(NOW).unwrap(),
        drafts: false,
        outcomes: None,
    }
}

#[test]
fn every_package_of_the_example_content_validates() {
    let site = site_copy();
    build_site(site.path(), &options()).expect("builds");
    let packages = validate_all(site.path());
    // The awards written in front matter are awards and contracts too.
    let all = &packages[0].1;
    let tags: BTreeSet<&str> = all["releases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["tag"].as_array().unwrap())
        .filter_map(Value::as_str)
        .collect();
    assert!(
        tags.contains("award") && tags.contains("tender"),
        "{tags:?}"
    );
    // The codelists are read by their `Code` column, quoted commas and all.
    let documents = codelist("documentType.csv");
    assert!(documents.contains("tenderNotice") && documents.contains("evaluationReports"));
    // The validator does reject what breaks the schema (a tag outside the closed codelist).
    let mut broken = all.clone();
    broken["releases"][0]["tag"] = serde_json::json!(["awarded"]);
    assert!(!validator().is_valid(&broken));
}

#[test]
fn award_acceptance_and_payment_are_releases_that_validate_and_stay_stable() {
    let site = site_copy();
    record(site.path(), &outcome(true, true));
    build_site(site.path(), &options()).expect("builds");
    let packages = validate_all(site.path());
    let file = site
        .path()
        .join(format!("public/opportunities/{SLUG}/ocds.json"));
    let package = &packages.iter().find(|(path, _)| *path == file).unwrap().1;
    let releases = package["releases"].as_array().unwrap();
    let ids: Vec<&str> = releases.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let ocid = format!("ocds-a1b2c3-{SLUG}");
    assert_eq!(
        ids,
        [
            format!("{ocid}-tender"),
            format!("{ocid}-award"),
            format!("{ocid}-accepted"),
            format!("{ocid}-paid")
        ]
    );
    let award = &releases[1];
    assert_eq!(award["date"], "2026-11-13T18:00:00Z");
    let supplier = award["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["roles"] == serde_json::json!(["supplier"]))
        .expect("the supplier is a party");
    assert_eq!(supplier["name"], "Engines & Co");
    assert_eq!(supplier["contactPoint"]["name"], "Ada <b>Lovelace</b>");
    assert_eq!(award["awards"][0]["value"]["amount"], 35_000);
    assert_eq!(
        releases[2]["contracts"][0]["implementation"]["documents"][0]["url"],
        "https://github.com/bcgov-example/enrolment/compare/v1...v2?w=1&x=2"
    );
    let payment = &releases[3]["contracts"][0]["implementation"]["transactions"][0];
    assert_eq!(payment["date"], "2026-12-18T17:30:00Z");
    assert_eq!(payment["value"]["currency"], "CAD");
    assert_eq!(package["publishedDate"], "2026-12-18T17:30:00Z");
    // The package of all holds the same releases.
    let all = fs::read_to_string(site.path().join("public/ocds/releases.json")).unwrap();
    assert!(all.contains(&format!("\"{ocid}-paid\"")));

    // Only public facts: no address of anyone, no proposal.
    for (path, package) in &packages {
        let text = package.to_string();
        assert!(!text.contains('@'), "an address in {}", path.display());
    }

    // An hourly rebuild later writes the same bytes.
    let before: Vec<Vec<u8>> = packages.iter().map(|(p, _)| fs::read(p).unwrap()).collect();
    let later = BuildOptions {
        now: moment("2027-01-05T09:00"),
        ..options()
    };
    build_site(site.path(), &later).unwrap();
    let after: Vec<Vec<u8>> = packages.iter().map(|(p, _)| fs::read(p).unwrap()).collect();
    assert!(before == after, "the packages changed between builds");
}
