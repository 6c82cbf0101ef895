// relief_tags.js: loaded by the loader only for a shop whose config says `data_layer: true`. It pushes
// what happened to the page's `dataLayer` for its analytics tags: never what anyone typed, no contact
// details, no discount code.
for (const type of ['open', 'answer', 'offer', 'accept', 'dismiss', 'nudge']) {
  document.addEventListener('relief:' + type, (e) => {
    const x = e.detail || {};
    const offer = x.offer || {};
    const trigger = x.trigger && (x.trigger.detector || x.trigger);
    try {
      (window.dataLayer = window.dataLayer || []).push({ event: 'relief_' + type, relief: { frustration: x.frustration, category: x.category, offer: offer.id, kind: offer.kind, stage: x.stage, trigger } });
    } catch (err) { /* the page's dataLayer is its own */ }
  });
}
