//! Where a checklist comes from and how far to trust it: its origin (bundled, or a file of the
//! user's with its sha256), digests that tell what changed in a file, its freshness, and links
//! shown with their real host.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Months, NaiveDate};
use sha2::{Digest, Sha256};

use super::model::Checklist;
use crate::ids::{SectionId, StepId};

/// Hex digits of a file's sha256 shown to the user.
pub const SHA_SHOWN: usize = 12;
/// Hex digits kept of each step's and section's digest.
const DIGEST_KEPT: usize = 16;
/// A checklist updated longer ago than this may describe menus that have moved since.
pub const FRESH_MONTHS: u32 = 12;

/// Where a checklist came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into this lockstep.
    Bundled,
    /// A file of the user's (absolute path as found), with the sha256 of its bytes (hex).
    File { path: PathBuf, sha256: String },
}

impl Origin {
    pub fn path(&self) -> Option<&Path> {
        match self {
            Origin::Bundled => None,
            Origin::File { path, .. } => Some(path),
        }
    }

    pub fn sha256(&self) -> Option<&str> {
        match self {
            Origin::Bundled => None,
            Origin::File { sha256, .. } => Some(sha256),
        }
    }

    /// Who wrote the steps, in full: "bundled (lockstep 0.1.0, updated 2026-11-20)" or
    /// "your file: PATH (sha256 1a2b3c4d5e6f, updated 2026-01-01)".
    pub fn describe(&self, cl: &Checklist) -> String {
        match self {
            Origin::Bundled => format!(
                "bundled (lockstep {}, updated {})",
                env!("CARGO_PKG_VERSION"),
                cl.updated
            ),
            Origin::File { path, sha256 } => format!(
                "your file: {} (sha256 {}, updated {})",
                path.display(),
                short_sha(sha256),
                cl.updated
            ),
        }
    }

    /// A few words for narrow places (a header): "bundled" or "YOUR FILE name.json".
    pub fn short(&self) -> String {
        match self {
            Origin::Bundled => "bundled".into(),
            Origin::File { path, .. } => format!(
                "YOUR FILE {}",
                path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into()
                )
            ),
        }
    }
}

/// The first [`SHA_SHOWN`] hex digits of a digest.
pub fn short_sha(sha256: &str) -> &str {
    sha256.get(..SHA_SHOWN).unwrap_or(sha256)
}

/// A checklist and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub checklist: Checklist,
    pub origin: Origin,
}

impl Loaded {
    pub fn bundled(checklist: Checklist) -> Loaded {
        Loaded {
            checklist,
            origin: Origin::Bundled,
        }
    }

    /// See [`Origin::describe`].
    pub fn describe(&self) -> String {
        self.origin.describe(&self.checklist)
    }
}

/// The sha256 of `bytes` as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn digest_of(value: &impl serde::Serialize) -> String {
    let json = serde_json::to_vec(value).expect("checklist parts always serialise");
    let mut d = sha256_hex(&json);
    d.truncate(DIGEST_KEPT);
    d
}

/// A digest of each step (id -> digest of everything the checklist says about it): two versions
/// of a checklist differ in a step exactly when its digest differs.
pub fn step_digests(cl: &Checklist) -> BTreeMap<StepId, String> {
    cl.sections
        .iter()
        .flat_map(|s| s.steps.iter())
        .map(|t| (t.id.clone(), digest_of(t)))
        .collect()
}

/// A digest of each section without its steps (title, kind, interval, intro, role).
pub fn section_digests(cl: &Checklist) -> BTreeMap<SectionId, String> {
    cl.sections
        .iter()
        .map(|s| {
            let mut bare = s.clone();
            bare.steps.clear();
            (s.id.clone(), digest_of(&bare))
        })
        .collect()
}

/// True when the checklist was last updated more than [`FRESH_MONTHS`] months before `today`.
pub fn is_stale(cl: &Checklist, today: NaiveDate) -> bool {
    cl.updated
        .checked_add_months(Months::new(FRESH_MONTHS))
        .is_some_and(|fresh_until| fresh_until < today)
}

/// What the dashboard says about an old checklist, or None while it is fresh.
pub fn staleness(cl: &Checklist, today: NaiveDate) -> Option<String> {
    is_stale(cl, today).then(|| {
        format!(
            "This checklist was last updated on {}, more than {FRESH_MONTHS} months ago: {}'s \
             menus may have moved since, so check the steps against {}'s own help pages.",
            cl.updated, cl.service, cl.service
        )
    })
}

/// A link with the host it really goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url: String,
    /// The host (and port) the link opens, after any `user@` part.
    pub host: String,
    /// The link has a `something@` part before its host, which can make another host's name
    /// appear first.
    pub userinfo: bool,
    /// The host has characters other than ASCII (a look-alike of a known name is possible).
    pub non_ascii: bool,
}

/// Splits a URL into what [`Link`] shows.
pub fn link(url: &str) -> Link {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (userinfo, host) = match authority.rsplit_once('@') {
        Some((_, h)) => (true, h),
        None => (false, authority),
    };
    Link {
        url: url.to_string(),
        host: host.to_string(),
        userinfo,
        non_ascii: !host.is_ascii(),
    }
}

impl Link {
    /// "help.example.com: https://help.example.com/2fa", with a warning when the host is not what
    /// it seems.
    pub fn describe(&self) -> String {
        let mut s = format!("{}: {}", self.host, self.url);
        if self.userinfo {
            s.push_str(" (careful: the part before '@' is not where it goes)");
        }
        if self.non_ascii {
            s.push_str(" (careful: the host has non-ASCII letters, check it is the real site)");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{BUNDLED, parse};

    fn cl() -> Checklist {
        parse("crypto-com.json", BUNDLED[0].1).unwrap()
    }

    #[test]
    fn origins_describe_themselves() {
        let c = cl();
        assert_eq!(
            Origin::Bundled.describe(&c),
            format!(
                "bundled (lockstep {}, updated {})",
                env!("CARGO_PKG_VERSION"),
                c.updated
            )
        );
        let sha = sha256_hex(b"abc");
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let f = Origin::File {
            path: "/home/a/.config/lockstep/checklists/x.json".into(),
            sha256: sha,
        };
        assert_eq!(
            f.describe(&c),
            format!(
                "your file: /home/a/.config/lockstep/checklists/x.json (sha256 ba7816bf8f01, updated {})",
                c.updated
            )
        );
        assert_eq!(f.short(), "YOUR FILE x.json");
        assert_eq!(Origin::Bundled.short(), "bundled");
    }

    #[test]
    fn digests_change_with_the_step_only() {
        let a = cl();
        let mut b = a.clone();
        b.sections[0].steps[0].why.push('!');
        let (da, db) = (step_digests(&a), step_digests(&b));
        let changed: Vec<_> = da.keys().filter(|k| da[*k] != db[*k]).collect();
        assert_eq!(changed, [&a.sections[0].steps[0].id]);
        assert_eq!(section_digests(&a), section_digests(&b));
        b.sections[1].title.push('!');
        assert_ne!(section_digests(&a), section_digests(&b));
    }

    #[test]
    fn a_year_old_checklist_is_stale() {
        let mut c = cl();
        c.updated = NaiveDate::from_ymd_opt(2025, 11, 25).unwrap();
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert!(!is_stale(&c, d(11, 25)));
        assert!(is_stale(&c, d(11, 26)));
        let s = staleness(&c, d(12, 1)).unwrap();
        assert!(s.contains("menus may have moved"), "{s}");
        assert!(s.contains("own help pages"), "{s}");
        assert_eq!(staleness(&c, d(1, 1)), None);
    }

    #[test]
    fn links_show_their_real_host() {
        let l = link("https://help.kraken.com/hc/en-us/articles/2fa?x=1");
        assert_eq!(l.host, "help.kraken.com");
        assert!(!l.userinfo && !l.non_ascii);
        assert_eq!(
            l.describe(),
            "help.kraken.com: https://help.kraken.com/hc/en-us/articles/2fa?x=1"
        );
        let l = link("https://help.kraken.com@evil.example/login");
        assert_eq!(l.host, "evil.example");
        assert!(l.userinfo);
        assert!(l.describe().starts_with("evil.example: "));
        let l = link("https://krаken.com/"); // a Cyrillic 'а'
        assert!(l.non_ascii);
        assert!(l.describe().contains("non-ASCII"));
        assert_eq!(link("https://a.example:8443").host, "a.example:8443");
    }
}
