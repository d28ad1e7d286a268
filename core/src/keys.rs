//! Keys given by hand, to `dms-tray key set` or pasted in Settings: which
//! organization the user means, which keyring entry its key goes in, and
//! whether the text can be a key at all, so that a bad paste is refused
//! when it is made rather than at the next poll.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::config::{Config, KeySource, OrganizationConfig};

/// A key on its way to the keyring: never shown by `Debug`, so that no log
/// line or panic message can hold it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PastedKey(pub String);

impl fmt::Debug for PastedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PastedKey(<redacted>)")
    }
}

/// The organization `which` names: its name (any case), its id, or the
/// keyring entry its key is read from.
pub fn find_organization<'a>(config: &'a Config, which: &str) -> Result<&'a OrganizationConfig, String> {
    let which = which.trim();
    let named = |o: &&OrganizationConfig| {
        o.name.as_deref().is_some_and(|name| name.eq_ignore_ascii_case(which))
            || o.id.to_string().eq_ignore_ascii_case(which)
            || matches!(&o.key, KeySource::Keyring(name) if name == which)
    };
    config.organizations.iter().find(named).ok_or_else(|| {
        let known: Vec<String> = config.organizations.iter().map(label).collect();
        match known.is_empty() {
            true => format!("no organization is configured, so there is none named {which:?}"),
            false => format!("no organization is named {which:?}; the configured ones are {}", known.join(", ")),
        }
    })
}

/// How an organization is named to the user: its name, else its id.
pub fn label(organization: &OrganizationConfig) -> String {
    organization.name.clone().unwrap_or_else(|| organization.id.to_string())
}

/// The keyring entry that holds (or will hold) the organization's key: the
/// one `key_keyring` names, else the organization's name, else its id.
pub fn keyring_name(organization: &OrganizationConfig) -> String {
    match &organization.key {
        KeySource::Keyring(name) => name.clone(),
        _ => label(organization),
    }
}

/// The key as typed or pasted, trimmed, or why it cannot be a key: the API
/// takes it in an HTTP header, which holds visible ASCII only.
pub fn checked_key(text: &str) -> Result<&str, String> {
    let key = text.trim();
    if key.is_empty() {
        return Err("the key is empty; paste the organization key from dataminer.services".into());
    }
    if let Some(bad) = key.chars().find(|c| !c.is_ascii_graphic()) {
        let what = match bad {
            ' ' | '\t' => "a space".to_owned(),
            '\r' | '\n' => "a line break".to_owned(),
            c => format!("the character {:?}", c.escape_unicode().to_string()),
        };
        return Err(format!(
            "the key holds {what}, which no key has; paste only the key, as dataminer.services shows it"
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        let text = "[[organizations]]\nname = \"Skyline\"\napi_url = \"https://a.example\"\n\
            id = \"0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10\"\nkey_env = \"K\"\n\
            [[organizations]]\napi_url = \"https://b.example\"\nid = \"00000000-0000-4000-8000-000000000001\"\n\
            key_keyring = \"lab key\"\n";
        crate::config::parse(std::path::Path::new("c.toml"), text).unwrap()
    }

    #[test]
    fn an_organization_is_named_by_name_id_or_keyring_entry() {
        let config = config();
        assert_eq!(find_organization(&config, "skyline").unwrap().name.as_deref(), Some("Skyline"));
        let lab = find_organization(&config, "lab key").unwrap();
        assert_eq!(find_organization(&config, "00000000-0000-4000-8000-000000000001").unwrap(), lab);
        assert_eq!(
            find_organization(&config, "Lab").unwrap_err(),
            "no organization is named \"Lab\"; the configured ones are Skyline, 00000000-0000-4000-8000-000000000001"
        );
        assert!(find_organization(&Config::default(), "x").unwrap_err().starts_with("no organization is configured"));
    }

    #[test]
    fn the_keyring_entry_is_key_keyring_else_the_name_else_the_id() {
        let config = config();
        assert_eq!(keyring_name(&config.organizations[0]), "Skyline");
        assert_eq!(keyring_name(&config.organizations[1]), "lab key");
        let mut unnamed = config.organizations[0].clone();
        unnamed.name = None;
        assert_eq!(keyring_name(&unnamed), "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10");
    }

    #[test]
    fn a_pasted_key_is_trimmed_and_must_fit_a_header() {
        assert_eq!(checked_key("  abc123\n"), Ok("abc123"));
        assert!(checked_key(" \n").unwrap_err().starts_with("the key is empty"));
        assert!(checked_key("abc def").unwrap_err().starts_with("the key holds a space"));
        assert!(checked_key("abc\ndef").unwrap_err().starts_with("the key holds a line break"));
        assert!(checked_key("abcé").unwrap_err().contains("\\u{e9}"));
        assert_eq!(format!("{:?}", PastedKey("secret".into())), "PastedKey(<redacted>)");
    }
}
