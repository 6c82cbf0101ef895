//! Builds `model.txt` from labelled sentences (`lang<TAB>category<TAB>sentence` lines), for
//! `relief train`. Not part of the classify path: it may allocate and format freely.
//!
//! Which words the model keeps decides both its size and its accuracy:
//! - every word seen in `FREQUENT` or more training sentences;
//! - of the words seen in two to `FREQUENT - 1` sentences, the `KEEP_RARE` that the classifier needs
//!   most: each training sentence is classified with itself left out, once with all candidate words
//!   and once without each one of its own, and a word scores a point for every sentence it turns from
//!   wrong to right and loses one for every sentence it turns from right to wrong;
//! - no word seen only once: left out, its sentence cannot show it is needed, and held-out sentences
//!   showed a rare word's place is better spent on a word seen twice.
//! A rare inflection or compound of a kept word adds bytes but hardly any evidence, so words that only
//! repeat what their stems say score low. That keeps the model within its size budget.

use super::{grams, log2_q8, normalise, sorted_distinct, Category, Counts, N, WORD_WEIGHT};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One labelled sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    pub lang: String,
    pub category: Category,
    pub text: String,
}

/// Reads `lang<TAB>category<TAB>sentence` lines; blank lines and `#` comments are skipped.
pub fn examples(tsv: &str) -> Result<Vec<Example>, String> {
    let mut out = Vec::new();
    for (i, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.splitn(3, '\t');
        let (Some(lang), Some(key), Some(text)) = (fields.next(), fields.next(), fields.next()) else {
            return Err(format!("line {}: expected lang<TAB>category<TAB>sentence", i + 1));
        };
        let category = Category::from_key(key).ok_or_else(|| format!("line {}: unknown category {key:?}", i + 1))?;
        out.push(Example { lang: lang.to_string(), category, text: text.to_string() });
    }
    Ok(out)
}

/// Words seen in this many training sentences or more are always kept.
const FREQUENT: u32 = 6;
/// How many of the rarer words (seen in 2..FREQUENT sentences) are kept: about 12 KB brotli in all.
const KEEP_RARE: usize = 960;

/// The model file for these examples: deterministic, so a test can check the committed one.
pub fn train(examples: &[Example]) -> String {
    train_keeping(examples, KEEP_RARE)
}

/// `train`, keeping `keep_rare` of the words seen in 2..FREQUENT sentences.
fn train_keeping(examples: &[Example], keep_rare: usize) -> String {
    let mut counts: HashMap<String, Counts> = HashMap::new();
    let mut sentences: Vec<(usize, Vec<String>)> = Vec::new();
    for example in examples {
        let norm = normalise(&example.text);
        let words: Vec<String> =
            sorted_distinct(norm.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>()).into_iter().map(String::from).collect();
        for word in &words {
            counts.entry(word.clone()).or_insert([0; N])[example.category as usize] += 1;
        }
        sentences.push((example.category as usize, words));
    }
    let total = |c: &Counts| c.iter().map(|&n| n as u32).sum::<u32>();

    // Candidates: every word seen twice or more, and a once-seen word when it brings its category 4-
    // and 5-grams that no more frequent (or as frequent and shorter) word gave it. The once-seen ones
    // take part in judging the others, as they did in training, but are not kept themselves.
    let mut order: Vec<(&String, &Counts)> = counts.iter().collect();
    order.sort_by_key(|(word, c)| (std::cmp::Reverse(total(c)), word.chars().count(), word.as_str()));
    let mut covered: Vec<BTreeSet<u64>> = vec![BTreeSet::new(); N];
    let mut candidates: Vec<(&str, Counts)> = Vec::new();
    for (word, c) in order {
        let mut pieces = Vec::new();
        grams(word, 4..=5, &mut pieces);
        if pieces.is_empty() {
            grams(word, 3..=3, &mut pieces);
        }
        let present: Vec<usize> = (0..N).filter(|&i| c[i] > 0).collect();
        let novel = present.iter().all(|&i| pieces.iter().all(|h| !covered[i].contains(h)));
        if total(c) < 2 && !novel {
            continue;
        }
        for &i in &present {
            covered[i].extend(pieces.iter().copied());
        }
        candidates.push((word.as_str(), *c));
    }

    let value = leave_one_out_value(&candidates, &sentences, |c| (2..FREQUENT).contains(&total(c)));
    let mut rare: Vec<usize> = (0..candidates.len()).filter(|&i| (2..FREQUENT).contains(&total(&candidates[i].1))).collect();
    rare.sort_by_key(|&i| (std::cmp::Reverse(value[i]), std::cmp::Reverse(total(&candidates[i].1)), candidates[i].0));
    rare.truncate(keep_rare);
    let mut keep: Vec<bool> = candidates.iter().map(|(_, c)| total(c) >= FREQUENT).collect();
    for i in rare {
        keep[i] = true;
    }

    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (&(word, c), _) in candidates.iter().zip(&keep).filter(|(_, k)| **k) {
        let code: String = (0..N).flat_map(|i| std::iter::repeat((b'a' + i as u8) as char).take(c[i] as usize)).collect();
        groups.entry(code).or_default().push(word);
    }

    let kept: usize = groups.values().map(Vec::len).sum();
    let mut out = format!(
        "# Generated by `relief train tests/data/train.tsv` from {} sentences; do not edit. {kept} words.\n\
         # A line is `code:word word …`; each letter of the code is one training sentence the words appeared in,\n\
         # 'a' = {}, 'b' = {}, … in the order of understand::Category::ALL.\n",
        examples.len(),
        Category::ALL[0].key(),
        Category::ALL[1].key(),
    );
    for (code, mut words) in groups {
        words.sort_unstable();
        out.push_str(&code);
        out.push(':');
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    out
}

/// For each candidate word that `judged` picks, how many training sentences it turns from wrong to
/// right minus how many from right to wrong, each sentence classified with itself left out. Scores
/// are the classifier's own (`Model::scores`), with the counts updated in place.
fn leave_one_out_value(candidates: &[(&str, Counts)], sentences: &[(usize, Vec<String>)], judged: impl Fn(&Counts) -> bool) -> Vec<i64> {
    let index: HashMap<&str, usize> = candidates.iter().enumerate().map(|(i, (w, _))| (*w, i)).collect();
    let mut word_counts: Vec<[i64; N]> = candidates.iter().map(|(_, c)| c.map(i64::from)).collect();
    let mut gram_index: HashMap<u64, usize> = HashMap::new();
    let mut word_grams: Vec<Vec<usize>> = Vec::new();
    for (word, _) in candidates {
        let mut hashes = Vec::new();
        grams(word, 3..=5, &mut hashes);
        let ids = sorted_distinct(hashes).into_iter().map(|h| {
            let next = gram_index.len();
            *gram_index.entry(h).or_insert(next)
        });
        word_grams.push(sorted_distinct(ids.collect()));
    }
    let mut gram_counts = vec![[0i64; N]; gram_index.len()];
    for (w, ids) in word_grams.iter().enumerate() {
        for &g in ids {
            for c in 0..N {
                gram_counts[g][c] += word_counts[w][c];
            }
        }
    }
    let sum = |rows: &[[i64; N]]| {
        let mut t = [0i64; N];
        for row in rows {
            for c in 0..N {
                t[c] += row[c];
            }
        }
        t
    };
    let (mut gram_total, mut word_total) = (sum(&gram_counts), sum(&word_counts));
    let (gram_kinds, word_kinds) = (gram_counts.len() as i64, word_counts.len() as i64);
    let log = |n: i64| log2_q8(n.max(0) as u64);
    let best = |scores: &[i64; N]| (0..N).max_by_key(|&c| (scores[c], std::cmp::Reverse(c))).unwrap_or(0);

    let mut value = vec![0i64; candidates.len()];
    for (category, words) in sentences {
        let y = *category;
        let known: Vec<usize> = words.iter().filter_map(|w| index.get(w.as_str()).copied()).collect();
        // Leave the sentence out (d = -1), and put it back (d = 1) once judged.
        let shift = |d: i64, word_counts: &mut [[i64; N]], word_total: &mut [i64; N], gram_counts: &mut [[i64; N]], gram_total: &mut [i64; N]| {
            for &w in &known {
                word_counts[w][y] += d;
                word_total[y] += d;
                for &g in &word_grams[w] {
                    gram_counts[g][y] += d;
                    gram_total[y] += d;
                }
            }
        };
        shift(-1, &mut word_counts, &mut word_total, &mut gram_counts, &mut gram_total);
        let mut hashes = Vec::new();
        for word in words {
            grams(word, 3..=5, &mut hashes);
        }
        let present: Vec<usize> = sorted_distinct(hashes.into_iter().filter_map(|h| gram_index.get(&h).copied()).collect());
        if !present.is_empty() {
            let gram_norm: [i64; N] = std::array::from_fn(|c| log(10 * gram_total[c] + gram_kinds));
            let word_norm: [i64; N] = std::array::from_fn(|c| log(2 * word_total[c] + word_kinds));
            let mut base = [0i64; N];
            for &g in &present {
                for c in 0..N {
                    base[c] += log(10 * gram_counts[g][c] + 1) - gram_norm[c];
                }
            }
            for &w in &known {
                for c in 0..N {
                    base[c] += WORD_WEIGHT * (log(2 * word_counts[w][c] + 1) - word_norm[c]);
                }
            }
            let right = i64::from(best(&base) == y);
            for &w in known.iter().filter(|&&w| judged(&candidates[w].1)) {
                let mut without = base;
                for c in 0..N {
                    without[c] -= WORD_WEIGHT * (log(2 * word_counts[w][c] + 1) - word_norm[c]);
                }
                for &g in word_grams[w].iter().filter(|g| present.binary_search(g).is_ok()) {
                    for c in 0..N {
                        without[c] += log(10 * (gram_counts[g][c] - word_counts[w][c]) + 1) - log(10 * gram_counts[g][c] + 1);
                    }
                }
                value[w] += right - i64::from(best(&without) == y);
            }
        }
        shift(1, &mut word_counts, &mut word_total, &mut gram_counts, &mut gram_total);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_model_is_what_training_produces() {
        let train_tsv = include_str!("../../tests/data/train.tsv");
        let fresh = train(&examples(train_tsv).unwrap());
        assert!(
            fresh == super::super::MODEL,
            "src/understand/model.txt is stale: run `cargo run --bin relief -- train tests/data/train.tsv > src/understand/model.txt`"
        );
    }

    #[test]
    fn reads_examples_and_reports_bad_lines() {
        let ok = examples("# note\n\nen\tprice\ttoo dear\n").unwrap();
        assert_eq!(ok, vec![Example { lang: "en".into(), category: Category::Price, text: "too dear".into() }]);
        assert_eq!(examples("en\tprice").unwrap_err(), "line 1: expected lang<TAB>category<TAB>sentence");
        assert_eq!(examples("en\tconfusing\tx").unwrap_err(), "line 1: unknown category \"confusing\"");
    }

    #[test]
    fn keeps_the_rare_words_that_left_out_sentences_need() {
        let data = "en\tprice\tit is dear\nen\tprice\tso dear\nen\treturns\tsend it back\nen\treturns\tsend back please\n";
        let body = |keep| {
            let model = train_keeping(&examples(data).unwrap(), keep);
            model.lines().filter(|l| !l.starts_with('#')).map(String::from).collect::<Vec<_>>()
        };
        // Once-seen words ("is", "so", "please") are never kept; "it" is seen with both categories.
        assert_eq!(body(10), ["dd:dear", "de:it", "ee:back send"]);
        // Left out, "it is dear" and "so dear" are right only with "dear"; "send" and "back" stand in
        // for each other, and "it" helps no sentence.
        assert_eq!(body(1), ["dd:dear"]);
    }
}
