//! `cargo xtask`: the project's developer commands (README.md lists them).
//!
//! - `cargo xtask test`: installs what is missing and runs every test, stage by
//!   stage (`--list` shows them, `--stage NAME` picks some, `--skip-tools`).
//! - `cargo xtask serve`: builds the admin page and the sandbox and serves
//!   both on 127.0.0.1:8080 (`--addr`), printing the credentials; with
//!   `--upstream URL`, the gateway in front of a real tenant instead, on
//!   127.0.0.1:8090: demo and tenant never share an origin (and so never
//!   what the page keeps in the browser) unless `--addr` makes them.
//! - `cargo xtask dist`: builds the npm tarball and the admin page into
//!   `target/dist/` (the page also with its in-browser demo into
//!   `target/dist/admin-demo/`) and prints their sizes (raw and gzip).
//! - `cargo xtask fuzz [SECONDS]`: every fuzz target of `fuzz/` on nightly.
//! - `cargo xtask conformance`: schemathesis against the sandbox and its
//!   OpenAPI document, then a soak under `wrk`.
//! - `cargo xtask bench`: the benchmarks (sizes, bulk query, client overhead,
//!   admin table, sandbox throughput) beside their baselines; prints one table
//!   and writes `bench/RESULTS.md` (`--quick`, `--part NAME`).
//!
//! Every command runs from the workspace root and is printed before it runs.

mod admin;
mod bench;
mod conformance;
mod dist;
mod fuzz;
mod gateway;
mod nightly;
mod npm;
mod run;
mod sandbox;
mod serve;
mod soak;
mod split;
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
    /// Build the sandbox (release) and serve the API and the admin page on 127.0.0.1:8080
    /// (with --upstream: the gateway to a tenant, on 127.0.0.1:8090).
    Serve(ServeArgs),
    /// Build the release artefacts into target/dist/ (the npm tarball, the admin page) and print their sizes.
    Dist,
    /// Test the sandbox against its OpenAPI document (schemathesis), then soak it under wrk.
    Conformance,
    /// Fuzz every target of fuzz/ for SECONDS each (default 30; needs nightly).
    Fuzz(FuzzArgs),
    /// Run the benchmarks beside their baselines, print the table, write bench/RESULTS.md.
    Bench(bench::BenchArgs),
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

/// Where `cargo xtask serve` runs the sandbox unless `--addr` says otherwise.
const SANDBOX_ADDR: &str = "127.0.0.1:8080";
/// Where `cargo xtask serve --upstream` runs the gateway: another origin than
/// the sandbox's, so that the demo's pages never share the tenant's.
const GATEWAY_ADDR: &str = "127.0.0.1:8090";

#[derive(Debug, Args)]
struct ServeArgs {
    /// Where the sandbox listens (default 127.0.0.1:8080), or the gateway
    /// with --upstream (default 127.0.0.1:8090); port 0 picks a free one.
    #[arg(long, value_name = "ADDR")]
    addr: Option<String>,
    /// Serve the page through koodrive-gateway in front of this KooDrive
    /// endpoint instead of the sandbox (e.g. https://intl.myhuaweicloud-koodrive.com).
    #[arg(long, value_name = "URL")]
    upstream: Option<String>,
    /// Gateway app mode: the app's id (with --app-secret-file).
    #[arg(long = "app-id", value_name = "ID", requires_all = ["upstream", "app_secret_file"])]
    app_id: Option<String>,
    /// Gateway app mode: a file holding the app's secret.
    #[arg(long = "app-secret-file", value_name = "FILE", requires_all = ["upstream", "app_id"])]
    app_secret_file: Option<std::path::PathBuf>,
    /// Gateway: the X-User-Id of every request (default: the page's).
    #[arg(long = "acting-user-id", value_name = "ID", requires = "upstream")]
    acting_user_id: Option<String>,
    /// Gateway: a file holding the token every API request must carry.
    #[arg(
        long = "gateway-token-file",
        value_name = "FILE",
        requires = "upstream"
    )]
    gateway_token_file: Option<std::path::PathBuf>,
    /// More flags for koodrive-sandbox (or koodrive-gateway), after `--` (e.g. `-- --users 100000`).
    #[arg(last = true, value_name = "SANDBOX_FLAGS")]
    sandbox_flags: Vec<String>,
}

impl ServeArgs {
    /// Where to listen: `--addr`, else the sandbox's or the gateway's own port.
    fn addr(&self) -> &str {
        match (&self.addr, &self.upstream) {
            (Some(addr), _) => addr,
            (None, Some(_)) => GATEWAY_ADDR,
            (None, None) => SANDBOX_ADDR,
        }
    }
}

/// `cargo xtask serve`: the sandbox, or the gateway when `--upstream` is given.
fn serve(args: ServeArgs) -> run::Result<()> {
    let addr = args.addr().to_owned();
    match args.upstream {
        Some(upstream) => {
            let flags = gateway::GatewayFlags {
                upstream,
                app_id: args.app_id,
                app_secret_file: args.app_secret_file,
                acting_user_id: args.acting_user_id,
                gateway_token_file: args.gateway_token_file,
            };
            gateway::serve(&flags, &addr, &args.sandbox_flags)
        }
        None => serve::serve(&addr, &args.sandbox_flags),
    }
}

#[derive(Debug, Args)]
struct FuzzArgs {
    /// Seconds per target.
    #[arg(value_name = "SECONDS", default_value_t = fuzz::DEFAULT_SECONDS)]
    seconds: u64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Test(args) => test(&args),
        Command::Serve(args) => exit_code(serve(args)),
        Command::Conformance => exit_code(conformance::conformance()),
        Command::Fuzz(args) => exit_code(fuzz::fuzz(args.seconds)),
        Command::Dist => exit_code(dist::dist()),
        Command::Bench(args) => exit_code(bench::bench(&args)),
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

/// Prints an error once and turns a command's result into its exit code.
fn exit_code(result: run::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dist_refuses_arguments_instead_of_dropping_them() {
        assert!(matches!(
            Cli::try_parse_from(["cargo xtask", "dist"]).map(|c| c.command),
            Ok(Command::Dist)
        ));
        for extra in [["dist", "--release"], ["dist", "npm"]] {
            let args = std::iter::once("cargo xtask").chain(extra);
            let err = Cli::try_parse_from(args).err().map(|e| e.kind());
            assert!(
                matches!(err, Some(clap::error::ErrorKind::UnknownArgument)),
                "{extra:?}: {err:?}"
            );
        }
    }

    fn serve_args(args: &[&str]) -> ServeArgs {
        let all = ["cargo xtask", "serve"]
            .into_iter()
            .chain(args.iter().copied());
        match Cli::try_parse_from(all).map(|cli| cli.command) {
            Ok(Command::Serve(args)) => args,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_sandbox_and_the_gateway_never_share_a_default_origin() {
        let sandbox = serve_args(&[]);
        let gateway = serve_args(&["--upstream", "https://intl.myhuaweicloud-koodrive.com"]);
        assert_eq!(sandbox.addr(), "127.0.0.1:8080");
        assert_eq!(gateway.addr(), "127.0.0.1:8090");
        let chosen = serve_args(&[
            "--upstream",
            "https://x.example",
            "--addr",
            "127.0.0.1:9000",
        ]);
        assert_eq!(chosen.addr(), "127.0.0.1:9000");
    }
}
