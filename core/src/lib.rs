//! The functional core of dms-tray: plain data and pure functions, free of
//! Tauri, D-Bus and HTTP, so that the logic is easy to read and fast to test.
//!
//! Data flows one way: a [`poll::PollOutcome`] goes into the
//! [`monitor::Monitor`], which keeps a [`view::OrgSnapshot`] per
//! organization, derives the [`view::View`] and yields the
//! [`transitions::Transition`]s between the old and the new view.

pub mod acknowledge;
pub mod ago;
pub mod alerts;
pub mod api;
pub mod clean;
pub mod config;
pub mod config_edit;
pub mod handover;
pub mod history;
pub mod hooks;
pub mod incident;
pub mod ipc;
pub mod keys;
pub mod menu;
pub mod monitor;
pub mod placement;
pub mod poll;
pub mod popup;
pub mod priority;
pub mod remote;
pub mod report;
pub mod restart;
pub mod schedule;
pub mod settings;
pub mod sound;
pub mod transitions;
pub mod tray;
#[cfg(test)]
mod ui_fixtures;
pub mod view;
pub mod wording;
