//! The official BIP39 wordlists of every language, generated at build time from the maintained
//! `bip39` crate (build.rs) as one text per language.

/// One BIP39 wordlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Language(usize);

include!(concat!(env!("OUT_DIR"), "/bip39_wordlists.rs"));

impl Language {
    /// Every official list, English first.
    pub const ALL: [Language; 10] = [
        Language(0),
        Language(1),
        Language(2),
        Language(3),
        Language(4),
        Language(5),
        Language(6),
        Language(7),
        Language(8),
        Language(9),
    ];

    /// The list's 2048 words, in BIP39 index order (NFKD, as the standard has them).
    pub fn words(self) -> impl Iterator<Item = &'static str> + Clone {
        WORDLISTS[self.0].1.split('\n')
    }

    #[cfg_attr(not(test), allow(dead_code))]
    pub fn name(self) -> &'static str {
        WORDLISTS[self.0].0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_are_the_crates() {
        assert_eq!(WORDLISTS.len(), Language::ALL.len());
        for (l, theirs) in Language::ALL.iter().zip(bip39::Language::ALL) {
            let ours: Vec<&str> = l.words().collect();
            assert_eq!(ours, theirs.word_list().to_vec(), "{}", l.name());
            assert_eq!(l.name(), format!("{theirs:?}"));
        }
        assert_eq!(Language::English.name(), "English");
    }
}
