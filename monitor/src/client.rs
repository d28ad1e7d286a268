//! The HTTP client of the status API: one GET per poll, every answer and
//! every failure mapped to a [`PollOutcome`] with a message a user
//! understands.
//!
//! It follows no redirect (so the key never leaves the configured origin),
//! caps the body at 16 MiB, keeps the ETag for `If-None-Match`, and reads
//! `Cache-Control: max-age` and `Retry-After` for the schedule.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use dms_tray_core::api::{parse_document, MAX_DOCUMENT_BYTES};
use dms_tray_core::clean::clean;
use dms_tray_core::config::{is_loopback, Config, OrganizationConfig};
use dms_tray_core::poll::{PollError, PollErrorKind, PollOutcome};
use dms_tray_core::schedule::MAX_SERVER_DELAY;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Certificate, Response, StatusCode};
use url::Url;
use uuid::Uuid;

pub const USER_AGENT: &str = concat!("dms-tray/", env!("CARGO_PKG_VERSION"));

/// Timeouts of the client; the defaults suit the real service, tests
/// shorten them.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { connect: Duration::from_secs(10), total: Duration::from_secs(30) }
    }
}

/// A client with the defaults: the system's proxy settings and the
/// platform's certificates. The app builds its own per route
/// ([`org_clients`]); the integration tests use this one.
pub fn http_client(timeouts: Timeouts) -> reqwest::Client {
    builder(timeouts).build().expect("the HTTP client's configuration is static and valid")
}

/// How an organization's API is reached.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Route {
    /// On loopback: straight, whatever the proxy settings say.
    Direct,
    /// Through the system's proxy settings (`HTTP_PROXY`, …), if any.
    System,
    /// Through the proxy the configuration names.
    Proxy(Url),
}

fn route_of(config: &Config, organization: &OrganizationConfig) -> Route {
    match config.proxy_for(organization) {
        _ if is_loopback(&organization.api_url) => Route::Direct,
        Some(proxy) => Route::Proxy(proxy.clone()),
        None => Route::System,
    }
}

/// An HTTP client for the APIs reached by `route`. Without an `https://`
/// API among them, the platform's certificates are not loaded at all, which
/// keeps `dms-tray status` against a local API to a few milliseconds.
fn client_for(route: &Route, apis: &[&Url], timeouts: Timeouts, extra_roots: &[Certificate]) -> reqwest::Client {
    let mut builder = builder(timeouts).tls_certs_merge(extra_roots.iter().cloned());
    if !apis.iter().any(|url| url.scheme() == "https") {
        let no_tls = rustls::ClientConfig::builder()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
        builder = builder.tls_backend_preconfigured(no_tls);
    }
    builder = match route {
        Route::Direct => builder.no_proxy(),
        Route::System => builder,
        Route::Proxy(proxy) => builder.proxy(reqwest::Proxy::all(proxy.clone()).expect("a checked proxy URL")),
    };
    builder.build().expect("the HTTP client's configuration is static and valid")
}

/// The certificates of a `ca_file` (PEM), trusted besides the platform's.
pub fn ca_certificates(path: &Path) -> Result<Vec<Certificate>, String> {
    let pem = std::fs::read(path).map_err(|e| format!("{}: cannot read the ca_file ({e})", path.display()))?;
    let certificates = Certificate::from_pem_bundle(&pem)
        .map_err(|e| format!("{}: the ca_file is not a PEM bundle ({e})", path.display()))?;
    if certificates.is_empty() {
        return Err(format!(
            "{}: the ca_file holds no certificate; it should hold \"-----BEGIN CERTIFICATE-----\" blocks",
            path.display()
        ));
    }
    Ok(certificates)
}

fn builder(timeouts: Timeouts) -> reqwest::ClientBuilder {
    // reqwest is built without a bundled crypto provider; install ring's once.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.total)
        .redirect(reqwest::redirect::Policy::none())
}

/// The certificates of the configuration's `ca_file`, if any. It was
/// checked when the configuration was read; a file gone since is told.
fn extra_roots(config: &Config) -> Vec<Certificate> {
    match &config.ca_file {
        Some(path) => ca_certificates(path).unwrap_or_else(|e| {
            log::error!("{e}; going on with the platform's certificates only");
            Vec::new()
        }),
        None => Vec::new(),
    }
}

/// One client per configured organization, with its resolved key, in
/// configuration order: an API on loopback is reached directly, one with a
/// `proxy` through it, the others through the system's proxy settings.
/// Organizations reached the same way share an HTTP client.
pub fn org_clients(config: &Config, keys: &[String], timeouts: Timeouts) -> Vec<(Uuid, OrgClient)> {
    let extra_roots = extra_roots(config);
    let routes: Vec<Route> = config.organizations.iter().map(|org| route_of(config, org)).collect();
    let mut apis: HashMap<&Route, Vec<&Url>> = HashMap::new();
    for (route, org) in routes.iter().zip(&config.organizations) {
        apis.entry(route).or_default().push(&org.api_url);
    }
    let clients: HashMap<&Route, reqwest::Client> =
        apis.iter().map(|(route, apis)| (*route, client_for(route, apis, timeouts, &extra_roots))).collect();
    config
        .organizations
        .iter()
        .zip(&routes)
        .zip(keys)
        .map(|((org, route), key)| {
            (org.id, OrgClient::new(clients[route].clone(), &org.api_url, org.id, key.clone(), timeouts))
        })
        .collect()
}

/// A client for a hook's webhook at `url`: straight on loopback, else
/// through the configuration's `proxy` or the system's proxy settings,
/// trusting the `ca_file` too; like every client here, it follows no
/// redirect.
pub fn webhook_client(config: &Config, url: &Url, timeout: Duration) -> reqwest::Client {
    let route = match &config.proxy {
        _ if is_loopback(url) => Route::Direct,
        Some(proxy) => Route::Proxy(proxy.clone()),
        None => Route::System,
    };
    let timeouts = Timeouts { connect: timeout.min(Timeouts::default().connect), total: timeout };
    client_for(&route, &[url], timeouts, &extra_roots(config))
}

/// Polls one organization; remembers the ETag of its last document.
#[derive(Clone)]
pub struct OrgClient {
    http: reqwest::Client,
    organization: Uuid,
    endpoint: Url,
    /// The key as a header value marked sensitive, so that no debug output
    /// of the request shows it; `None` when it cannot be a header value.
    key: Option<HeaderValue>,
    total_timeout: Duration,
    etag: Option<String>,
    /// How long parsing the last document took.
    parse_time: Option<Duration>,
}

impl OrgClient {
    pub fn new(http: reqwest::Client, api_url: &Url, organization: Uuid, key: String, timeouts: Timeouts) -> Self {
        OrgClient {
            http,
            organization,
            endpoint: endpoint(api_url, organization),
            key: HeaderValue::from_str(&key).ok().map(|mut value| {
                value.set_sensitive(true);
                value
            }),
            total_timeout: timeouts.total,
            etag: None,
            parse_time: None,
        }
    }

    /// One GET of the organization's systems.
    pub async fn poll(&mut self) -> PollOutcome {
        let Some(key) = self.key.clone() else {
            return PollOutcome::Failed(error(
                PollErrorKind::KeyRejected,
                "the key holds characters an HTTP header cannot carry (a line break?); copy it again".to_string(),
            ));
        };
        let mut request = self
            .http
            .get(self.endpoint.clone())
            .header("Ocp-Apim-Subscription-Key", key)
            .header(header::ACCEPT, "application/json");
        if let Some(etag) = &self.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => return PollOutcome::Failed(self.transport_error(&error)),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let max_age = max_age(&headers);
        match status {
            StatusCode::OK => match self.read_document(response).await {
                Ok(document) => {
                    self.etag = header_text(&headers, header::ETAG);
                    PollOutcome::Fresh { document, etag: self.etag.clone(), max_age }
                }
                Err(error) => PollOutcome::Failed(error),
            },
            StatusCode::NOT_MODIFIED => PollOutcome::NotModified { max_age },
            _ => PollOutcome::Failed(self.status_error(response).await),
        }
    }

    /// How long parsing the last document took, once.
    pub fn take_parse_time(&mut self) -> Option<Duration> {
        self.parse_time.take()
    }

    async fn read_document(&mut self, response: Response) -> Result<dms_tray_core::api::SystemsDocument, PollError> {
        let content_type = header_text(response.headers(), header::CONTENT_TYPE).unwrap_or_default();
        if !is_json(&content_type) {
            let got = if content_type.is_empty() { "no content type".into() } else { media_type(&content_type) };
            return Err(error(PollErrorKind::NotADocument, format!("not a status document: got {got}")));
        }
        let body = self.read_capped(response).await?;
        let started = std::time::Instant::now();
        let document = parse_document(&body).map_err(|e| error(PollErrorKind::NotADocument, e.to_string()));
        self.parse_time = Some(started.elapsed());
        let document = document?;
        if document.organization.id != self.organization {
            return Err(error(
                PollErrorKind::WrongOrganization,
                format!(
                    "the API answered with the systems of organization {}, not {}; check api_url and id",
                    document.organization.id, self.organization
                ),
            ));
        }
        Ok(document)
    }

    /// Reads the body, refusing more than the contract's 16 MiB.
    async fn read_capped(&self, mut response: Response) -> Result<Vec<u8>, PollError> {
        let too_large = || error(PollErrorKind::NotADocument, "not a status document: larger than 16 MiB".to_string());
        if response.content_length().is_some_and(|n| n > MAX_DOCUMENT_BYTES as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                        return Err(too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(body),
                Err(e) => return Err(self.transport_error(&e)),
            }
        }
    }

    async fn status_error(&self, response: Response) -> PollError {
        let status = response.status();
        let headers = response.headers().clone();
        let retry_after = retry_after(&headers, SystemTime::now());
        if status.is_redirection() {
            let target = header_text(&headers, header::LOCATION)
                .and_then(|l| self.endpoint.join(&l).ok())
                .map_or("another location".to_string(), |u| u.origin().ascii_serialization());
            return error(PollErrorKind::Redirect, format!("redirect to {target} refused"));
        }
        let detail = server_message(response).await.map(|m| format!(": {m}")).unwrap_or_default();
        let code = status.as_u16();
        let (kind, message) = match code {
            400 => (PollErrorKind::BadRequest, format!("organization id refused by the API (400){detail}")),
            401 => (PollErrorKind::KeyRejected, format!("key rejected (401){detail}")),
            403 => (
                PollErrorKind::PermissionMissing,
                format!("key lacks the Read DataMiner System status permission (403){detail}"),
            ),
            404 => (PollErrorKind::OrganizationNotFound, format!("organization not found (404){detail}")),
            429 => (
                PollErrorKind::RateLimited,
                match retry_after {
                    Some(wait) => format!("rate limited, retrying in {} s", wait.min(MAX_SERVER_DELAY).as_secs()),
                    None => "rate limited (429)".to_string(),
                },
            ),
            500..=599 => (PollErrorKind::ServiceError, format!("dataminer.services error {code}{detail}")),
            _ => (PollErrorKind::UnexpectedStatus, format!("unexpected HTTP status {code}{detail}")),
        };
        PollError { kind, message, retry_after }
    }

    fn transport_error(&self, e: &reqwest::Error) -> PollError {
        if e.is_timeout() {
            return error(PollErrorKind::Timeout, format!("timed out after {} s", self.total_timeout.as_secs()));
        }
        let host = self.endpoint.host_str().unwrap_or("the API");
        let cause = root_cause(e);
        let message = if e.is_connect() {
            format!("cannot reach {host}: {cause}")
        } else {
            format!("connection to {host} failed: {cause}")
        };
        error(PollErrorKind::Network, message)
    }
}

fn error(kind: PollErrorKind, message: String) -> PollError {
    PollError { kind, message, retry_after: None }
}

/// `{apiUrl}/v1/organizations/{id}/systems`, whether or not `apiUrl` ends in a slash.
fn endpoint(api_url: &Url, organization: Uuid) -> Url {
    let mut url = api_url.clone();
    url.path_segments_mut().expect("an http(s) URL has a path").pop_if_empty().extend([
        "v1",
        "organizations",
        &organization.to_string(),
        "systems",
    ]);
    url
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn media_type(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

fn is_json(content_type: &str) -> bool {
    let media = media_type(content_type);
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

/// `Cache-Control: max-age=N`.
fn max_age(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|directive| directive.trim().strip_prefix("max-age="))
        .find_map(|n| n.trim_matches('"').parse().ok())
        .map(Duration::from_secs)
}

/// `Retry-After` as delta-seconds or an HTTP-date.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = header_text(headers, header::RETRY_AFTER)?;
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

/// Error bodies are read up to this size: only a short message is wanted
/// from them, and a server that sends more is not worth waiting for.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;
/// The server's message is shown up to this many characters.
const MAX_SERVER_MESSAGE_CHARS: usize = 300;

/// The `error.message` of a JSON error body, when there is one.
async fn server_message(mut response: Response) -> Option<String> {
    if !is_json(&header_text(response.headers(), header::CONTENT_TYPE)?) {
        return None;
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.ok()? {
        if body.len() + chunk.len() > MAX_ERROR_BODY_BYTES {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    let value: serde_json::Value = serde_json::from_slice(&body).ok()?;
    let message = value.get("error")?.get("message")?.as_str()?.trim();
    let message = clean(message, MAX_SERVER_MESSAGE_CHARS);
    (!message.is_empty()).then(|| message.into_owned())
}

/// The innermost error's text: "connection refused" rather than reqwest's wrapper.
pub(crate) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn the_endpoint_is_below_the_api_url() {
        let id = Uuid::from_u128(1);
        for base in ["https://api.example", "https://api.example/", "https://api.example/base/"] {
            let url = endpoint(&Url::parse(base).unwrap(), id);
            assert!(url.as_str().ends_with("/v1/organizations/00000000-0000-0000-0000-000000000001/systems"), "{url}");
        }
        let url = endpoint(&Url::parse("https://api.example/base").unwrap(), id);
        assert_eq!(url.path(), "/base/v1/organizations/00000000-0000-0000-0000-000000000001/systems");
    }

    #[test]
    fn reads_max_age_among_other_directives() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=42"));
        assert_eq!(max_age(&headers), Some(Duration::from_secs(42)));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        assert_eq!(max_age(&headers), None);
    }

    #[test]
    fn reads_retry_after_in_both_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        let mut headers = HeaderMap::new();
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("36"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(36)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(120));
        headers.insert(header::RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(120)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(120));
        headers.insert(header::RETRY_AFTER, HeaderValue::from_str(&past).unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("Application/JSON"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/html; charset=utf-8"));
        assert!(!is_json("text/json-ish"));
        assert_eq!(media_type("text/html; charset=utf-8"), "text/html");
    }
}
