//! infra/template.yaml gives every Lambda function what its own settings code requires, and each
//! secret it names can be read by that function's role. A function deployed without a variable
//! fails at its first cold start, which no other offline check (cfn-lint, checkov) can see.

#![cfg(feature = "aws")]

use functions::aws::secrets::SECRET_VARS;
use functions::aws::{SenderSettings, Settings};
use serde_yaml::Value;
use std::collections::BTreeMap;

fn template() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../infra/template.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).expect("read template")).expect("YAML")
}

/// `Environment.Variables` of a function (or of the `Globals`), name → value.
fn variables(properties: &Value) -> BTreeMap<String, Value> {
    properties["Environment"]["Variables"]
        .as_mapping()
        .map(|vars| {
            vars.iter()
                .map(|(k, v)| (k.as_str().expect("name").to_owned(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The logical id in `!Ref Id` or `!GetAtt Id.Arn`.
fn referenced(value: &Value) -> Option<String> {
    match value {
        Value::Tagged(tagged) => {
            let target = tagged.value.as_str()?;
            Some(target.split('.').next().unwrap_or(target).to_owned())
        }
        _ => None,
    }
}

/// The resources a role's statements allow `action` on.
fn allowed(role: &Value, action: &str) -> Vec<String> {
    let mut found = Vec::new();
    for policy in role["Properties"]["Policies"]
        .as_sequence()
        .into_iter()
        .flatten()
    {
        let statements = policy["PolicyDocument"]["Statement"].as_sequence();
        for statement in statements.into_iter().flatten() {
            let actions = match &statement["Action"] {
                Value::Sequence(list) => list.iter().filter_map(Value::as_str).collect(),
                other => other.as_str().into_iter().collect::<Vec<_>>(),
            };
            if !actions.contains(&action) {
                continue;
            }
            match &statement["Resource"] {
                Value::Sequence(list) => found.extend(list.iter().filter_map(referenced)),
                other => found.extend(referenced(other)),
            }
        }
    }
    found
}

/// What would go wrong at deploy: a function that would not start, or could not read a secret
/// it is given. Also returns the binaries it checked.
fn problems(template: &Value) -> (Vec<String>, Vec<String>) {
    let globals = variables(&template["Globals"]["Function"]);
    let resources = template["Resources"].as_mapping().expect("Resources");
    let (mut problems, mut checked) = (Vec::new(), Vec::new());
    for (id, resource) in resources {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let id = id.as_str().expect("logical id");
        let properties = &resource["Properties"];
        let code = properties["CodeUri"].as_str().expect("CodeUri");
        let binary = code
            .trim_end_matches("/bootstrap.zip")
            .rsplit('/')
            .next()
            .expect("binary name");
        let mut vars = globals.clone();
        vars.extend(variables(properties));
        // What the function will see once its secrets are read (functions::aws::secrets).
        let present = |name: &str| {
            let secret =
                SECRET_VARS.contains(&name) && vars.contains_key(&format!("{name}_SECRET_ARN"));
            (secret || vars.contains_key(name)).then(|| "value".to_owned())
        };
        let outcome = match binary {
            "send-mail" => SenderSettings::from_lookup(present).map(drop),
            "submit-proposal" | "invite-owners" | "notify" | "mail-events" => {
                Settings::from_lookup(present).map(drop)
            }
            other => panic!("{id}: unknown binary {other}: say here which settings it reads"),
        };
        if let Err(missing) = outcome {
            problems.push(format!("{id} ({binary}) would not start: {missing}"));
        }
        // Each secret it is given, its role may read.
        let role = referenced(&properties["Role"]).expect("Role: !GetAtt");
        let readable = allowed(
            &template["Resources"][role.as_str()],
            "secretsmanager:GetSecretValue",
        );
        for (name, value) in &vars {
            let Some(secret) = name.ends_with("_SECRET_ARN").then(|| referenced(value)) else {
                continue;
            };
            let secret = secret.expect("a secret ARN is a !Ref");
            if !readable.contains(&secret) {
                problems.push(format!(
                    "{id}: {name} names {secret}, which {role} may not read"
                ));
            }
        }
        checked.push(binary.to_owned());
    }
    checked.sort();
    (problems, checked)
}

#[test]
fn every_function_gets_the_settings_its_code_requires() {
    let (problems, checked) = problems(&template());
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(
        checked,
        [
            "invite-owners",
            "mail-events",
            "notify",
            "send-mail",
            "submit-proposal"
        ],
        "every Lambda binary is deployed once"
    );
}

#[test]
fn a_missing_variable_or_secret_permission_is_seen() {
    let mut template = template();
    let notify = &mut template["Resources"]["NotifyFunction"]["Properties"];
    let vars = notify["Environment"]["Variables"]
        .as_mapping_mut()
        .expect("notify has variables");
    vars.remove("LINK_SIGNING_KEY_SECRET_ARN");
    let (found, _) = problems(&template);
    assert!(
        found
            .iter()
            .any(|p| p.contains("NotifyFunction") && p.contains("LINK_SIGNING_KEY")),
        "{found:?}"
    );

    let mut template = self::template();
    let role = &mut template["Resources"]["MailEventsRole"]["Properties"]["Policies"];
    for policy in role.as_sequence_mut().expect("policies") {
        let statements = policy["PolicyDocument"]["Statement"]
            .as_sequence_mut()
            .expect("statements");
        statements.retain(|s| s["Sid"].as_str() != Some("Secrets"));
    }
    let (found, _) = problems(&template);
    assert!(
        found
            .iter()
            .any(|p| p.contains("MailEventsFunction") && p.contains("may not read")),
        "{found:?}"
    );
}
