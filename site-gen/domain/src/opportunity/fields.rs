//! The front-matter field table: one definition per field, from which the key lists
//! ([`FIELDS`](super::FIELDS), [`NESTED_FIELDS`](super::NESTED_FIELDS)), the examples in
//! `check`'s hints, the `new` command's template and the wiki's reference table all come, as
//! ripgrep's `flags/defs.rs` generates help, man page and completions from one definition per flag.
//!
//! The serde struct [`FrontMatter`](super::FrontMatter) still names each field (Rust needs it);
//! a test holds it to this table.

/// One front-matter field: everything the reference, the hints and the template say about it.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The key; `parent.child` for a key inside a mapping (or a list of mappings).
    pub name: &'static str,
    /// The reference's "Required" column.
    pub required: &'static str,
    /// The reference's "Rules" column (Markdown).
    pub rules: &'static str,
    /// An example value as YAML, for hints such as "add `reward: 25000`".
    pub example: Option<&'static str>,
    /// How the `new` command's template writes the field.
    pub template: Template,
}

/// How the `new` command's template writes a field.
#[derive(Debug, Clone, Copy)]
pub enum Template {
    /// Not on a line of its own: a nested field, written in its parent's value.
    InParent,
    /// The comment (each line becomes a `# ` line, then an `Example:` line when the field has
    /// an example and the value is a placeholder), then `name: value`. A `TODO` in the value is
    /// a placeholder that `check` reports until it is replaced.
    Value {
        /// What the field is for, one comment line per line.
        comment: &'static str,
        /// What follows `name:` (a leading newline starts an indented block).
        value: &'static str,
    },
    /// An optional field most opportunities leave out: the comment, then `name: value`
    /// commented out, to copy when needed.
    Commented {
        /// What the field is for, one comment line per line.
        comment: &'static str,
        /// What follows `name:` in the commented-out lines.
        value: &'static str,
    },
}

impl Field {
    /// Whether the field sits inside another one (`product_owner.email`).
    pub const fn is_nested(&self) -> bool {
        let bytes = self.name.as_bytes();
        let mut index = 0;
        while index < bytes.len() {
            if bytes[index] == b'.' {
                return true;
            }
            index += 1;
        }
        false
    }

    /// The example as one front-matter line, `reward: 25000`.
    pub fn example_line(&self) -> Option<String> {
        self.example
            .map(|example| format!("{}: {example}", self.name))
    }

    /// The field's row of the wiki's reference table.
    pub fn reference_row(&self) -> String {
        format!("| `{}` | {} | {} |", self.name, self.required, self.rules)
    }
}

/// The field called `name` (`parent.child` for a nested one).
pub fn field(name: &str) -> Option<&'static Field> {
    FIELD_TABLE.iter().find(|field| field.name == name)
}

/// `reward: 25000` for `reward`: the example line `check`'s hints offer for a field.
pub fn example_line(name: &str) -> Option<String> {
    field(name)?.example_line()
}

/// Every front-matter field, in the order the reference and the template present them (each
/// nested field right after its parent).
pub const FIELD_TABLE: &[Field] = &[
    Field {
        name: "title",
        required: "Required",
        rules: "Text, 1 to 200 characters. Shown as the page heading and in feeds.",
        example: Some("\"Permit status API\""),
        template: Template::Value {
            comment: "The page heading, also used in feeds. 1 to 200 characters.",
            value: "\"TODO: what the work is, in a few words\"",
        },
    },
    Field {
        name: "teaser",
        required: "Required",
        rules: "Text, 1 to 500 characters. One or two sentences shown on the board and in feeds.",
        example: Some("\"One or two sentences shown on the board.\""),
        template: Template::Value {
            comment: "One or two sentences shown on the board and in feeds. Up to 500 characters.",
            value: "\"TODO: one or two sentences that make a developer want to read more\"",
        },
    },
    Field {
        name: "organization",
        required: "Required",
        rules: "Text, up to 200 characters: the ministry or organisation paying for the work.",
        example: Some("\"Ministry of Forests\""),
        template: Template::Value {
            comment: "The ministry or organisation paying for the work. Up to 200 characters.",
            value: "\"TODO: your ministry or organisation\"",
        },
    },
    Field {
        name: "product_owner",
        required: "Required",
        rules: "A mapping with `name` and `email`.",
        example: Some("{ name: \"Priya Sandhu\", email: \"priya.sandhu@gov.bc.ca\" }"),
        template: Template::Value {
            comment: "Who receives the proposals. The name is shown publicly; the email is PRIVATE: proposals are\n\
                      sent to it and it never appears on the public site.",
            value: "\n  name: \"TODO: your full name\"\n  email: \"TODO: your work email\"",
        },
    },
    Field {
        name: "product_owner.name",
        required: "Required",
        rules: "Text, up to 200 characters. Shown publicly.",
        example: None,
        template: Template::InParent,
    },
    Field {
        name: "product_owner.email",
        required: "Required",
        rules: "A valid email address. **Private**: proposals are sent here, and it never appears on the public site.",
        example: None,
        template: Template::InParent,
    },
    Field {
        name: "reward",
        required: "Required",
        rules: "Whole Canadian dollars from 1 to 70000, written without `$` or commas.",
        example: Some("25000"),
        template: Template::Value {
            comment: "The fixed price in whole Canadian dollars, from 1 to 70000, without $ or commas.",
            value: "TODO",
        },
    },
    Field {
        name: "location",
        required: "Required",
        rules: "Text, up to 200 characters, such as `Victoria, BC`.",
        example: Some("\"Victoria, BC\""),
        template: Template::Value {
            comment: "Where the team is based. Up to 200 characters.",
            value: "\"TODO: city and province\"",
        },
    },
    Field {
        name: "remote",
        required: "Required",
        rules: "`true` or `false`.",
        example: Some("true"),
        template: Template::Value {
            comment: "Can the work be done remotely? true or false.",
            value: "TODO",
        },
    },
    Field {
        name: "remote_details",
        required: "Required when `remote` is `true`",
        rules: "Text, up to 500 characters: where the developer may work from, meetings, time zones.",
        example: Some("\"Fully remote within Canada\""),
        template: Template::Value {
            comment: "Required when remote is true (delete the line when it is false): where the developer may work\n\
                      from, meetings and time zones. Up to 500 characters.",
            value: "\"TODO: e.g. Fully remote within Canada; a weekly check-in on Tuesdays, Pacific time\"",
        },
    },
    Field {
        name: "skills",
        required: "Required",
        rules: "A list of at least one skill, each 1 to 100 characters. The same skill twice (ignoring case) is an error. Each skill gets a page and a feed whose address is made from its letters and digits (`+` and `#` count as words, so `C++`, `C#` and `C` stay apart); a skill needs at least one letter or digit, and `check` reports two spellings that would share one address (`Node.js` and `Node js`). Reuse the spelling other opportunities use, so the skill filter and skill feeds group them.",
        example: Some("[Rust, PostgreSQL]"),
        template: Template::Value {
            comment: "At least one skill, each up to 100 characters; the same skill twice is an error. Reuse the\n\
                      spelling other opportunities use, so the skill filter and feeds group them.",
            value: "[TODO]",
        },
    },
    Field {
        name: "published",
        required: "Optional",
        rules: "When the opportunity goes public. In the future, it schedules the opportunity: it stays off the site until the first hourly rebuild after that moment. It dates the opportunity's item in the RSS feeds (without it, the item is dated when the site first published it). Before `proposal_deadline`.",
        example: Some("2027-02-01"),
        template: Template::Value {
            comment: "Dates. 2027-03-12 alone means 4:00 PM Pacific time (America/Vancouver) that day; a time can be\n\
                      given as 2027-03-12T12:00 (Pacific time). They must be in this order:\n\
                      published < proposal_deadline < assignment_date <= start_date <= completion_date.\n\
                      The day the opportunity goes public (the day the pull request is merged); it dates the RSS\n\
                      item, so subscribers see the opportunity once. Optional, but set it.",
            value: "TODO",
        },
    },
    Field {
        name: "proposal_deadline",
        required: "Required",
        rules: "A date or date-time. A date alone means 4:00 PM Pacific time.",
        example: Some("2027-03-12"),
        template: Template::Value {
            comment: "",
            value: "TODO",
        },
    },
    Field {
        name: "assignment_date",
        required: "Required",
        rules: "When the work is expected to be assigned. Must be after `proposal_deadline`.",
        example: Some("2027-03-19"),
        template: Template::Value {
            comment: "",
            value: "TODO",
        },
    },
    Field {
        name: "start_date",
        required: "Required",
        rules: "When the work starts. On or after `assignment_date`.",
        example: Some("2027-03-22"),
        template: Template::Value {
            comment: "",
            value: "TODO",
        },
    },
    Field {
        name: "completion_date",
        required: "Optional",
        rules: "When the work should be finished. On or after `start_date`.",
        example: Some("2027-05-28"),
        template: Template::Value {
            comment: "Optional: when the work should be finished. Delete the line if there is no end date.",
            value: "TODO",
        },
    },
    Field {
        name: "repository",
        required: "Required",
        rules: "The `https://` address of the public repository where the work happens.",
        example: Some("https://github.com/bcgov/permit-status"),
        template: Template::Value {
            comment: "The https:// address of the public repository where the work happens.",
            value: "\"TODO: the repository's address\"",
        },
    },
    Field {
        name: "questions",
        required: "Optional",
        rules: "The address of the GitHub issue where questions are asked, `https://github.com/OWNER/REPOSITORY/issues/NUMBER`. Leave it out to have the issue created for you when the opportunity is merged.",
        example: Some("https://github.com/bcgov/permit-status/issues/1"),
        template: Template::Value {
            comment: "Optional: the GitHub issue where developers ask questions. Delete the line to have the issue\n\
                      created (and its address added by a pull request) when the opportunity is merged.",
            value: "\"TODO: the issue's address\"",
        },
    },
    Field {
        name: "acceptance_criteria",
        required: "Required",
        rules: "A list of at least one criterion, each up to 2,000 characters. Payment is made when all are met, so each must be checkable.",
        example: Some("[\"The API returns …\"]"),
        template: Template::Value {
            comment: "When the work is accepted and paid: checkable statements, at least one, each up to 2,000 characters.",
            value: "\n  - \"TODO: e.g. Every endpoint in openapi.yaml returns the documented responses.\"",
        },
    },
    Field {
        name: "evaluation_criteria",
        required: "Required",
        rules: "A list of at least one `criterion` with its `points`. The points must add up to exactly 100.",
        example: Some("[{ criterion: \"Approach\", points: 100 }]"),
        template: Template::Value {
            comment: "How proposals are scored: at least one criterion with its points (1 to 100 each);\n\
                      the points must add up to exactly 100.",
            value: "\n  - { criterion: \"TODO: e.g. Experience building web services in Rust\", points: TODO }\
                    \n  - { criterion: \"TODO: e.g. Proposed approach, including testing\", points: TODO }",
        },
    },
    Field {
        name: "evaluation_criteria.criterion",
        required: "Required",
        rules: "Text, up to 2,000 characters: what is scored.",
        example: None,
        template: Template::InParent,
    },
    Field {
        name: "evaluation_criteria.points",
        required: "Required",
        rules: "A whole number from 1 to 100.",
        example: None,
        template: Template::InParent,
    },
    Field {
        name: "proposal_requirements",
        required: "Required",
        rules: "A list of at least one item, each up to 2,000 characters: what every proposal must contain.",
        example: Some("[\"Describe your approach\"]"),
        template: Template::Value {
            comment: "What every proposal must contain: at least one item, each up to 2,000 characters.",
            value: "\n  - \"TODO: e.g. Links to one or two public repositories you wrote or contributed to.\"",
        },
    },
    Field {
        name: "addenda",
        required: "Optional",
        rules: "A list of changes published after the opportunity went out, each with `date` and `text`. Shown newest first.",
        example: None,
        template: Template::Commented {
            comment: "Optional: changes published after the opportunity went out, shown newest first.",
            value: "\n  - date: 2027-02-20\n    text: \"The sample data is now in the repository under fixtures/.\"",
        },
    },
    Field {
        name: "addenda.date",
        required: "Required in each addendum",
        rules: "The date (or date-time) the change was published.",
        example: None,
        template: Template::InParent,
    },
    Field {
        name: "addenda.text",
        required: "Required in each addendum",
        rules: "Text, up to 2,000 characters: what changed and why.",
        example: None,
        template: Template::InParent,
    },
    Field {
        name: "status",
        required: "Required",
        rules: "`draft` (not public), `published` or `cancelled`.",
        example: Some("published"),
        template: Template::Value {
            comment: "draft (not public, built only with --drafts), published, or cancelled.\n\
                      Keep draft while you write; change it to published when the pull request is ready to merge.",
            value: "draft",
        },
    },
    Field {
        name: "award",
        required: "Optional",
        rules: "Only for work awarded before the platform recorded awards (an award made on the evaluation page is published without it): `proponent` and `date`. Not allowed when `status` is `cancelled`.",
        example: None,
        template: Template::Commented {
            comment: "Only for work awarded before the platform recorded awards: the successful proponent's public\n\
                      name and the date. An award made on the evaluation page is published without it.",
            value: "{ proponent: \"Name of the proponent\", date: 2027-03-19 }",
        },
    },
    Field {
        name: "award.proponent",
        required: "Required in an award",
        rules: "Text, up to 200 characters: the successful proponent's public name.",
        example: None,
        template: Template::InParent,
    },
    Field {
        name: "award.date",
        required: "Required in an award",
        rules: "The date the work was awarded. Not before `proposal_deadline`, and not in the future.",
        example: None,
        template: Template::InParent,
    },
];

/// How many fields are (`nested`) or are not nested.
const fn count(nested: bool) -> usize {
    let mut count = 0;
    let mut index = 0;
    while index < FIELD_TABLE.len() {
        if FIELD_TABLE[index].is_nested() == nested {
            count += 1;
        }
        index += 1;
    }
    count
}

/// The names of the fields that are (`nested`) or are not nested, in table order.
const fn names<const N: usize>(nested: bool) -> [&'static str; N] {
    let mut names = [""; N];
    let mut found = 0;
    let mut index = 0;
    while index < FIELD_TABLE.len() {
        if FIELD_TABLE[index].is_nested() == nested {
            names[found] = FIELD_TABLE[index].name;
            found += 1;
        }
        index += 1;
    }
    names
}

/// Every top-level front-matter key, in the order the reference documents them.
pub const FIELDS: &[&str] = &names::<{ count(false) }>(false);

/// Keys allowed inside the nested mappings, as `parent.child`.
pub const NESTED_FIELDS: &[&str] = &names::<{ count(true) }>(true);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opportunity::FrontMatter;
    use crate::opportunity::input::{AddendumInput, AwardInput, ContactInput, CriterionInput};
    use serde::de::{self, Deserialize, Visitor};

    /// A deserializer that only records the field names a struct asks for.
    struct FieldNames(Vec<&'static str>);

    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<T: std::fmt::Display>(_: T) -> Self {
            Stop
        }
    }

    impl<'de> de::Deserializer<'de> for &mut FieldNames {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0.extend(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    /// The keys serde reads for `T`.
    fn serde_fields<'de, T: Deserialize<'de>>() -> Vec<&'static str> {
        let mut names = FieldNames(Vec::new());
        let _ = T::deserialize(&mut names);
        names.0
    }

    #[test]
    fn the_front_matter_struct_reads_exactly_the_table() {
        assert_eq!(serde_fields::<FrontMatter>(), FIELDS);
        let mut nested: Vec<String> = Vec::new();
        for (parent, children) in [
            ("product_owner", serde_fields::<ContactInput>()),
            ("evaluation_criteria", serde_fields::<CriterionInput>()),
            ("addenda", serde_fields::<AddendumInput>()),
            ("award", serde_fields::<AwardInput>()),
        ] {
            nested.extend(children.iter().map(|child| format!("{parent}.{child}")));
        }
        assert_eq!(nested, NESTED_FIELDS);
    }

    #[test]
    fn the_lists_come_from_the_table() {
        assert_eq!(FIELDS.len() + NESTED_FIELDS.len(), FIELD_TABLE.len());
        assert_eq!(FIELDS[4], "reward");
        assert!(NESTED_FIELDS.iter().all(|name| name.contains('.')));
        assert_eq!(example_line("reward").as_deref(), Some("reward: 25000"));
        assert_eq!(example_line("award"), None);
        assert_eq!(example_line("no_such_field"), None);
    }

    #[test]
    fn nested_fields_are_written_by_their_parent_and_top_level_ones_by_the_template() {
        for field in FIELD_TABLE {
            let in_parent = matches!(field.template, Template::InParent);
            assert_eq!(in_parent, field.is_nested(), "{}", field.name);
            if let Some((parent, _)) = field.name.split_once('.') {
                assert!(FIELDS.contains(&parent), "{}", field.name);
            }
        }
    }
}
