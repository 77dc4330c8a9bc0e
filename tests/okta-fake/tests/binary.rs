//! The `okta-fake` binary: first stdout line, flags, clean exit on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn start(args: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_okta-fake"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("first line");
    (child, first.trim().to_string())
}

fn wait_exit(child: &mut std::process::Child) -> Option<std::process::ExitStatus> {
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(5) {
        if let Ok(Some(s)) = child.try_wait() {
            return Some(s);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    None
}

#[test]
fn prints_url_first_serves_and_exits_on_sigterm() {
    let (mut child, first) = start(&[
        "--listen",
        "127.0.0.1:0",
        "--token",
        "cli-token",
        "--seed-users",
        "5",
        "--rate-limit",
        "users=2",
        "--rate-window",
        "30",
    ]);
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"));
    let http = reqwest::blocking::Client::new();
    let get = || {
        http.get(format!("{url}/api/v1/users"))
            .header("Authorization", "SSWS cli-token")
            .send()
            .expect("request")
    };
    let r = get();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["x-rate-limit-limit"], "2");
    let users: serde_json::Value = r.json().expect("json");
    assert_eq!(users.as_array().map(Vec::len), Some(5), "--seed-users");
    assert_eq!(get().status().as_u16(), 200);
    assert_eq!(get().status().as_u16(), 429, "--rate-limit users=2");

    let health = http
        .get(format!("{url}/__fake/health"))
        .send()
        .expect("health");
    assert_eq!(health.status().as_u16(), 200);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = wait_exit(&mut child).expect("exits after SIGTERM");
    assert!(status.success(), "clean exit, got {status:?}");
}

#[test]
fn tls_writes_the_ca_and_bad_flags_fail() {
    let ca = std::env::temp_dir().join(format!("okta-fake-ca-{}.pem", std::process::id()));
    let ca_arg = ca.to_string_lossy().to_string();
    let (mut child, first) = start(&["--tls", "--ca-out", &ca_arg]);
    assert!(
        first.starts_with("listening on https://127.0.0.1:"),
        "{first}"
    );
    let pem = std::fs::read_to_string(&ca).expect("CA written before the first line");
    assert!(pem.contains("BEGIN CERTIFICATE"));
    let _ = std::fs::remove_file(&ca);
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert!(
        wait_exit(&mut child).is_some_and(|s| s.success()),
        "clean exit on SIGINT"
    );

    for bad in [
        vec!["--rate-limit", "nosuchbucket=5"],
        vec!["--latency-ms", "soon"],
        vec!["--bogus"],
        vec!["--ca-out", "/tmp/x.pem"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_okta-fake"))
            .args(&bad)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{bad:?} must be rejected");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage:"));
    }
}
