//! The admin page's entry point: Trunk builds this binary to wasm and its
//! loader calls `main`, which mounts the page.

/// The wasm's global allocator: talc, whose code is smaller than that of
/// Rust's default dlmalloc (see the size table in bench/RESULTS.md).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    koodrive_admin::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "The admin page runs in a browser: build it with `trunk build --release` \
         (or `cargo xtask serve`) and open it from the sandbox."
    );
    std::process::exit(2);
}
