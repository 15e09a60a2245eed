//! `cargo xtask`: the project's developer commands (see CONTRACT §5).
//!
//! - `cargo xtask test`: installs what is missing and runs every test, stage by
//!   stage (`--list` shows them, `--stage NAME` picks some, `--skip-tools`).
//! - `cargo xtask serve`: builds the sandbox and serves the API (and the admin
//!   page once built) on 127.0.0.1:8080 (`--addr`), printing the credentials.
//! - `cargo xtask dist`, `bench`: not available yet in this version.
//!
//! Every command runs from the workspace root and is printed before it runs.

mod npm;
mod run;
mod sandbox;
mod serve;
mod stages;
mod tools;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// The project's developer commands.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Install what is missing and run every test, stage by stage.
    Test(TestArgs),
    /// Build the sandbox (release) and serve the API and the admin page on 127.0.0.1:8080.
    Serve(ServeArgs),
    /// Build the npm tarball and the admin page into target/dist/ (not available yet).
    Dist(Placeholder),
    /// Run the benchmarks and print their table (not available yet).
    Bench(Placeholder),
}

#[derive(Debug, Args)]
struct TestArgs {
    /// Run only this stage (repeatable); `tools` still runs first.
    #[arg(long = "stage", value_name = "NAME")]
    stages: Vec<String>,
    /// Do not check or install tools.
    #[arg(long)]
    skip_tools: bool,
    /// List the stages and exit.
    #[arg(long)]
    list: bool,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Where the sandbox listens (port 0 picks a free one).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    addr: String,
    /// More flags for koodrive-sandbox, after `--` (e.g. `-- --users 100000`).
    #[arg(last = true, value_name = "SANDBOX_FLAGS")]
    sandbox_flags: Vec<String>,
}

/// Arguments of a command that is not available yet, accepted so that it can say so.
#[derive(Debug, Args)]
struct Placeholder {
    #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
    _args: Vec<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Test(args) => test(&args),
        Command::Serve(args) => match serve::serve(&args.addr, &args.sandbox_flags) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::FAILURE
            }
        },
        Command::Dist(_) => not_yet(
            "dist",
            "the npm module and the admin page are not built yet",
        ),
        Command::Bench(_) => not_yet("bench", "the benchmarks are not written yet"),
    }
}

/// `cargo xtask test`.
fn test(args: &TestArgs) -> ExitCode {
    if args.list {
        stages::list();
        return ExitCode::SUCCESS;
    }
    let selected = match stages::select(&args.stages, args.skip_tools) {
        Ok(selected) => selected,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    match stages::run_all(&selected) {
        Ok(()) => ExitCode::SUCCESS,
        // `run_all` has already printed which stage failed, above the summary.
        Err(_) => ExitCode::FAILURE,
    }
}

/// Says that a command is not available yet in this version and exits with code 2.
fn not_yet(command: &str, why: &str) -> ExitCode {
    eprintln!("cargo xtask {command}: not available yet in this version ({why})");
    ExitCode::from(2)
}
