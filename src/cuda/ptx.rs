//! PTX from typed IR: lower through LLVM's NVPTX backend (for a compute capability),
//! link libdevice for math, wrap the kernel in a `ptx_kernel` entry that takes every
//! argument flattened to scalars, optimize, and print PTX. Works without a GPU.

use crate::common::diagnostic::Diagnostic;
use crate::common::ir::Function;
use crate::common::types::{Scalar, Type};
use crate::cpu::lower::{lower_unit, LowerOptions};
use crate::cpu::lower_types::{ie, llvm_type, ARRAY_SHAPE};
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine, TargetTriple};
use inkwell::types::{BasicMetadataTypeEnum, BasicTypeEnum};
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum};
use inkwell::{AddressSpace, OptimizationLevel};

/// LLVM's calling convention number for PTX kernels (`ptx_kernel`).
const PTX_KERNEL: u32 = 71;

pub struct PtxOptions {
    pub cc: (u32, u32),
    pub fastmath: bool,
    pub libdevice: Option<String>,
}

/// The PTX ISA version a compute capability needs (the lowest LLVM 19 and the CUDA 12
/// assembler accept for it, with the sync warp intrinsics).
fn ptx_version(cc: (u32, u32)) -> &'static str {
    // 6.3 at least: activemask and the *.sync warp intrinsics need it on every target.
    match cc {
        (9, _) => "+ptx78",
        (8, 9) => "+ptx78",
        (8, 7) => "+ptx74",
        (8, _) => "+ptx71",
        _ => "+ptx63",
    }
}

/// The compute capabilities LLVM 19's NVPTX backend targets.
const SUPPORTED_CC: [(u32, u32); 14] = [(5, 0), (5, 2), (5, 3), (6, 0), (6, 1), (6, 2), (7, 0), (7, 2), (7, 5), (8, 0), (8, 6), (8, 7), (8, 9), (9, 0)];

/// The newest compute capability LLVM can target that a device of capability `cc` runs:
/// PTX is forward compatible, so a newer device (10.0, 12.0) gets sm_90 PTX, which its
/// driver assembles for it.
pub fn target_cc(cc: (u32, u32)) -> (u32, u32) {
    SUPPORTED_CC.iter().rev().copied().find(|&c| c <= cc).unwrap_or(SUPPORTED_CC[0])
}

fn machine(cc: (u32, u32)) -> Result<TargetMachine, Diagnostic> {
    Target::initialize_nvptx(&InitializationConfig::default());
    let triple = TargetTriple::create("nvptx64-nvidia-cuda");
    let target = Target::from_triple(&triple).map_err(|e| Diagnostic::internal(format!("no NVPTX target in this LLVM: {e}")))?;
    target
        .create_target_machine(&triple, &format!("sm_{}{}", cc.0, cc.1), ptx_version(cc), OptimizationLevel::Aggressive, RelocMode::Default, CodeModel::Default)
        .ok_or_else(|| Diagnostic::internal("cannot create an NVPTX target machine"))
}

/// Flattened kernel parameters: scalars as themselves, arrays as their fields, tuples as
/// their items.
fn flatten<'ctx>(ctx: &'ctx Context, t: &Type, out: &mut Vec<BasicTypeEnum<'ctx>>) -> Result<(), Diagnostic> {
    match t {
        Type::Scalar(Scalar::Bool) => out.push(ctx.i8_type().into()),
        Type::Scalar(_) => out.push(llvm_type(ctx, t)),
        Type::Tuple(items) => {
            for i in items {
                flatten(ctx, i, out)?;
            }
        }
        Type::Array(a) => {
            let ptr = ctx.ptr_type(AddressSpace::default());
            out.extend([BasicTypeEnum::from(ptr); 3]);
            for _ in 0..2 * a.ndim {
                out.push(ctx.i64_type().into());
            }
        }
        Type::NoneType | Type::DType(_) => {}
        other => return Err(Diagnostic::typing("unsupported-on-gpu", format!("kernel arguments of type {other} are not supported on the GPU target"), Default::default())),
    }
    Ok(())
}

fn rebuild<'ctx>(ctx: &'ctx Context, b: &inkwell::builder::Builder<'ctx>, t: &Type, params: &mut std::vec::IntoIter<BasicValueEnum<'ctx>>) -> Result<BasicValueEnum<'ctx>, Diagnostic> {
    Ok(match t {
        Type::Scalar(Scalar::Bool) => {
            let v = params.next().expect("flattened bool").into_int_value();
            b.build_int_compare(inkwell::IntPredicate::NE, v, ctx.i8_type().const_zero(), "b").map_err(ie)?.into()
        }
        Type::Scalar(_) => params.next().expect("flattened scalar"),
        Type::Tuple(items) => {
            let st = llvm_type(ctx, t).into_struct_type();
            let mut agg = st.get_undef();
            for (i, it) in items.iter().enumerate() {
                let v = rebuild(ctx, b, it, params)?;
                agg = b.build_insert_value(agg, v, i as u32, "t").map_err(ie)?.into_struct_value();
            }
            agg.into()
        }
        Type::Array(a) => {
            let st = llvm_type(ctx, t).into_struct_type();
            let mut agg = st.get_undef();
            for f in 0..3 {
                agg = b.build_insert_value(agg, params.next().expect("array field"), f, "a").map_err(ie)?.into_struct_value();
            }
            for field in [ARRAY_SHAPE, ARRAY_SHAPE + 1] {
                let mut dims = ctx.i64_type().array_type(a.ndim).get_undef();
                for k in 0..a.ndim {
                    dims = b.build_insert_value(dims, params.next().expect("dim"), k, "d").map_err(ie)?.into_array_value();
                }
                agg = b.build_insert_value(agg, dims, field, "a").map_err(ie)?.into_struct_value();
            }
            agg.into()
        }
        _ => ctx.const_struct(&[], false).into(),
    })
}

fn kernel_entry<'ctx>(ctx: &'ctx Context, module: &Module<'ctx>, kernel: &Function, name: &str) -> Result<(), Diagnostic> {
    let mut flat = vec![];
    for &p in &kernel.params {
        flatten(ctx, &kernel.vars[p].ty, &mut flat)?;
    }
    let params: Vec<BasicMetadataTypeEnum> = flat.iter().map(|t| (*t).into()).collect();
    let f = module.add_function(name, ctx.void_type().fn_type(&params, false), Some(Linkage::External));
    f.set_call_conventions(PTX_KERNEL);
    let b = ctx.create_builder();
    b.position_at_end(ctx.append_basic_block(f, "entry"));
    let mut it: std::vec::IntoIter<BasicValueEnum> = f.get_param_iter().collect::<Vec<_>>().into_iter();
    let mut args: Vec<BasicMetadataValueEnum> = vec![];
    let ret = b.build_alloca(llvm_type(ctx, &kernel.ret), "ret").map_err(ie)?;
    let ptr = ctx.ptr_type(AddressSpace::default());
    let exc = b.build_alloca(ctx.struct_type(&[ptr.into(), ptr.into()], false), "exc").map_err(ie)?;
    args.push(ret.into());
    args.push(exc.into());
    for &p in &kernel.params {
        args.push(rebuild(ctx, &b, &kernel.vars[p].ty, &mut it)?.into());
    }
    let inner = module.get_function(&kernel.symbol).ok_or_else(|| Diagnostic::internal("kernel body missing from its unit"))?;
    b.build_call(inner, &args, "").map_err(ie)?;
    b.build_return(None).map_err(ie)?;
    Ok(())
}

/// PTX text of `funcs` (the kernel first, then what it calls), the kernel named `name`.
pub fn compile_ptx(funcs: &[&Function], name: &str, options: &PtxOptions) -> Result<String, Diagnostic> {
    compile_ptx_and_ir(funcs, name, options).map(|(ptx, _)| ptx)
}

/// PTX text and the optimized LLVM IR it was made from (`inspect_llvm` on the GPU target).
pub fn compile_ptx_and_ir(funcs: &[&Function], name: &str, options: &PtxOptions) -> Result<(String, String), Diagnostic> {
    let kernel = funcs[0];
    if kernel.ret != Type::NoneType {
        return Err(Diagnostic::typing("kernel-returns", format!("a kernel cannot return a value (this one returns {})", kernel.ret), Default::default())
            .with_hint("write results into an array argument"));
    }
    let machine = machine(options.cc)?;
    let ctx = Context::create();
    let module = ctx.create_module(name);
    module.set_triple(&machine.get_triple());
    module.set_data_layout(&machine.get_target_data().get_data_layout());
    let lower = LowerOptions { fastmath: options.fastmath, boundscheck: false, python_errors: false, gpu: true };
    lower_unit(&ctx, &module, funcs, &lower)?;
    kernel_entry(&ctx, &module, kernel, name)?;
    let needs_libdevice = module.get_functions().any(|f| f.get_name().to_bytes().starts_with(b"__nv_") && f.count_basic_blocks() == 0);
    if needs_libdevice {
        let path = options.libdevice.as_ref().ok_or_else(|| {
            Diagnostic::typing("no-libdevice", "this kernel needs NVIDIA's libdevice for its math functions, and none was found", Default::default())
                .with_hint("set CUDA_HOME, or `pip install nvidia-cuda-nvcc-cu12`")
        })?;
        let libdevice = Module::parse_bitcode_from_path(path, &ctx).map_err(|e| Diagnostic::internal(format!("reading libdevice {path}: {e}")))?;
        libdevice.set_triple(&machine.get_triple());
        libdevice.set_data_layout(&machine.get_target_data().get_data_layout());
        module.link_in_module(libdevice).map_err(|e| Diagnostic::internal(format!("linking libdevice: {e}")))?;
    }
    // Only the kernel is visible: everything else may be inlined and dropped.
    for f in module.get_functions() {
        if f.count_basic_blocks() > 0 && f.get_name().to_bytes() != name.as_bytes() {
            f.set_linkage(Linkage::Internal);
        }
    }
    let pass_options = PassBuilderOptions::create();
    pass_options.set_loop_vectorization(false);
    module.run_passes("default<O3>", &machine, pass_options).map_err(|e| Diagnostic::internal(format!("NVPTX optimization failed: {}", e.to_string())))?;
    let llvm_ir = module.print_to_string().to_string();
    let ptx = machine.write_to_memory_buffer(&module, FileType::Assembly).map_err(|e| Diagnostic::internal(format!("emitting PTX: {}", e.to_string())))?;
    Ok((String::from_utf8_lossy(ptx.as_slice()).into_owned(), llvm_ir))
}

#[cfg(test)]
mod tests {
    use super::target_cc;

    #[test]
    fn devices_get_the_newest_target_llvm_has_that_they_run() {
        assert_eq!(target_cc((9, 0)), (9, 0));
        assert_eq!(target_cc((10, 0)), (9, 0));
        assert_eq!(target_cc((12, 0)), (9, 0));
        assert_eq!(target_cc((8, 6)), (8, 6));
        assert_eq!(target_cc((8, 8)), (8, 7));
        assert_eq!(target_cc((7, 5)), (7, 5));
        assert_eq!(target_cc((7, 1)), (7, 0));
        assert_eq!(target_cc((3, 5)), (5, 0));
    }
}
