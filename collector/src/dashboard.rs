//! What the owner sees: one summary of a date range, and the range's events as CSV or NDJSON.
//! The same SQL runs on SQLite and PostgreSQL; sums and shapes are made here.

use crate::store::{Cell, Param, Store};
use relief_widget::json::Value;
use std::collections::HashMap;

pub const DAY_MS: i64 = 86_400_000;
/// Pages and verbatims listed at most.
const TOP_PAGES: usize = 10;
const VERBATIMS: i64 = 25;

/// `[from, to)` in ms; `tz_ms` is the browser's offset (UTC − local), so local time is `at − tz_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub from: i64,
    pub to: i64,
    pub tz_ms: i64,
}

impl Range {
    fn params(self) -> Vec<Param> {
        vec![Param::Int(self.from), Param::Int(self.to)]
    }

    /// The same length of time just before.
    fn previous(self) -> Range {
        Range { from: self.from - (self.to - self.from), to: self.from, ..self }
    }

    fn local_day(self, at: i64) -> i64 {
        (at - self.tz_ms).div_euclid(DAY_MS)
    }
}

fn obj(members: Vec<(&str, Value)>) -> Value {
    Value::Obj(members.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn text_or_null(cell: &Cell) -> Value {
    match cell {
        Cell::Text(s) => Value::str(s.clone()),
        _ => Value::Null,
    }
}

async fn counts_by_frustration(store: &Store, range: Range) -> Result<HashMap<String, i64>, String> {
    let rows = store
        .query("SELECT frustration, COUNT(*) FROM events WHERE kind = 'answer' AND at_ms >= $1 AND at_ms < $2 GROUP BY frustration", range.params())
        .await?;
    Ok(rows.iter().map(|r| (r[0].text().to_string(), r[1].int())).collect())
}

/// Everything the dashboard draws for `range`.
pub async fn summary(store: &Store, range: Range) -> Result<Value, String> {
    let totals = store.query("SELECT kind, COUNT(*) FROM events WHERE at_ms >= $1 AND at_ms < $2 GROUP BY kind", range.params()).await?;
    let total = |kind: &str| totals.iter().find(|r| r[0].text() == kind).map_or(0, |r| r[1].int());
    let lost_rows = store.query("SELECT body FROM events WHERE kind = 'lost' AND at_ms >= $1 AND at_ms < $2", range.params()).await?;
    let lost: i64 = lost_rows
        .iter()
        .filter_map(|r| relief_widget::json::parse(r[0].text()).ok()?.get("count")?.as_i64())
        .sum();

    // Top frustrations, with the period before for the trend.
    let now = counts_by_frustration(store, range).await?;
    let before = counts_by_frustration(store, range.previous()).await?;
    let mut top: Vec<(&String, i64)> = now.iter().map(|(k, v)| (k, *v)).collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let frustrations = top
        .iter()
        .map(|(key, count)| {
            obj(vec![("key", Value::str(key.as_str())), ("count", Value::int(*count)), ("previous", Value::int(before.get(*key).copied().unwrap_or(0)))])
        })
        .collect();

    // Answers per local day and frustration, every day of the range present.
    let mut params = range.params();
    params.push(Param::Int(range.tz_ms));
    let daily = store
        .query(
            "SELECT (at_ms - $3) / 86400000, frustration, COUNT(*) FROM events
             WHERE kind = 'answer' AND at_ms >= $1 AND at_ms < $2 AND at_ms - $3 >= 0 GROUP BY 1, 2",
            params,
        )
        .await?;
    let (first, last) = (range.local_day(range.from), range.local_day(range.to - 1));
    let days: Vec<Value> = (first..=last).map(|d| Value::str(iso_date(d))).collect();
    let series = top
        .iter()
        .map(|(key, _)| {
            let counts = (first..=last)
                .map(|d| Value::int(daily.iter().filter(|r| r[0].int() == d && r[1].text() == key.as_str()).map(|r| r[2].int()).sum()))
                .collect();
            obj(vec![("key", Value::str(key.as_str())), ("counts", Value::Arr(counts))])
        })
        .collect();

    // Which moment opened the dialog, per frustration.
    let moments = store
        .query(
            "SELECT frustration, moment, COUNT(*) FROM events WHERE kind = 'answer' AND at_ms >= $1 AND at_ms < $2
             GROUP BY frustration, moment ORDER BY 3 DESC",
            range.params(),
        )
        .await?
        .iter()
        .map(|r| obj(vec![("frustration", text_or_null(&r[0])), ("moment", text_or_null(&r[1])), ("count", Value::int(r[2].int()))]))
        .collect();

    // Relief offered → accepted, per frustration and offer.
    let mut relief: Vec<(String, String, i64, i64)> = Vec::new();
    for (kind, accepted) in [("offer", false), ("accept", true)] {
        let rows = store
            .query(
                "SELECT frustration, offers, COUNT(*) FROM events WHERE kind = $3 AND at_ms >= $1 AND at_ms < $2 GROUP BY frustration, offers",
                vec![Param::Int(range.from), Param::Int(range.to), Param::Text(kind.into())],
            )
            .await?;
        for row in rows {
            for offer in row[1].text().split(',').filter(|o| !o.is_empty()) {
                let frustration = row[0].text();
                let entry = match relief.iter_mut().position(|e| e.0 == frustration && e.1 == offer) {
                    Some(i) => &mut relief[i],
                    None => {
                        relief.push((frustration.to_string(), offer.to_string(), 0, 0));
                        relief.last_mut().expect("just pushed")
                    }
                };
                if accepted {
                    entry.3 += row[2].int();
                } else {
                    entry.2 += row[2].int();
                }
            }
        }
    }
    relief.sort_by(|a, b| b.2.cmp(&a.2).then(b.3.cmp(&a.3)).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    let relief = relief
        .into_iter()
        .map(|(f, o, offered, accepted)| {
            obj(vec![("frustration", Value::str(f)), ("offer", Value::str(o)), ("offered", Value::int(offered)), ("accepted", Value::int(accepted))])
        })
        .collect();

    // Pages where answers concentrate, with their frustrations.
    let page_rows = store
        .query(
            "SELECT page, frustration, COUNT(*) FROM events WHERE kind = 'answer' AND at_ms >= $1 AND at_ms < $2 GROUP BY page, frustration",
            range.params(),
        )
        .await?;
    let mut pages: Vec<(String, i64, Vec<(String, i64)>)> = Vec::new();
    for row in &page_rows {
        let (page, frustration, count) = (row[0].text(), row[1].text(), row[2].int());
        match pages.iter_mut().find(|p| p.0 == page) {
            Some(p) => {
                p.1 += count;
                p.2.push((frustration.to_string(), count));
            }
            None => pages.push((page.to_string(), count, vec![(frustration.to_string(), count)])),
        }
    }
    pages.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let pages = pages
        .into_iter()
        .take(TOP_PAGES)
        .map(|(page, count, by)| {
            let by = Value::Obj(by.into_iter().map(|(f, n)| (f, Value::int(n))).collect());
            obj(vec![("page", Value::str(page)), ("count", Value::int(count)), ("frustrations", by)])
        })
        .collect();

    let verbatims = store
        .query(
            "SELECT at_ms, frustration, page, verbatim FROM events
             WHERE kind = 'answer' AND verbatim IS NOT NULL AND at_ms >= $1 AND at_ms < $2 ORDER BY at_ms DESC, id LIMIT $3",
            vec![Param::Int(range.from), Param::Int(range.to), Param::Int(VERBATIMS)],
        )
        .await?
        .iter()
        .map(|r| {
            obj(vec![("at", Value::int(r[0].int())), ("frustration", text_or_null(&r[1])), ("page", text_or_null(&r[2])), ("text", text_or_null(&r[3]))])
        })
        .collect();

    Ok(obj(vec![
        ("range", obj(vec![("from", Value::int(range.from)), ("to", Value::int(range.to)), ("tz", Value::int(range.tz_ms / 60_000))])),
        (
            "totals",
            obj(vec![
                ("answers", Value::int(total("answer"))),
                ("offers", Value::int(total("offer"))),
                ("accepts", Value::int(total("accept"))),
                ("dismisses", Value::int(total("dismiss"))),
                ("lost", Value::int(lost)),
            ]),
        ),
        ("frustrations", Value::Arr(frustrations)),
        ("daily", obj(vec![("days", Value::Arr(days)), ("series", Value::Arr(series))])),
        ("moments", Value::Arr(moments)),
        ("relief", Value::Arr(relief)),
        ("pages", Value::Arr(pages)),
        ("verbatims", Value::Arr(verbatims)),
    ]))
}

const EXPORT: &str = "SELECT id, kind, at_ms, page, frustration, moment, offers, verbatim, body FROM events
    WHERE at_ms >= $1 AND at_ms < $2 ORDER BY at_ms, id";

/// One line per event: the checked event as stored.
pub async fn export_ndjson(store: &Store, range: Range) -> Result<String, String> {
    let rows = store.query(EXPORT, range.params()).await?;
    let mut out = String::new();
    for row in rows {
        out.push_str(row[8].text());
        out.push('\n');
    }
    Ok(out)
}

/// A spreadsheet-safe table: quoted where needed, and a cell that a spreadsheet would read as a
/// formula (`=`, `+`, `-`, `@`, tab, CR first) starts with `'`.
pub async fn export_csv(store: &Store, range: Range) -> Result<String, String> {
    let rows = store.query(EXPORT, range.params()).await?;
    let mut out = String::from("id,type,at,page,frustration,trigger,offers,text\r\n");
    for row in rows {
        let at = iso_time(row[2].int());
        let cells = [row[0].text(), row[1].text(), &at, row[3].text(), row[4].text(), row[5].text(), row[6].text(), row[7].text()];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok(out)
}

pub fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

pub fn export_name(range: Range, extension: &str) -> String {
    format!("relief-{}-to-{}.{extension}", iso_date(range.local_day(range.from)), iso_date(range.local_day(range.to - 1)))
}

/// `YYYY-MM-DD` of a day counted from 1970-01-01 (proleptic Gregorian; H. Hinnant's civil_from_days).
pub fn iso_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `YYYY-MM-DDTHH:MM:SS.sssZ`.
pub fn iso_time(ms: i64) -> String {
    let (days, rest) = (ms.div_euclid(DAY_MS), ms.rem_euclid(DAY_MS));
    format!("{}T{:02}:{:02}:{:02}.{:03}Z", iso_date(days), rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_are_utc_iso() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(19_723), "2024-01-01");
        assert_eq!(iso_date(19_782), "2024-02-29");
        assert_eq!(iso_time(1_760_000_000_123), "2025-10-09T08:53:20.123Z");
    }

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\"\nthen"), "\"say \"\"hi\"\"\nthen\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
    }

    #[test]
    fn local_days_follow_the_browser_offset() {
        // 2025-10-09T23:30Z is already the 10th in Berlin (UTC+2, getTimezoneOffset = -120).
        let at = 1_760_052_600_000;
        let berlin = Range { from: 0, to: 1, tz_ms: -120 * 60_000 };
        assert_eq!(iso_date(berlin.local_day(at)), "2025-10-10");
        assert_eq!(iso_date(Range { tz_ms: 0, ..berlin }.local_day(at)), "2025-10-09");
    }
}
