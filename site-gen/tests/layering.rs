//! The workspace's module structure: no module cycles in any crate, and `site-gen` a one-way
//! stack (`cli` → `cmd` → `render` → `content`). Dependencies are read from the source: every
//! `crate::<module>` path outside comments and `#[cfg(test)]` blocks (unit tests may use any
//! fixture), attributed to the top-level module of the file it is in.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The repository root.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Top-level module → the top-level modules it uses.
type Graph = BTreeMap<String, BTreeSet<String>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `crate::…` modules `code` names (grouped imports `crate::{a, b::c}` included).
fn crate_paths(code: &str) -> Vec<String> {
    let ident = |text: &str| -> String {
        text.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            found.extend(group.split(',').map(|item| ident(item.trim())));
        } else {
            found.push(ident(rest));
        }
    }
    found.retain(|name| !name.is_empty());
    found
}

/// The module graph of the crate whose sources are in `src`, between its top-level modules.
fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut graph = Graph::new();
    for file in files {
        let relative = file.strip_prefix(src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let module = Path::new(first)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if ["lib", "main", "bin"].contains(&module.as_str()) {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap();
        let code: String = text
            .split("#[cfg(test)]")
            .next()
            .unwrap()
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let uses = graph.entry(module.clone()).or_default();
        uses.extend(
            crate_paths(&code)
                .into_iter()
                .filter(|used| *used != module),
        );
    }
    graph
}

/// A cycle in `graph`, if there is one, as the modules along it.
fn cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        graph: &Graph,
        node: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            return Some(path[start..].to_vec());
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(graph, next, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(graph, node, &mut Vec::new(), &mut done))
}

#[test]
fn no_crate_has_a_module_cycle() {
    for src in ["site-gen/src", "site-gen/domain/src", "functions/src"] {
        let graph = graph(&repo().join(src));
        assert!(graph.len() > 3, "{src}: modules found: {graph:?}");
        assert_eq!(cycle(&graph), None, "{src}: module cycle");
    }
}

#[test]
fn site_gen_is_a_one_way_stack() {
    let layers = ["cli", "cmd", "render", "content"];
    let graph = graph(&repo().join("site-gen/src"));
    assert_eq!(
        graph.keys().collect::<Vec<_>>(),
        ["cli", "cmd", "content", "render"],
        "every module is in a layer"
    );
    for (module, uses) in &graph {
        let level = layers.iter().position(|l| l == module).unwrap();
        for used in uses {
            let used_level = layers.iter().position(|l| l == used).unwrap();
            assert!(
                used_level > level,
                "`{module}` uses `{used}`, a layer above it"
            );
        }
    }
}

#[test]
fn functions_config_is_a_leaf() {
    let graph = graph(&repo().join("functions/src"));
    assert_eq!(graph["config"], BTreeSet::new());
    for handler in ["submit", "receipt"] {
        assert!(!graph[handler].contains("app"), "{handler} uses app");
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let graph: Graph = [("a", "b"), ("b", "c"), ("c", "a")]
        .into_iter()
        .map(|(from, to)| (from.to_owned(), BTreeSet::from([to.to_owned()])))
        .collect();
    assert_eq!(
        cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into()])
    );
    assert_eq!(
        crate_paths("use crate::{a::X, b};\nlet x = crate::c::f();"),
        ["a", "b", "c"]
    );
}
