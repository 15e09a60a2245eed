//! Files in and out: reading an imported file's bytes, offering text as a
//! download (a `blob:` URL, revoked afterwards) and copying to the clipboard.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// The bytes of a file the user picked.
pub async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "the file could not be read".to_owned())?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Offers `text` as a file named `name` of type `mime`.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    offer(name, mime, &Array::of1(&JsValue::from_str(text)))
}

/// Offers a file named `name` of type `mime` that `write` hands over in
/// parts (UTF-8 bytes, one after the other): each part becomes a `Blob` of
/// its own as soon as it is written, so the whole file is never one string
/// in the page, neither in Rust's memory nor in JavaScript's.
pub fn download_in_parts(
    name: &str,
    mime: &str,
    write: impl FnOnce(&mut dyn FnMut(&[u8])),
) -> Result<(), String> {
    let parts = Array::new();
    let mut failed = false;
    write(&mut |bytes: &[u8]| {
        let part = Blob::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(bytes)));
        match part {
            Ok(part) => {
                parts.push(&part);
            }
            Err(_) => failed = true,
        }
    });
    if failed {
        return Err("the download could not start (blob)".to_owned());
    }
    offer(name, mime, &parts)
}

/// Offers the file made of `parts` (strings, bytes or blobs).
fn offer(name: &str, mime: &str, parts: &Array) -> Result<(), String> {
    let fail = |what: &str| format!("the download could not start ({what})");
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        Blob::new_with_blob_sequence_and_options(parts, &options).map_err(|_| fail("blob"))?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|_| fail("url"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail("no document"))?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| fail("anchor"))?
        .dyn_into()
        .map_err(|_| fail("anchor"))?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = Url::revoke_object_url(&url);
    Ok(())
}

/// Copies `text` to the clipboard (best effort: the browser may refuse).
pub fn copy_text(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}
