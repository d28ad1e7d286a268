//! Integration tests over real HTTP on loopback: the client against the
//! simulator with every fault the contract names, and the `dms-tray`
//! binary's `status`, `report` and `simulate` commands.

mod cli;
mod faults;
mod matrix;
mod report;
#[path = "../common/simulate.rs"]
mod simulate;
mod support;
