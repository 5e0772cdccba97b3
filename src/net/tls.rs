//! TLS over a TCP connection, as Packet Sender's SSL mode: a client that checks the server's
//! certificate or, for a device with a self-signed one, takes any; a server with a certificate
//! made for it at Open or read from PEM files; and what a finished handshake tells the log.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_rustls::{TlsAcceptor, TlsConnector};

/// How a TCP client speaks TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientTls {
    /// Check the server's certificate against this system's trusted authorities and the
    /// name connected to; off, any certificate is taken (a device's self-signed one), and
    /// the log still shows its fingerprint to compare.
    pub verify: bool,
}

/// Where a TLS server's certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerTls {
    /// A self-signed certificate made at Open for `localhost` and this machine's addresses.
    SelfSigned,
    /// A certificate chain and its private key, each a PEM file.
    Files {
        /// The certificate, followed by any intermediates.
        certificate: PathBuf,
        /// The private key (PKCS#8, PKCS#1 or SEC1).
        key: PathBuf,
    },
}

/// Which PEM file of a TLS server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PemKind {
    /// The certificate chain.
    Certificate,
    /// The private key.
    PrivateKey,
}

impl fmt::Display for PemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Certificate => "certificate",
            Self::PrivateKey => "private key",
        })
    }
}

/// Why TLS could not be set up before any connection.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM file that could not be read or holds nothing usable of the kind wanted.
    #[error("cannot read the {what} from {}: {reason}", path.display())]
    Pem {
        /// Which file.
        what: PemKind,
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Making the self-signed certificate failed.
    #[error("cannot make a self-signed certificate: {0}")]
    Generate(#[from] rcgen::Error),
    /// rustls refused the configuration (a key that does not match its certificate, say).
    #[error("the TLS configuration was refused: {0}")]
    Config(#[from] rustls::Error),
}

/// The SHA-256 digest of a certificate, as browsers and `openssl x509 -fingerprint -sha256`
/// show it, to tell whether both ends see the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// The fingerprint of a DER certificate.
    pub fn of(certificate: &[u8]) -> Self {
        let digest = ring::digest::digest(&ring::digest::SHA256, certificate);
        let mut bytes = [0; 32];
        bytes.copy_from_slice(digest.as_ref());
        Self(bytes)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

/// What a finished handshake agreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSummary {
    /// `TLS 1.3` or `TLS 1.2`.
    pub protocol: String,
    /// The cipher suite, as its standard name (`TLS13_AES_256_GCM_SHA384`).
    pub cipher: String,
    /// The peer's certificate, if it showed one (a server always does; a client only when
    /// asked, which this server does not).
    pub certificate: Option<Fingerprint>,
    /// Whether that certificate was checked and trusted (a client with `verify` on).
    pub verified: bool,
}

impl fmt::Display for TlsSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}", self.protocol, self.cipher)?;
        if let Some(certificate) = self.certificate {
            let checked = if self.verified {
                "verified"
            } else {
                "not verified"
            };
            write!(f, "; its certificate SHA-256 {certificate}, {checked}")?;
        }
        Ok(())
    }
}

impl TlsSummary {
    /// Reads what `connection` agreed.
    fn of<D>(connection: &rustls::ConnectionCommon<D>, verified: bool) -> Self {
        let protocol = match connection.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_owned(),
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_owned(),
            Some(other) => format!("{other:?}"),
            None => "TLS".to_owned(),
        };
        let cipher = connection
            .negotiated_cipher_suite()
            .map(|suite| {
                let suite = suite.suite();
                suite
                    .as_str()
                    .map_or_else(|| format!("{suite:?}"), str::to_owned)
            })
            .unwrap_or_default();
        let certificate = connection
            .peer_certificates()
            .and_then(<[CertificateDer<'_>]>::first)
            .map(|der| Fingerprint::of(der));
        Self {
            protocol,
            cipher,
            verified: verified && certificate.is_some(),
            certificate,
        }
    }
}

/// The one cryptography provider, chosen here rather than process-wide so that nothing
/// depends on which provider another crate installed.
fn provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    Arc::clone(PROVIDER.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider())))
}

/// This system's trusted certificate authorities, read once (a few milliseconds of file
/// reads, so off the runtime's threads); an unreadable store leaves it empty, and every
/// verified connection then fails with "unknown issuer", which says what to do.
async fn system_roots() -> Arc<RootCertStore> {
    static ROOTS: tokio::sync::OnceCell<Arc<RootCertStore>> = tokio::sync::OnceCell::const_new();
    let load = || async {
        let loaded = tokio::task::spawn_blocking(|| {
            let found = rustls_native_certs::load_native_certs();
            for error in &found.errors {
                tracing::warn!(%error, "reading the system's certificate authorities");
            }
            let mut roots = RootCertStore::empty();
            let (added, ignored) = roots.add_parsable_certificates(found.certs);
            tracing::info!(added, ignored, "system certificate authorities");
            roots
        })
        .await;
        Arc::new(loaded.unwrap_or_else(|_| RootCertStore::empty()))
    };
    Arc::clone(ROOTS.get_or_init(load).await)
}

/// A client side ready to connect.
#[derive(Clone)]
pub(crate) struct Connector {
    connector: TlsConnector,
    verify: bool,
}

impl Connector {
    /// Builds the client configuration `options` ask for.
    pub(crate) async fn new(options: ClientTls) -> Result<Self, TlsError> {
        let builder = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()?;
        let config = if options.verify {
            builder
                .with_root_certificates(system_roots().await)
                .with_no_client_auth()
        } else {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate {
                    algorithms: provider().signature_verification_algorithms,
                }))
                .with_no_client_auth()
        };
        Ok(Self {
            connector: TlsConnector::from(Arc::new(config)),
            verify: options.verify,
        })
    }

    /// Runs the handshake over `stream`, naming the server as the person typed it (`host`),
    /// or by its address when that is no name a certificate can carry (an IPv6 zone, say).
    pub(crate) async fn handshake(
        &self,
        host: &str,
        stream: tokio::net::TcpStream,
        remote: SocketAddr,
    ) -> std::io::Result<(tokio_rustls::TlsStream<tokio::net::TcpStream>, TlsSummary)> {
        let name = ServerName::try_from(host.to_owned())
            .unwrap_or_else(|_| ServerName::IpAddress(remote.ip().into()));
        let tls = self.connector.connect(name, stream).await?;
        let summary = TlsSummary::of(tls.get_ref().1, self.verify);
        Ok((tls.into(), summary))
    }
}

/// A server side ready to accept, and the certificate it shows.
#[derive(Clone)]
pub(crate) struct Acceptor {
    acceptor: TlsAcceptor,
    /// The fingerprint of the certificate clients get.
    pub(crate) fingerprint: Fingerprint,
}

impl Acceptor {
    /// Makes or reads the certificate `options` ask for; `names` are the host names and
    /// addresses a made certificate is for.
    pub(crate) fn new(options: &ServerTls, names: &[IpAddr]) -> Result<Self, TlsError> {
        let (chain, key) = match options {
            ServerTls::SelfSigned => self_signed(names)?,
            ServerTls::Files { certificate, key } => (read_chain(certificate)?, read_key(key)?),
        };
        let fingerprint = chain
            .first()
            .map_or(Fingerprint([0; 32]), |der| Fingerprint::of(der));
        let config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        Ok(Self {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            fingerprint,
        })
    }

    /// Runs the handshake with a client that connected.
    pub(crate) async fn handshake(
        &self,
        stream: tokio::net::TcpStream,
    ) -> std::io::Result<(tokio_rustls::TlsStream<tokio::net::TcpStream>, TlsSummary)> {
        let tls = self.acceptor.accept(stream).await?;
        let summary = TlsSummary::of(tls.get_ref().1, false);
        Ok((tls.into(), summary))
    }
}

type Chain = Vec<CertificateDer<'static>>;

/// A certificate for `localhost` and `addresses`, signed by its own new key.
fn self_signed(addresses: &[IpAddr]) -> Result<(Chain, PrivateKeyDer<'static>), TlsError> {
    let mut names = vec!["localhost".to_owned()];
    names.extend(addresses.iter().map(ToString::to_string));
    let made = rcgen::generate_simple_self_signed(names)?;
    let key = PrivatePkcs8KeyDer::from(made.signing_key.serialize_der());
    Ok((vec![made.cert.der().clone()], key.into()))
}

fn read_chain(path: &Path) -> Result<Chain, TlsError> {
    let error = |reason: String| TlsError::Pem {
        what: PemKind::Certificate,
        path: path.to_owned(),
        reason,
    };
    let chain = CertificateDer::pem_file_iter(path)
        .map_err(|e| error(e.to_string()))?
        .collect::<Result<Chain, _>>()
        .map_err(|e| error(e.to_string()))?;
    if chain.is_empty() {
        return Err(error("no CERTIFICATE block in it".to_owned()));
    }
    Ok(chain)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| TlsError::Pem {
        what: PemKind::PrivateKey,
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

/// Takes any certificate, as a debugging tool must for devices with self-signed ones, but
/// still checks that the server holds the key of the certificate it showed.
#[derive(Debug)]
struct AcceptAnyCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_reads_as_colon_separated_hex() {
        let fingerprint = Fingerprint::of(b"abc");
        // SHA-256("abc") from FIPS 180-2.
        assert!(
            fingerprint
                .to_string()
                .starts_with("BA:78:16:BF:8F:01:CF:EA")
        );
        assert_eq!(fingerprint.to_string().len(), 32 * 3 - 1);
    }

    #[test]
    fn a_missing_or_empty_pem_file_is_named_in_the_error() {
        let dir = std::env::temp_dir().join(format!("netdebug-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let options = ServerTls::Files {
            certificate: empty.clone(),
            key: dir.join("missing-key.pem"),
        };
        let error = Acceptor::new(&options, &[]).err().unwrap().to_string();
        assert!(
            error.contains("certificate") && error.contains("empty.pem"),
            "{error}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_self_signed_certificate_is_made_for_the_addresses_given() {
        let localhost = IpAddr::from([127, 0, 0, 1]);
        let first = Acceptor::new(&ServerTls::SelfSigned, &[localhost]).unwrap();
        let second = Acceptor::new(&ServerTls::SelfSigned, &[localhost]).unwrap();
        // A new key and certificate each time.
        assert_ne!(first.fingerprint, second.fingerprint);
    }
}
