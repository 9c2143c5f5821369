//! The evaluation's CSV export end to end (issue 10): proponents whose names start with what
//! a spreadsheet would run as a formula (`=`, `+`, `-`), and owner notes and a disqualification
//! reason starting with `@`, `=`, `-`, a tab or a carriage return, go through the real form,
//! evaluation page and export handler. The file must read back as standard CSV (RFC 4180:
//! every cell quoted, CRLF between records, a UTF-8 byte-order mark first, for Excel), every
//! value intact, and no cell a formula. (Notes are trimmed, so a leading tab or carriage
//! return reaches the export as the formula character after it; `export::cell` itself is
//! unit-tested with both.)

use functions::mail::MailKind;
use functions::store::ProposalStore;
use functions::testing::{
    OPEN, RecordingMailer, after_deadline, app_with, csrf_of, encode, fields, get, now, post,
    post_to, registry, sign_in_from, text,
};
use http::StatusCode;
use std::sync::Arc;

/// A proposal from `email` by `legal_name`, for `organization` when given.
fn proposal(email: &str, legal_name: &str, organization: &str) -> Vec<(&'static str, String)> {
    let mut pairs = fields(email, "My plan.");
    for (name, value) in &mut pairs {
        match *name {
            "legal_name" => *value = legal_name.into(),
            "organization_name" => *value = organization.into(),
            "proponent_type" if !organization.is_empty() => *value = "organization".into(),
            _ => {}
        }
    }
    pairs
}

const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

#[tokio::test]
async fn csv_export_reads_back_cleanly_and_runs_no_formula() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store: Arc<dyn ProposalStore> =
        Arc::new(functions::local::RedbStore::open(&dir.path().join("p.redb")).expect("store"));
    let mailer = Arc::new(RecordingMailer::default());
    let open = app_with(store.clone(), mailer.clone(), registry(), now());
    let people = [
        ("a@example.org", "=2+3 Ana", ""),
        ("b@example.org", "+Bo Lee", ""),
        ("c@example.org", "-Cy Lee", ""),
        ("d@example.org", "Dée Ünlü", "Ünlü, \"Q\" Ltd"),
    ];
    for (email, name, organization) in people {
        let response = open
            .handle(post(encode(&proposal(email, name, organization))))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{}",
            text(&response)
        );
    }

    let app = app_with(store.clone(), mailer.clone(), registry(), after_deadline());
    app.sweep().await;
    let invitation = mailer
        .sent()
        .into_iter()
        .find(|m| m.kind == MailKind::Invitation)
        .expect("invited");
    let cookie = sign_in_from(&app, &invitation).await;
    let page = functions::evaluate::evaluated(store.as_ref(), OPEN)
        .await
        .expect("list")
        .0;
    let csrf = csrf_of(&text(
        &app.handle(get(&cwu_domain::urls::evaluation(OPEN), Some(&cookie)))
            .await,
    ));
    let save = |pairs: &[(&str, String)]| {
        let request = post_to(&cwu_domain::urls::evaluation(OPEN), pairs, Some(&cookie));
        let app = &app;
        async move {
            let saved = app.handle(request).await;
            assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{}", text(&saved));
        }
    };
    let notes = [
        "@SUM(A1:A9)",
        "\t=1+2",
        "\r-3+4",
        "Line one\nLine \"two\", with a comma",
    ];
    for (proposal, note) in page.iter().zip(notes) {
        let pairs = [
            ("csrf", csrf.clone()),
            ("proposal", proposal.reference().to_owned()),
            ("action", "score".to_owned()),
            ("score-0", "50".to_owned()),
            ("note", note.to_owned()),
        ];
        save(&pairs).await;
    }
    let dee = page
        .iter()
        .find(|p| p.fields.legal_name == "Dée Ünlü")
        .expect("Dée's proposal");
    let disqualify = [
        ("csrf", csrf.clone()),
        ("proposal", dee.reference().to_owned()),
        ("action", "disqualify".to_owned()),
        ("reason", "+cmd|' /C calc'!A0".to_owned()),
    ];
    save(&disqualify).await;

    let export = app
        .handle(get(&cwu_domain::urls::evaluation_csv(OPEN), Some(&cookie)))
        .await;
    assert_eq!(export.status(), StatusCode::OK);
    let body = export.body().to_vec();
    let csv = String::from_utf8(body).expect("UTF-8");
    let csv = csv
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark first");
    // Every record ends with CRLF and every cell is quoted (a line break inside a note is a
    // bare LF inside its quotes).
    assert!(csv.ends_with("\r\n"));
    for record in csv.trim_end_matches("\r\n").split("\r\n") {
        assert!(
            record.starts_with('"') && record.ends_with('"'),
            "{record:?}"
        );
    }
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let header = reader.headers().expect("a header").clone();
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("every row has the header's number of cells");
    assert_eq!(rows.len(), 4);
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} column in {header:?}"))
    };
    let by_name = |prefix: &str| {
        rows.iter()
            .find(|r| r[column("Proponent")].contains(prefix))
            .unwrap_or_else(|| panic!("no row for {prefix}"))
    };
    for cell in header.iter().chain(rows.iter().flat_map(|r| r.iter())) {
        assert!(
            !cell.starts_with(FORMULA_START),
            "a spreadsheet would run {cell:?}"
        );
    }
    assert_eq!(&by_name("Ana")[column("Proponent")], "'=2+3 Ana");
    assert_eq!(&by_name("Bo")[column("Proponent")], "'+Bo Lee");
    assert_eq!(&by_name("Cy")[column("Proponent")], "'-Cy Lee");
    let dee = by_name("Dée");
    assert_eq!(&dee[column("Proponent")], "Dée Ünlü (Ünlü, \"Q\" Ltd)");
    assert_eq!(&dee[column("Disqualified")], "'+cmd|' /C calc'!A0");
    let mut notes: Vec<&str> = rows.iter().map(|r| &r[column("Note")]).collect();
    notes.sort_unstable();
    assert_eq!(
        notes,
        [
            "'-3+4",
            "'=1+2",
            "'@SUM(A1:A9)",
            "Line one\nLine \"two\", with a comma"
        ]
    );
}
