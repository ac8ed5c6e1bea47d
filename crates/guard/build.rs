//! Build script: the official BIP39 wordlists (from the `bip39` crate) as one text per language.

use std::fmt::Write as _;
use std::path::Path;

/// The official BIP39 wordlists (from the `bip39` crate) as one newline-separated text per
/// language, plus a constant per language: a static table of 20,480 `&str` would cost as many
/// relocations at every start of the program, texts cost one each.
fn wordlists() -> String {
    let mut out = String::from(
        "/// (language name, its 2048 words separated by newlines), in `bip39::Language::ALL` order.\n\
         static WORDLISTS: [(&str, &str); ",
    );
    let all = bip39::Language::ALL;
    writeln!(out, "{}] = [", all.len()).unwrap();
    for l in all {
        let words = l.word_list().join("\n");
        writeln!(out, "    ({:?}, {:?}),", format!("{l:?}"), words).unwrap();
    }
    out.push_str("];\n\n#[allow(non_upper_case_globals, dead_code)]\nimpl Language {\n");
    for (i, l) in all.iter().enumerate() {
        writeln!(out, "    pub const {l:?}: Language = Language({i});").unwrap();
    }
    out.push_str("}\n");
    out
}

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("bip39_wordlists.rs"), wordlists())
        .expect("write lists");
    println!("cargo:rerun-if-changed=build.rs");
}
