//! The evaluation as a download: CSV for a spreadsheet and JSON for other tools.
//!
//! CSV: UTF-8 with a byte-order mark (so spreadsheets read accents right), every cell quoted,
//! one row per proposal, one column per criterion, then total, rank, disqualification and note.
//! A cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab
//! or a carriage return) gets a leading `'`, so proposal text never becomes a formula.

use crate::compose_mail::proponent;
use crate::response::download;
use crate::store::StoredProposal;
use bytes::Bytes;
use cwu_domain::RegistryEntry;
use cwu_domain::evaluation::{Points, Sheet};
use http::Response;
use serde_json::json;

/// A cell as a spreadsheet should show it: quoted, formulas neutralised.
pub fn cell(value: &str) -> String {
    let safe = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", safe.replace('"', "\"\""))
}

/// The rows of the export: header first.
pub fn table(
    opportunity: &RegistryEntry,
    proposals: &[StoredProposal],
    sheet: &Sheet,
) -> Vec<Vec<String>> {
    let criteria = &opportunity.evaluation_criteria;
    let mut header = vec![
        "Reference".to_owned(),
        "Proponent".to_owned(),
        "Version".to_owned(),
    ];
    header.extend(
        criteria
            .iter()
            .map(|c| format!("{} (of {})", c.criterion, c.points)),
    );
    header.extend(["Total (of 100)", "Rank", "Tied", "Disqualified", "Note"].map(String::from));
    let references: Vec<String> = proposals.iter().map(|p| p.reference().to_owned()).collect();
    let ranks = sheet.ranks(&references);
    let mut rows = vec![header];
    for p in proposals {
        let row = sheet.row(p.reference());
        let rank = ranks.get(p.reference());
        let mut line = vec![
            p.reference().to_owned(),
            proponent(p),
            p.version.to_string(),
        ];
        line.extend(criteria.iter().map(|c| {
            row.scores
                .get(&c.criterion)
                .map(Points::to_string)
                .unwrap_or_default()
        }));
        line.push(row.total().to_string());
        line.push(rank.map(|r| r.place.to_string()).unwrap_or_default());
        line.push(
            if rank.is_some_and(|r| r.tied) {
                "yes"
            } else {
                ""
            }
            .to_owned(),
        );
        line.push(row.disqualified.clone().unwrap_or_default());
        line.push(row.note.clone());
        rows.push(line);
    }
    rows
}

/// The CSV download.
pub fn csv(
    opportunity: &RegistryEntry,
    proposals: &[StoredProposal],
    sheet: &Sheet,
) -> Response<Bytes> {
    let mut text = String::from("\u{feff}");
    for row in table(opportunity, proposals, sheet) {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        text.push_str(&cells.join(","));
        text.push_str("\r\n");
    }
    download(
        text.into_bytes(),
        "text/csv; charset=utf-8",
        &format!("{}-evaluation.csv", opportunity.slug),
    )
}

/// The JSON download: the criteria, each proposal's scores, total and rank, and the audit trail.
pub fn json(
    opportunity: &RegistryEntry,
    proposals: &[StoredProposal],
    sheet: &Sheet,
) -> Response<Bytes> {
    let references: Vec<String> = proposals.iter().map(|p| p.reference().to_owned()).collect();
    let ranks = sheet.ranks(&references);
    let value = json!({
        "opportunity": opportunity.slug,
        "title": opportunity.title,
        "criteria": opportunity.evaluation_criteria,
        "proposals": proposals.iter().map(|p| {
            let row = sheet.row(p.reference());
            let rank = ranks.get(p.reference());
            json!({
                "reference": p.reference(),
                "proponent": proponent(p),
                "version": p.version,
                "submitted_at": p.submitted_at,
                "scores": row.scores.iter().map(|(k, v)| (k.clone(), json!(v.to_string()))).collect::<serde_json::Map<_, _>>(),
                "total": row.total().to_string(),
                "rank": rank.map(|r| r.place),
                "tied": rank.is_some_and(|r| r.tied),
                "disqualified": row.disqualified,
                "note": row.note,
            })
        }).collect::<Vec<_>>(),
        "audit": sheet.audit,
    });
    let body = serde_json::to_vec_pretty(&value).expect("plain data serialises");
    download(
        body,
        "application/json",
        &format!("{}-evaluation.json", opportunity.slug),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(cell("plain"), "\"plain\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for risky in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(cell(risky).starts_with("\"'"), "{risky}");
        }
        assert_eq!(cell("a,b\nc"), "\"a,b\nc\"");
    }
}
