//! The front end and the typed IR: everything both backends share. Nothing here uses
//! LLVM or Python objects.

mod array_methods;
pub mod builtins;
mod calls;
mod cuda;
pub mod diagnostic;
mod folds;
pub mod infer;
mod infer_access;
mod infer_expr;
mod infer_loops;
mod lists;
pub mod ir;
pub mod numpy;
pub mod parse;
pub mod privatize;
mod reflection;
pub mod regions;
pub mod resolve;
pub mod signature;
pub mod temporaries;
pub mod types;
pub mod uniform;
pub mod verify;
pub mod workitem;
