//! Unit tests of the parent module.
use super::*;
use bip39::Mnemonic;

fn phrase(lang: Language, words: usize, seed: u8) -> String {
    let ent: Vec<u8> = (0..words / 3 * 4)
        .map(|i| (i as u8).wrapping_mul(37).wrapping_add(seed))
        .collect();
    let theirs = *bip39::Language::ALL
        .iter()
        .find(|l| format!("{l:?}") == lang.name())
        .expect("same lists");
    Mnemonic::from_entropy_in(theirs, &ent).unwrap().to_string()
}

fn refused(t: &str) -> bool {
    classify(t).is_some()
}

#[test]
fn there_are_ten_lists_folded_without_clashes() {
    assert_eq!(languages().len(), N_LANG);
    let lex = lexicon();
    for (li, _) in languages().iter().enumerate() {
        let n = lex.words.values().filter(|e| e[li] > 0).count();
        assert_eq!(n, 2048, "{:?}", languages()[li]);
    }
    assert_eq!(languages()[0], Language::English);
}

#[test]
fn checksum_matches_the_crate() {
    let m = Mnemonic::from_entropy(&[7u8; 16]).unwrap();
    let idx: Vec<u16> = m.word_indices().map(|i| i as u16).collect();
    assert!(checksum_ok(&idx));
    let mut bad = idx.clone();
    bad[11] ^= 1;
    assert!(!checksum_ok(&bad));
}

#[test]
fn every_language_and_length() {
    for &lang in languages() {
        for n in LENGTHS {
            let p = phrase(lang, n, 3);
            assert!(refused(&p), "{lang:?} {n}: {p}");
        }
    }
}

#[test]
fn written_in_many_ways() {
    let p = phrase(Language::English, 12, 9);
    let w: Vec<&str> = p.split(' ').collect();
    let camel: String = w
        .iter()
        .map(|x| {
            let mut c = x.chars();
            let f = c.next().unwrap().to_ascii_uppercase();
            format!("{f}{}", c.as_str())
        })
        .collect();
    let numbered: Vec<String> = w
        .iter()
        .enumerate()
        .map(|(i, x)| format!("{}. {x}", i + 1))
        .collect();
    let word_n: Vec<String> = w
        .iter()
        .enumerate()
        .map(|(i, x)| format!("word{} {x}", i + 1))
        .collect();
    let abbrev: Vec<String> = w.iter().map(|x| x.chars().take(4).collect()).collect();
    let mut typo = w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    typo[5].push('x');
    for t in [
        p.to_uppercase(),
        w.join(", "),
        w.join("\n"),
        w.join("-"),
        w.join("\u{3000}"),
        camel,
        numbered.join(" "),
        word_n.join(" "),
        abbrev.join(" "),
        typo.join(" "),
        format!("my seed is \"{p}\" keep it safe"),
        format!(
            "first half: {} and then the second half: {}",
            w[..6].join(" "),
            w[6..].join(" ")
        ),
    ] {
        assert!(refused(&t), "{t}");
    }
}

#[test]
fn cjk_without_spaces() {
    for lang in [
        Language::SimplifiedChinese,
        Language::TraditionalChinese,
        Language::Japanese,
        Language::Korean,
    ] {
        let p = phrase(lang, 12, 21);
        let glued: String = p.split(' ').collect();
        assert!(refused(&glued), "{lang:?}: {glued}");
    }
}

#[test]
fn sentences_with_wordlist_words_pass() {
    for ok in [
        "I will check that the phone can still verify live account access and other settings before the trip",
        "abandon ship, the whole plan was about to go wrong",
        "Call support again about the frozen account and ask for the ticket number and a clear answer",
        "Before you travel, review the device list, remove old phones, and check the withdrawal address book",
    ] {
        assert!(!refused(ok), "{ok}");
    }
}

#[test]
fn within_one_edit() {
    let c = |s: &str| s.chars().collect::<Vec<_>>();
    assert!(within_one(&c("abandon"), &c("abandn")));
    assert!(within_one(&c("abandon"), &c("abadnon")));
    assert!(within_one(&c("abandon"), &c("abandonx")));
    assert!(within_one(&c("abandon"), &c("abandom")));
    assert!(!within_one(&c("abandon"), &c("abnadom")));
}
