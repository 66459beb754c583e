//! Planning: the local children's workforce strategy (docs/definitions.md §9) — the CWDC suggested framework's
//! sections, SWOT proposals from the figures, SMART objectives, the action plan, the risk
//! register, resources and pooling, the toolkit checklist, the board progress review and
//! targets (§8) with their trajectories, statuses and what it would take to meet them.
//! Pure rules, no IO: the store keeps them and the web application edits them.

pub mod actions;
pub mod checklist;
pub mod framework;
pub mod resources;
pub mod review;
pub mod risks;
pub mod smart;
pub mod swot;
pub mod targets;
