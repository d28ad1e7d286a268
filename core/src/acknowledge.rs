//! An outage someone has acknowledged: who, when, and in which state. It
//! stops the repeats, leaves the badge's count, and ends by itself when the
//! system goes to another known state (a passing `unknown`, which is the
//! cloud's trouble rather than the system's, does not end it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::ApiState;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Acknowledgement {
    /// The local user who acknowledged it.
    pub by: String,
    pub at: DateTime<Utc>,
    /// The state acknowledged.
    pub state: ApiState,
}

impl Acknowledgement {
    /// Whether it still holds for a system now in `state`.
    pub fn holds_in(&self, state: ApiState) -> bool {
        state == self.state || state == ApiState::Unknown
    }

    /// Only an outage can be acknowledged.
    pub fn can_acknowledge(state: ApiState) -> bool {
        matches!(state, ApiState::NoConnection | ApiState::DmsNotResponding | ApiState::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiState::*;

    #[test]
    fn it_holds_through_a_passing_unknown_and_ends_in_another_state() {
        let ack = Acknowledgement { by: "alice".into(), at: DateTime::UNIX_EPOCH, state: NoConnection };
        assert!(ack.holds_in(NoConnection));
        assert!(ack.holds_in(Unknown));
        assert!(!ack.holds_in(Ok));
        assert!(!ack.holds_in(DmsNotResponding));
        assert!(Acknowledgement::can_acknowledge(DmsNotResponding));
        assert!(!Acknowledgement::can_acknowledge(Ok));
    }
}
