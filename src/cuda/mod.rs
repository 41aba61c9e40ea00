//! The CUDA GPU target: the typed IR lowered through LLVM's NVPTX backend to PTX, with
//! math from libdevice. (The driver, device memory and launches come next; kernels run on
//! the CPU target meanwhile, see `common/workitem.rs`.)

pub mod lower_nvptx;
pub mod ptx;
