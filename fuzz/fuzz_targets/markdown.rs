//! Markdown bodies (opportunity descriptions, wiki pages) to HTML: no panic, raw HTML never
//! becomes markup, and heading anchors are unique.
#![no_main]

use libfuzzer_sys::fuzz_target;
use site_gen::render::highlight::Highlighter;
use site_gen::render::markdown::render;
use std::sync::LazyLock;

static HIGHLIGHTER: LazyLock<Highlighter> = LazyLock::new(Highlighter::new);

fuzz_target!(|text: &str| {
    let rendered = render(text, &HIGHLIGHTER);
    let html = rendered.html.to_ascii_lowercase();
    assert!(!html.contains("<script"), "raw HTML became markup");
    // As text or a label the words are harmless; as the start of a URL attribute they are not.
    for (at, _) in html.match_indices("javascript:") {
        let before = &html[..at];
        let inside_tag = before.rfind('<') > before.rfind('>');
        let attribute = before
            .strip_suffix("=\"")
            .and_then(|b| b.rsplit(char::is_whitespace).next());
        let url_attribute = matches!(attribute, Some("href" | "src" | "action" | "formaction"));
        assert!(!(inside_tag && url_attribute), "a script link survived: {html}");
    }
    let mut ids: Vec<&str> = rendered.toc.iter().map(|t| t.id.as_str()).collect();
    ids.sort_unstable();
    let count = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), count, "duplicate heading ids");
});
