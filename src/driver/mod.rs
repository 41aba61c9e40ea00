//! The compile driver: reading Python functions (source, frozen globals) and turning a
//! call's argument types into typed IR for a whole call graph.

pub mod registry;
pub mod source;
