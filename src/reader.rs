//! The text understanding as its own small wasm, fetched only when a visitor writes in their own words.

use crate::json::int_text;
use wasm_bindgen::prelude::*;

/// What `text` is about: `"category<TAB>confidence"`, confidence 0..=100.
#[wasm_bindgen]
pub fn classify(text: &str, locale: &str) -> String {
    let guess = crate::understand::understand(text, locale);
    // push_str, not concat(): concat links a generic join this small module would carry for one call.
    let mut out = String::from(guess.category.key());
    out.push('\t');
    out.push_str(&int_text(i64::from(guess.confidence)));
    out
}
