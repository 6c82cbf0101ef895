// The language packs in www/locales/: every key of the English copy (src/copy.rs, EN and NUDGE) and
// nothing else, each placeholder kept, plural forms only where a number changes the wording.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DIR = `${REPO}www/locales/`;

/** The `("key", "text")` pairs of the Rust table named `name` in src/copy.rs. */
function table(source, name) {
  const start = source.indexOf(`pub const ${name}`);
  assert.ok(start >= 0, `src/copy.rs defines ${name}`);
  const body = source.slice(source.indexOf('[', source.indexOf('=', start)), source.indexOf('];', start));
  const pairs = [...body.matchAll(/\(\s*"([^"]+)"\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)/g)].map((m) => [m[1], JSON.parse(`"${m[2]}"`)]);
  assert.ok(pairs.length > 0, `${name} has entries`);
  return pairs;
}

const SOURCE = readFileSync(`${REPO}src/copy.rs`, 'utf8');
const ENGLISH = new Map([...table(SOURCE, 'EN'), ...table(SOURCE, 'NUDGE')]);
const placeholders = (text) => new Set([...text.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]));

/** Keys whose wording may depend on a number, the placeholder holding it and the numbers it takes. */
const COUNTED = {
  'offer.payment_terms': { name: 'n', from: 2, to: 12 },
  'offer.payment_terms.even': { name: 'n', from: 2, to: 12 },
  'offer.payment_terms.uneven': { name: 'more', from: 1, to: 11 },
};
/** Labels of buttons that sit side by side on a phone. */
const BUTTONS = ['close', 'send', 'back', 'no_thanks', 'done', 'callback.submit', 'nudge.open', 'nudge.dismiss'];

const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

test('there are language packs', () => {
  assert.ok(FILES.length > 0, 'www/locales/*.json');
  for (const file of FILES) assert.match(file, /^[a-z]{2,3}\.json$/, `${file} is named by its language`);
});

for (const file of FILES) {
  const lang = file.replace(/\.json$/, '');

  test(`${file}: every key of the English copy, nothing more, each placeholder kept`, () => {
    const pack = JSON.parse(readFileSync(DIR + file, 'utf8'));
    assert.equal(typeof pack, 'object');
    assert.ok(pack && !Array.isArray(pack), 'a flat object');
    assert.deepEqual(Object.keys(pack).sort(), [...ENGLISH.keys()].sort(), 'the same keys as EN and NUDGE');

    const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const [key, value] of Object.entries(pack)) {
      const wanted = placeholders(ENGLISH.get(key));
      const check = (text, where, mayOmit) => {
        assert.equal(typeof text, 'string', `${where} is a string`);
        assert.ok(text.trim() === text && text.length > 0, `${where} is trimmed and not empty`);
        assert.doesNotMatch(text, / {2}/, `${where} has no double space`);
        const found = placeholders(text);
        for (const name of found) assert.ok(wanted.has(name), `${where}: {${name}} is not in the English`);
        for (const name of wanted) {
          if (name !== mayOmit) assert.ok(found.has(name), `${where} keeps {${name}}`);
        }
      };
      if (typeof value === 'string') {
        check(value, key);
        continue;
      }
      const counted = COUNTED[key];
      assert.ok(counted, `${key}: plural forms only where a number changes the wording`);
      assert.ok(value && typeof value === 'object' && !Array.isArray(value), `${key} is a string or plural forms`);
      assert.ok('other' in value, `${key} has an "other" form`);
      for (const [form, text] of Object.entries(value)) {
        assert.ok(categories.includes(form), `${key}.${form} is a plural category of ${lang} (${categories.join(', ')})`);
        // A form for exactly one number ("two" in Arabic: "دفعتين") may say the number in words.
        check(text, `${key}.${form}`, ['zero', 'one', 'two'].includes(form) ? counted.name : undefined);
      }
      const rules = new Intl.PluralRules(lang);
      const used = new Set();
      for (let n = counted.from; n <= counted.to; n++) used.add(rules.select(n));
      const unused = Object.keys(value).filter((form) => form !== 'other' && !used.has(form));
      assert.deepEqual(unused, [], `${key}: forms for numbers it never shows (${counted.from}..${counted.to})`);
    }
  });

  test(`${file}: buttons stay short`, () => {
    const pack = JSON.parse(readFileSync(DIR + file, 'utf8'));
    for (const key of BUTTONS) {
      assert.ok([...pack[key]].length <= 24, `${key} "${pack[key]}" fits a button on a phone`);
    }
  });
}
