//! Turns a [`Screen`] into DOM nodes inside an open shadow root. Every visitor- or shop-provided string is
//! set with `textContent` or an attribute, never parsed as HTML.

use crate::config::{Config, Position};
use crate::view::{Block, Button, Field, Focus, Input, Piece, Screen, Text};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

const STYLE: &str = include_str!("style.css");

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Intl)]
    type NumberFormat;
    #[wasm_bindgen(constructor, js_namespace = Intl, catch)]
    fn new(locale: &str, options: &JsValue) -> Result<NumberFormat, JsValue>;
    #[wasm_bindgen(method)]
    fn format(this: &NumberFormat, value: f64) -> String;
}

pub struct Ui {
    pub host: Element,
    pub root: ShadowRoot,
    pub launcher: HtmlElement,
    panel: Element,
    heading: HtmlElement,
    body: Element,
    close: Element,
    document: Document,
    locale: String,
    /// The last currency formatter, reused while the currency stays the same.
    money: RefCell<Option<(String, NumberFormat)>>,
}

type Res<T> = Result<T, JsValue>;

fn el(doc: &Document, tag: &str, class: &str) -> Res<Element> {
    let e = doc.create_element(tag)?;
    if !class.is_empty() {
        e.set_class_name(class);
    }
    Ok(e)
}

fn html(e: Element) -> Res<HtmlElement> {
    e.dyn_into::<HtmlElement>().map_err(JsValue::from)
}

impl Ui {
    /// Adds the dialog to the shell the loader drew (`<relief-widget>`, its shadow root and launcher),
    /// or draws a bare shell first when there is none (the widget mounted without its loader).
    pub fn mount(doc: &Document, config: &Config) -> Res<Ui> {
        let (host, root, wrap, launcher) = match Self::shell(doc)? {
            Some(shell) => shell,
            None => Self::bare_shell(doc, config)?,
        };
        // A constructed stylesheet is CSSOM, not inline style, so a strict Content-Security-Policy allows it.
        let sheet = web_sys::CssStyleSheet::new()?;
        sheet.replace_sync(STYLE)?;
        root.set_adopted_style_sheets(&root.adopted_style_sheets().concat(&js_sys::Array::of1(&sheet)));

        let panel = el(doc, "div", "panel")?;
        panel.set_attribute("role", "dialog")?;
        panel.set_attribute("aria-labelledby", "rw-heading")?;
        // Focus stays inside while it is open (Tab wraps around), as in any modal dialog.
        panel.set_attribute("aria-modal", "true")?;
        panel.set_attribute("hidden", "")?;
        let head = el(doc, "div", "head")?;
        let heading = html(el(doc, "h2", "")?)?;
        heading.set_id("rw-heading");
        heading.set_tab_index(-1);
        let close = el(doc, "button", "x")?;
        close.set_attribute("type", "button")?;
        close.set_attribute("data-action", "close")?;
        close.set_text_content(Some("×"));
        head.append_child(&heading)?;
        head.append_child(&close)?;
        let body = el(doc, "div", "body")?;
        panel.append_child(&head)?;
        panel.append_child(&body)?;

        wrap.insert_before(&panel, Some(&launcher))?;
        Ok(Ui {
            host,
            root,
            launcher,
            panel,
            heading,
            body,
            close,
            document: doc.clone(),
            locale: config.locale.clone(),
            money: RefCell::new(None),
        })
    }

    fn shell(doc: &Document) -> Res<Option<(Element, ShadowRoot, Element, HtmlElement)>> {
        let Some(host) = doc.query_selector("relief-widget")? else { return Ok(None) };
        let Some(root) = host.shadow_root() else { return Ok(None) };
        let wrap = root.query_selector(".wrap")?;
        let launcher = root.query_selector(".launcher")?.and_then(|l| l.dyn_into::<HtmlElement>().ok());
        Ok(wrap.zip(launcher).map(|(wrap, launcher)| (host, root, wrap, launcher)))
    }

    fn bare_shell(doc: &Document, config: &Config) -> Res<(Element, ShadowRoot, Element, HtmlElement)> {
        let host = el(doc, "relief-widget", "")?;
        let root = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
        let wrap = el(doc, "div", if config.position == Position::Left { "wrap left" } else { "wrap" })?;
        let launcher = html(el(doc, "button", "launcher")?)?;
        launcher.set_attribute("type", "button")?;
        launcher.set_attribute("data-action", "open")?;
        launcher.set_attribute("aria-haspopup", "dialog")?;
        wrap.append_child(&launcher)?;
        root.append_child(&wrap)?;
        doc.body().ok_or_else(|| JsValue::from_str("no body"))?.append_child(&host)?;
        Ok((host, root, wrap, launcher))
    }

    /// Shows `screen`; when `moved` (the stage changed) focus goes where the screen says.
    pub fn render(&self, screen: &Screen, moved: bool) {
        // A DOM call can only fail here if the page removed our nodes; there is nothing better to do.
        let _ = self.try_render(screen, moved);
    }

    fn try_render(&self, screen: &Screen, moved: bool) -> Res<()> {
        self.launcher.set_text_content(Some(&screen.launcher));
        let Some(dialog) = &screen.dialog else {
            self.panel.set_attribute("hidden", "")?;
            self.launcher.set_attribute("aria-expanded", "false")?;
            return Ok(());
        };
        self.launcher.set_attribute("aria-expanded", "true")?;
        self.close.set_attribute("aria-label", &dialog.close_label)?;
        self.close.set_attribute("title", &dialog.close_label)?;
        self.heading.set_text_content(Some(&self.text(&dialog.heading, &screen.currency)));
        // The same screen drawn again (an error shown, the cart changed) keeps what the visitor typed
        // and where their focus was.
        let kept = (!moved).then(|| self.typed_and_focus());
        self.body.set_text_content(None);
        for block in &dialog.blocks {
            let node = self.block(block, &screen.currency)?;
            self.body.append_child(&node)?;
        }
        self.panel.remove_attribute("hidden")?;
        if let Some((typed, focus)) = kept {
            self.restore(typed, focus);
        } else {
            let target = match dialog.focus {
                Focus::Heading => Some(self.heading.clone()),
                Focus::FirstButton => self.first(".body button"),
                Focus::Field => self.first(".body textarea, .body input"),
            };
            let _ = target.unwrap_or_else(|| self.heading.clone()).focus();
        }
        Ok(())
    }

    /// The field's text and a way to find the focused control again after the body is rebuilt.
    fn typed_and_focus(&self) -> (Option<(String, String)>, Option<String>) {
        let field = self.root.query_selector(".body textarea, .body input").ok().flatten();
        let typed = field.as_ref().map(|f| (f.id(), self.field_value(f.id().trim_start_matches("rw-"))));
        let focus = self.root.active_element().filter(|a| self.body.contains(Some(a))).map(|a| {
            a.get_attribute("data-action").map_or_else(|| ["#", &a.id()].concat(), |code| ["[data-action=\"", &code, "\"]"].concat())
        });
        (typed, focus)
    }

    fn restore(&self, typed: Option<(String, String)>, focus: Option<String>) {
        if let Some((id, value)) = typed {
            if let Some(field) = self.root.get_element_by_id(&id) {
                if let Some(area) = field.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                    area.set_value(&value);
                } else if let Some(input) = field.dyn_ref::<web_sys::HtmlInputElement>() {
                    input.set_value(&value);
                }
            }
        }
        // Only when focus was in what was rebuilt. A submit button has no data-action or id: its form's
        // field takes focus, so the visitor can fix what was refused.
        let Some(focus) = focus else { return };
        let same = (focus != "#").then(|| self.root.query_selector(&focus).ok().flatten()).flatten();
        let target = same.or_else(|| self.root.query_selector(".body textarea, .body input").ok().flatten());
        if let Some(element) = target.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
            let _ = element.focus();
        }
    }

    /// Tab on the dialog's last control goes to its first (Shift+Tab the other way round). Returns
    /// whether it moved focus, so the browser's own move is cancelled.
    pub fn wrap_focus(&self, backwards: bool) -> Option<bool> {
        if self.panel.has_attribute("hidden") {
            return Some(false);
        }
        let all = self.panel.query_selector_all("button,input,textarea,a[href]").ok()?;
        let at = |i: u32| all.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok());
        let (first, last) = (at(0)?, at(all.length().checked_sub(1)?)?);
        let active = self.root.active_element();
        let (edge, target) = if backwards { (&first, &last) } else { (&last, &first) };
        // Going backwards from the heading (where focus lands on a new screen) also wraps.
        let at_edge = |a: &Element| a.is_same_node(Some(edge)) || backwards && a.is_same_node(Some(&self.heading));
        let leaving = active.as_ref().is_none_or(|a| at_edge(a) || !self.panel.contains(Some(a)));
        if leaving {
            let _ = target.focus();
        }
        Some(leaving)
    }

    fn first(&self, selector: &str) -> Option<HtmlElement> {
        self.root.query_selector(selector).ok().flatten().and_then(|e| e.dyn_into().ok())
    }

    /// The value of the form field `name`; a ticked box is `"yes"`.
    pub fn field_value(&self, name: &str) -> String {
        let Some(field) = self.root.get_element_by_id(&["rw-", name].concat()) else { return String::new() };
        let get = |key: &str| js_sys::Reflect::get(&field, &key.into()).unwrap_or_default();
        if field.get_attribute("type").as_deref() == Some("checkbox") {
            return if get("checked").is_truthy() { "yes".into() } else { String::new() };
        }
        get("value").as_string().unwrap_or_default()
    }

    /// A rate in basis points as a percentage in the visitor's locale (1990: "19.9%").
    fn format_percent(&self, basis_points: u32) -> String {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"style".into(), &"percent".into());
        let _ = js_sys::Reflect::set(&options, &"maximumFractionDigits".into(), &2.into());
        match NumberFormat::new(&self.locale, &options) {
            Ok(formatter) => formatter.format(basis_points as f64 / 10_000.0),
            Err(_) => [&crate::json::int_text(basis_points as i64 / 100), "%"].concat(),
        }
    }

    fn format_money(&self, minor: i64, currency: &str) -> String {
        let exponent = crate::money::exponent(currency);
        let value = minor as f64 / 10f64.powi(exponent as i32);
        let mut cache = self.money.borrow_mut();
        if cache.as_ref().is_none_or(|(c, _)| c != currency) {
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"style".into(), &"currency".into());
            let _ = js_sys::Reflect::set(&options, &"currency".into(), &currency.into());
            *cache = NumberFormat::new(&self.locale, &options).ok().map(|f| (currency.to_string(), f));
        }
        match cache.as_ref() {
            Some((_, formatter)) => formatter.format(value),
            None => [currency, " ", &crate::json::int_text(minor)].concat(),
        }
    }

    fn text(&self, text: &Text, currency: &str) -> String {
        text.iter()
            .map(|piece| match piece {
                Piece::Plain(s) => s.clone(),
                Piece::Money(m) => self.format_money(*m, currency),
                Piece::Percent(bp) => self.format_percent(*bp),
            })
            .collect()
    }

    fn button(&self, b: &Button, class: &str) -> Res<Element> {
        let e = el(&self.document, "button", if b.primary { "btn primary" } else { class })?;
        e.set_attribute("type", "button")?;
        e.set_attribute("data-action", &b.action.code())?;
        e.set_text_content(Some(&b.label));
        Ok(e)
    }

    fn para(&self, text: &str, class: &str) -> Res<Element> {
        let p = el(&self.document, "p", class)?;
        p.set_text_content(Some(text));
        Ok(p)
    }

    fn block(&self, block: &Block, currency: &str) -> Res<Element> {
        let doc = &self.document;
        Ok(match block {
            Block::Para(text) => self.para(&self.text(text, currency), "")?,
            Block::Choices(buttons) | Block::Buttons(buttons) => {
                let list = matches!(block, Block::Choices(_));
                let group = el(doc, "div", if list { "choices" } else { "row" })?;
                for b in buttons {
                    let button = self.button(b, if list { "choice" } else { "btn" })?;
                    group.append_child(&button)?;
                }
                group
            }
            Block::Offer { action, title, detail } => {
                let e = el(doc, "button", "offer")?;
                e.set_attribute("type", "button")?;
                e.set_attribute("data-action", &action.code())?;
                let strong = el(doc, "b", "")?;
                strong.set_text_content(Some(&self.text(title, currency)));
                let span = el(doc, "span", "")?;
                span.set_text_content(Some(&self.text(detail, currency)));
                e.append_child(&strong)?;
                e.append_child(&span)?;
                e
            }
            Block::Form(form) => {
                let node = el(doc, "form", "")?;
                for field in &form.fields {
                    self.field(&node, field)?;
                }
                let row = el(doc, "div", "row")?;
                for (i, b) in form.buttons.iter().enumerate() {
                    let button = self.button(b, "btn")?;
                    if i == 0 {
                        // The form submits with the first button (and Enter); the action sits on the form.
                        button.set_attribute("type", "submit")?;
                        button.remove_attribute("data-action")?;
                        node.set_attribute("data-action", &b.action.code())?;
                    }
                    row.append_child(&button)?;
                }
                node.append_child(&row)?;
                node
            }
            Block::Link { href, label } => {
                let p = el(doc, "p", "")?;
                let a = el(doc, "a", "")?;
                a.set_attribute("href", href)?;
                a.set_text_content(Some(label));
                p.append_child(&a)?;
                p
            }
        })
    }

    /// One field into `form`: its label, the control (with what it holds), its hint and its error.
    fn field(&self, form: &Element, field: &Field) -> Res<()> {
        let doc = &self.document;
        let id = ["rw-", field.name].concat();
        let hint_id = [&id, "-hint"].concat();
        let err_id = [&id, "-err"].concat();
        let label = el(doc, "label", "")?;
        label.set_attribute("for", &id)?;
        label.set_text_content(Some(&field.label));
        let input = match &field.input {
            Input::Text { multiline: true } => {
                let area = el(doc, "textarea", "")?;
                area.set_attribute("maxlength", "1000")?;
                area.set_text_content(Some(&field.value));
                area
            }
            Input::Text { multiline: false } => {
                let input = el(doc, "input", "")?;
                input.set_attribute("type", "text")?;
                input.set_attribute("maxlength", "200")?;
                input.set_attribute("value", &field.value)?;
                if field.autocomplete == "email" {
                    input.set_attribute("inputmode", "email")?;
                }
                input
            }
            Input::Select(options) => {
                let select = el(doc, "select", "")?;
                for (value, text) in options {
                    let option = el(doc, "option", "")?;
                    option.set_attribute("value", value)?;
                    option.set_text_content(Some(text));
                    if *value == field.value {
                        option.set_attribute("selected", "")?;
                    }
                    select.append_child(&option)?;
                }
                select
            }
            Input::Check => {
                let check = el(doc, "input", "")?;
                check.set_attribute("type", "checkbox")?;
                if field.value == "yes" {
                    check.set_attribute("checked", "")?;
                }
                check
            }
        };
        input.set_id(&id);
        input.set_attribute("autocomplete", field.autocomplete)?;
        let mut described = Vec::new();
        if field.error.is_some() {
            input.set_attribute("aria-invalid", "true")?;
            described.push(err_id.as_str());
        }
        if !field.hint.is_empty() {
            described.push(hint_id.as_str());
        }
        if !described.is_empty() {
            input.set_attribute("aria-describedby", &described.join(" "))?;
        }
        if field.input == Input::Check {
            // The box first, its words beside it.
            let line = el(doc, "div", "check")?;
            line.append_child(&input)?;
            line.append_child(&label)?;
            form.append_child(&line)?;
        } else {
            form.append_child(&label)?;
            form.append_child(&input)?;
        }
        if !field.hint.is_empty() {
            let hint = self.para(&field.hint, "hint")?;
            hint.set_id(&hint_id);
            form.append_child(&hint)?;
        }
        if let Some(error) = &field.error {
            let err = self.para(error, "err")?;
            err.set_id(&err_id);
            err.set_attribute("role", "alert")?;
            form.append_child(&err)?;
        }
        Ok(())
    }
}
