//! `okta-fake`: the fake Okta org as a standalone server (demo, benchmarks,
//! PHP tests). Prints `listening on <url>` as its first stdout line.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use okta_fake::{FakeConfig, OAuthClient, RunningFake};

const USAGE: &str =
    "usage: okta-fake [--listen 127.0.0.1:0] [--token TOKEN] [--latency-ms N] [--jitter-ms N]
                 [--rate-limit BUCKET=PER_WINDOW ...] [--rate-window SECS] [--concurrency N]
                 [--tls --ca-out PATH] [--oauth-client CLIENT_ID=PUBLIC_KEY_PEM_PATH ...]
                 [--seed-users N] [--search-lag-ms N]
buckets: users user_get user_write groups group oauth other (0 = unlimited)
The token may also come from the OKTA_FAKE_TOKEN environment variable.";

struct Args {
    listen: SocketAddr,
    ca_out: Option<String>,
    cfg: FakeConfig,
}

fn number<T: std::str::FromStr>(flag: &str, v: Option<String>) -> Result<T, String> {
    let v = v.ok_or_else(|| format!("{flag} needs a value"))?;
    v.parse()
        .map_err(|_| format!("{flag}: `{v}` is not a valid number"))
}

fn parse(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut cfg = FakeConfig::default();
    if let Ok(t) = std::env::var("OKTA_FAKE_TOKEN") {
        cfg.token = t;
    }
    let mut listen: SocketAddr = "127.0.0.1:0".parse().map_err(|_| "bad default address")?;
    let mut ca_out = None;
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--listen" => {
                let v = it.next().ok_or("--listen needs an address")?;
                listen = v
                    .parse()
                    .map_err(|_| format!("--listen: `{v}` is not IP:PORT"))?;
            }
            "--token" => cfg.token = it.next().ok_or("--token needs a value")?,
            "--latency-ms" => cfg.latency_ms = number(&flag, it.next())?,
            "--jitter-ms" => cfg.jitter_ms = number(&flag, it.next())?,
            "--concurrency" => cfg.concurrency_limit = number(&flag, it.next())?,
            "--seed-users" => cfg.seed_users = number(&flag, it.next())?,
            "--search-lag-ms" => cfg.search_lag_ms = number(&flag, it.next())?,
            "--rate-window" => cfg.rate_limits.window_secs = number(&flag, it.next())?,
            "--rate-limit" => {
                let v = it.next().ok_or("--rate-limit needs BUCKET=N")?;
                let (bucket, n) = v
                    .split_once('=')
                    .ok_or_else(|| format!("--rate-limit: `{v}` is not BUCKET=N"))?;
                let n: u32 = number("--rate-limit", Some(n.to_string()))?;
                if !cfg.rate_limits.set(bucket, n) {
                    return Err(format!("--rate-limit: unknown bucket `{bucket}`"));
                }
            }
            "--tls" => cfg.tls = true,
            "--ca-out" => ca_out = Some(it.next().ok_or("--ca-out needs a path")?),
            "--oauth-client" => {
                let v = it.next().ok_or("--oauth-client needs CLIENT_ID=PEM_PATH")?;
                let (id, path) = v
                    .split_once('=')
                    .ok_or_else(|| format!("--oauth-client: `{v}` is not CLIENT_ID=PEM_PATH"))?;
                let pem = std::fs::read_to_string(path)
                    .map_err(|e| format!("--oauth-client: cannot read {path}: {e}"))?;
                cfg.oauth_clients.push(OAuthClient {
                    client_id: id.to_string(),
                    public_key_pem: pem,
                });
            }
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if ca_out.is_some() && !cfg.tls {
        return Err("--ca-out only makes sense with --tls".into());
    }
    Ok(Args {
        listen,
        ca_out,
        cfg,
    })
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("okta-fake: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let fake = match RunningFake::start_on(args.listen, args.cfg) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("okta-fake: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let (Some(path), Some(pem)) = (&args.ca_out, fake.ca_pem()) {
        if let Err(e) = std::fs::write(path, pem) {
            eprintln!("okta-fake: cannot write {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    // Handlers go in before the first line is printed: a supervisor may
    // signal as soon as it has read it, and an unhandled SIGINT/SIGTERM would
    // kill the process instead of shutting it down cleanly.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("okta-fake: cannot wait for signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    let signals = match runtime.block_on(async { Signals::install() }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("okta-fake: cannot wait for signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout();
    if writeln!(out, "listening on {}", fake.url())
        .and_then(|_| out.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    runtime.block_on(signals.wait());
    drop(fake);
    ExitCode::SUCCESS
}

/// SIGTERM and SIGINT (Ctrl-C), registered up front.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Signals {})
        }
    }

    async fn wait(mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => {}
                _ = self.int.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
