//! Lists of cards (the board, a skill's page) split into pages of [`urls::PAGE_SIZE`], so every
//! page stays light however many opportunities there are. Cards keep board order across pages:
//! open opportunities come first, so they are on the first page (or the first pages, when there
//! are more than one page holds).

use super::views::{Card, Section, sections};
use cwu_domain::urls;
use serde::Serialize;

/// How many page numbers the pager shows on either side of the current page (the first and the
/// last are always shown), so the pager stays short on a list of hundreds of pages.
const PAGER_REACH: usize = 2;

/// One page of a list.
pub struct ListPage<'a> {
    /// From 1.
    pub number: usize,
    /// Site-absolute URL.
    pub url: String,
    /// The page's cards grouped by status, each group with its total over the whole list.
    pub sections: Vec<Section<'a>>,
    /// Links to the other pages.
    pub pager: Pager,
}

/// The links between the pages of a list.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Pager {
    /// The current page, from 1.
    pub number: usize,
    /// How many pages the list has.
    pub count: usize,
    /// The previous page's URL, except on the first page.
    pub previous: Option<String>,
    /// The next page's URL, except on the last page.
    pub next: Option<String>,
    /// The numbered links shown, in order, with `None` where numbers are left out.
    pub links: Vec<Option<PageLink>>,
}

/// A numbered link in the pager.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct PageLink {
    /// The page number.
    pub number: usize,
    /// Its URL.
    pub url: String,
    /// Whether it is the page shown (`aria-current="page"`).
    pub current: bool,
}

/// Where a status's cards start in a list: the board's "jump to a status" links.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct StatusJump {
    /// Status label.
    pub label: &'static str,
    /// How many cards of the list have it.
    pub count: usize,
    /// The page and anchor where its first card is.
    pub url: String,
}

/// The pages of `cards` (in board order) for the list whose first page is `first`.
pub fn pages<'a>(first: &str, cards: &[&'a Card]) -> Vec<ListPage<'a>> {
    let count = urls::page_count(cards.len());
    let totals = sections(cards);
    (1..=count)
        .map(|number| {
            let start = (number - 1) * urls::PAGE_SIZE;
            let end = (start + urls::PAGE_SIZE).min(cards.len());
            let mut sections = sections(&cards[start..end]);
            for section in &mut sections {
                section.total = totals
                    .iter()
                    .find(|t| t.id == section.id)
                    .map_or(section.total, |t| t.total);
            }
            ListPage {
                number,
                url: urls::list_page(first, number),
                sections,
                pager: pager(first, number, count),
            }
        })
        .collect()
}

/// For each status in `cards` (board order), the page of `first`'s list where it starts.
pub fn status_jumps(first: &str, cards: &[&Card]) -> Vec<StatusJump> {
    let mut jumps = Vec::new();
    let mut start = 0;
    for section in sections(cards) {
        let page = start / urls::PAGE_SIZE + 1;
        jumps.push(StatusJump {
            label: section.label,
            count: section.total,
            url: format!("{}#{}", urls::list_page(first, page), section.id),
        });
        start += section.total;
    }
    jumps
}

fn pager(first: &str, number: usize, count: usize) -> Pager {
    let link = |n: usize| PageLink {
        number: n,
        url: urls::list_page(first, n),
        current: n == number,
    };
    let mut links = Vec::new();
    for n in 1..=count {
        let shown = n == 1 || n == count || n.abs_diff(number) <= PAGER_REACH;
        if shown {
            links.push(Some(link(n)));
        } else if links.last().is_some_and(Option::is_some) {
            links.push(None);
        }
    }
    Pager {
        number,
        count,
        previous: (number > 1).then(|| urls::list_page(first, number - 1)),
        next: (number < count).then(|| urls::list_page(first, number + 1)),
        links,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(pager: &Pager) -> Vec<Option<usize>> {
        pager
            .links
            .iter()
            .map(|l| l.as_ref().map(|l| l.number))
            .collect()
    }

    #[test]
    fn the_pager_shows_the_ends_and_the_neighbourhood() {
        let p = pager("/b/", 1, 1);
        assert_eq!(numbers(&p), [Some(1)]);
        assert_eq!((p.previous, p.next), (None, None));
        let p = pager("/b/", 6, 20);
        assert_eq!(
            numbers(&p),
            [
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(20)
            ]
        );
        assert_eq!(p.previous.as_deref(), Some("/b/page/5/"));
        assert_eq!(p.next.as_deref(), Some("/b/page/7/"));
        assert!(p.links[4].as_ref().unwrap().current);
        assert_eq!(p.links[0].as_ref().unwrap().url, "/b/");
        let p = pager("/b/", 2, 3);
        assert_eq!(numbers(&p), [Some(1), Some(2), Some(3)]);
    }
}
