//! What the `cws` binary's tests share: running it in a folder, serving the web
//! application on loopback, and talking to it over HTTP/1.1 as a browser would (signing in,
//! with the second factor an administrator must set up).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn cws(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cws"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("CWS_DATABASE_URL")
        .env("CWS_LOG", "warn")
        .output()
        .unwrap()
}

/// `cws ARGS` in `dir` on the database at `url` (PostgreSQL) instead of the embedded one.
pub fn cws_on(dir: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cws"))
        .args(args)
        .current_dir(dir)
        .env_remove("CWS_DATABASE_URL")
        .env("DATABASE_URL", url)
        .env("CWS_LOG", "warn")
        .output()
        .unwrap()
}

/// The demo administrator's password, as `cws demo` printed it.
pub fn demo_password(setup: &Output) -> String {
    stdout(setup)
        .split("Sign-in: admin@cws.example / ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_string()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn http_get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    Some(body)
}

/// One HTTP/1.1 request over loopback: (status line and headers, body).
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    cookies: &str,
    form: Option<&str>,
) -> (String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let body = form.unwrap_or("");
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    if !cookies.is_empty() {
        head.push_str(&format!("Cookie: {cookies}\r\n"));
    }
    if form.is_some() {
        head.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    write!(s, "{head}\r\n{body}").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (head.to_string(), body.to_string())
}

/// The value of a cookie set by a response.
pub fn set_cookie(head: &str, name: &str) -> Option<String> {
    head.lines()
        .filter_map(|l| l.strip_prefix("set-cookie: "))
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap_or("").to_string())
}

pub fn hidden(page: &str, name: &str) -> String {
    let at = page.find(&format!("name=\"{name}\" value=\"")).unwrap() + name.len() + 15;
    page[at..at + page[at..].find('"').unwrap()].to_string()
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Posts the sign-in form over HTTP as a browser would: the answer to the password, and
/// the browser's form cookie.
pub fn sign_in_password(port: u16, email: &str, password: &str) -> (String, String, String) {
    let (head, page) = http(port, "GET", "/sign-in", "", None);
    let form_cookie = set_cookie(&head, "__Host-cws_form").expect("a form cookie");
    let csrf = hidden(&page, "csrf");
    let (head, body) = http(
        port,
        "POST",
        "/sign-in",
        &format!("__Host-cws_form={form_cookie}"),
        Some(&format!(
            "csrf={csrf}&next=%2F&email={}&password={}",
            enc(email),
            enc(password)
        )),
    );
    (head, body, form_cookie)
}

/// Signs in over HTTP as a browser would, setting up the second factor an administrator or
/// area lead must have as a person would with an authenticator app; returns the answer
/// that opens the session (its `Set-Cookie` holds the session cookie) and the page.
pub fn sign_in(port: u16, email: &str, password: &str) -> (String, String) {
    let (head, body, form_cookie) = sign_in_password(port, email, password);
    let Some(set_up) = head
        .lines()
        .find_map(|l| l.strip_prefix("location: /sign-in/set-up"))
    else {
        assert!(
            !head.contains("location: /sign-in/code"),
            "a code is due: {head}"
        );
        return (head, body);
    };
    let half_way = set_cookie(&head, "__Host-cws_session").expect("a half-way session");
    let cookies = format!("__Host-cws_session={half_way}; __Host-cws_form={form_cookie}");
    let (_, page) = http(
        port,
        "GET",
        &format!("/sign-in/set-up{set_up}"),
        &cookies,
        None,
    );
    let key = hidden(&page, "key");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code = cws_web::access::second_factor::code_at(&key, email, now).unwrap();
    let (head, page) = http(
        port,
        "POST",
        "/sign-in/set-up",
        &cookies,
        Some(&format!(
            "csrf={}&key={key}&code={code}&next={}",
            hidden(&page, "csrf"),
            enc(&hidden(&page, "next"))
        )),
    );
    assert!(head.starts_with("HTTP/1.1 200"), "{head}\n{page}");
    assert!(page.contains("save your recovery codes"), "{page}");
    (head, page)
}

pub fn serve(dir: &Path) -> (std::process::Child, u16) {
    serve_on(dir, None)
}

/// `cws serve` in `dir`, on the embedded database or on `database_url`, once it answers.
pub fn serve_on(dir: &Path, database_url: Option<&str>) -> (std::process::Child, u16) {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_cws"));
    command
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(dir)
        .env("CWS_LOG", "warn")
        .env_remove("CWS_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    match database_url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    let server = command.spawn().unwrap();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) && http_get(port, "/healthz").is_none() {
        std::thread::sleep(Duration::from_millis(100));
    }
    (server, port)
}

/// One GET over loopback with cookies: (status line and headers, body as bytes).
pub fn http_bytes(port: u16, path: &str, cookies: &str) -> (String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nCookie: {cookies}\r\n\r\n"
    )
    .unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let at = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(all.len());
    let head = String::from_utf8_lossy(&all[..at]).into_owned();
    let mut body = all[(at + 4).min(all.len())..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = unchunk(&body);
    }
    (head, body)
}

/// The body of a chunked answer.
fn unchunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(at) = raw.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&raw[..at]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = at + 2;
        out.extend_from_slice(&raw[start..(start + size).min(raw.len())]);
        raw = &raw[(start + size + 2).min(raw.len())..];
    }
    out
}
