//! The faults the simulator can serve in place of a normal answer, as the
//! control API and scenario files write them.
//!
//! Each fault is one misbehaviour a client must survive (an error status,
//! a slow answer, a 200 that is not a Systems document, a body that stalls
//! or never ends); they are read
//! strictly so that a typo in a test is an error, not a silent no-op.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode};
use serde::Deserialize;

use super::model::ModelError;

/// A misbehaviour of dataminer.services, served in place of the normal answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "FaultSpec")]
pub(crate) enum Fault {
    /// An error status, with an optional `Retry-After` and a body of the given kind.
    Status { status: StatusCode, retry_after: Option<HeaderValue>, body: ErrorBody },
    /// Waits, then answers normally.
    Delay(Duration),
    /// A 200 sign-in page in HTML, as a misconfigured proxy would send.
    Html200,
    /// A 200 JSON document cut in half.
    Truncated,
    /// A 302 to another origin.
    Redirect(HeaderValue),
    /// A 200 JSON body that is not a Systems document.
    NotADocument,
    /// A 200 document that lists its first system twice.
    DuplicateIds,
    /// A 200 document of another organization, as a wrong route or a
    /// confused cache would serve.
    WrongOrganization,
    /// A 200 JSON answer with exactly this body, for documents of any shape.
    Document(String),
    /// A 200 whose headers promise the whole document and whose body stops
    /// halfway and never goes on.
    StallBody,
    /// A 200 JSON body that never ends.
    EndlessBody,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ErrorBody {
    #[default]
    Json,
    Html,
    Empty,
}

/// A fault as written: one of the keys, and `retryAfter`/`body` only with `status`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FaultSpec {
    status: Option<u16>,
    retry_after: Option<String>,
    body: Option<ErrorBody>,
    delay_ms: Option<u64>,
    #[serde(default)]
    html200: bool,
    #[serde(default)]
    truncated: bool,
    redirect: Option<String>,
    #[serde(default)]
    not_a_document: bool,
    #[serde(default)]
    duplicate_ids: bool,
    #[serde(default)]
    wrong_organization: bool,
    document: Option<String>,
    #[serde(default)]
    stall_body: bool,
    #[serde(default)]
    endless_body: bool,
}

impl TryFrom<FaultSpec> for Fault {
    type Error = String;

    fn try_from(spec: FaultSpec) -> Result<Fault, String> {
        let header = |what: &str, value: String| {
            HeaderValue::try_from(value).map_err(|_| format!("`{what}` must be printable ASCII"))
        };
        if spec.status.is_none() && (spec.retry_after.is_some() || spec.body.is_some()) {
            return Err("`retryAfter` and `body` go with `status`".into());
        }
        let mut faults = Vec::new();
        if let Some(status) = spec.status {
            let status = StatusCode::from_u16(status)
                .ok()
                .filter(|s| s.is_client_error() || s.is_server_error())
                .ok_or_else(|| format!("`status` {status} is not an error status; write 400 to 599, e.g. 503"))?;
            let retry_after = spec.retry_after.map(|v| header("retryAfter", v)).transpose()?;
            faults.push(Fault::Status { status, retry_after, body: spec.body.unwrap_or_default() });
        }
        if let Some(ms) = spec.delay_ms {
            faults.push(Fault::Delay(Duration::from_millis(ms)));
        }
        if let Some(location) = spec.redirect {
            faults.push(Fault::Redirect(header("redirect", location)?));
        }
        if let Some(document) = spec.document {
            faults.push(Fault::Document(document));
        }
        for (set, fault) in [
            (spec.html200, Fault::Html200),
            (spec.truncated, Fault::Truncated),
            (spec.not_a_document, Fault::NotADocument),
            (spec.duplicate_ids, Fault::DuplicateIds),
            (spec.wrong_organization, Fault::WrongOrganization),
            (spec.stall_body, Fault::StallBody),
            (spec.endless_body, Fault::EndlessBody),
        ] {
            if set {
                faults.push(fault);
            }
        }
        match faults.len() {
            1 => Ok(faults.remove(0)),
            n => Err(format!(
                "a fault needs exactly one of `status`, `delayMs`, `html200`, `truncated`, `redirect`, `notADocument`, `duplicateIds`, `wrongOrganization`, `document`, `stallBody`, `endlessBody` (found {n})"
            )),
        }
    }
}

/// For how many status requests a queued fault lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Remaining {
    Times(u32),
    UntilCleared,
}

/// The body of `POST /control/faults`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultRequest {
    pub fault: Fault,
    count: Option<u32>,
    #[serde(default)]
    sticky: bool,
}

impl FaultRequest {
    pub(crate) fn remaining(&self) -> Result<Remaining, ModelError> {
        match (self.count, self.sticky) {
            (None, true) => Ok(Remaining::UntilCleared),
            (Some(_), true) => Err(ModelError::Invalid("Give either `count` or `\"sticky\": true`, not both.".into())),
            (Some(0), false) => Err(ModelError::Invalid("`count` must be at least 1.".into())),
            (count, false) => Ok(Remaining::Times(count.unwrap_or(1))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_read_strictly() {
        let fault = |json: serde_json::Value| serde_json::from_value::<Fault>(json).map_err(|e| e.to_string());
        assert_eq!(
            fault(serde_json::json!({"status": 503, "retryAfter": "36"})),
            Ok(Fault::Status {
                status: StatusCode::SERVICE_UNAVAILABLE,
                retry_after: Some(HeaderValue::from_static("36")),
                body: ErrorBody::Json
            })
        );
        assert_eq!(fault(serde_json::json!({"delayMs": 20})), Ok(Fault::Delay(Duration::from_millis(20))));
        assert_eq!(fault(serde_json::json!({"document": "null"})), Ok(Fault::Document("null".into())));
        assert_eq!(fault(serde_json::json!({"stallBody": true})), Ok(Fault::StallBody));
        assert!(fault(serde_json::json!({})).unwrap_err().contains("exactly one"));
        assert!(fault(serde_json::json!({"html200": true, "truncated": true})).unwrap_err().contains("found 2"));
        assert!(fault(serde_json::json!({"status": 200})).unwrap_err().contains("not an error status"));
        assert!(fault(serde_json::json!({"truncated": true, "body": "html"}))
            .unwrap_err()
            .contains("go with `status`"));
        assert!(fault(serde_json::json!({"staus": 503})).unwrap_err().contains("unknown field"));
    }

    #[test]
    fn fault_requests_default_to_one_request() {
        let request = |json: serde_json::Value| serde_json::from_value::<FaultRequest>(json).unwrap().remaining();
        assert_eq!(request(serde_json::json!({"fault": {"html200": true}})), Ok(Remaining::Times(1)));
        assert_eq!(request(serde_json::json!({"fault": {"html200": true}, "count": 3})), Ok(Remaining::Times(3)));
        assert_eq!(
            request(serde_json::json!({"fault": {"html200": true}, "count": null, "sticky": true})),
            Ok(Remaining::UntilCleared)
        );
        assert!(request(serde_json::json!({"fault": {"html200": true}, "count": 0})).is_err());
    }
}
