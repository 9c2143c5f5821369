//! Word lists the synthetic content is drawn from (plain ASCII, no Markdown or YAML specials).

/// Ministries and agencies that publish opportunities.
pub const ORGANIZATIONS: &[&str] = &[
    "Ministry of Forests",
    "Ministry of Health",
    "Ministry of Citizens' Services",
    "Ministry of Transportation and Infrastructure",
    "Ministry of Education and Child Care",
    "Ministry of Environment and Parks",
    "Ministry of Finance",
    "Ministry of Agriculture and Food",
    "BC Wildfire Service",
    "Emergency Management and Climate Readiness",
    "Ministry of Housing",
    "Ministry of Energy and Climate Solutions",
];

/// City names for `location`.
pub const LOCATIONS: &[&str] = &[
    "Victoria, BC",
    "Vancouver, BC",
    "Kamloops, BC",
    "Prince George, BC",
    "Nanaimo, BC",
    "Kelowna, BC",
    "Surrey, BC",
    "Smithers, BC",
];

/// Given names of product owners and proponents.
pub const FIRST_NAMES: &[&str] = &[
    "Priya", "Daniel", "Mei", "Jordan", "Aisha", "Tom", "Sofia", "Raj", "Emily", "Kenji", "Grace",
    "Omar", "Lucy", "Mateo", "Hannah", "Wei", "Noah", "Amara", "Liam", "Chloe",
];

/// Family names of product owners and proponents.
pub const LAST_NAMES: &[&str] = &[
    "Sandhu",
    "Nguyen",
    "Thompson",
    "Gill",
    "MacDonald",
    "Chen",
    "Fraser",
    "Dhillon",
    "Wilson",
    "Tremblay",
    "Okafor",
    "Larsen",
    "Santos",
    "Kowalski",
    "Bains",
    "Martin",
];

/// Skills (`skills:`), distinct case-insensitively.
pub const SKILLS: &[&str] = &[
    "Rust",
    "PostgreSQL",
    "OpenAPI",
    "Docker",
    "TypeScript",
    "React",
    "Python",
    "Django",
    "Kubernetes",
    "OpenShift",
    "Terraform",
    "AWS",
    "Accessibility",
    "GraphQL",
    "Go",
    "Java",
    "Spring Boot",
    "Node.js",
    "Redis",
    "Elasticsearch",
    "GIS",
    "Keycloak",
    "CI/CD",
    "Figma",
    "Vue",
    "Angular",
    "SQL Server",
    "Kafka",
    "WebAssembly",
    "Playwright",
];

/// Adjectives for titles and prose.
pub const ADJECTIVES: &[&str] = &[
    "fast",
    "accessible",
    "reliable",
    "small",
    "secure",
    "searchable",
    "offline",
    "mobile",
    "public",
    "shared",
    "automated",
    "plain",
    "modern",
    "open",
    "simple",
    "resilient",
];

/// Things to build, for titles.
pub const PRODUCTS: &[&str] = &[
    "permit status API",
    "licence renewal form",
    "wildfire map layer",
    "inspection scheduler",
    "grant application portal",
    "data export service",
    "case tracking dashboard",
    "address lookup service",
    "notification service",
    "document upload widget",
    "open data catalogue",
    "appointment booking tool",
    "survey builder",
    "audit log viewer",
    "fee calculator",
    "road condition feed",
];

/// Nouns for prose.
pub const NOUNS: &[&str] = &[
    "service",
    "team",
    "application",
    "database",
    "workflow",
    "report",
    "dashboard",
    "form",
    "record",
    "request",
    "office",
    "licensee",
    "client",
    "schedule",
    "endpoint",
    "release",
    "repository",
    "test suite",
    "deployment",
    "ticket",
    "dataset",
    "queue",
    "page",
    "search",
];

/// Verbs (third person) for prose.
pub const VERBS: &[&str] = &[
    "reviews",
    "updates",
    "publishes",
    "tracks",
    "validates",
    "stores",
    "answers",
    "exports",
    "imports",
    "schedules",
    "reports",
    "replaces",
    "checks",
    "summarizes",
    "routes",
    "archives",
];

/// Closing phrases for sentences.
pub const TAILS: &[&str] = &[
    "every business day",
    "before the end of the fiscal year",
    "for staff in the regional offices",
    "without manual steps",
    "in under a second",
    "for thousands of people each month",
    "with a clear audit trail",
    "in plain language",
    "across every district",
    "as soon as the data changes",
];

/// Section headings of an opportunity body.
pub const HEADINGS: &[&str] = &[
    "The problem",
    "What we want built",
    "Technical details",
    "How we will work",
    "Before you apply",
];

/// Fixed wiki pages that opportunity bodies link to.
pub const WIKI_CORE: &[(&str, &str)] = &[
    ("how-to-submit", "How to submit a proposal"),
    ("terms", "Terms and conditions"),
    ("payment", "How payment works"),
    ("evaluation", "How proposals are evaluated"),
    ("product-owners", "Guide for product owners"),
    ("faq", "Frequently asked questions"),
];
