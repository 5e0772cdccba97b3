//! TLS through the window: a TCP server with certificate files and a TCP client that does or
//! does not verify, each against a rustls peer on loopback. Headless; no display needed.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;
mod ui;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use common::WAIT;
use common::tls::{Made, certificate, client_config_trusting, pem_files, server_config};
use egui_kittest::kittest::Queryable as _;
use netdebug::net::Fingerprint;
use netdebug::workspace::Connection;
use rustls::pki_types::ServerName;
use ui::Ui;

/// A blocking rustls client over `tcp` that trusts only `made`'s certificate, for `localhost`.
fn client_trusting(
    made: &Made,
    tcp: TcpStream,
) -> rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    let config = client_config_trusting(made.cert.der());
    let name = ServerName::try_from("localhost").unwrap();
    let connection = rustls::ClientConnection::new(config, name).unwrap();
    tcp.set_read_timeout(Some(WAIT)).unwrap();
    rustls::StreamOwned::new(connection, tcp)
}

/// A blocking rustls server connection over `tcp` with `made`'s certificate.
fn server_side(
    made: &Made,
    tcp: TcpStream,
) -> rustls::StreamOwned<rustls::ServerConnection, TcpStream> {
    let connection = rustls::ServerConnection::new(server_config(made)).unwrap();
    tcp.set_read_timeout(Some(WAIT)).unwrap();
    rustls::StreamOwned::new(connection, tcp)
}

#[test]
fn a_tls_server_with_certificate_files_talks_to_a_client_that_checks_them() {
    let made = certificate();
    let (dir, cert_path, key_path) = pem_files("ui-tls", &made, &made);

    let mut ui = Ui::tall();
    ui.set_text("Local port", "0");
    ui.click("TLS (SSL)");
    // The certificate without its key: refused beside the fields, nothing opened.
    ui.set_text("Certificate (PEM)", &cert_path.display().to_string());
    ui.click("Open");
    ui.wait_for_text("Give both the certificate and its private key");
    ui.harness.run_steps(5);
    assert_eq!(ui.connection(), Connection::Closed);

    ui.set_text("Private key (PEM)", &key_path.display().to_string());
    ui.open();
    let fingerprint = Fingerprint::of(made.cert.der()).to_string();
    ui.wait_for_text(&format!(
        "TLS on: the certificate from the files given, SHA-256 {fingerprint}"
    ));

    let tcp = TcpStream::connect(ui.local_addr()).unwrap();
    let peer = tcp.local_addr().unwrap();
    let mut client = client_trusting(&made, tcp);
    client.write_all("你好 over TLS".as_bytes()).unwrap();
    client.flush().unwrap();
    ui.wait_for_text(&format!("TLS with {peer}: TLS 1.3, TLS13_"));
    ui.step_until("the decrypted data", |h| {
        h.state().state().traffic.rx.bytes == "你好 over TLS".len() as u64
    });
    assert_eq!(ui.received_texts().concat(), "你好 over TLS");

    ui.set_text("Send data", "hi client");
    ui.click("Send");
    let mut got = [0; 9];
    client.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"hi client");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_tls_client_refuses_an_untrusted_certificate_until_told_to_take_any() {
    let made = certificate();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let device = std::thread::spawn(move || {
        // The first connection ends in the handshake (the client refuses the certificate).
        let (tcp, _) = listener.accept().unwrap();
        let mut refused = server_side(&made, tcp);
        assert!(refused.read(&mut [0; 16]).is_err());
        // The second takes it; the device answers a ping.
        let (tcp, _) = listener.accept().unwrap();
        let mut stream = server_side(&made, tcp);
        let mut ping = [0; 4];
        stream.read_exact(&mut ping).unwrap();
        assert_eq!(&ping, b"ping");
        stream.write_all(b"pong").unwrap();
        stream.flush().unwrap();
        // Held until the window has read the answer.
        let _ = stream.read(&mut [0; 1]);
        Fingerprint::of(made.cert.der())
    });

    let mut ui = Ui::tall();
    ui.client_of(port);
    ui.click("TLS (SSL)");
    ui.click("Open");
    ui.wait_for_text("its certificate is not trusted");
    ui.wait_for_text("turn off Verify certificate to connect anyway");
    ui.step_until("the failed attempt to end", |h| {
        h.query_by_label("Open").is_some()
    });

    ui.click("Verify certificate");
    ui.open();
    ui.wait_for_text(&format!("TLS with 127.0.0.1:{port}: TLS 1.3"));
    ui.wait_for_text("not verified");
    ui.set_text("Send data", "ping");
    ui.click("Send");
    ui.step_until("the answer", |h| h.state().state().traffic.rx.bytes == 4);
    assert_eq!(ui.received_texts().concat(), "pong");
    ui.click("Close");
    let fingerprint = device.join().unwrap();
    assert!(ui.shows(&format!(
        "its certificate SHA-256 {fingerprint}, not verified"
    )));
}

#[test]
fn a_tls_client_shows_its_handshake_under_way_and_sends_once_it_is_done() {
    let made = certificate();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (go, wait) = std::sync::mpsc::channel::<()>();
    let device = std::thread::spawn(move || {
        // A device slow to answer the handshake: the TCP connection is there, TLS is not.
        let (tcp, _) = listener.accept().unwrap();
        wait.recv().unwrap();
        let mut stream = server_side(&made, tcp);
        let mut early = [0; 5];
        stream.read_exact(&mut early).unwrap();
        // Held until the window closes.
        let _ = stream.read(&mut [0; 1]);
        early
    });

    let mut ui = Ui::tall();
    ui.client_of(port);
    ui.click("TLS (SSL)");
    ui.click("Verify certificate");
    ui.open();
    ui.wait_for_text(&format!("TLS handshake with 127.0.0.1:{port}"));
    assert!(matches!(ui.connection(), Connection::Securing { .. }));
    // Sent while the handshake waits: it goes once TLS is up, encrypted.
    ui.set_text("Send data", "early");
    ui.click("Send");
    go.send(()).unwrap();
    ui.wait_for_text(&format!("TLS with 127.0.0.1:{port}: TLS 1.3"));
    ui.step_until("the state to say connected", |h| {
        matches!(h.state().state().connection, Connection::Connected { .. })
    });
    ui.wait_for_text(&format!("Connected 127.0.0.1:{port}"));
    ui.click("Close");
    assert_eq!(&device.join().unwrap(), b"early");
}
