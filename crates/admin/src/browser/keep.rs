//! The imported company directory, kept in this browser's IndexedDB only when
//! the administrator ticks "Keep on this computer", so that it comes back
//! after a reload; and forgotten again ("Forget directory", or unticking).
//!
//! Database `koodrive-admin` (version 1), object store `directory`, one
//! record per endpoint, under the key `directory@{scope}` (the scope of
//! [`crate::state::keeping::storage_scope`], so that a sandbox's demo
//! directory never comes back beside a tenant's data): the array
//! `[file name, Uint8Array of the file's bytes, [column index or -1, …],
//! saved at (Unix ms), expires at (Unix ms)]`. Whenever the page reads, it
//! first deletes every record that has expired or is not in that shape.
//! Every operation opens the database and closes it again.

use js_sys::{Array, Function, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

use crate::state::keeping::{expires_at_ms, is_expired, scoped_key};

const DATABASE: &str = "koodrive-admin";
const STORE: &str = "directory";
const NAME: &str = "directory";

/// A directory kept on this computer: the CSV file as it was imported and the
/// column mapping chosen for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// The imported file's name, e.g. `directory.csv`.
    pub file_name: String,
    /// The file's bytes, exactly as read.
    pub bytes: Vec<u8>,
    /// For each field of the directory, in the order the page uses, the
    /// index of the column it comes from; `None` when no column was chosen.
    pub mapping: Vec<Option<u32>>,
}

/// Keeps `kept` in this browser for `days` days from `now_ms`, under
/// `scope`, replacing any directory kept there before.
pub async fn save(scope: &str, kept: &Kept, days: u32, now_ms: i64) -> Result<(), String> {
    let mapping: Array = kept
        .mapping
        .iter()
        .map(|column| JsValue::from_f64(column.map_or(-1.0, f64::from)))
        .collect();
    let value = Array::of5(
        &JsValue::from_str(&kept.file_name),
        &Uint8Array::from(kept.bytes.as_slice()),
        &mapping,
        &JsValue::from_f64(now_ms as f64),
        &JsValue::from_f64(expires_at_ms(now_ms, days) as f64),
    );
    match write(&[(scoped_key(NAME, scope), Some(value.into()))]).await {
        Ok(true) => Ok(()),
        Ok(false) => Err("this browser offers no storage to pages (IndexedDB): \
                          the directory stays for this visit only"
            .into()),
        Err(()) => Err("this browser refused to store the directory \
                        (private window or storage full): it stays for this visit only"
            .into()),
    }
}

/// The directory kept in this browser under `scope` and not expired at
/// `now_ms`; `None` when there is none, or when this browser offers no
/// IndexedDB. Expired records (of every scope) are deleted first.
pub async fn load(scope: &str, now_ms: i64) -> Result<Option<Kept>, String> {
    let unreadable = || {
        "this browser could not read the directory kept on this computer: \
         import the CSV file again"
            .to_string()
    };
    let records = read_all().await.map_err(|()| unreadable())?;
    let key = scoped_key(NAME, scope);
    let mut found = None;
    let mut stale = Vec::new();
    for (k, value) in records {
        match decode(&value).filter(|(_, expires)| !is_expired(*expires, now_ms)) {
            Some((kept, _)) if k == key => found = Some(kept),
            Some(_) => {}
            None => stale.push((k, None)),
        }
    }
    if !stale.is_empty() {
        write(&stale).await.map_err(|()| unreadable())?;
    }
    Ok(found)
}

/// Deletes every directory kept in this browser (of every endpoint, expired
/// or not); `Ok` when none was kept.
pub async fn forget() -> Result<(), String> {
    clear().await.map(drop).map_err(|()| {
        "this browser could not delete the directory kept on this computer: \
             try again, or clear this site's data in the browser's settings"
            .into()
    })
}

/// A record read back as a [`Kept`] and when it expires; `None` when it is
/// not in our shape.
fn decode(value: &JsValue) -> Option<(Kept, i64)> {
    let parts: &Array = value.dyn_ref()?;
    let mapping: Array = parts.get(2).dyn_into().ok()?;
    let expires = parts.get(4).as_f64()? as i64;
    let kept = Kept {
        file_name: parts.get(0).as_string()?,
        bytes: parts.get(1).dyn_into::<Uint8Array>().ok()?.to_vec(),
        mapping: mapping
            .iter()
            .map(|c| c.as_f64().filter(|n| *n >= 0.0).map(|n| n as u32))
            .collect(),
    };
    Some((kept, expires))
}

/// Every record: its key (as text) and value. Empty when this browser
/// offers no IndexedDB.
async fn read_all() -> Result<Vec<(String, JsValue)>, ()> {
    let Some(db) = open().await? else {
        return Ok(Vec::new());
    };
    let read = async {
        let store = db
            .transaction_with_str(STORE)
            .and_then(|t| t.object_store(STORE))
            .map_err(drop)?;
        // Both asked at once: keys and values come in the same (key) order,
        // and requests succeed in the order asked, so once the values are
        // there the keys are too.
        let keys = store.get_all_keys().map_err(drop)?;
        let values = store.get_all().map_err(drop)?;
        done(&values).await?;
        let keys: Array = keys.result().map_err(drop)?.dyn_into().map_err(drop)?;
        let values: Array = values.result().map_err(drop)?.dyn_into().map_err(drop)?;
        Ok(keys
            .iter()
            .zip(values.iter())
            .map(|(k, v)| (k.as_string().unwrap_or_default(), v))
            .collect())
    }
    .await;
    db.close();
    read
}

/// Deletes every record and waits until that is committed.
async fn clear() -> Result<bool, ()> {
    let Some(db) = open().await? else {
        return Ok(false);
    };
    let committed = async {
        let tx = db
            .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
            .map_err(drop)?;
        tx.object_store(STORE)
            .and_then(|s| s.clear())
            .map_err(drop)?;
        committed(&tx).await
    }
    .await;
    db.close();
    committed.map(|()| true)
}

/// Puts each value under its key (deletes the record when `None`), all in
/// one transaction, and waits until that is committed. `Ok(false)` when this
/// browser offers no IndexedDB.
async fn write(records: &[(String, Option<JsValue>)]) -> Result<bool, ()> {
    let Some(db) = open().await? else {
        return Ok(false);
    };
    let written = async {
        let tx = db
            .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
            .map_err(drop)?;
        let store = tx.object_store(STORE).map_err(drop)?;
        for (key, value) in records {
            let key = JsValue::from_str(key);
            match value {
                Some(value) => store.put_with_key(value, &key),
                None => store.delete(&key),
            }
            .map_err(drop)?;
        }
        committed(&tx).await
    }
    .await;
    db.close();
    written.map(|()| true)
}

/// Waits until `tx` is committed; `Err` when it fails or is aborted.
pub(super) async fn committed(tx: &web_sys::IdbTransaction) -> Result<(), ()> {
    settled(|ok, fail| {
        tx.set_oncomplete(Some(ok));
        tx.set_onerror(Some(fail));
        tx.set_onabort(Some(fail));
    })
    .await
}

/// Opens this page's database.
async fn open() -> Result<Option<IdbDatabase>, ()> {
    open_database(DATABASE, 1, &[STORE]).await
}

/// Opens the database `name` at `version`, creating those of its `stores`
/// it does not have yet (the first time, or after the version went up);
/// `Ok(None)` when this browser offers no IndexedDB (or not to this page).
pub(super) async fn open_database(
    name: &str,
    version: u32,
    stores: &'static [&'static str],
) -> Result<Option<IdbDatabase>, ()> {
    let Some(factory) = web_sys::window().and_then(|w| w.indexed_db().ok().flatten()) else {
        return Ok(None);
    };
    let request = factory.open_with_u32(name, version).map_err(drop)?;
    let upgrading = request.clone();
    let upgrade = Closure::<dyn FnMut()>::new(move || {
        if let Ok(db) = upgrading.result() {
            let db = db.unchecked_into::<IdbDatabase>();
            let have = db.object_store_names();
            for store in stores {
                if !have.contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let opened = done(&request).await;
    request.set_onupgradeneeded(None);
    drop(upgrade);
    opened?;
    request
        .result()
        .map(|db| Some(db.unchecked_into()))
        .map_err(drop)
}

/// Waits for `request`'s `success`; `Err` on its `error`.
pub(super) async fn done(request: &IdbRequest) -> Result<(), ()> {
    settled(|ok, fail| {
        request.set_onsuccess(Some(ok));
        request.set_onerror(Some(fail));
    })
    .await
}

/// Waits until one of the event handlers set by `listen` fires: `Ok` for
/// the one given `ok`, `Err` for those given `fail`. The handlers are the
/// promise's own resolve and reject functions, so no closure is kept.
pub(super) async fn settled(listen: impl FnOnce(&Function, &Function)) -> Result<(), ()> {
    let mut listen = Some(listen);
    let promise = Promise::new(&mut |resolve, reject| {
        if let Some(listen) = listen.take() {
            listen(&resolve, &reject);
        }
    });
    JsFuture::from(promise).await.map(drop).map_err(drop)
}
