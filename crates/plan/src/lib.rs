//! Planning: the local children's workforce strategy (SPEC §9) — the CWDC suggested framework's
//! sections, SMART objectives, the action plan and the risk register. Pure rules, no IO: the
//! store keeps them and the web application edits them.

pub mod actions;
pub mod framework;
pub mod risks;
pub mod smart;
