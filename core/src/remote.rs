//! Whether a system's remote access may be opened, and where: the landing
//! page, Monitoring or Dashboards below its remote-access URL.
//!
//! Only when the DMS is connected (`ok`), remote access is enabled, and the
//! URL is `https://` on `*.on.dataminer.services` or on a host the
//! organization's configuration allows. Otherwise the reason is said. A
//! link written down for later (an incident summary) only skips the first
//! of these rules.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::api::ApiState;
use crate::config::OrganizationConfig;
use crate::view::SystemView;

/// The documented web apps below the remote-access base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RemoteApp {
    /// The landing page.
    Root,
    Monitoring,
    Dashboard,
}

impl RemoteApp {
    fn path(self) -> &'static str {
        match self {
            RemoteApp::Root => "root/",
            RemoteApp::Monitoring => "monitoring/",
            RemoteApp::Dashboard => "dashboard/",
        }
    }
}

/// The URL to open, or why it cannot be opened, in words for the user.
pub fn remote_target(system: &SystemView, organization: &OrganizationConfig, app: RemoteApp) -> Result<Url, String> {
    if system.remote_access.enabled && system.state != ApiState::Ok {
        return Err("Remote access needs a connected DMS".into());
    }
    remote_link(system, organization, app)
}

/// The URL of `app` whatever the DMS's state, for a text that is read later
/// (an incident summary), or why there is none. [`remote_target`] says
/// whether it can be opened now.
pub fn remote_link(system: &SystemView, organization: &OrganizationConfig, app: RemoteApp) -> Result<Url, String> {
    if !system.remote_access.enabled {
        return Err("Remote access is disabled for this DMS".into());
    }
    let Some(text) = system.remote_access.url.as_deref() else {
        return Err("dataminer.services gives no remote-access URL for this DMS".into());
    };
    let mut base = Url::parse(text).map_err(|_| "The remote-access URL is not valid".to_string())?;
    if !organization.allows_remote_host(&base) {
        return Err(format!(
            "The remote-access host {} is neither on .on.dataminer.services over https nor in allowed_remote_hosts",
            base.host_str().unwrap_or("(none)")
        ));
    }
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    Ok(base.join(app.path()).expect("a relative path joins onto an http(s) URL"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ApiState::*, CloudGateways, RemoteAccess, SystemKind};
    use crate::config::KeySource;
    use uuid::Uuid;

    fn system(state: ApiState, enabled: bool, url: Option<&str>) -> SystemView {
        SystemView {
            id: Uuid::nil(),
            name: "Ziine".into(),
            dns_label: "ziine".into(),
            kind: SystemKind::SelfHosted,
            state,
            reported_state: state,
            last_seen_online: None,
            cloud_gateways: CloudGateways { connected: 1, total: 1 },
            remote_access: RemoteAccess { enabled, url: url.map(str::to_owned) },
            data_miner_version: None,
            priority: Default::default(),
            acknowledged: None,
        }
    }

    fn organization(allowed: &[&str]) -> OrganizationConfig {
        OrganizationConfig {
            name: None,
            api_url: Url::parse("https://api.example/").unwrap(),
            id: Uuid::nil(),
            key: KeySource::Inline("k".into()),
            allowed_remote_hosts: allowed.iter().map(|h| h.to_string()).collect(),
            proxy: None,
            priority_rules: vec![],
        }
    }

    const CLOUD: &str = "https://ziine-skyline.on.dataminer.services/";

    #[test]
    fn opens_the_landing_page_and_the_other_apps() {
        let s = system(Ok, true, Some(CLOUD));
        let org = organization(&[]);
        assert_eq!(remote_target(&s, &org, RemoteApp::Root).unwrap().as_str(), format!("{CLOUD}root/"));
        assert_eq!(remote_target(&s, &org, RemoteApp::Monitoring).unwrap().as_str(), format!("{CLOUD}monitoring/"));
        assert_eq!(remote_target(&s, &org, RemoteApp::Dashboard).unwrap().as_str(), format!("{CLOUD}dashboard/"));
        let no_slash = system(Ok, true, Some("https://ziine-skyline.on.dataminer.services/base"));
        assert_eq!(
            remote_target(&no_slash, &org, RemoteApp::Root).unwrap().as_str(),
            "https://ziine-skyline.on.dataminer.services/base/root/"
        );
    }

    #[test]
    fn refuses_with_a_reason() {
        let org = organization(&[]);
        let cases = [
            (system(DmsNotResponding, true, Some(CLOUD)), "needs a connected DMS"),
            (system(NoConnection, true, Some(CLOUD)), "needs a connected DMS"),
            (system(Unknown, true, Some(CLOUD)), "needs a connected DMS"),
            (system(Ok, false, Some(CLOUD)), "disabled"),
            (system(Ok, true, None), "no remote-access URL"),
            (system(Ok, true, Some("not a url")), "not valid"),
            (system(Ok, true, Some("http://ziine-skyline.on.dataminer.services/")), "neither on"),
            (system(Ok, true, Some("https://evil.example/")), "evil.example"),
            (system(Ok, true, Some("javascript:alert(1)")), "neither on"),
            (system(Ok, true, Some("https://evil.example@ziine-skyline.on.dataminer.services/")), "neither on"),
            (system(Ok, true, Some("https://user:pw@ziine-skyline.on.dataminer.services/")), "neither on"),
            (system(Ok, true, Some("https://ziine..on.dataminer.services/")), "neither on"),
            (system(Ok, true, Some("https://.ziine.on.dataminer.services/")), "neither on"),
            (system(Ok, true, Some("https://ziine-skyline.on.dataminer.services:8443/")), "neither on"),
        ];
        for (s, reason) in cases {
            let error = remote_target(&s, &org, RemoteApp::Root).unwrap_err();
            assert!(error.contains(reason), "{:?}: {error}", s.remote_access.url);
        }
    }

    #[test]
    fn a_link_for_later_is_given_whatever_the_state_but_never_to_another_host() {
        let org = organization(&[]);
        for state in [DmsNotResponding, NoConnection, Unknown, Ok] {
            let link = remote_link(&system(state, true, Some(CLOUD)), &org, RemoteApp::Root);
            assert_eq!(link.unwrap().as_str(), format!("{CLOUD}root/"), "{state:?}");
        }
        let error = remote_link(&system(NoConnection, false, Some(CLOUD)), &org, RemoteApp::Root).unwrap_err();
        assert!(error.contains("disabled"), "{error}");
        let error =
            remote_link(&system(NoConnection, true, Some("https://evil.example/")), &org, RemoteApp::Root).unwrap_err();
        assert!(error.contains("evil.example"), "{error}");
    }

    #[test]
    fn a_host_the_configuration_allows_may_be_opened() {
        let s = system(Ok, true, Some("http://127.0.0.1:8080/remote/ziine/"));
        assert!(remote_target(&s, &organization(&[]), RemoteApp::Root).is_err());
        assert_eq!(
            remote_target(&s, &organization(&["127.0.0.1:8080"]), RemoteApp::Root).unwrap().as_str(),
            "http://127.0.0.1:8080/remote/ziine/root/"
        );
        let port = system(Ok, true, Some("https://ziine-skyline.on.dataminer.services:8443/"));
        let listed = organization(&["ziine-skyline.on.dataminer.services:8443"]);
        assert!(remote_target(&port, &listed, RemoteApp::Root).is_ok(), "another port, when listed");
        let with_user = system(Ok, true, Some("http://admin@127.0.0.1:8080/remote/ziine/"));
        assert!(remote_target(&with_user, &organization(&["127.0.0.1:8080"]), RemoteApp::Root).is_err());
    }
}
