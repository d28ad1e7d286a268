//! The `[[hooks]]` sections of the configuration file, checked with the
//! same care as the rest of it ([`crate::config`]): a hook that could never
//! run, or would run for something other than what its author meant, is
//! one message naming the line, what is wrong and what to write instead.
//!
//! ```toml
//! [[hooks]]
//! name = "teams"
//! url = "https://prod-00.westeurope.logic.azure.com/workflows/…"
//! format = "teams"
//! kinds = ["no-connection", "dms-not-responding", "back-online"]
//! priorities = ["on-air"]
//!
//! [[hooks]]
//! name = "pager"
//! command = ["/usr/local/bin/page-oncall", "--team", "mcr"]
//! organizations = ["Skyline"]
//! timeout = "30s"
//! tries = 1
//! ```

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use toml::{Spanned, Value};
use url::Url;
use uuid::Uuid;

use super::{
    Action, EventKind, Filter, Hook, WebhookFormat, DEFAULT_TIMEOUT, DEFAULT_TRIES, TIMEOUT_RANGE, TRIES_RANGE,
};
use crate::config::{
    bounded_duration, fail, is_loopback, kind, line_at, string, Fail, List, ListItem, OrganizationConfig,
};
use crate::keys::label;
use crate::priority::Priority;

/// The longest hook `name`, in characters.
const MAX_NAME_CHARS: usize = 40;

const COMMAND_EXAMPLE: &str = "command = [\"/usr/local/bin/page-oncall\", \"--team\", \"mcr\"]";
const URL_EXAMPLE: &str = "url = \"https://hooks.example.com/dms\"";

/// One `[[hooks]]` section as written.
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "each entry of hooks must be a table; start each hook with its own [[hooks]] line"
)]
pub(crate) struct RawHook {
    name: Option<Spanned<Value>>,
    command: Option<Spanned<List<CommandWord>>>,
    url: Option<Spanned<Value>>,
    format: Option<Spanned<Value>>,
    kinds: Option<Spanned<List<KindWord>>>,
    organizations: Option<Spanned<List<OrganizationWord>>>,
    priorities: Option<Spanned<List<PriorityWord>>>,
    timeout: Option<Spanned<Value>>,
    tries: Option<Spanned<Value>>,
}

impl ListItem for RawHook {
    const LIST_EXPECTING: &'static str =
        "hooks must be an array of tables; start each hook with its own [[hooks]] line (two pairs of brackets)";
}

// The entries of each list, apart so that each list says how to write it.

#[derive(Deserialize)]
#[serde(transparent)]
struct CommandWord(Value);

impl ListItem for CommandWord {
    const LIST_EXPECTING: &'static str = "command must be an array of strings, the program and then its arguments, such as command = [\"/usr/local/bin/page-oncall\", \"--team\", \"mcr\"]; it runs without a shell";
}

#[derive(Deserialize)]
#[serde(transparent)]
struct KindWord(Value);

impl ListItem for KindWord {
    const LIST_EXPECTING: &'static str =
        "kinds must be an array of strings, such as kinds = [\"no-connection\", \"back-online\"]";
}

#[derive(Deserialize)]
#[serde(transparent)]
struct OrganizationWord(Value);

impl ListItem for OrganizationWord {
    const LIST_EXPECTING: &'static str =
        "organizations must be an array of strings, the names or ids of organizations, such as organizations = [\"Skyline\"]";
}

#[derive(Deserialize)]
#[serde(transparent)]
struct PriorityWord(Value);

impl ListItem for PriorityWord {
    const LIST_EXPECTING: &'static str = "priorities must be an array of strings, such as priorities = [\"on-air\"]";
}

/// The entries of a list with their positions, and the position of the list.
fn entries<T>(list: &Spanned<List<T>>, value: impl Fn(&T) -> &Value) -> Vec<Spanned<Value>> {
    list.get_ref().0.iter().map(|entry| Spanned::new(entry.span(), value(entry.get_ref()).clone())).collect()
}

/// Checks every `[[hooks]]` section; `organizations` are the file's,
/// `text` the whole file (for the line of a name used twice).
pub(crate) fn hooks(
    raw: Option<List<RawHook>>,
    organizations: &[OrganizationConfig],
    config_dir: &Path,
    text: &str,
) -> Result<Vec<Hook>, Fail> {
    let mut first_line_of_name: HashMap<String, usize> = HashMap::new();
    let mut hooks = Vec::new();
    for raw in raw.map(|list| list.0).unwrap_or_default() {
        let (hook, name_at) = hook(&raw, organizations, config_dir)?;
        if let Some(line) = first_line_of_name.insert(hook.name.to_lowercase(), line_at(text, name_at)) {
            return Err(Fail {
                at: name_at,
                message: format!(
                    "name {:?} is already used by the hook at line {line}; give each hook a name of its own, which the log and the popup call it by.",
                    hook.name
                ),
            });
        }
        hooks.push(hook);
    }
    Ok(hooks)
}

/// The checked hook and the offset of its name, for the duplicate check.
fn hook(
    raw: &Spanned<RawHook>,
    organizations: &[OrganizationConfig],
    config_dir: &Path,
) -> Result<(Hook, usize), Fail> {
    let hook = raw.get_ref();
    let name_value = hook.name.as_ref().ok_or_else(|| {
        fail(raw, "this hook has no name; add name = \"teams\" to its [[hooks]] section: the log and the popup call the hook by it.")
    })?;
    let name = name(name_value)?;
    let action = match (&hook.command, &hook.url) {
        (None, None) => {
            return Err(fail(
                raw,
                format!("this hook has neither command nor url; add {COMMAND_EXAMPLE} to run a program, or {URL_EXAMPLE} to post to a webhook."),
            ));
        }
        (Some(command), Some(url)) => {
            return Err(Fail {
                at: url.span().start.max(command.span().start),
                message: "this hook sets both command and url; keep one of them: a hook either runs a command or posts to a webhook (write a [[hooks]] section for each).".into(),
            });
        }
        (Some(command), None) => {
            if let Some(format) = &hook.format {
                return Err(fail(
                    format,
                    "format applies only to a hook with a url; remove it: a command always receives the event as JSON.",
                ));
            }
            Action::Command(argv(command, config_dir)?)
        }
        (None, Some(url)) => Action::Webhook {
            url: webhook_url(url)?,
            format: hook.format.as_ref().map(format).transpose()?.unwrap_or(WebhookFormat::Json),
        },
    };
    let filter = Filter {
        kinds: hook.kinds.as_ref().map(kinds).transpose()?,
        organizations: hook.organizations.as_ref().map(|list| organization_ids(list, organizations)).transpose()?,
        priorities: hook.priorities.as_ref().map(priorities).transpose()?,
    };
    let timeout = match &hook.timeout {
        Some(value) => timeout(value)?,
        None => DEFAULT_TIMEOUT,
    };
    let tries = match &hook.tries {
        Some(value) => tries(value)?,
        None => DEFAULT_TRIES,
    };
    Ok((Hook { name, action, filter, timeout, tries }, name_value.span().start))
}

fn name(value: &Spanned<Value>) -> Result<String, Fail> {
    let name = string(value, "name", "name = \"teams\"")?.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(fail(
            value,
            format!("name {name:?} is not a hook name; write 1 to {MAX_NAME_CHARS} printable characters, such as name = \"teams\"."),
        ));
    }
    Ok(name.to_owned())
}

/// The program and its arguments; a relative program path with a folder in
/// it is taken from the configuration file's folder.
fn argv(list: &Spanned<List<CommandWord>>, config_dir: &Path) -> Result<Vec<String>, Fail> {
    let words = entries(list, |word| &word.0);
    let Some(program) = words.first() else {
        return Err(fail(
            list,
            format!("command is empty; write the program and then its arguments, such as {COMMAND_EXAMPLE}."),
        ));
    };
    let mut argv = Vec::with_capacity(words.len());
    for word in &words {
        argv.push(string(word, "each command entry", "an entry such as \"--team\"")?.to_owned());
    }
    let program_text = &argv[0];
    if program_text.trim().is_empty() {
        return Err(fail(
            program,
            format!(
                "the program, the first entry of command, is empty; write its name or path, such as {COMMAND_EXAMPLE}."
            ),
        ));
    }
    if program_text.starts_with('~') {
        return Err(fail(program, format!("the program {program_text:?} starts with ~, which is not expanded; write an absolute path or a path relative to this file's folder.")));
    }
    let path = Path::new(program_text.as_str());
    if path.is_relative() && path.components().count() > 1 {
        argv[0] = config_dir.join(path).to_string_lossy().into_owned();
    }
    Ok(argv)
}

fn webhook_url(value: &Spanned<Value>) -> Result<Url, Fail> {
    let text = string(value, "url", URL_EXAMPLE)?;
    let url = Url::parse(text).map_err(|e| {
        fail(
            value,
            format!("url {text:?} is not a valid URL ({e}); write the webhook's full address, such as {URL_EXAMPLE}."),
        )
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(fail(value, format!("url {text:?} uses http:// on a host that is not loopback, which would send the changes unencrypted; write an https:// URL (http:// is allowed only for 127.0.0.1, ::1 or localhost)."))),
        scheme => Err(fail(value, format!("url {text:?} uses {scheme}://, which is not a web address; write an https:// URL, such as {URL_EXAMPLE}."))),
    }
}

fn format(value: &Spanned<Value>) -> Result<WebhookFormat, Fail> {
    let text = string(value, "format", "format = \"teams\"")?;
    WebhookFormat::ALL.into_iter().find(|format| format.key() == text.trim()).ok_or_else(|| {
        fail(value, format!("format {text:?} is not a webhook format; write format = \"teams\" for a Teams Workflows webhook, \"slack\" for a Slack incoming webhook, or \"json\" (the default) for the event as it is."))
    })
}

/// A list that may not be empty, each entry read by `read`.
fn non_empty<T: PartialEq>(
    list: Vec<Spanned<Value>>,
    whole: &Spanned<impl Sized>,
    empty: &str,
    read: impl Fn(&Spanned<Value>) -> Result<T, Fail>,
) -> Result<Vec<T>, Fail> {
    if list.is_empty() {
        return Err(fail(whole, empty));
    }
    let mut values = Vec::with_capacity(list.len());
    for entry in &list {
        let value = read(entry)?;
        if !values.contains(&value) {
            values.push(value);
        }
    }
    Ok(values)
}

fn kinds(list: &Spanned<List<KindWord>>) -> Result<Vec<EventKind>, Fail> {
    let empty = "kinds is empty, so this hook would never run; list the kinds of change it runs for, such as kinds = [\"no-connection\", \"back-online\"], or remove the line to run it for every kind.";
    non_empty(entries(list, |word| &word.0), list, empty, |entry| {
        let text = string(entry, "each kinds entry", "an entry such as \"no-connection\"")?;
        EventKind::from_key(text.trim()).ok_or_else(|| {
            let all = EventKind::ALL.map(|kind| format!("{:?}", kind.key())).join(", ");
            let hint = match EventKind::from_key(&text.trim().to_lowercase().replace(['_', ' '], "-")) {
                Some(meant) => format!("write {:?}", meant.key()),
                None => format!("write one of {all}"),
            };
            fail(entry, format!("kinds entry {text:?} is not a kind of change; {hint}."))
        })
    })
}

fn organization_ids(
    list: &Spanned<List<OrganizationWord>>,
    organizations: &[OrganizationConfig],
) -> Result<Vec<Uuid>, Fail> {
    let empty = "organizations is empty, so this hook would never run; list the names or ids of the organizations it runs for, such as organizations = [\"Skyline\"], or remove the line to run it for all of them.";
    non_empty(entries(list, |word| &word.0), list, empty, |entry| {
        let text = string(entry, "each organizations entry", "an entry such as \"Skyline\"")?.trim();
        let named = |o: &&OrganizationConfig| {
            o.name.as_deref().is_some_and(|name| name.trim().eq_ignore_ascii_case(text))
                || Uuid::parse_str(text).is_ok_and(|id| id == o.id)
        };
        organizations.iter().find(named).map(|o| o.id).ok_or_else(|| {
            let known: Vec<String> = organizations.iter().map(|o| format!("{:?}", label(o))).collect();
            let choice = match known.is_empty() {
                true => "no organization is configured yet; add its [[organizations]] section first".to_string(),
                false => {
                    format!("write the name or the id of one of the [[organizations]] sections: {}", known.join(", "))
                }
            };
            fail(entry, format!("organizations entry {text:?} names no configured organization; {choice}."))
        })
    })
}

fn priorities(list: &Spanned<List<PriorityWord>>) -> Result<Vec<Priority>, Fail> {
    let empty = "priorities is empty, so this hook would never run; list the priorities of the systems it runs for, such as priorities = [\"on-air\"], or remove the line to run it for every system.";
    non_empty(entries(list, |word| &word.0), list, empty, |entry| {
        let text = string(entry, "each priorities entry", "an entry such as \"on-air\"")?;
        Priority::from_key(text.trim()).ok_or_else(|| {
            fail(
                entry,
                format!("priorities entry {text:?} is not a priority; write \"on-air\", \"normal\" or \"lab\"."),
            )
        })
    })
}

fn timeout(value: &Spanned<Value>) -> Result<Duration, Fail> {
    let default = chrono::Duration::from_std(DEFAULT_TIMEOUT).expect("ten seconds fit a chrono duration");
    let timeout = bounded_duration(value, "timeout", TIMEOUT_RANGE, default)?;
    Ok(timeout.to_std().expect("a timeout within its range is positive"))
}

fn tries(value: &Spanned<Value>) -> Result<u32, Fail> {
    let (min, max) = (TRIES_RANGE.start(), TRIES_RANGE.end());
    let count = match value.get_ref() {
        Value::Integer(count) => *count,
        other => {
            return Err(fail(
                value,
                format!(
                    "tries must be a whole number without quotes, not {}; write tries = {DEFAULT_TRIES}.",
                    kind(other)
                ),
            ));
        }
    };
    u32::try_from(count).ok().filter(|count| TRIES_RANGE.contains(count)).ok_or_else(|| {
        fail(value, format!("tries = {count} is out of range; write a whole number from {min} to {max}: how many times a call is made before it is told as failed (the default is {DEFAULT_TRIES})."))
    })
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::config::{parse, ConfigError};

    const PATH: &str = "/home/u/.config/dms-tray/config.toml";
    const SKYLINE: &str = "0b8e5c8a-3d5e-4f43-9d87-3c2a1b7e9f10";
    const LAB: &str = "5f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f";

    /// Two organizations (lines 1 to 10), then `hooks` from line 11.
    fn file(hooks: &str) -> String {
        format!(
            "[[organizations]]\nname = \"Skyline\"\napi_url = \"https://api.example.com\"\nid = \"{SKYLINE}\"\nkey = \"k\"\n\n\
             [[organizations]]\napi_url = \"https://api.example.com\"\nid = \"{LAB}\"\nkey = \"k\"\n{hooks}\n"
        )
    }

    fn ok(hooks: &str) -> Vec<Hook> {
        parse(Path::new(PATH), &file(hooks)).unwrap_or_else(|e| panic!("expected valid hooks, got: {e}")).hooks
    }

    /// Asserts that `hooks` fail with exactly `message` at `line` of the file.
    fn assert_error(hooks: &str, line: usize, message: &str) {
        let error = parse(Path::new(PATH), &file(hooks)).expect_err("expected a configuration error");
        assert_eq!(
            error,
            ConfigError { path: PathBuf::from(PATH), line: Some(line), message: message.into() },
            "{error}"
        );
    }

    /// One hook whose `[[hooks]]` line is line 11, with a name on line 12.
    fn hook(lines: &str) -> String {
        format!("[[hooks]]\nname = \"teams\"\n{lines}")
    }

    #[test]
    fn a_webhook_and_a_command() {
        let hooks = ok(r#"[[hooks]]
name = "teams"
url = "https://prod-00.westeurope.logic.azure.com:443/workflows/abc?sig=xyz"
format = "teams"
kinds = ["no-connection", "back-online", "no-connection"]
priorities = ["on-air"]

[[hooks]]
name = "pager"
command = ["scripts/page.sh", "--team", "mcr", ""]
organizations = ["skyline", "5F1C2D3E-4B5A-4C6D-8E7F-9A0B1C2D3E4F"]
timeout = "1m 30s"
tries = 1
"#);
        assert_eq!(
            hooks,
            [
                Hook {
                    name: "teams".into(),
                    action: Action::Webhook {
                        url: Url::parse("https://prod-00.westeurope.logic.azure.com/workflows/abc?sig=xyz").unwrap(),
                        format: WebhookFormat::Teams,
                    },
                    filter: Filter {
                        kinds: Some(vec![EventKind::NoConnection, EventKind::BackOnline]),
                        organizations: None,
                        priorities: Some(vec![Priority::OnAir]),
                    },
                    timeout: DEFAULT_TIMEOUT,
                    tries: DEFAULT_TRIES,
                },
                Hook {
                    name: "pager".into(),
                    action: Action::Command(vec![
                        "/home/u/.config/dms-tray/scripts/page.sh".into(),
                        "--team".into(),
                        "mcr".into(),
                        "".into(),
                    ]),
                    filter: Filter {
                        kinds: None,
                        organizations: Some(vec![Uuid::parse_str(SKYLINE).unwrap(), Uuid::parse_str(LAB).unwrap()]),
                        priorities: None,
                    },
                    timeout: Duration::from_secs(90),
                    tries: 1,
                },
            ]
        );
    }

    #[test]
    fn defaults_a_bare_program_and_the_limits() {
        let hooks = ok(&hook("command = [\"notify-send\"]\ntimeout = \"1s\"\ntries = 10"));
        assert_eq!(hooks[0].action, Action::Command(vec!["notify-send".into()]), "a bare name is found on PATH");
        assert_eq!(hooks[0].filter, Filter::default());
        assert_eq!((hooks[0].timeout, hooks[0].tries), (Duration::from_secs(1), 10));
        let hooks = ok(&hook("url = \"http://127.0.0.1:9000/hook\"\ntimeout = \"5m\""));
        assert!(matches!(hooks[0].action, Action::Webhook { format: WebhookFormat::Json, .. }));
        assert_eq!(hooks[0].timeout, Duration::from_secs(300));
        assert!(ok("").is_empty());
    }

    #[test]
    fn unknown_kind() {
        assert_error(
            &hook("url = \"https://h.example\"\nkinds = [\n  \"no-connection\",\n  \"offline\",\n]"),
            16,
            "kinds entry \"offline\" is not a kind of change; write one of \"back-online\", \"dms-not-responding\", \"no-connection\", \"unknown\", \"added\", \"removed\", \"redundancy-degraded\", \"redundancy-restored\", \"version-changed\", \"organization-failed\", \"organization-recovered\".",
        );
        assert_error(
            &hook("url = \"https://h.example\"\nkinds = [\"no_connection\"]"),
            14,
            "kinds entry \"no_connection\" is not a kind of change; write \"no-connection\".",
        );
        assert_error(
            &hook("url = \"https://h.example\"\nkinds = []"),
            14,
            "kinds is empty, so this hook would never run; list the kinds of change it runs for, such as kinds = [\"no-connection\", \"back-online\"], or remove the line to run it for every kind.",
        );
        assert_error(
            &hook("url = \"https://h.example\"\nkinds = \"no-connection\""),
            14,
            "wrong kind of value (string \"no-connection\"): kinds must be an array of strings, such as kinds = [\"no-connection\", \"back-online\"].",
        );
    }

    #[test]
    fn empty_argv() {
        assert_error(
            &hook("command = []"),
            13,
            "command is empty; write the program and then its arguments, such as command = [\"/usr/local/bin/page-oncall\", \"--team\", \"mcr\"].",
        );
        assert_error(
            &hook("command = [\"\", \"--team\"]"),
            13,
            "the program, the first entry of command, is empty; write its name or path, such as command = [\"/usr/local/bin/page-oncall\", \"--team\", \"mcr\"].",
        );
        assert_error(
            &hook("command = \"page-oncall --team mcr\""),
            13,
            "wrong kind of value (string \"page-oncall --team mcr\"): command must be an array of strings, the program and then its arguments, such as command = [\"/usr/local/bin/page-oncall\", \"--team\", \"mcr\"]; it runs without a shell.",
        );
        assert_error(
            &hook("command = [\"page\", 3]"),
            13,
            "each command entry must be a string in double quotes, not an integer; write an entry such as \"--team\".",
        );
        assert_error(
            &hook("command = [\"~/bin/page\"]"),
            13,
            "the program \"~/bin/page\" starts with ~, which is not expanded; write an absolute path or a path relative to this file's folder.",
        );
    }

    #[test]
    fn both_command_and_url() {
        assert_error(
            &hook("command = [\"page\"]\nurl = \"https://h.example\""),
            14,
            "this hook sets both command and url; keep one of them: a hook either runs a command or posts to a webhook (write a [[hooks]] section for each).",
        );
        assert_error(
            &hook(""),
            11,
            "this hook has neither command nor url; add command = [\"/usr/local/bin/page-oncall\", \"--team\", \"mcr\"] to run a program, or url = \"https://hooks.example.com/dms\" to post to a webhook.",
        );
    }

    #[test]
    fn bad_url() {
        assert_error(
            &hook("url = \"hooks.example.com/dms\""),
            13,
            "url \"hooks.example.com/dms\" is not a valid URL (relative URL without a base); write the webhook's full address, such as url = \"https://hooks.example.com/dms\".",
        );
        assert_error(
            &hook("url = \"http://hooks.example.com/dms\""),
            13,
            "url \"http://hooks.example.com/dms\" uses http:// on a host that is not loopback, which would send the changes unencrypted; write an https:// URL (http:// is allowed only for 127.0.0.1, ::1 or localhost).",
        );
        assert_error(
            &hook("url = \"ftp://hooks.example.com/\""),
            13,
            "url \"ftp://hooks.example.com/\" uses ftp://, which is not a web address; write an https:// URL, such as url = \"https://hooks.example.com/dms\".",
        );
        assert_error(
            &hook("url = [\"https://h.example\"]"),
            13,
            "url must be a string in double quotes, not an array; write url = \"https://hooks.example.com/dms\".",
        );
    }

    #[test]
    fn bad_format() {
        assert_error(
            &hook("url = \"https://h.example\"\nformat = \"msteams\""),
            14,
            "format \"msteams\" is not a webhook format; write format = \"teams\" for a Teams Workflows webhook, \"slack\" for a Slack incoming webhook, or \"json\" (the default) for the event as it is.",
        );
        assert_error(
            &hook("command = [\"page\"]\nformat = \"json\""),
            14,
            "format applies only to a hook with a url; remove it: a command always receives the event as JSON.",
        );
    }

    #[test]
    fn bad_timeout() {
        assert_error(
            &hook("url = \"https://h.example\"\ntimeout = \"500ms\""),
            14,
            "timeout \"500ms\" is shorter than the minimum of 1s; write \"1s\" or more, up to \"5m\" (the default is \"10s\").",
        );
        assert_error(
            &hook("url = \"https://h.example\"\ntimeout = \"1h\""),
            14,
            "timeout \"1h\" is longer than the maximum of 5m; write \"5m\" or less (the default is \"10s\").",
        );
        assert_error(
            &hook("url = \"https://h.example\"\ntimeout = 10"),
            14,
            "timeout must be a string in double quotes, not an integer; write timeout = \"10s\".",
        );
        assert_error(
            &hook("url = \"https://h.example\"\ntimeout = \"ten seconds\""),
            14,
            "timeout \"ten seconds\" is not a duration (expected number at 0); write a number with a unit, such as \"10s\", \"90s\" or \"1h 30m\".",
        );
    }

    #[test]
    fn bad_tries() {
        for count in ["0", "11", "-1"] {
            assert_error(
                &hook(&format!("url = \"https://h.example\"\ntries = {count}")),
                14,
                &format!("tries = {count} is out of range; write a whole number from 1 to 10: how many times a call is made before it is told as failed (the default is 3)."),
            );
        }
        assert_error(
            &hook("url = \"https://h.example\"\ntries = \"3\""),
            14,
            "tries must be a whole number without quotes, not a string; write tries = 3.",
        );
    }

    #[test]
    fn unknown_organization_and_priority() {
        assert_error(
            &hook("url = \"https://h.example\"\norganizations = [\"Skylin\"]"),
            14,
            &format!("organizations entry \"Skylin\" names no configured organization; write the name or the id of one of the [[organizations]] sections: \"Skyline\", \"{LAB}\"."),
        );
        assert_error(
            &hook("url = \"https://h.example\"\npriorities = [\"on_air\"]"),
            14,
            "priorities entry \"on_air\" is not a priority; write \"on-air\", \"normal\" or \"lab\".",
        );
        assert_error(
            &hook("url = \"https://h.example\"\npriorities = []"),
            14,
            "priorities is empty, so this hook would never run; list the priorities of the systems it runs for, such as priorities = [\"on-air\"], or remove the line to run it for every system.",
        );
        let without_organizations = parse(
            Path::new(PATH),
            "[[hooks]]\nname = \"x\"\nurl = \"https://h.example\"\norganizations = [\"Skyline\"]",
        )
        .unwrap_err();
        assert_eq!(
            without_organizations.message,
            "organizations entry \"Skyline\" names no configured organization; no organization is configured yet; add its [[organizations]] section first."
        );
    }

    #[test]
    fn names_are_required_and_unique() {
        assert_error(
            "[[hooks]]\nurl = \"https://h.example\"",
            11,
            "this hook has no name; add name = \"teams\" to its [[hooks]] section: the log and the popup call the hook by it.",
        );
        assert_error(
            &format!("{}\n\n[[hooks]]\nname = \"Teams\"\nurl = \"https://h.example\"", hook("url = \"https://h.example\"")),
            16,
            "name \"Teams\" is already used by the hook at line 12; give each hook a name of its own, which the log and the popup call it by.",
        );
        assert_error(
            "[[hooks]]\nname = \"\"\nurl = \"https://h.example\"",
            12,
            "name \"\" is not a hook name; write 1 to 40 printable characters, such as name = \"teams\".",
        );
    }

    #[test]
    fn unknown_keys_and_shapes() {
        assert_error(
            &hook("uri = \"https://h.example\""),
            13,
            "unknown key `uri`; the keys allowed here are `name`, `command`, `url`, `format`, `kinds`, `organizations`, `priorities`, `timeout`, `tries`; remove it or correct its spelling.",
        );
        assert_error(
            "[hooks]\nname = \"teams\"",
            11,
            "wrong kind of value (table): hooks must be an array of tables; start each hook with its own [[hooks]] line (two pairs of brackets).",
        );
    }
}
