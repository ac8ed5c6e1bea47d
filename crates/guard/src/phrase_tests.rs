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

#[test]
fn parts_of_a_phrase_are_refused() {
    for &lang in languages() {
        let p = phrase(lang, 12, 5);
        let w: Vec<&str> = p.split(' ').collect();
        let sep = if lang == Language::Japanese {
            "\u{3000}"
        } else {
            " "
        };
        let numbered: Vec<String> = w[..8]
            .iter()
            .enumerate()
            .map(|(i, x)| format!("{}) {x}", i + 1))
            .collect();
        let mut gap: Vec<&str> = w.clone();
        gap[6] = "xxx";
        for t in [
            w[..11].join(sep),
            w[1..].join(", "),
            numbered.join(" "),
            gap.join(sep),
            format!("first half of my seed: {}", w[..6].join(sep)),
        ] {
            assert!(refused(&t), "{lang:?}: {t}");
        }
    }
    // 23 of 24 words, and one left out in the middle.
    let p = phrase(Language::English, 24, 8);
    let mut w: Vec<&str> = p.split(' ').collect();
    assert!(refused(&w[..23].join(" ")));
    w.remove(12);
    assert!(refused(&w.join(" ")));
}

#[test]
fn lists_of_settings_and_sentences_are_not_parts_of_a_phrase() {
    for ok in [
        "checked: phone, email, device, address book, login history, 2FA, passkeys",
        "checked: phone, device, card, account, security, history, review, balance, limit, lock",
        "reviewed device list, address book, security history, account access, payment method, deposit limit",
        "1. lock account 2. call support 3. change email password 4. check devices 5. review history",
        "first half of the seed backup is done, second half next week",
        "I will check that the phone can still verify live account access and other settings before the trip",
    ] {
        assert!(!refused(ok), "{ok}");
    }
}
