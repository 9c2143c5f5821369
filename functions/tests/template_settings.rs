//! infra/template.yaml gives every Lambda function what its own settings code requires, and each
//! secret it names can be read by that function's role. A function deployed without a variable
//! fails at its first cold start, which no other offline check (cfn-lint, checkov) can see.

#![cfg(feature = "aws")]

use functions::aws::secrets::SECRET_VARS;
use functions::aws::{SenderSettings, Settings};
use serde_yaml::Value;
use std::collections::{BTreeMap, BTreeSet};

fn template() -> Value {
    read_yaml("template.yaml")
}

fn read_yaml(name: &str) -> Value {
    let path = format!("{}/../infra/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_yaml::from_str(&std::fs::read_to_string(path).expect("read template")).expect("YAML")
}

/// Every action a statement of `policy` (a policy document) allows.
fn actions(policy: &Value) -> Vec<String> {
    let mut found = Vec::new();
    for statement in policy["Statement"].as_sequence().into_iter().flatten() {
        if statement["Effect"].as_str() != Some("Allow") {
            continue;
        }
        match &statement["Action"] {
            Value::Sequence(list) => {
                found.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
            }
            other => found.extend(other.as_str().map(str::to_owned)),
        }
    }
    found
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

/// The logical id in `!Ref Id`, `!GetAtt Id.Arn` or `!Sub "${Id.Arn}/key"`.
fn referenced(value: &Value) -> Option<String> {
    match value {
        Value::Tagged(tagged) => {
            let target = tagged.value.as_str()?;
            let target = target.strip_prefix("${").unwrap_or(target);
            Some(target.split(['.', '}']).next().unwrap_or(target).to_owned())
        }
        _ => None,
    }
}

/// The functions whose app writes the public outcomes file: `submit-proposal` after each award,
/// acceptance and payment, `invite-owners` at each sweep (`functions::App::sweep`).
const WRITE_OUTCOMES: [&str; 2] = ["submit-proposal", "invite-owners"];

/// What the outcomes file needs: `OUTCOMES_BUCKET` naming the bucket, and a role that may read,
/// write and list it (a missing object is then a 404, not AccessDenied); any other function
/// gets neither.
fn outcomes_problems(
    id: &str,
    binary: &str,
    vars: &BTreeMap<String, Value>,
    role: &Value,
) -> Vec<String> {
    let bucket = "OutcomesBucket".to_owned();
    let named = vars.get("OUTCOMES_BUCKET").and_then(referenced);
    let mut problems = Vec::new();
    let may = |action| allowed(role, action).contains(&bucket);
    if WRITE_OUTCOMES.contains(&binary) {
        if named.as_ref() != Some(&bucket) {
            problems.push(format!(
                "{id}: OUTCOMES_BUCKET is not !Ref {bucket}: {named:?}"
            ));
        }
        for action in ["s3:GetObject", "s3:PutObject", "s3:ListBucket"] {
            if !may(action) {
                problems.push(format!("{id}: its role may not {action} on {bucket}"));
            }
        }
    } else if named.is_some() || ["s3:GetObject", "s3:PutObject"].into_iter().any(may) {
        problems.push(format!("{id}: writes no outcomes, yet may touch {bucket}"));
    }
    problems
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
        problems.extend(outcomes_problems(
            id,
            binary,
            &vars,
            &template["Resources"][role.as_str()],
        ));
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

#[test]
fn only_the_functions_that_publish_outcomes_get_the_bucket() {
    let mut template = self::template();
    let invite = &mut template["Resources"]["InviteOwnersFunction"]["Properties"];
    invite["Environment"]["Variables"]
        .as_mapping_mut()
        .expect("invite-owners has variables")
        .remove("OUTCOMES_BUCKET");
    let role = &mut template["Resources"]["SubmitProposalRole"]["Properties"]["Policies"];
    for policy in role.as_sequence_mut().expect("policies") {
        let statements = policy["PolicyDocument"]["Statement"]
            .as_sequence_mut()
            .expect("statements");
        statements.retain(|s| s["Sid"].as_str() != Some("OutcomesList"));
    }
    let notify = &mut template["Resources"]["NotifyFunction"]["Properties"];
    notify["Environment"]["Variables"]
        .as_mapping_mut()
        .expect("notify has variables")
        .insert("OUTCOMES_BUCKET".into(), template_ref("OutcomesBucket"));
    let (found, _) = problems(&template);
    for expected in [
        "InviteOwnersFunction: OUTCOMES_BUCKET is not",
        "SubmitProposalFunction: its role may not s3:ListBucket",
        "NotifyFunction: writes no outcomes",
    ] {
        assert!(
            found.iter().any(|p| p.contains(expected)),
            "{expected}: {found:?}"
        );
    }
    assert_eq!(found.len(), 3, "{found:?}");
}

/// `!Ref name` as serde_yaml reads it.
fn template_ref(name: &str) -> Value {
    serde_yaml::from_str(&format!("!Ref {name}")).expect("a tagged value")
}

/// A role deployed with `PermissionsBoundaryArn` (infra/github-oidc.yaml's AppRolesBoundary)
/// can do only what both its policies and the boundary allow: an action missing from the
/// boundary fails with AccessDenied in production only.
#[test]
fn every_role_carries_the_boundary_and_every_action_it_is_given_is_inside_it() {
    let boundary: BTreeSet<String> = actions(
        &read_yaml("github-oidc.yaml")["Resources"]["AppRolesBoundary"]["Properties"]
            ["PolicyDocument"],
    )
    .into_iter()
    .collect();
    assert!(boundary.contains("s3:PutObject"), "{boundary:?}");
    let template = template();
    let mut problems = Vec::new();
    for (id, resource) in template["Resources"].as_mapping().expect("Resources") {
        if resource["Type"].as_str() != Some("AWS::IAM::Role") {
            continue;
        }
        let id = id.as_str().expect("logical id");
        let properties = &resource["Properties"];
        if properties["PermissionsBoundary"].is_null() {
            problems.push(format!("{id} has no PermissionsBoundary"));
        }
        for policy in properties["Policies"].as_sequence().into_iter().flatten() {
            for action in actions(&policy["PolicyDocument"]) {
                if !boundary.contains(&action) {
                    problems.push(format!("{id}: {action} is outside the boundary"));
                }
            }
        }
    }
    assert_eq!(problems, Vec::<String>::new());
}
