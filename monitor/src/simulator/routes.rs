//! The HTTP face of the simulator: the status endpoint of the contract, the
//! remote-access pages its URLs point to, and the control API of tests and
//! demos (docs/simulator.md). Handlers only translate between HTTP and the
//! model.

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use std::sync::Arc;

use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, ETAG, HOST, IF_NONE_MATCH, LOCATION, RETRY_AFTER,
};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use chrono::Utc;
use dms_tray_core::api::{System, SystemsDocument};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::faults::{ErrorBody, Fault, FaultRequest};
use super::model::{Model, ModelError, NewSystem, Shared, SystemPatch, KEY_HEADER};

/// The header that carries the control token the simulator printed.
pub(crate) const CONTROL_TOKEN_HEADER: &str = "x-control-token";

/// The organization whose document the `wrongOrganization` fault serves.
const OTHER_ORGANIZATION: uuid::Uuid = uuid::uuid!("00000000-0000-4000-8000-00000000000f");

pub(crate) fn router(model: Shared, control_token: Arc<str>) -> Router {
    let control = Router::new()
        .route("/control/document", get(control_document))
        .route("/control/systems", post(add_system))
        .route("/control/systems/{system}", patch(patch_system).delete(remove_system))
        .route("/control/faults", post(queue_fault).delete(clear_faults))
        .route("/control/requests", get(requests))
        .route("/control/maxAge", post(set_max_age))
        .route_layer(middleware::from_fn_with_state(control_token, guard_control));
    Router::new()
        .route("/v1/organizations/{organization_id}/systems", get(systems))
        .route("/remote/{dns_label}/", get(remote_root))
        .route("/remote/{dns_label}/{app}/", get(remote_app))
        .merge(control)
        .with_state(model)
}

/// The control API changes what the simulator serves: it answers only
/// requests made to a loopback name (not a page in a browser that an
/// attacker's DNS name points at this port), that carry the token the
/// simulator printed, and whose bodies are JSON (which a plain HTML form
/// cannot send).
async fn guard_control(State(token): State<Arc<str>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers.get(HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !is_loopback_name(host) {
        let message = format!("The control API answers requests to a loopback name only, not to {host:?}.");
        return refuse(StatusCode::FORBIDDEN, &message);
    }
    if headers.get(CONTROL_TOKEN_HEADER).and_then(|v| v.to_str().ok()) != Some(&token) {
        let message = "The control API needs the X-Control-Token header with the token the simulator printed.";
        return refuse(StatusCode::UNAUTHORIZED, message);
    }
    let has_body = matches!(*request.method(), Method::POST | Method::PATCH);
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
    if has_body && !json {
        let message = "The control API takes JSON bodies: send Content-Type: application/json.";
        return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, message);
    }
    next.run(request).await
}

/// A control request refused, in the control API's error shape.
fn refuse(status: StatusCode, message: &str) -> Response {
    let code = if status == StatusCode::UNAUTHORIZED { "Unauthorized" } else { "Refused" };
    (status, Json(serde_json::json!({ "error": { "code": code, "message": message } }))).into_response()
}

/// `localhost`, `127.0.0.1` or `[::1]`, with or without a port.
pub(crate) fn is_loopback_name(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(
            host,
            |(name, port)| {
                if port.chars().all(|c| c.is_ascii_digit()) {
                    name
                } else {
                    host
                }
            },
        ),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

async fn systems(
    State(model): State<Shared>,
    Path(organization_id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let fault = {
        let mut model = model.lock();
        model.record_request(uri.path(), &headers, Utc::now());
        model.take_fault()
    };
    if let Some(Fault::Delay(delay)) = fault {
        tokio::time::sleep(delay).await;
    }
    let model = model.lock();
    if let Some(response) = fault.and_then(|fault| fault_response(fault, &model)) {
        return response;
    }
    let key = headers.get(KEY_HEADER).and_then(|v| v.to_str().ok());
    if let Err(refusal) = model.authorize(&organization_id, key) {
        return refusal.into_response();
    }
    let cache = [(ETAG, model.etag().to_owned()), (CACHE_CONTROL, format!("max-age={}", model.max_age))];
    if matches_etag(&headers, model.etag()) {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    (cache, [(CONTENT_TYPE, "application/json")], model.body()).into_response()
}

/// `If-None-Match` compares weakly: a listed tag matches with or without `W/`.
fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// The answer a fault gives in place of the normal one; none for a delay,
/// which only holds the normal answer back.
fn fault_response(fault: Fault, model: &Model) -> Option<Response> {
    let json = |body: Vec<u8>| ([(CONTENT_TYPE, "application/json")], body).into_response();
    let response = match fault {
        Fault::Status { status, retry_after, body } => {
            let mut response = match body {
                ErrorBody::Json => error_body(status, "Simulated fault"),
                ErrorBody::Html => {
                    let reason = status.canonical_reason().unwrap_or("Error");
                    Html(format!("<html><body><h1>{} {reason}</h1></body></html>", status.as_u16())).into_response()
                }
                ErrorBody::Empty => Body::empty().into_response(),
            };
            *response.status_mut() = status;
            if let Some(retry_after) = retry_after {
                response.headers_mut().insert(RETRY_AFTER, retry_after);
            }
            response
        }
        Fault::Html200 => Html(SIGN_IN_PAGE).into_response(),
        Fault::Truncated => {
            let body = model.body();
            json(body[..body.len() / 2].to_vec())
        }
        Fault::Redirect(location) => (StatusCode::FOUND, [(LOCATION, location)]).into_response(),
        Fault::NotADocument => json(br#"{"hello":"world"}"#.to_vec()),
        Fault::DuplicateIds => {
            let mut document: SystemsDocument = model.document();
            if let Some(first) = document.systems.first().cloned() {
                document.systems.push(first);
            }
            json(serde_json::to_vec(&document).expect("a Systems document always serializes"))
        }
        Fault::WrongOrganization => {
            let mut document: SystemsDocument = model.document();
            document.organization.id = OTHER_ORGANIZATION;
            json(serde_json::to_vec(&document).expect("a Systems document always serializes"))
        }
        Fault::Document(text) => json(text.into_bytes()),
        Fault::StallBody => {
            let body = model.body();
            let length = body.len();
            let half = Bytes::from(body[..length / 2].to_vec());
            let stalled = futures_util::stream::once(async move { Ok::<_, std::io::Error>(half) })
                .chain(futures_util::stream::pending());
            let mut response = json(Vec::new());
            *response.body_mut() = Body::from_stream(stalled);
            response.headers_mut().insert(CONTENT_LENGTH, length.into());
            response
        }
        Fault::EndlessBody => {
            let start = Bytes::from_static(b"{\"systems\": [");
            let more = Bytes::from(b"{\"name\": \"more\"}, ".repeat(1024));
            let endless = futures_util::stream::once(async move { start })
                .chain(futures_util::stream::repeat(more))
                .map(Ok::<_, std::io::Error>);
            let mut response = json(Vec::new());
            *response.body_mut() = Body::from_stream(endless);
            response
        }
        Fault::Delay(_) => return None,
    };
    Some(response)
}

const SIGN_IN_PAGE: &str = "<!doctype html><html><head><title>Sign in</title></head>\
<body><h1>Sign in to your account</h1><form method=\"post\"><input name=\"loginfmt\"></form></body></html>";

/// `{"error": {"code": "ServiceUnavailable", "message": "..."}}`, the code made from the status.
fn error_body(status: StatusCode, message: &str) -> Response {
    let reason = status.canonical_reason().unwrap_or("Error");
    let code: String = reason.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let body =
        serde_json::json!({ "error": { "code": code, "message": format!("{message}: {} {reason}", status.as_u16()) } });
    (status, Json(body)).into_response()
}

impl IntoResponse for ModelError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            ModelError::BadOrganizationId(_) => (StatusCode::BAD_REQUEST, "InvalidOrganizationId"),
            ModelError::MissingKey | ModelError::InvalidKey => (StatusCode::UNAUTHORIZED, "Unauthorized"),
            ModelError::NoPermission => (StatusCode::FORBIDDEN, "Forbidden"),
            ModelError::NoSuchOrganization(_) => (StatusCode::NOT_FOUND, "OrganizationNotFound"),
            ModelError::NoSuchSystem(_) => (StatusCode::NOT_FOUND, "SystemNotFound"),
            ModelError::DuplicateSystem(_) => (StatusCode::CONFLICT, "Conflict"),
            ModelError::Invalid(_) => (StatusCode::BAD_REQUEST, "BadRequest"),
        };
        let body = serde_json::json!({ "error": { "code": code, "message": self.to_string() } });
        (status, Json(body)).into_response()
    }
}

async fn remote_root(model: State<Shared>, Path(dns_label): Path<String>) -> Response {
    remote_page(&model.lock(), &dns_label, "root")
}

async fn remote_app(model: State<Shared>, Path((dns_label, app)): Path<(String, String)>) -> Response {
    remote_page(&model.lock(), &dns_label, &app)
}

/// The web apps the contract names below a remote-access URL.
const APPS: [&str; 3] = ["root", "monitoring", "dashboard"];

/// Stands in for a DMS web app behind remote access, so that opening it
/// from the tray works offline.
fn remote_page(model: &Model, dns_label: &str, app: &str) -> Response {
    let system = model.systems().iter().find(|s| s.dns_label == dns_label && s.remote_access.enabled);
    let (Some(system), true) = (system, APPS.contains(&app)) else {
        return error_body(StatusCode::NOT_FOUND, "No such remote-access page");
    };
    let name = escape_html(&system.name);
    let label = escape_html(&system.dns_label);
    let real = format!("https://{label}-{}.on.dataminer.services/{app}/", model.organization().url_label);
    let links: Vec<String> = APPS.iter().map(|a| format!("<a href=\"/remote/{label}/{a}/\">{a}</a>")).collect();
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{name} — {app}</title></head>\
         <body><h1>Simulated remote access to {name} — {app}</h1>\
         <p>The dms-tray simulator serves this page in place of <code>{real}</code>. The system is <b>{}</b>.</p>\
         <p>{}</p></body></html>",
        system.state,
        links.join(" · "),
    ))
    .into_response()
}

fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Reads a JSON body whatever its `Content-Type`, so `curl -d` works as is.
fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, ModelError> {
    serde_json::from_slice(body).map_err(|e| ModelError::Invalid(format!("Invalid request body: {e}")))
}

async fn control_document(model: State<Shared>) -> Json<SystemsDocument> {
    Json(model.lock().document())
}

async fn add_system(model: State<Shared>, body: Bytes) -> Result<(StatusCode, Json<System>), ModelError> {
    let new: NewSystem = parse(&body)?;
    let mut model = model.lock();
    let now = Utc::now();
    let system = new.build(model.base_url(), now)?;
    Ok((StatusCode::CREATED, Json(model.add_system(system, now)?)))
}

async fn patch_system(
    model: State<Shared>,
    Path(system): Path<String>,
    body: Bytes,
) -> Result<Json<System>, ModelError> {
    let patch: SystemPatch = parse(&body)?;
    Ok(Json(model.lock().patch_system(&system, &patch, Utc::now())?))
}

async fn remove_system(model: State<Shared>, Path(system): Path<String>) -> Result<StatusCode, ModelError> {
    model.lock().remove_system(&system, Utc::now())?;
    Ok(StatusCode::NO_CONTENT)
}

async fn queue_fault(model: State<Shared>, body: Bytes) -> Result<StatusCode, ModelError> {
    let request: FaultRequest = parse(&body)?;
    let remaining = request.remaining()?;
    model.lock().queue_fault(request.fault, remaining);
    Ok(StatusCode::NO_CONTENT)
}

async fn clear_faults(model: State<Shared>) -> StatusCode {
    model.lock().clear_faults();
    StatusCode::NO_CONTENT
}

async fn requests(model: State<Shared>) -> Response {
    Json(model.lock().requests()).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MaxAge {
    seconds: u32,
}

async fn set_max_age(model: State<Shared>, body: Bytes) -> Result<StatusCode, ModelError> {
    let MaxAge { seconds } = parse(&body)?;
    model.lock().max_age = seconds;
    Ok(StatusCode::NO_CONTENT)
}
