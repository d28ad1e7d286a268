//! What one poll of one organization can end in.
//!
//! The HTTP client maps every response and transport failure to a
//! [`PollOutcome`]; everything downstream (the view, the schedule, the status
//! command) reasons about these values only, never about HTTP.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::api::SystemsDocument;

/// The result of one poll.
#[derive(Debug, Clone, PartialEq)]
pub enum PollOutcome {
    /// A 200 with a valid Systems document.
    Fresh {
        document: SystemsDocument,
        etag: Option<String>,
        max_age: Option<Duration>,
    },
    /// A 304: the last document is still current.
    NotModified {
        max_age: Option<Duration>,
    },
    Failed(PollError),
}

/// A failed poll, with a message a user understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollError {
    pub kind: PollErrorKind,
    pub message: String,
    /// The wait the server asked for (`Retry-After` on 429 and 503).
    #[serde(skip)]
    pub retry_after: Option<Duration>,
}

/// Why a poll failed, in the categories the user acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PollErrorKind {
    /// 400: the organization id in the configuration is wrong.
    BadRequest,
    /// 401: the key is missing or invalid.
    KeyRejected,
    /// 403: the key lacks the *Read DataMiner System status* permission.
    PermissionMissing,
    /// 404: no such organization.
    OrganizationNotFound,
    /// 429: too many requests.
    RateLimited,
    /// 5xx: dataminer.services cannot determine the states.
    ServiceError,
    /// The request took longer than the client allows.
    Timeout,
    /// The API could not be reached (DNS, connection refused, TLS).
    Network,
    /// A 200 that is not a Systems document (HTML, bad JSON, too large).
    NotADocument,
    /// The server redirected; the key is never sent to another origin.
    Redirect,
    /// Any status the contract does not name.
    UnexpectedStatus,
    /// A Systems document of another organization than the one asked for:
    /// its states are not this organization's.
    WrongOrganization,
    /// No poll confirmed the states for too long (see
    /// [`crate::view::OrgSnapshot::stale_at`]): they are too old to show.
    Stale,
}

impl PollErrorKind {
    /// A problem with the organization's configuration or key, which only the
    /// user can fix, as opposed to a passing fault of the cloud or network.
    pub fn is_configuration_problem(self) -> bool {
        matches!(
            self,
            PollErrorKind::BadRequest
                | PollErrorKind::KeyRejected
                | PollErrorKind::PermissionMissing
                | PollErrorKind::OrganizationNotFound
                | PollErrorKind::Redirect
                | PollErrorKind::WrongOrganization
        )
    }

    /// Whether the last known states may still be shown after this failure.
    /// Only a rate limit leaves them standing: it says nothing about the
    /// systems. Every other failure means the states cannot be known now.
    pub fn keeps_last_states(self) -> bool {
        self == PollErrorKind::RateLimited
    }
}

impl fmt::Display for PollError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PollError {}
