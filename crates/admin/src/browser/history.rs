//! Usage history kept on this computer, only while the administrator ticks
//! "Keep history on this computer": the stored snapshots (the core's
//! compact form) in this browser's IndexedDB, filed under the connection's
//! storage scope ([`crate::state::keeping::storage_scope`]) so that one
//! tenant's history never mixes with another's. Unticking forgets them.
//!
//! Database `koodrive-admin-history` (version 2): object store `snapshots`,
//! keyed `[scope, takenAtMs]`, each value the snapshot's bytes
//! (`Uint8Array`); object store `keep`, keyed by scope, `true` while
//! history is kept for it; object store `trends` (since version 2), keyed
//! by scope, the trends last computed over those snapshots in the core's
//! stored form (`koodrive_core::history::store_trends`), so that a page
//! opened again shows them without decoding every snapshot. Every
//! operation opens the database and closes it again. Also here: offering
//! the history file as a download.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbDatabase, IdbKeyRange, IdbTransactionMode};

use super::keep::{committed, done};

const DATABASE: &str = "koodrive-admin-history";
const SNAPSHOTS: &str = "snapshots";
const KEEP: &str = "keep";
const TRENDS: &str = "trends";
/// Version 2 added [`TRENDS`].
const VERSION: u32 = 2;

fn refused() -> String {
    "this browser refused to store the history (private window or storage full): \
     it stays for this visit only"
        .to_owned()
}

fn key(scope: &str, taken_at_ms: i64) -> JsValue {
    Array::of2(
        &JsValue::from_str(scope),
        &JsValue::from_f64(taken_at_ms as f64),
    )
    .into()
}

/// Every key of this scope's snapshots.
fn range(scope: &str) -> Result<JsValue, ()> {
    let bound = |at: f64| Array::of2(&JsValue::from_str(scope), &JsValue::from_f64(at));
    IdbKeyRange::bound(&bound(f64::NEG_INFINITY), &bound(f64::INFINITY))
        .map(Into::into)
        .map_err(drop)
}

fn stores() -> Array {
    Array::of3(&SNAPSHOTS.into(), &KEEP.into(), &TRENDS.into())
}

/// What this browser keeps for a scope.
#[derive(Debug, Default)]
pub struct Kept {
    /// Whether history is kept for it.
    pub keep: bool,
    /// Its stored snapshots, in no particular order.
    pub snapshots: Vec<Vec<u8>>,
    /// The trends last computed over them, stored; they may be stale.
    pub trends: Option<Vec<u8>>,
}

/// What this browser keeps for this scope; nothing when it offers no
/// IndexedDB.
pub async fn load(scope: &str) -> Result<Kept, String> {
    let unreadable = || {
        "this browser could not read the history kept on this computer: \
         untick and tick Keep history to start it again"
            .to_owned()
    };
    let Some(db) = open().await.map_err(|()| unreadable())? else {
        return Ok(Kept::default());
    };
    let read = async {
        let tx = db.transaction_with_str_sequence(&stores()).map_err(drop)?;
        let keep = tx
            .object_store(KEEP)
            .and_then(|s| s.get(&JsValue::from_str(scope)))
            .map_err(drop)?;
        let trends = tx
            .object_store(TRENDS)
            .and_then(|s| s.get(&JsValue::from_str(scope)))
            .map_err(drop)?;
        let range = range(scope)?;
        let all = tx
            .object_store(SNAPSHOTS)
            .and_then(|s| s.get_all_with_key(&range))
            .map_err(drop)?;
        // Requests succeed in the order asked: once the last is done, all are.
        done(&all).await?;
        let keep = keep.result().map_err(drop)?.as_bool() == Some(true);
        let trends = trends
            .result()
            .ok()
            .and_then(|v| v.dyn_into::<Uint8Array>().ok())
            .map(|bytes| bytes.to_vec());
        let values: Array = all.result().map_err(drop)?.dyn_into().map_err(drop)?;
        let snapshots = values
            .iter()
            .filter_map(|v| v.dyn_into::<Uint8Array>().ok())
            .map(|bytes| bytes.to_vec())
            .collect();
        Ok::<_, ()>(Kept {
            keep,
            snapshots,
            trends,
        })
    }
    .await;
    db.close();
    read.map_err(|()| unreadable())
}

/// Writes these snapshots (time, bytes) and deletes those taken at
/// `removed`, in one transaction, and marks history as kept for `scope`.
pub async fn write(
    scope: &str,
    written: Vec<(i64, Vec<u8>)>,
    removed: Vec<i64>,
) -> Result<(), String> {
    let Some(db) = open().await.map_err(|()| refused())? else {
        return Err("this browser offers no storage to pages (IndexedDB): \
                    the history stays for this visit only"
            .to_owned());
    };
    let written = async {
        let tx = db
            .transaction_with_str_sequence_and_mode(&stores(), IdbTransactionMode::Readwrite)
            .map_err(drop)?;
        let snapshots = tx.object_store(SNAPSHOTS).map_err(drop)?;
        for (at, bytes) in &written {
            snapshots
                .put_with_key(&Uint8Array::from(bytes.as_slice()), &key(scope, *at))
                .map_err(drop)?;
        }
        for at in &removed {
            snapshots.delete(&key(scope, *at)).map_err(drop)?;
        }
        tx.object_store(KEEP)
            .and_then(|s| s.put_with_key(&JsValue::TRUE, &JsValue::from_str(scope)))
            .map_err(drop)?;
        committed(&tx).await
    }
    .await;
    db.close();
    written.map_err(|()| refused())
}

/// Keeps `trends` (stored) as this scope's, in place of the ones before.
/// Only a shortcut for the next visit: a failure loses nothing.
pub async fn write_trends(scope: &str, trends: Vec<u8>) -> Result<(), ()> {
    let Some(db) = open().await? else {
        return Ok(());
    };
    let written = async {
        let tx = db
            .transaction_with_str_and_mode(TRENDS, IdbTransactionMode::Readwrite)
            .map_err(drop)?;
        tx.object_store(TRENDS)
            .and_then(|s| {
                s.put_with_key(
                    &Uint8Array::from(trends.as_slice()),
                    &JsValue::from_str(scope),
                )
            })
            .map_err(drop)?;
        committed(&tx).await
    }
    .await;
    db.close();
    written
}

/// Forgets this scope's history: every snapshot, the trends and the mark.
pub async fn forget(scope: &str) -> Result<(), String> {
    let failed = || {
        "this browser could not delete the history kept on this computer: \
         try again, or clear this site's data in the browser's settings"
            .to_owned()
    };
    let Some(db) = open().await.map_err(|()| failed())? else {
        return Ok(());
    };
    let deleted = async {
        let tx = db
            .transaction_with_str_sequence_and_mode(&stores(), IdbTransactionMode::Readwrite)
            .map_err(drop)?;
        let range = range(scope)?;
        tx.object_store(SNAPSHOTS)
            .and_then(|s| s.delete(&range))
            .map_err(drop)?;
        tx.object_store(KEEP)
            .and_then(|s| s.delete(&JsValue::from_str(scope)))
            .map_err(drop)?;
        tx.object_store(TRENDS)
            .and_then(|s| s.delete(&JsValue::from_str(scope)))
            .map_err(drop)?;
        committed(&tx).await
    }
    .await;
    db.close();
    deleted.map_err(|()| failed())
}

/// Opens the history's database, creating its stores the first time;
/// `Ok(None)` when this browser offers no IndexedDB (or not to this page).
async fn open() -> Result<Option<IdbDatabase>, ()> {
    super::keep::open_database(DATABASE, VERSION, &[SNAPSHOTS, KEEP, TRENDS]).await
}

/// Offers `bytes` as a file named `name` (a `blob:` URL, revoked afterwards).
pub fn download_bytes(name: &str, bytes: &[u8]) -> Result<(), String> {
    super::files::download_in_parts(name, "application/octet-stream", |write| write(bytes))
}
