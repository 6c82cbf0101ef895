//! Where events are kept: SQLite (WAL) by default, PostgreSQL for a shop that outgrows one machine.
//! One schema and the same SQL for both.
//!
//! Writes go through one writer that commits whatever has queued up in one transaction (group commit):
//! a request is answered only after its transaction is committed and synced, and many requests share
//! one sync. Duplicate ids are dropped by the primary key (`ON CONFLICT (id) DO NOTHING`).

use relief_widget::event::Event;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// Columns worth querying are kept apart from `body`, the checked event as JSON.
const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS events (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        at_ms BIGINT NOT NULL,
        received_ms BIGINT NOT NULL,
        page TEXT NOT NULL,
        frustration TEXT,
        moment TEXT,
        offers TEXT,
        verbatim TEXT,
        body TEXT NOT NULL
    )",
    "CREATE INDEX IF NOT EXISTS events_kind_at ON events (kind, at_ms)",
    "CREATE INDEX IF NOT EXISTS events_at ON events (at_ms)",
];

const INSERT: &str = "INSERT INTO events (id, kind, at_ms, received_ms, page, frustration, moment, offers, verbatim, body)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING";

/// Most events written in one transaction.
const MAX_COMMIT: usize = 4000;

/// One event as it is stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub id: String,
    pub kind: String,
    pub at_ms: i64,
    pub received_ms: i64,
    pub page: String,
    pub frustration: Option<String>,
    pub moment: Option<String>,
    /// Offer ids, comma-separated: those shown (offer) or the one taken (accept).
    pub offers: Option<String>,
    pub verbatim: Option<String>,
    pub body: String,
}

impl Row {
    pub fn new(event: &Event, received_ms: i64) -> Row {
        let offers = event.offer_ids();
        Row {
            id: event.id.clone(),
            kind: event.kind().to_string(),
            at_ms: event.at,
            received_ms,
            page: event.page.clone(),
            frustration: event.frustration().map(|f| f.key().to_string()),
            moment: event.moment().map(str::to_string),
            offers: (!offers.is_empty()).then(|| offers.join(",")),
            verbatim: event.text().filter(|t| !t.trim().is_empty()).map(str::to_string),
            body: event.to_value().to_json(),
        }
    }
}

/// A query parameter.
#[derive(Clone, Debug)]
pub enum Param {
    Int(i64),
    Text(String),
}

/// A query result cell: integers and text are all the dashboard needs.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Int(i64),
    Text(String),
    Null,
}

impl Cell {
    pub fn int(&self) -> i64 {
        match self {
            Cell::Int(n) => *n,
            _ => 0,
        }
    }

    pub fn text(&self) -> &str {
        match self {
            Cell::Text(s) => s,
            _ => "",
        }
    }
}

pub type Error = String;

struct Job {
    rows: Vec<Row>,
    reply: oneshot::Sender<Result<usize, Error>>,
}

/// A handle to the store; cheap to clone.
#[derive(Clone)]
pub struct Store {
    writer: mpsc::UnboundedSender<Job>,
    reader: Reader,
}

#[derive(Clone)]
enum Reader {
    Sqlite(Arc<SqliteReaders>),
    Postgres(Arc<pg::Link>),
}

impl Store {
    /// Opens `db`: a `postgres://` URL, or a SQLite file path (created if missing).
    pub async fn open(db: &str) -> Result<Store, Error> {
        let (writer, jobs) = mpsc::unbounded_channel();
        let reader = if db.starts_with("postgres://") || db.starts_with("postgresql://") {
            let link = Arc::new(pg::Link::new(db));
            let client = link.client().await?;
            for statement in SCHEMA {
                client.batch_execute(statement).await.map_err(pg::error)?;
            }
            tokio::spawn(pg::write(pg::Link::new(db), jobs));
            Reader::Postgres(link)
        } else {
            let path = db.strip_prefix("sqlite://").unwrap_or(db).to_string();
            let conn = sqlite::open(&path, true)?;
            let alive = Arc::new(());
            let (weak, checkpointed) = (Arc::downgrade(&alive), path.clone());
            std::thread::Builder::new()
                .name("relief-sqlite-writer".into())
                .spawn(move || sqlite::write(conn, jobs, alive))
                .map_err(|e| e.to_string())?;
            std::thread::Builder::new()
                .name("relief-sqlite-checkpoint".into())
                .spawn(move || sqlite::checkpoints(checkpointed, weak))
                .map_err(|e| e.to_string())?;
            Reader::Sqlite(Arc::new(SqliteReaders { path, idle: Mutex::new(Vec::new()) }))
        };
        Ok(Store { writer, reader })
    }

    /// Stores `rows` durably; answers how many were new (the rest were repeats).
    pub async fn insert(&self, rows: Vec<Row>) -> Result<usize, Error> {
        let (reply, answer) = oneshot::channel();
        self.writer.send(Job { rows, reply }).map_err(|_| "the store's writer has stopped".to_string())?;
        answer.await.map_err(|_| "the store's writer has stopped".to_string())?
    }

    /// Runs a read query written with `$1`, `$2`… placeholders.
    pub async fn query(&self, sql: &str, params: Vec<Param>) -> Result<Vec<Vec<Cell>>, Error> {
        match &self.reader {
            Reader::Sqlite(readers) => {
                let readers = readers.clone();
                let sql = sqlite::placeholders(sql);
                tokio::task::spawn_blocking(move || readers.query(&sql, &params)).await.map_err(|e| e.to_string())?
            }
            Reader::Postgres(link) => pg::query(link, sql, &params).await,
        }
    }
}

/// Read connections to the SQLite file, reused. WAL lets them read while the writer writes.
struct SqliteReaders {
    path: String,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

impl SqliteReaders {
    fn query(&self, sql: &str, params: &[Param]) -> Result<Vec<Vec<Cell>>, Error> {
        let conn = self.idle.lock().map_err(|e| e.to_string())?.pop();
        let conn = match conn {
            Some(conn) => conn,
            None => sqlite::open(&self.path, false)?,
        };
        let rows = sqlite::query(&conn, sql, params);
        let mut idle = self.idle.lock().map_err(|e| e.to_string())?;
        if idle.len() < 4 {
            idle.push(conn);
        }
        rows
    }
}

/// Takes the jobs waiting after `first`, up to [`MAX_COMMIT`] rows, for one transaction.
fn gather(first: Job, jobs: &mut mpsc::UnboundedReceiver<Job>) -> Vec<Job> {
    let mut rows = first.rows.len();
    let mut batch = vec![first];
    while rows < MAX_COMMIT {
        match jobs.try_recv() {
            Ok(job) => {
                rows += job.rows.len();
                batch.push(job);
            }
            Err(_) => break,
        }
    }
    batch
}

/// Answers each job: how many of its rows were new, given the ids the transaction inserted. An id
/// repeated across jobs counts as new for the first only.
fn answer(batch: Vec<Job>, result: Result<HashSet<String>, Error>) {
    match result {
        Ok(mut inserted) => {
            for job in batch {
                let new = job.rows.iter().filter(|r| inserted.remove(&r.id)).count();
                let _ = job.reply.send(Ok(new));
            }
        }
        Err(e) => {
            for job in batch {
                let _ = job.reply.send(Err(e.clone()));
            }
        }
    }
}

mod sqlite {
    use super::*;
    use rusqlite::{params_from_iter, types::ValueRef, Connection, OpenFlags};
    use std::time::Duration;

    pub fn open(path: &str, writer: bool) -> Result<Connection, Error> {
        let flags = if writer {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        } else {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        };
        let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(|e| [path, ": ", &e.to_string()].concat())?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(|e| e.to_string())?;
        if writer {
            // WAL: readers never wait for the writer. FULL: a commit is synced before it returns, so an
            // answered event survives a power cut, not only a crash of this process.
            conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| e.to_string())?;
            conn.pragma_update(None, "synchronous", "FULL").map_err(|e| e.to_string())?;
            // Checkpoints run on a thread of their own (`checkpoints`), not inside a commit that
            // requests are waiting for.
            conn.pragma_update(None, "wal_autocheckpoint", 0).map_err(|e| e.to_string())?;
            for statement in SCHEMA {
                conn.execute(statement, []).map_err(|e| e.to_string())?;
            }
        }
        Ok(conn)
    }

    /// Copies the WAL into the database file every second, beside the writer (PASSIVE: never waits
    /// for it), so the WAL stays small and commits stay quick. Stops when the writer has stopped.
    pub fn checkpoints(path: String, writer: std::sync::Weak<()>) {
        let Ok(conn) = open(&path, true) else { return };
        while writer.upgrade().is_some() {
            std::thread::sleep(Duration::from_secs(1));
            // (busy, frames in the WAL, frames copied). Under a long burst the WAL only grows, as the
            // writer cannot start it over while it is not copied out: past 64 MiB, wait for a gap.
            let frames = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get::<_, i64>(1)).unwrap_or(0);
            if frames > 16_384 {
                let _ = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()));
            }
        }
    }

    /// `$1` → `?1`: SQLite reads `$1` as a named parameter.
    pub fn placeholders(sql: &str) -> String {
        sql.replace('$', "?")
    }

    pub fn write(mut conn: Connection, mut jobs: mpsc::UnboundedReceiver<Job>, alive: Arc<()>) {
        let _alive = alive;
        while let Some(first) = jobs.blocking_recv() {
            let batch = gather(first, &mut jobs);
            let result = commit(&mut conn, &batch);
            answer(batch, result);
        }
    }

    fn commit(conn: &mut Connection, batch: &[Job]) -> Result<HashSet<String>, Error> {
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        let mut inserted = HashSet::new();
        {
            let mut insert = tx.prepare_cached(&placeholders(INSERT)).map_err(|e| e.to_string())?;
            for row in batch.iter().flat_map(|job| &job.rows) {
                let changed = insert
                    .execute(rusqlite::params![
                        row.id, row.kind, row.at_ms, row.received_ms, row.page, row.frustration, row.moment, row.offers,
                        row.verbatim, row.body
                    ])
                    .map_err(|e| e.to_string())?;
                if changed == 1 {
                    inserted.insert(row.id.clone());
                }
            }
        }
        tx.commit().map_err(|e| e.to_string())?;
        Ok(inserted)
    }

    pub fn query(conn: &Connection, sql: &str, params: &[Param]) -> Result<Vec<Vec<Cell>>, Error> {
        let mut statement = conn.prepare_cached(sql).map_err(|e| e.to_string())?;
        let columns = statement.column_count();
        let params = params_from_iter(params.iter().map(|p| match p {
            Param::Int(n) => rusqlite::types::Value::Integer(*n),
            Param::Text(s) => rusqlite::types::Value::Text(s.clone()),
        }));
        let mut rows = statement.query(params).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| e.to_string())? {
            let cells = (0..columns)
                .map(|i| match row.get_ref(i) {
                    Ok(ValueRef::Integer(n)) => Cell::Int(n),
                    Ok(ValueRef::Real(f)) => Cell::Int(f as i64),
                    Ok(ValueRef::Text(t)) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                    _ => Cell::Null,
                })
                .collect();
            out.push(cells);
        }
        Ok(out)
    }
}

mod pg {
    use super::*;
    use tokio_postgres::types::{ToSql, Type};
    use tokio_postgres::{Client, NoTls};

    pub fn error(e: tokio_postgres::Error) -> Error {
        match e.as_db_error() {
            Some(db) => ["postgres: ", db.message()].concat(),
            None => ["postgres: ", &e.to_string()].concat(),
        }
    }

    /// A connection that is made again when it has broken (the server restarted, the network dropped).
    pub struct Link {
        url: String,
        client: tokio::sync::Mutex<Option<Arc<Client>>>,
    }

    impl Link {
        pub fn new(url: &str) -> Link {
            Link { url: url.to_string(), client: tokio::sync::Mutex::new(None) }
        }

        pub async fn client(&self) -> Result<Arc<Client>, Error> {
            let mut slot = self.client.lock().await;
            if let Some(client) = slot.as_ref().filter(|c| !c.is_closed()) {
                return Ok(client.clone());
            }
            let (client, connection) = tokio_postgres::connect(&self.url, NoTls).await.map_err(error)?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            let client = Arc::new(client);
            *slot = Some(client.clone());
            Ok(client)
        }
    }

    pub async fn write(link: Link, mut jobs: mpsc::UnboundedReceiver<Job>) {
        while let Some(first) = jobs.recv().await {
            let batch = gather(first, &mut jobs);
            let result = commit(&link, &batch).await;
            answer(batch, result);
        }
    }

    /// One statement for the whole batch: arrays unnested into rows, the new ids returned.
    async fn commit(link: &Link, batch: &[Job]) -> Result<HashSet<String>, Error> {
        let rows: Vec<&Row> = batch.iter().flat_map(|job| &job.rows).collect();
        let texts = |f: fn(&Row) -> Option<String>| rows.iter().map(|r| f(r)).collect::<Vec<Option<String>>>();
        let ints = |f: fn(&Row) -> i64| rows.iter().map(|r| f(r)).collect::<Vec<i64>>();
        let (id, kind, page, body) =
            (texts(|r| Some(r.id.clone())), texts(|r| Some(r.kind.clone())), texts(|r| Some(r.page.clone())), texts(|r| Some(r.body.clone())));
        let (frustration, moment, offers, verbatim) =
            (texts(|r| r.frustration.clone()), texts(|r| r.moment.clone()), texts(|r| r.offers.clone()), texts(|r| r.verbatim.clone()));
        let (at, received) = (ints(|r| r.at_ms), ints(|r| r.received_ms));
        let client = link.client().await?;
        let statement = "INSERT INTO events (id, kind, at_ms, received_ms, page, frustration, moment, offers, verbatim, body)
            SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[],
                                 $8::text[], $9::text[], $10::text[])
            ON CONFLICT (id) DO NOTHING RETURNING id";
        let params: [&(dyn ToSql + Sync); 10] = [&id, &kind, &at, &received, &page, &frustration, &moment, &offers, &verbatim, &body];
        let returned = client.query(statement, &params).await.map_err(error)?;
        Ok(returned.iter().map(|row| row.get::<_, String>(0)).collect())
    }

    pub async fn query(link: &Link, sql: &str, params: &[Param]) -> Result<Vec<Vec<Cell>>, Error> {
        let client = link.client().await?;
        let boxed: Vec<Box<dyn ToSql + Sync + Send>> = params
            .iter()
            .map(|p| match p {
                Param::Int(n) => Box::new(*n) as Box<dyn ToSql + Sync + Send>,
                Param::Text(s) => Box::new(s.clone()),
            })
            .collect();
        let refs: Vec<&(dyn ToSql + Sync)> = boxed.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect();
        let rows = client.query(sql, &refs).await.map_err(error)?;
        Ok(rows
            .iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| match *row.columns()[i].type_() {
                        Type::INT8 => row.get::<_, Option<i64>>(i).map_or(Cell::Null, Cell::Int),
                        Type::INT4 => row.get::<_, Option<i32>>(i).map_or(Cell::Null, |n| Cell::Int(n.into())),
                        _ => row.get::<_, Option<String>>(i).map_or(Cell::Null, Cell::Text),
                    })
                    .collect()
            })
            .collect())
    }
}
