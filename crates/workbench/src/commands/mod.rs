//! The bodies of the registered commands, one module per screen. They take the
//! workbench and plain arguments; registry.rs binds each command to one of them.

pub mod console;
pub mod credentials;
pub mod diagnose;
pub mod domain;
pub mod errcodes;
pub mod identity;
pub mod links;
pub mod log;
pub mod profiles;
pub mod sandbox;
pub mod sign;
