//! axe-core run inside the page (tags wcag2a, wcag2aa, best-practice).

use crate::harness::browser::Browser;
use crate::harness::node_module;
use serde_json::{Value, json};
use std::sync::OnceLock;

/// The rule sets every page must pass.
pub const TAGS: &[&str] = &["wcag2a", "wcag2aa", "best-practice"];

fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = node_module("axe-core/axe.min.js");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    })
}

/// Runs axe-core on the page the browser shows and returns one readable line per violating
/// node: `rule (impact): help — target: html — summary`.
pub async fn violations(browser: &Browser, page: &str) -> anyhow::Result<Vec<String>> {
    let client = browser.client();
    let injected = client
        .execute(
            &format!("{};\nreturn typeof window.axe;", axe_source()),
            vec![],
        )
        .await?;
    anyhow::ensure!(
        injected == json!("object"),
        "axe-core did not load into {page} (typeof axe = {injected}); is JavaScript enabled?"
    );
    let result = client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
                  .then(r => done({ ok: r.violations }))
                  .catch(e => done({ error: String(e) }));"#,
            vec![json!(TAGS)],
        )
        .await?;
    if let Some(error) = result.get("error") {
        anyhow::bail!("axe-core failed on {page}: {error}");
    }
    Ok(describe(page, &result["ok"]))
}

fn describe(page: &str, violations: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    for violation in violations.as_array().into_iter().flatten() {
        for node in violation["nodes"].as_array().into_iter().flatten() {
            lines.push(format!(
                "{page}: {} ({}): {} — at {} — {} — {}",
                violation["id"].as_str().unwrap_or("?"),
                violation["impact"].as_str().unwrap_or("?"),
                violation["help"].as_str().unwrap_or("?"),
                node["target"],
                node["html"]
                    .as_str()
                    .unwrap_or("")
                    .chars()
                    .take(200)
                    .collect::<String>(),
                node["failureSummary"]
                    .as_str()
                    .unwrap_or("")
                    .replace('\n', " "),
            ));
        }
    }
    lines
}
