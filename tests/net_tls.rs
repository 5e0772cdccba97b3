//! TLS over TCP, client and server, against rustls peers on loopback and against each other.
#![cfg(test)] // helpers too, for clippy.toml's test allowances: a panic here is a failed test

mod common;

use std::time::Duration;

use common::tls::{Made, certificate, client_config_trusting, pem_files, server_config};
use common::{listening, next_event, receive_bytes, session, wait_closed, wait_for};
use netdebug::net::{
    ClientTls, CloseReason, Endpoint, EventKind, EventReceiver, Fingerprint, NetError, SendTarget,
    ServerTls, SessionConfig, TlsSummary,
};
use rustls::pki_types::ServerName;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{TlsAcceptor, TlsConnector};

/// A rustls server side with `made`'s certificate.
fn acceptor(made: &Made) -> TlsAcceptor {
    TlsAcceptor::from(server_config(made))
}

/// A rustls client side that trusts exactly `certificate`.
fn trusting(certificate: &rustls::pki_types::CertificateDer<'static>) -> TlsConnector {
    TlsConnector::from(client_config_trusting(certificate))
}

fn open_client(session: &mut netdebug::net::Session, port: u16, verify: bool) {
    session.open(SessionConfig::TcpClient {
        remote: Endpoint::new("127.0.0.1", port),
        timeout: Duration::from_secs(5),
        local_port: 0,
        tls: Some(ClientTls { verify }),
    });
}

async fn open_server(
    session: &mut netdebug::net::Session,
    events: &mut EventReceiver,
    tls: ServerTls,
) -> std::net::SocketAddr {
    session.open(SessionConfig::TcpServer {
        local: Endpoint::new("127.0.0.1", 0),
        tls: Some(tls),
    });
    listening(events).await
}

/// Waits for a finished handshake; what it agreed.
async fn secured(events: &mut EventReceiver) -> TlsSummary {
    match wait_for(events, "TLS handshake", |k| {
        matches!(k, EventKind::Secured { .. } | EventKind::Closed { .. })
    })
    .await
    .kind
    {
        EventKind::Secured { summary, .. } => summary,
        other => panic!("expected Secured, got {other:?}"),
    }
}

/// The handshake failure a session or a client ended with, as its message says it.
fn handshake_failure(kind: &EventKind) -> String {
    match kind {
        EventKind::Closed {
            reason: CloseReason::Failed(error @ NetError::TlsHandshake { .. }),
        }
        | EventKind::PeerLeft {
            reason: CloseReason::Failed(error @ NetError::TlsHandshake { .. }),
            ..
        } => error.to_string(),
        other => panic!("expected a TLS handshake failure, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_speaks_tls_and_shows_the_certificate_it_took_unverified() {
    let made = certificate();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (mut session, mut events) = session();
    open_client(&mut session, listener.local_addr().unwrap().port(), false);
    let (tcp, _) = listener.accept().await.unwrap();
    let mut server_side = acceptor(&made).accept(tcp).await.unwrap();

    let summary = secured(&mut events).await;
    assert_eq!(summary.protocol, "TLS 1.3");
    assert!(summary.cipher.starts_with("TLS13_"), "{}", summary.cipher);
    assert_eq!(summary.certificate, Some(Fingerprint::of(made.cert.der())));
    assert!(!summary.verified);

    // More than one TLS record (16 KiB) and more than one read buffer (256 KiB) each way.
    let payload: Vec<u8> = (0..=255u8).cycle().step_by(7).take(300_000).collect();
    session
        .send(SendTarget::Connected, payload.clone())
        .unwrap();
    let got = common::read_exactly(&mut server_side, payload.len()).await;
    assert_eq!(got, payload);
    server_side.write_all(&payload).await.unwrap();
    server_side.flush().await.unwrap();
    assert_eq!(receive_bytes(&mut events, payload.len()).await, payload);

    // Dropped without TLS' closing message, as many devices end: a close, not a failure.
    drop(server_side);
    let closed = wait_closed(&mut events, "closed by peer").await;
    assert!(
        matches!(
            closed.kind,
            EventKind::Closed {
                reason: CloseReason::ByPeer
            }
        ),
        "{closed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verifying_client_refuses_a_self_signed_certificate_and_says_what_to_do() {
    let made = certificate();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (mut session, mut events) = session();
    open_client(&mut session, listener.local_addr().unwrap().port(), true);
    let (tcp, _) = listener.accept().await.unwrap();
    assert!(acceptor(&made).accept(tcp).await.is_err());
    let closed = wait_closed(&mut events, "refused certificate").await;
    let message = handshake_failure(&closed.kind);
    assert!(
        message.contains("not trusted") && message.contains("Verify certificate"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tls_client_reaching_a_plain_service_is_told_it_does_not_speak_tls() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (mut session, mut events) = session();
    open_client(&mut session, listener.local_addr().unwrap().port(), false);
    let (mut plain, _) = listener.accept().await.unwrap();
    plain
        .write_all(b"HTTP/1.0 400 Bad Request\r\n\r\n")
        .await
        .unwrap();
    let closed = wait_closed(&mut events, "not TLS").await;
    let message = handshake_failure(&closed.kind);
    assert!(message.contains("does not seem to speak TLS"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_with_certificate_files_serves_clients_that_trust_them() {
    let made = certificate();
    let (dir, cert_path, key_path) = pem_files("tls-files", &made, &made);

    let (mut session, mut events) = session();
    let files = ServerTls::Files {
        certificate: cert_path,
        key: key_path,
    };
    let addr = open_server(&mut session, &mut events, files).await;
    match next_event(&mut events, "serving TLS").await.kind {
        EventKind::ServingTls {
            certificate,
            self_signed,
        } => {
            assert_eq!(certificate, Fingerprint::of(made.cert.der()));
            assert!(!self_signed);
        }
        other => panic!("expected ServingTls, got {other:?}"),
    }

    // A client that does not speak TLS is dropped with a reason; the server goes on.
    let mut plain = TcpStream::connect(addr).await.unwrap();
    plain.write_all(b"hello\r\n").await.unwrap();
    let left = wait_for(&mut events, "plain client dropped", |k| {
        matches!(k, EventKind::PeerLeft { .. })
    })
    .await;
    assert!(handshake_failure(&left.kind).contains("does not seem to speak TLS"));

    // Two clients that check the certificate against the file's, and the name localhost.
    let connector = trusting(made.cert.der());
    let name = ServerName::try_from("localhost").unwrap();
    let mut clients = Vec::new();
    for _ in 0..2 {
        let tcp = TcpStream::connect(addr).await.unwrap();
        clients.push(connector.connect(name.clone(), tcp).await.unwrap());
        let summary = secured(&mut events).await;
        assert_eq!(summary.certificate, None, "a client shows no certificate");
    }
    clients[1]
        .write_all("你好 over TLS".as_bytes())
        .await
        .unwrap();
    clients[1].flush().await.unwrap();
    assert_eq!(
        receive_bytes(&mut events, "你好 over TLS".len()).await,
        "你好 over TLS".as_bytes()
    );

    session
        .send(SendTarget::AllClients, &b"to all"[..])
        .unwrap();
    for client in &mut clients {
        assert_eq!(common::read_exactly(client, 6).await, b"to all");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_netdebugs_talk_tls_with_a_certificate_made_at_open() {
    let (mut server, mut server_events) = session();
    let addr = open_server(&mut server, &mut server_events, ServerTls::SelfSigned).await;
    let made_at_open = match next_event(&mut server_events, "serving TLS").await.kind {
        EventKind::ServingTls {
            certificate,
            self_signed: true,
        } => certificate,
        other => panic!("expected a self-signed ServingTls, got {other:?}"),
    };

    let (mut client, mut client_events) = session();
    open_client(&mut client, addr.port(), false);
    let summary = secured(&mut client_events).await;
    // The client saw the very certificate the server made, as both logs show.
    assert_eq!(summary.certificate, Some(made_at_open));
    secured(&mut server_events).await;

    // GBK "你好" as NetAssist users send it, both ways.
    client
        .send(SendTarget::Connected, &[0xC4, 0xE3, 0xBA, 0xC3][..])
        .unwrap();
    assert_eq!(
        receive_bytes(&mut server_events, 4).await,
        [0xC4, 0xE3, 0xBA, 0xC3]
    );
    server.send(SendTarget::AllClients, &b"OK\r\n"[..]).unwrap();
    assert_eq!(receive_bytes(&mut client_events, 4).await, b"OK\r\n");

    // Close sends TLS' goodbye and a FIN: the server sees the client leave in order.
    client.close();
    let left = wait_for(&mut server_events, "client left", |k| {
        matches!(k, EventKind::PeerLeft { .. })
    })
    .await;
    assert!(
        matches!(
            left.kind,
            EventKind::PeerLeft {
                reason: CloseReason::ByPeer,
                ..
            }
        ),
        "{left:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_is_not_the_certificates_is_refused_before_listening() {
    let (dir, cert_path, key_path) = pem_files("tls-mismatch", &certificate(), &certificate());

    let (mut session, mut events) = session();
    session.open(SessionConfig::TcpServer {
        local: Endpoint::new("127.0.0.1", 0),
        tls: Some(ServerTls::Files {
            certificate: cert_path,
            key: key_path,
        }),
    });
    let closed = next_event(&mut events, "refused configuration").await;
    assert!(
        matches!(
            closed.kind,
            EventKind::Closed {
                reason: CloseReason::Failed(NetError::Tls(_))
            }
        ),
        "{closed:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
