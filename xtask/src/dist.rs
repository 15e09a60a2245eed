//! `cargo xtask dist`: builds every release artefact into `target/dist/` and
//! prints their sizes. Each artefact is a row of [`ARTEFACTS`]: a name and a
//! function that builds it and prints its own size report.

use crate::run::{self, Result};

/// One release artefact.
pub struct Artefact {
    /// What it is, for the banners.
    pub name: &'static str,
    /// Builds it into `target/dist/` and prints its sizes (raw and gzip).
    pub build: fn() -> Result<()>,
}

/// Every artefact, built in this order.
pub const ARTEFACTS: &[Artefact] = &[
    Artefact {
        name: "npm package (target/dist/koodrive-space-usage-<version>.tgz)",
        build: crate::npm::dist,
    },
    Artefact {
        name: "admin page (target/dist/admin/)",
        build: crate::admin::dist,
    },
];

/// Builds every artefact; stops at the first that fails.
pub fn dist() -> Result<()> {
    for artefact in ARTEFACTS {
        println!();
        println!("==> {}", artefact.name);
        let started = std::time::Instant::now();
        (artefact.build)().map_err(|e| format!("{}: {e}", artefact.name))?;
        println!(
            "<== {} built in {}",
            artefact.name,
            run::format_duration(started.elapsed())
        );
    }
    Ok(())
}
