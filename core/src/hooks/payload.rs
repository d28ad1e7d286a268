//! The bodies posted to webhooks: the event as it is (`json`), a Teams
//! message with an Adaptive Card (`teams`), or a Slack message (`slack`).
//!
//! Names come from the status API and are data, never markup: the card
//! puts them in text runs, which Teams does not read as Markdown, and the
//! Slack message in plain text, with `&`, `<` and `>` escaped where Slack
//! reads its own markup. Times are left for Teams and Slack to show in each
//! reader's own time zone.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::{EventKind, HookEvent, WebhookFormat};

/// The body of a POST of `event` in `format`.
pub fn body(format: WebhookFormat, event: &HookEvent) -> Value {
    match format {
        WebhookFormat::Json => serde_json::to_value(event).expect("an event is plain data"),
        WebhookFormat::Teams => teams(event),
        WebhookFormat::Slack => slack(event),
    }
}

/// What a chat message lists below its headline.
fn facts(event: &HookEvent) -> Vec<(&'static str, String)> {
    let mut facts = vec![("Organization", event.organization.name.clone())];
    if let Some(system) = &event.system {
        facts.push(("System", system.name.clone()));
    }
    if let Some(state) = &event.state_text {
        facts.push(("State", state.clone()));
    }
    if let Some(priority) = event.priority {
        facts.push(("Priority", priority.label().to_string()));
    }
    facts
}

/// The colour of the card's headline, by how the change bodes.
fn teams_color(kind: EventKind) -> &'static str {
    match kind {
        EventKind::NoConnection => "Attention",
        EventKind::DmsNotResponding
        | EventKind::Unknown
        | EventKind::RedundancyDegraded
        | EventKind::OrganizationFailed
        | EventKind::Removed => "Warning",
        EventKind::BackOnline | EventKind::RedundancyRestored | EventKind::OrganizationRecovered => "Good",
        EventKind::Added | EventKind::VersionChanged => "Default",
    }
}

/// Adaptive Card 1.4 in the envelope the Teams Workflows trigger "When a
/// Teams webhook request is received" takes.
fn teams(event: &HookEvent) -> Value {
    let run = |text: &str| json!({ "type": "TextRun", "text": text });
    let mut card_body = vec![json!({
        "type": "RichTextBlock",
        "inlines": [{
            "type": "TextRun",
            "text": event.headline(),
            "weight": "Bolder",
            "size": "Medium",
            "color": teams_color(event.kind),
        }],
    })];
    for (label, value) in facts(event) {
        card_body.push(json!({
            "type": "RichTextBlock",
            "spacing": "Small",
            "inlines": [{ "type": "TextRun", "text": format!("{label}: "), "weight": "Bolder" }, run(&value)],
        }));
    }
    let when = |at: DateTime<Utc>| {
        let at = at.to_rfc3339_opts(SecondsFormat::Secs, true);
        format!("{{{{DATE({at}, SHORT)}}}} {{{{TIME({at})}}}}")
    };
    if let (Some(seen), false) = (event.last_seen_online, event.kind == EventKind::BackOnline) {
        card_body.push(json!({ "type": "TextBlock", "text": format!("Last seen online {}", when(seen)), "wrap": true, "spacing": "Small" }));
    }
    card_body
        .push(json!({ "type": "TextBlock", "text": when(event.at), "isSubtle": true, "size": "Small", "wrap": true }));
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": card_body,
            },
        }],
    })
}

/// A Slack incoming webhook's message: `text` for the notification, and
/// blocks for the channel.
fn slack(event: &HookEvent) -> Value {
    let plain = |text: String| json!({ "type": "plain_text", "text": text, "emoji": false });
    let fields: Vec<Value> =
        facts(event).into_iter().map(|(label, value)| plain(format!("{label}: {value}"))).collect();
    let fallback = event.at.format("%Y-%m-%d %H:%M UTC");
    let date = format!("<!date^{}^{{date_short_pretty}} {{time}}|{fallback}>", event.at.timestamp());
    json!({
        "text": slack_escaped(&event.headline()),
        "blocks": [
            { "type": "section", "text": plain(event.headline()) },
            { "type": "section", "fields": fields },
            { "type": "context", "elements": [{ "type": "mrkdwn", "text": date }] },
        ],
    })
}

/// `text` with the three characters Slack reads as its markup escaped.
fn slack_escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::super::event::event;
    use super::super::event::tests::{outage, skyline, transition};
    use super::*;
    use crate::poll::PollErrorKind;
    use crate::priority::Priority;
    use crate::transitions::{Change, Named};
    use uuid::Uuid;

    #[test]
    fn json_is_the_event_itself() {
        let event = event(&outage(), Some(Priority::OnAir));
        assert_eq!(body(WebhookFormat::Json, &event), serde_json::to_value(&event).unwrap());
    }

    #[test]
    fn teams_gets_an_adaptive_card_in_the_workflows_envelope() {
        let body = body(WebhookFormat::Teams, &event(&outage(), Some(Priority::OnAir)));
        assert_eq!(body["type"], "message");
        let attachment = &body["attachments"][0];
        assert_eq!(attachment["contentType"], "application/vnd.microsoft.card.adaptive");
        assert_eq!(attachment["contentUrl"], Value::Null);
        let card = &attachment["content"];
        assert_eq!((&card["type"], &card["version"]), (&json!("AdaptiveCard"), &json!("1.4")));
        assert_eq!(
            card["body"][0]["inlines"][0],
            json!({
                "type": "TextRun",
                "text": "Ziine: No connection to dataminer.services",
                "weight": "Bolder",
                "size": "Medium",
                "color": "Attention",
            })
        );
        let lines: Vec<String> = card["body"]
            .as_array()
            .unwrap()
            .iter()
            .skip(1)
            .map(|block| match block["type"].as_str() {
                Some("RichTextBlock") => {
                    block["inlines"].as_array().unwrap().iter().map(|run| run["text"].as_str().unwrap()).collect()
                }
                _ => block["text"].as_str().unwrap().to_string(),
            })
            .collect();
        assert_eq!(
            lines,
            [
                "Organization: Skyline",
                "System: Ziine",
                "State: No connection to dataminer.services",
                "Priority: on air",
                "Last seen online {{DATE(2026-11-18T10:51:40Z, SHORT)}} {{TIME(2026-11-18T10:51:40Z)}}",
                "{{DATE(2026-11-18T11:06:40Z, SHORT)}} {{TIME(2026-11-18T11:06:40Z)}}",
            ]
        );
    }

    #[test]
    fn the_card_s_colour_says_how_the_change_bodes() {
        let state = |to| Change::State {
            from: crate::api::ApiState::Ok,
            to,
            last_seen_online: None,
            cloud_gateways: Default::default(),
        };
        let cases = [
            (state(crate::api::ApiState::NoConnection), "Attention"),
            (state(crate::api::ApiState::DmsNotResponding), "Warning"),
            (state(crate::api::ApiState::Ok), "Good"),
            (Change::OrganizationFailed { kind: PollErrorKind::Network, message: "cannot reach".into() }, "Warning"),
            (Change::VersionChanged { from: "1".into(), to: "2".into() }, "Default"),
        ];
        for (change, color) in cases {
            let body = body(WebhookFormat::Teams, &event(&transition(None, change), None));
            assert_eq!(body["attachments"][0]["content"]["body"][0]["inlines"][0]["color"], color);
        }
    }

    #[test]
    fn slack_gets_text_and_blocks() {
        let body = body(WebhookFormat::Slack, &event(&outage(), Some(Priority::OnAir)));
        let plain = |text: &str| json!({ "type": "plain_text", "text": text, "emoji": false });
        assert_eq!(
            body,
            json!({
                "text": "Ziine: No connection to dataminer.services",
                "blocks": [
                    { "type": "section", "text": plain("Ziine: No connection to dataminer.services") },
                    { "type": "section", "fields": [
                        plain("Organization: Skyline"),
                        plain("System: Ziine"),
                        plain("State: No connection to dataminer.services"),
                        plain("Priority: on air"),
                    ] },
                    { "type": "context", "elements": [{
                        "type": "mrkdwn",
                        "text": "<!date^1795000000^{date_short_pretty} {time}|2026-11-18 11:06 UTC>",
                    }] },
                ],
            })
        );
    }

    /// A name is shown as it is written: it cannot mention a channel, make
    /// a link or set text in bold.
    #[test]
    fn names_are_data_never_markup() {
        let name = "<!channel> *Playout* & [Main](https://evil.example) _1_";
        let system = Named { id: Uuid::from_u128(7), name: name.into() };
        let event = event(&transition(Some(system), Change::Added { state: crate::api::ApiState::Ok }), None);

        let slack = body(WebhookFormat::Slack, &event);
        assert_eq!(
            slack["text"], "&lt;!channel&gt; *Playout* &amp; [Main](https://evil.example) _1_: Added (Connected)",
            "Slack reads only &, < and > in text"
        );
        assert_eq!(slack["blocks"][0]["text"]["type"], "plain_text");
        assert_eq!(slack["blocks"][0]["text"]["text"], format!("{name}: Added (Connected)"));

        let teams = body(WebhookFormat::Teams, &event);
        let card = &teams["attachments"][0]["content"]["body"];
        assert_eq!(card[0]["inlines"][0]["type"], "TextRun", "text runs are not read as Markdown");
        assert_eq!(card[2]["inlines"][1], json!({ "type": "TextRun", "text": name }));
        let text_blocks = card.as_array().unwrap().iter().filter(|block| block["type"] == "TextBlock");
        for block in text_blocks {
            assert!(!block["text"].as_str().unwrap().contains("Playout"), "a name in a Markdown block: {block}");
        }
    }

    #[test]
    fn an_organization_s_change_names_the_organization() {
        let failed = transition(
            None,
            Change::OrganizationFailed { kind: PollErrorKind::KeyRejected, message: "key rejected (401)".into() },
        );
        let slack = body(WebhookFormat::Slack, &event(&failed, None));
        assert_eq!(slack["text"], format!("{}: key rejected (401)", skyline().name));
        assert_eq!(slack["blocks"][1]["fields"].as_array().unwrap().len(), 1, "no system, state or priority");
    }
}
