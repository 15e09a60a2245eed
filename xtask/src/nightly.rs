//! The toolchain of the release wasm builds (the npm module's wasm and the
//! admin page): the nightly pinned in `xtask/wasm-nightly`, which builds the
//! standard library itself for size (`-Zbuild-std=std,panic_abort`, the
//! `immediate-abort` panic strategy, `-Zlocation-detail=none`,
//! `-Zfmt-debug=none`), or stable when that nightly cannot be had. Tests,
//! clippy and development builds always use stable.
//!
//! The choice is made once per xtask run: the pinned nightly is installed
//! with rustup when missing (`--profile minimal --component rust-src`);
//! when rustup cannot install it, or `KOODRIVE_WASM_TOOLCHAIN=stable` asks
//! for it, the build falls back to stable and says so.

use std::sync::OnceLock;

use crate::run::{self, Cmd, Result, workspace_root};

/// The file naming the pinned nightly, relative to the workspace root.
pub const PIN_FILE: &str = "xtask/wasm-nightly";

/// The environment variable that forces the stable fallback (`stable`).
pub const FORCE_ENV: &str = "KOODRIVE_WASM_TOOLCHAIN";

/// The flags the nightly builds the wasm (and its standard library) with.
/// `RUSTFLAGS` only reaches the target's crates when cargo has a `--target`,
/// so build scripts and proc macros keep their defaults.
pub const RUSTFLAGS: &str = "-Zunstable-options -Cpanic=immediate-abort \
                             -Zlocation-detail=none -Zfmt-debug=none";

/// The crates of the standard library the nightly builds itself.
pub const BUILD_STD: &str = "std,panic_abort";

/// The toolchain the release wasm is built with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WasmToolchain {
    /// The pinned nightly (its rustup name), building std for size.
    Nightly(String),
    /// Stable, as the tests: the fallback, a little larger.
    Stable {
        /// Why the nightly is not used.
        reason: String,
    },
}

impl WasmToolchain {
    /// Adds what makes `cmd` (cargo, or a tool that runs cargo such as
    /// Trunk) build with this toolchain. Nothing for stable.
    pub fn apply(&self, cmd: Cmd) -> Cmd {
        match self {
            Self::Nightly(name) => cmd
                .env("RUSTUP_TOOLCHAIN", name)
                .env("CARGO_UNSTABLE_BUILD_STD", BUILD_STD)
                .env("RUSTFLAGS", RUSTFLAGS),
            Self::Stable { .. } => cmd,
        }
    }

    /// As [`Self::apply`], with `extra` added to the compiler's flags of
    /// the wasm (the stable build gets `extra` alone).
    pub fn apply_with_flags(&self, cmd: Cmd, extra: &str) -> Cmd {
        match self {
            Self::Nightly(_) => self
                .apply(cmd)
                .env("RUSTFLAGS", format!("{RUSTFLAGS} {extra}")),
            Self::Stable { .. } => cmd.env("RUSTFLAGS", extra),
        }
    }

    /// `cargo` for a release wasm build: rustup's proxy for the nightly
    /// (which picks the toolchain of `RUSTUP_TOOLCHAIN`), else `$CARGO`.
    pub fn cargo(&self) -> Cmd {
        match self {
            Self::Nightly(_) => self.apply(Cmd::new(
                run::which("cargo").unwrap_or_else(|| run::cargo_home().join("bin/cargo")),
            )),
            Self::Stable { .. } => Cmd::cargo(),
        }
    }

    /// One line for the size reports.
    pub fn describe(&self) -> String {
        match self {
            Self::Nightly(name) => format!("{name}, std built for size"),
            Self::Stable { .. } => "stable (fallback)".to_owned(),
        }
    }
}

/// The pinned nightly's rustup name: the one line of [`PIN_FILE`] that is
/// neither empty nor a `#` comment.
pub fn pinned() -> Result<String> {
    let path = workspace_root().join(PIN_FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_pin(&text).ok_or_else(|| {
        format!(
            "{} names no toolchain: it needs one line such as `nightly-2026-05-20`",
            path.display()
        )
    })
}

fn parse_pin(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| l.starts_with("nightly-"))
        .map(str::to_owned)
}

/// The toolchain of this run's release wasm builds, chosen (and the nightly
/// installed) on first use; prints the choice once.
pub fn wasm_toolchain() -> &'static WasmToolchain {
    static CHOSEN: OnceLock<WasmToolchain> = OnceLock::new();
    CHOSEN.get_or_init(|| {
        let forced = std::env::var(FORCE_ENV).ok();
        let chosen = choose(forced.as_deref(), pinned(), ensure_installed);
        match &chosen {
            WasmToolchain::Nightly(name) => {
                println!("release wasm builds: {name} (pinned in {PIN_FILE}), std built for size");
            }
            WasmToolchain::Stable { reason } => println!(
                "release wasm builds: STABLE, not the pinned nightly ({reason}); the npm \
                 module and the admin page come out some 10 % larger and the size budgets \
                 allow for it"
            ),
        }
        chosen
    })
}

/// The choice, given the forcing variable's value, the pin and an installer.
fn choose(
    forced: Option<&str>,
    pin: Result<String>,
    install: impl FnOnce(&str) -> Result<()>,
) -> WasmToolchain {
    if forced == Some("stable") {
        return WasmToolchain::Stable {
            reason: format!("{FORCE_ENV}=stable"),
        };
    }
    let name = match pin {
        Ok(name) => name,
        Err(reason) => return WasmToolchain::Stable { reason },
    };
    match install(&name) {
        Ok(()) => WasmToolchain::Nightly(name),
        Err(e) => WasmToolchain::Stable {
            reason: format!("{name} could not be installed: {e}"),
        },
    }
}

/// Installs `name` with rust-src unless it is there already.
fn ensure_installed(name: &str) -> Result<()> {
    let has_src = run::capture(&Cmd::new("rustup").args([
        "component",
        "list",
        "--installed",
        "--toolchain",
        name,
    ]))
    .is_ok_and(|list| list.lines().any(|l| l.trim() == "rust-src"));
    if has_src {
        return Ok(());
    }
    println!(
        "{name} (the release wasm's toolchain, pinned in {PIN_FILE}) is missing: installing it \
         with rustup (minimal profile and rust-src, about a minute)"
    );
    run::run(&Cmd::new("rustup").args([
        "toolchain",
        "install",
        name,
        "--profile",
        "minimal",
        "--component",
        "rust-src",
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pin_is_the_one_line_that_is_not_a_comment() {
        assert_eq!(
            parse_pin("# why\n\n  nightly-2026-05-20  \n").as_deref(),
            Some("nightly-2026-05-20")
        );
        assert_eq!(parse_pin("# only words\n"), None);
        assert_eq!(parse_pin("stable\n"), None);
    }

    #[test]
    fn the_committed_pin_names_a_dated_nightly() {
        let name = pinned().unwrap();
        let date = name.trim_start_matches("nightly-");
        assert_eq!(date.len(), "2026-05-20".len(), "{name}");
    }

    #[test]
    fn a_nightly_that_cannot_be_installed_falls_back_to_stable_saying_why() {
        let chosen = choose(None, Ok("nightly-2026-05-20".into()), |_| {
            Err("rustup: could not download".into())
        });
        match chosen {
            WasmToolchain::Stable { reason } => {
                assert!(reason.contains("nightly-2026-05-20"), "{reason}");
                assert!(reason.contains("could not download"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn stable_can_be_forced_and_then_nothing_is_installed() {
        let chosen = choose(Some("stable"), Ok("nightly-2026-05-20".into()), |_| {
            panic!("nothing is installed when stable is forced")
        });
        assert!(matches!(chosen, WasmToolchain::Stable { .. }));
        let cmd = chosen.apply(Cmd::new("trunk"));
        assert!(!cmd.display().contains("RUSTFLAGS"), "{}", cmd.display());
    }

    #[test]
    fn the_nightly_builds_std_for_size() {
        let chosen = choose(None, Ok("nightly-2026-05-20".into()), |_| Ok(()));
        let shown = chosen.apply(Cmd::new("trunk")).display();
        for part in [
            "RUSTUP_TOOLCHAIN=nightly-2026-05-20",
            "CARGO_UNSTABLE_BUILD_STD=std,panic_abort",
            "-Cpanic=immediate-abort",
            "-Zfmt-debug=none",
        ] {
            assert!(shown.contains(part), "{part} in {shown}");
        }
    }
}
