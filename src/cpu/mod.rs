//! The host backend: typed IR → LLVM IR → machine code through MCJIT, the runtime helpers
//! compiled code calls, and the dispatcher that calls it from Python.

pub mod blas;
pub mod boxing;
pub mod complex_math;
pub mod dispatcher;
pub mod jit;
pub mod launch;
pub mod list;
pub mod list_python;
pub mod lower;
mod lower_array;
mod lower_expr;
pub(crate) mod lower_list;
mod lower_math;
pub mod lower_types;
pub mod memory;
pub mod runtime;
pub mod sorting;
pub mod vectorcall;
pub mod worker_pool;
