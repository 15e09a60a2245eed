//! The admin page's entry point: Trunk builds this binary to wasm and its
//! loader calls `main`, which mounts the page.

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
