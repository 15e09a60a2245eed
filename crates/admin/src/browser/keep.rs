//! The imported company directory, kept in this browser's IndexedDB only when
//! the administrator ticks "Keep on this computer", so that it comes back
//! after a reload; and forgotten again ("Forget directory", or unticking).
//!
//! Database `koodrive-admin` (version 1), object store `directory`, one
//! record under the key `"current"`: the array
//! `[file name, Uint8Array of the file's bytes, [column index or -1, …]]`.
//! Every operation opens the database and closes it again.

use js_sys::{Array, Function, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

const DATABASE: &str = "koodrive-admin";
const STORE: &str = "directory";
const KEY: &str = "current";

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

/// Keeps `kept` in this browser, replacing any directory kept before.
pub async fn save(kept: &Kept) -> Result<(), String> {
    let mapping: Array = kept
        .mapping
        .iter()
        .map(|column| JsValue::from_f64(column.map_or(-1.0, f64::from)))
        .collect();
    let value = Array::of3(
        &JsValue::from_str(&kept.file_name),
        &Uint8Array::from(kept.bytes.as_slice()),
        &mapping,
    );
    match write(Some(&value)).await {
        Ok(true) => Ok(()),
        Ok(false) => Err("this browser offers no storage to pages (IndexedDB): \
                          the directory stays for this visit only"
            .into()),
        Err(()) => Err("this browser refused to store the directory \
                        (private window or storage full): it stays for this visit only"
            .into()),
    }
}

/// The directory kept in this browser; `None` when none is kept, or when this
/// browser offers no IndexedDB.
pub async fn load() -> Result<Option<Kept>, String> {
    let unreadable = || {
        "this browser could not read the directory kept on this computer: \
         import the CSV file again"
            .to_string()
    };
    let Some(db) = open().await.map_err(|()| unreadable())? else {
        return Ok(None);
    };
    let value = async {
        let request = db
            .transaction_with_str(STORE)
            .and_then(|t| t.object_store(STORE))
            .and_then(|s| s.get(&JsValue::from_str(KEY)))
            .map_err(drop)?;
        done(&request).await?;
        request.result().map_err(drop)
    }
    .await;
    db.close();
    let value = value.map_err(|()| unreadable())?;
    if value.is_undefined() {
        return Ok(None);
    }
    decode(&value).map(Some).ok_or_else(unreadable)
}

/// Deletes the directory kept in this browser; `Ok` when none was kept.
pub async fn forget() -> Result<(), String> {
    write(None).await.map(drop).map_err(|()| {
        "this browser could not delete the directory kept on this computer: \
             try again, or clear this site's data in the browser's settings"
            .into()
    })
}

/// The record read back as a [`Kept`]; `None` when it is not in our shape.
fn decode(value: &JsValue) -> Option<Kept> {
    let parts: &Array = value.dyn_ref()?;
    let mapping: Array = parts.get(2).dyn_into().ok()?;
    Some(Kept {
        file_name: parts.get(0).as_string()?,
        bytes: parts.get(1).dyn_into::<Uint8Array>().ok()?.to_vec(),
        mapping: mapping
            .iter()
            .map(|c| c.as_f64().filter(|n| *n >= 0.0).map(|n| n as u32))
            .collect(),
    })
}

/// Puts `value` under the key (deletes the record when `None`) and waits
/// until that is committed. `Ok(false)` when this browser offers no IndexedDB.
async fn write(value: Option<&JsValue>) -> Result<bool, ()> {
    let Some(db) = open().await? else {
        return Ok(false);
    };
    let committed = async {
        let tx = db
            .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
            .map_err(drop)?;
        let store = tx.object_store(STORE).map_err(drop)?;
        let key = JsValue::from_str(KEY);
        match value {
            Some(value) => store.put_with_key(value, &key),
            None => store.delete(&key),
        }
        .map_err(drop)?;
        settled(|ok, fail| {
            tx.set_oncomplete(Some(ok));
            tx.set_onerror(Some(fail));
            tx.set_onabort(Some(fail));
        })
        .await
    }
    .await;
    db.close();
    committed.map(|()| true)
}

/// Opens the database, creating its store the first time; `Ok(None)` when
/// this browser offers no IndexedDB (or not to this page).
async fn open() -> Result<Option<IdbDatabase>, ()> {
    let Some(factory) = web_sys::window().and_then(|w| w.indexed_db().ok().flatten()) else {
        return Ok(None);
    };
    let request = factory.open_with_u32(DATABASE, 1).map_err(drop)?;
    let upgrading = request.clone();
    let upgrade = Closure::<dyn FnMut()>::new(move || {
        if let Ok(db) = upgrading.result() {
            let _ = db
                .unchecked_into::<IdbDatabase>()
                .create_object_store(STORE);
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
async fn done(request: &IdbRequest) -> Result<(), ()> {
    settled(|ok, fail| {
        request.set_onsuccess(Some(ok));
        request.set_onerror(Some(fail));
    })
    .await
}

/// Waits until one of the event handlers set by `listen` fires: `Ok` for
/// the one given `ok`, `Err` for those given `fail`. The handlers are the
/// promise's own resolve and reject functions, so no closure is kept.
async fn settled(listen: impl FnOnce(&Function, &Function)) -> Result<(), ()> {
    let mut listen = Some(listen);
    let promise = Promise::new(&mut |resolve, reject| {
        if let Some(listen) = listen.take() {
            listen(&resolve, &reject);
        }
    });
    JsFuture::from(promise).await.map(drop).map_err(drop)
}
