//! The browser layer in headless Chromium: mount, click as a visitor, see the host events, unmount.
#![cfg(target_arch = "wasm32")]

use relief_widget::web;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CustomEvent, Element, HtmlElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

const CONFIG: &str = r#"{"locale":"en-GB","offers":[
    {"id":"pay-in-3","kind":"payment_terms","instalments":3,"answers":["paying_all_at_once"]},
    {"id":"call","kind":"callback","answers":["cant_find"]}
]}"#;

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn shadow() -> ShadowRoot {
    document().query_selector("relief-widget").unwrap().expect("widget mounted").shadow_root().expect("open shadow root")
}

/// The button in the widget whose text starts with `label`.
fn button(label: &str) -> HtmlElement {
    let buttons = shadow().query_selector_all("button").unwrap();
    (0..buttons.length())
        .filter_map(|i| buttons.item(i)?.dyn_into::<HtmlElement>().ok())
        .find(|b| b.text_content().unwrap_or_default().starts_with(label))
        .unwrap_or_else(|| panic!("no button {label:?}"))
}

fn dialog() -> Element {
    shadow().query_selector("[role=dialog]").unwrap().expect("dialog element")
}

/// Records the `detail` of every `relief:*` event of the given types.
fn record(types: &[&str]) -> (Rc<RefCell<Vec<String>>>, Vec<gloo_events_guard::Guard>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let guards = types
        .iter()
        .map(|t| {
            let seen = seen.clone();
            gloo_events_guard::listen(&format!("relief:{t}"), move |e: CustomEvent| {
                seen.borrow_mut().push(js_sys::JSON::stringify(&e.detail()).unwrap().as_string().unwrap());
            })
        })
        .collect();
    (seen, guards)
}

/// A listener on `document` that is removed when dropped.
mod gloo_events_guard {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    pub struct Guard(String, Closure<dyn FnMut(web_sys::CustomEvent)>);

    impl Drop for Guard {
        fn drop(&mut self) {
            let _ = super::document().remove_event_listener_with_callback(&self.0, self.1.as_ref().unchecked_ref());
        }
    }

    pub fn listen(kind: &str, f: impl FnMut(web_sys::CustomEvent) + 'static) -> Guard {
        let closure = Closure::new(f);
        super::document().add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref()).unwrap();
        Guard(kind.to_string(), closure)
    }
}

#[wasm_bindgen_test]
fn a_visitor_answers_accepts_and_the_host_hears_it() {
    let (seen, _guards) = record(&["open", "answer", "offer", "accept", "dismiss"]);
    web::mount(CONFIG, None, None).unwrap();
    assert!(dialog().has_attribute("hidden"), "closed at first");
    web::set_cart(r#"{"total":10000,"currency":"GBP","items":[]}"#);

    button("Need a hand?").click();
    assert!(!dialog().has_attribute("hidden"));
    assert_eq!(dialog().get_attribute("aria-labelledby").as_deref(), Some("rw-heading"));
    let heading = shadow().get_element_by_id("rw-heading").unwrap().text_content().unwrap();
    assert_eq!(heading, "Is something making this harder than it should be?");

    button("Paying all at once").click();
    let offer = button("Pay in 3 monthly instalments").text_content().unwrap();
    assert!(offer.contains("£33.34 today, then 2 × £33.33"), "{offer}");
    button("Pay in 3 monthly instalments").click();
    assert!(shadow().get_element_by_id("rw-heading").unwrap().text_content().unwrap().contains("All set"));

    let events = seen.borrow().clone();
    let types: Vec<&str> = events.iter().map(|e| e.split("\"type\":\"").nth(1).unwrap().split('"').next().unwrap()).collect();
    assert_eq!(types, vec!["open", "answer", "offer", "accept"]);
    assert!(events[3].contains(r#""plan":[3334,3333,3333]"#), "{}", events[3]);
    assert!(events.iter().all(|e| e.contains(r#""id":""#) && e.contains(r#""at":"#)));

    button("Done").click();
    assert!(dialog().has_attribute("hidden"));
    web::unmount();
    assert!(document().query_selector("relief-widget").unwrap().is_none(), "unmount removes the widget");
}

#[wasm_bindgen_test]
fn escape_closes_and_text_is_never_html() {
    let config = r#"{"text":{"launcher":"<img src=x onerror=alert(1)>Help"}}"#;
    let (seen, _guards) = record(&["dismiss"]);
    web::mount(config, None, None).unwrap();
    let launcher = button("<img");
    assert_eq!(launcher.text_content().unwrap(), "<img src=x onerror=alert(1)>Help");
    assert!(shadow().query_selector("img").unwrap().is_none());
    launcher.click();
    let escape = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &{
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("Escape");
        init.set_bubbles(true);
        init.set_composed(true);
        init
    })
    .unwrap();
    dialog().dispatch_event(&escape).unwrap();
    assert!(dialog().has_attribute("hidden"));
    assert_eq!(seen.borrow().len(), 1, "closing before answering is a dismissal");
    web::unmount();
}

#[wasm_bindgen_test]
fn a_broken_config_is_reported_and_the_widget_still_mounts() {
    let (seen, _guards) = record(&["error"]);
    web::mount(r#"{"colour":"red","offers":[{"id":"x","kind":"payment_terms","instalments":0}]}"#, None, None).unwrap();
    let events = seen.borrow().clone();
    assert_eq!(events.len(), 1);
    assert!(events[0].contains(r#"{"path":"colour","reason":"unknown field"#), "{}", events[0]);
    assert!(events[0].contains(r#"{"path":"offers[0].instalments","reason":"must be 2..=12, got 0"}"#), "{}", events[0]);
    assert!(button("Need a hand?").is_connected());
    web::unmount();
}

