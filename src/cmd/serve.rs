//! `okrc serve`: `okrc watch`, plus the site over HTTP on 127.0.0.1 (by
//! default) with live reload. Pages reload after every build; while the last
//! build failed, every page shows its diagnostics. A port in use is exit 2.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;

use super::watch::{Started, report};
use super::{Outcome, parse_today_arg};
use crate::serve::Server;
use crate::watch::build::Outcome as BuildOutcome;
use crate::watch::run;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The workspace folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 3000)]
    pub port: u16,
    /// The address to listen on. The default serves this machine only;
    /// `0.0.0.0` serves your whole network.
    #[arg(long, value_name = "ADDRESS", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// Open the site in the default browser once it is built.
    #[arg(long)]
    pub open: bool,
    /// Poll the files instead of waiting for change events: for file systems
    /// whose events are unreliable (WSL, Docker bind mounts, network shares).
    #[arg(long)]
    pub poll: bool,
    /// The output folder, relative to the current folder (default: okrc.toml's
    /// `output`, relative to the workspace).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// The date to build for (default: SOURCE_DATE_EPOCH's date, else the local date).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today_arg)]
    pub today: Option<NaiveDate>,
    /// Print how long each stage of every build took (also: OKRC_TIMINGS=1).
    #[arg(short, long)]
    pub verbose: bool,
    /// Print errors only; warnings are counted.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run_serve(args: ServeArgs) -> anyhow::Result<Outcome> {
    let Some(mut started) =
        Started::new(&args.dir, args.output, args.today, args.poll, args.quiet)?
    else {
        return Ok(Outcome::Failure);
    };
    let mut server = match Server::bind(SocketAddr::new(args.bind, args.port)) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("error: {err}");
            return Ok(Outcome::Failure);
        }
    };
    let addr = server.addr();
    let url = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => format!("http://127.0.0.1:{}/", addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => format!("http://[::1]:{}/", addr.port()),
        IpAddr::V4(_) => format!("http://{addr}/"),
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", addr.port()),
    };
    server.spawn(started.session.output_dir().to_path_buf());
    let hub = server.hub();
    let mut open = args.open;
    let mut first = true;
    let served = started.session.output_path().display().to_string();
    run(
        &mut started.session,
        &mut started.watcher,
        &started.messages,
        report(args.verbose),
        &mut |build| {
            let failure = match &build.outcome {
                BuildOutcome::Built { .. } => None,
                BuildOutcome::Failed { failure } => Some(failure.clone()),
            };
            hub.finished(failure);
            // After the first report, where it stays in view: a wall of
            // diagnostics printed later would scroll it away.
            if std::mem::take(&mut first) {
                if !args.bind.is_loopback() {
                    eprintln!(
                        "warning: listening on {}: anyone on your network can read the site",
                        args.bind
                    );
                }
                eprintln!("Serving `{served}` at {url} (Ctrl-C to stop).");
            }
            if std::mem::take(&mut open) {
                if let Err(err) = opener::open(&url) {
                    eprintln!("warning: cannot open a browser: {err}; open {url} yourself");
                }
            }
        },
    )?;
    Ok(Outcome::Success)
}
