//! The CUDA GPU target: the typed IR lowered through LLVM's NVPTX backend to PTX, with
//! math from libdevice (`lower_nvptx`, `ptx`); the CUDA driver, loaded at run time
//! (`driver`, `device_memory`); launches with their parameter buffers built in Rust
//! (`kernel`, `params`); and the Python classes over them (`python`). Without a driver,
//! kernels run on the CPU target (see `common/workitem.rs`).

pub mod device_memory;
pub mod driver;
pub mod kernel;
pub mod lower_nvptx;
pub mod params;
pub mod ptx;
pub mod python;
