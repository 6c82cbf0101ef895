//! Builds a language's `model.xx.bin` from labelled sentences (`lang<TAB>category<TAB>sentence` lines), for
//! `relief train`. Not part of the classify path: it may use floats, allocate and format freely.
//!
//! The model is multinomial logistic regression over the hashed features of `super::features`, trained
//! with FTRL-proximal (per-weight adaptive steps, L1 so most weights stay zero), then trained again
//! with only the weights that survived rounding (less L1, so they are not shrunk), and rounded to
//! 4-bit steps of `STEP` nats. A weight row can be shifted by a constant without changing which
//! category wins or the confidence, so each row is shifted to have as many zeros as possible. The
//! settings were chosen by 5-fold cross-validation on the training split for the best accuracy within
//! the size budget (12 KB brotli). Training is deterministic (fixed shuffling seed), so a test can
//! check the committed models. Each language's model learns from `for_language`: its sentences and the
//! English ones.

use super::{features, guess, scores, Category, Row, ASK_BELOW, N, ROWS};

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

/// The sentences a language's model learns from: that language's and the English ones.
pub fn for_language(examples: &[Example], language: &str) -> Vec<Example> {
    examples.iter().filter(|e| e.lang == language || e.lang == "en").cloned().collect()
}

/// Passes over the training sentences, each in a new shuffled order.
const EPOCHS: usize = 8;
/// FTRL-proximal step size and its smoothing.
const ALPHA: f64 = 0.3;
const BETA: f64 = 1.0;
/// L1 strength of the first training, which picks the weights kept, and of the second.
const L1: f64 = 3.0;
const REFIT_L1: f64 = 0.5;
/// What one step of a stored weight is worth, in nats.
pub const STEP: f64 = 0.3;
/// Stored weights are -MAX..=MAX steps.
const MAX: i32 = 7;

/// The model file for these examples: deterministic, so a test can check the committed one.
pub fn train(examples: &[Example]) -> Vec<u8> {
    encode(&table(examples))
}

fn table(examples: &[Example]) -> Vec<Row> {
    let data: Vec<(Vec<usize>, usize)> = examples.iter().map(|e| (features(&e.text), e.category as usize)).collect();
    let first = quantise(&fit(&data, L1, None));
    let kept: Vec<[bool; N]> = first.iter().map(|row| row.map(|w| w != 0)).collect();
    quantise(&fit(&data, REFIT_L1, Some(&kept)))
}

/// What `folds`-fold cross-validation says of these settings (sentence i is in fold i % folds), as
/// the classifier itself would answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Validation {
    pub sentences: usize,
    pub right: usize,
    /// Guesses with confidence ASK_BELOW or more, and how many of them were right.
    pub confident: usize,
    pub confident_right: usize,
}

pub fn cross_validate(examples: &[Example], folds: usize) -> Validation {
    let mut v = Validation::default();
    for fold in 0..folds {
        let (held, rest): (Vec<_>, Vec<_>) = examples.iter().enumerate().partition(|(i, _)| i % folds == fold);
        let rest: Vec<Example> = rest.into_iter().map(|(_, e)| e.clone()).collect();
        let table = table(&rest);
        for (_, e) in held {
            let g = guess(scores(&table, &e.text), &Category::ALL);
            let (right, sure) = (g.category == e.category, g.confidence >= ASK_BELOW);
            v.sentences += 1;
            v.right += usize::from(right);
            v.confident += usize::from(sure);
            v.confident_right += usize::from(right && sure);
        }
    }
    v
}

/// FTRL-proximal for softmax regression over binary features; `kept` forces every other weight to 0.
fn fit(data: &[(Vec<usize>, usize)], l1: f64, kept: Option<&[[bool; N]]>) -> Vec<[f64; N]> {
    let mut z = vec![[0f64; N]; ROWS];
    let mut n = vec![[0f64; N]; ROWS];
    let weight = |f: usize, c: usize, z: f64, n: f64| -> f64 {
        if z.abs() <= l1 || kept.is_some_and(|k| !k[f][c]) {
            0.0
        } else {
            -(z - z.signum() * l1) / ((BETA + n.sqrt()) / ALPHA)
        }
    };
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut seed = 42u64;
    for _ in 0..EPOCHS {
        for i in (1..order.len()).rev() {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (seed >> 33) as usize % (i + 1));
        }
        for &k in &order {
            let (x, y) = &data[k];
            let rows: Vec<[f64; N]> = x.iter().map(|&f| std::array::from_fn(|c| weight(f, c, z[f][c], n[f][c]))).collect();
            let mut score = [0f64; N];
            for row in &rows {
                for c in 0..N {
                    score[c] += row[c];
                }
            }
            let top = score.iter().copied().fold(f64::MIN, f64::max);
            let e = score.map(|s| (s - top).exp());
            let sum: f64 = e.iter().sum();
            for (&f, row) in x.iter().zip(&rows) {
                for c in 0..N {
                    let g = e[c] / sum - f64::from(u8::from(c == *y));
                    let sigma = ((n[f][c] + g * g).sqrt() - n[f][c].sqrt()) / ALPHA;
                    z[f][c] += g - sigma * row[c];
                    n[f][c] += g * g;
                }
            }
        }
    }
    (0..ROWS).map(|f| std::array::from_fn(|c| weight(f, c, z[f][c], n[f][c]))).collect()
}

/// Weights rounded to steps of STEP, each row shifted by its most common value (ties: the one nearest
/// 0) so that it has as many zeros as possible, and clamped to -MAX..=MAX.
fn quantise(weights: &[[f64; N]]) -> Vec<Row> {
    weights
        .iter()
        .map(|row| {
            let steps = row.map(|w| (w / STEP).round() as i32);
            let mode = (-40..=40).max_by_key(|&m| (steps.iter().filter(|&&v| v == m).count(), -i32::abs(m))).unwrap_or(0);
            steps.map(|v| (v - mode).clamp(-MAX, MAX) as i8)
        })
        .collect()
}

/// The model file `super::decode` reads.
fn encode(table: &[Row]) -> Vec<u8> {
    let mut bytes = vec![0u8; ROWS / 8];
    let mut nibbles = Vec::new();
    for (i, row) in table.iter().enumerate().filter(|(_, row)| row.iter().any(|&w| w != 0)) {
        bytes[i / 8] |= 1 << (i % 8);
        nibbles.extend(row.iter().map(|&w| w as u8 & 15));
    }
    bytes.extend(nibbles.chunks(2).map(|pair| pair[0] | pair.get(1).map_or(0, |hi| hi << 4)));
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_models_are_what_training_produces() {
        let all = examples(include_str!("../../tests/data/train.tsv")).unwrap();
        for language in super::super::LANGUAGES {
            let fresh = train(&for_language(&all, language));
            assert!(
                fresh == super::super::model_file(language),
                "src/understand/model.{language}.bin is stale: run `cargo run --release --bin relief -- train tests/data/train.tsv --lang {language} > src/understand/model.{language}.bin`"
            );
        }
    }

    #[test]
    fn a_language_learns_from_its_sentences_and_the_english_ones() {
        let all = examples("en\tprice\ttoo dear\nde\tprice\tzu teuer\nfr\tprice\ttrop cher\n").unwrap();
        let texts: Vec<String> = for_language(&all, "de").into_iter().map(|e| e.text).collect();
        assert_eq!(texts, ["too dear", "zu teuer"]);
        assert_eq!(for_language(&all, "en").len(), 1);
    }

    #[test]
    fn reads_examples_and_reports_bad_lines() {
        let ok = examples("# note\n\nen\tprice\ttoo dear\n").unwrap();
        assert_eq!(ok, vec![Example { lang: "en".into(), category: Category::Price, text: "too dear".into() }]);
        assert_eq!(examples("en\tprice").unwrap_err(), "line 1: expected lang<TAB>category<TAB>sentence");
        assert_eq!(examples("en\tconfusing\tx").unwrap_err(), "line 1: unknown category \"confusing\"");
    }

    #[test]
    fn encoding_round_trips_and_rows_are_shifted_to_zeros() {
        let mut weights = vec![[0f64; N]; ROWS];
        weights[5] = [0.9; N];
        weights[5][3] = 3.0; // 10 steps, 7 above the row's common 3
        weights[77][0] = -0.6;
        weights[77][10] = 9.0; // clamped to 7
        let table = quantise(&weights);
        assert_eq!(table[5], [0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(table[77], [-2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]);
        let bytes = encode(&table);
        assert_eq!(bytes.len(), ROWS / 8 + 11);
        assert_eq!(super::super::decode(&bytes), table);
    }

    #[test]
    fn cross_validation_holds_each_sentence_out_once() {
        let data = "en\tprice\tfar too dear\nen\tprice\tso dear\nen\tprice\tdear me\n\
                    en\treturns\tsend it back\nen\treturns\tsend back please\nen\treturns\tcan i send it\n";
        let v = cross_validate(&examples(data).unwrap(), 3);
        assert_eq!(v.sentences, 6);
        assert_eq!(v.right, 6);
        assert!(v.confident_right <= v.confident && v.confident <= 6);
    }

    #[test]
    fn learns_a_separable_toy_set() {
        let data = "en\tprice\tit is far too dear\nen\tprice\tso dear\nen\treturns\tsend it back\nen\treturns\tsend back please\n";
        let data = examples(data).unwrap();
        let table = super::super::decode(&train(&data));
        for e in &data {
            let mut score = [0i32; N];
            for f in features(&e.text) {
                for c in 0..N {
                    score[c] += i32::from(table[f][c]);
                }
            }
            let best = (0..N).max_by_key(|&c| score[c]).unwrap();
            assert_eq!(best, e.category as usize, "{}", e.text);
        }
    }
}
