//! Integration tests over real HTTP on loopback: the client against the
//! simulator with every fault the contract names, and the `dms-tray`
//! binary's `status` and `simulate` commands.

mod cli;
mod faults;
mod matrix;
#[path = "../common/simulate.rs"]
mod simulate;
mod support;
