//! The host JIT: optimize a compile unit at O3 for the host CPU, load it with MCJIT, and
//! hand back the entry point. Compiled code lives as long as the process (as in Numba),
//! so each unit's LLVM context and engine are intentionally leaked.

use crate::common::diagnostic::Diagnostic;
use crate::common::ir::Function;
use crate::cpu::lower::{lower_unit_with_entries, LowerOptions};
use inkwell::context::Context;
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine};
use inkwell::OptimizationLevel;
use std::sync::OnceLock;

/// `i32 entry(const u64 *args, u64 *ret, ExcInfo *exc)`.
pub type EntryFn = unsafe extern "C" fn(*const u64, *mut u64, *mut crate::cpu::runtime::ExcInfo) -> i32;

pub struct CompiledUnit {
    pub entry: EntryFn,
    /// The entries of `compile_unit_entries` after the first, in order.
    pub more_entries: Vec<EntryFn>,
    /// Optimized LLVM IR of the whole unit, for `inspect_llvm()`.
    pub llvm_ir: String,
}

fn init() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        Target::initialize_native(&InitializationConfig::default()).expect("LLVM native target");
    });
}

/// The host CPU's name and features, as LLVM spells them.
pub fn host_cpu() -> (&'static str, &'static str) {
    static HOST: OnceLock<(String, String)> = OnceLock::new();
    let (cpu, features) = HOST.get_or_init(|| {
        init();
        (TargetMachine::get_host_cpu_name().to_string(), TargetMachine::get_host_cpu_features().to_string())
    });
    (cpu.as_str(), features.as_str())
}

fn host_machine() -> Result<TargetMachine, Diagnostic> {
    init();
    let triple = TargetMachine::get_default_triple();
    let target = Target::from_triple(&triple).map_err(|e| Diagnostic::internal(format!("no LLVM target for the host: {e}")))?;
    let (cpu, features) = host_cpu();
    target
        .create_target_machine(&triple, cpu, features, OptimizationLevel::Aggressive, RelocMode::Default, CodeModel::JITDefault)
        .ok_or_else(|| Diagnostic::internal("cannot create a host target machine"))
}

pub fn compile_unit(funcs: &[&Function], entry_symbol: &str, options: &LowerOptions) -> Result<CompiledUnit, Diagnostic> {
    compile_unit_entries(funcs, &[entry_symbol], options)
}

/// One module, one optimization run, several functions callable from the host.
pub fn compile_unit_entries(funcs: &[&Function], entry_symbols: &[&str], options: &LowerOptions) -> Result<CompiledUnit, Diagnostic> {
    let entry_symbol = entry_symbols[0];
    init();
    let timing = std::env::var_os("FERRUMBA_TIMING").is_some();
    let t0 = std::time::Instant::now();
    let ctx: &'static Context = Box::leak(Box::new(Context::create()));
    let module = ctx.create_module(entry_symbol);
    let machine = host_machine()?;
    module.set_triple(&machine.get_triple());
    module.set_data_layout(&machine.get_target_data().get_data_layout());
    // Loops free the temporaries of each iteration where that is provably safe.
    let released = crate::common::temporaries::release_per_iteration(funcs);
    let funcs: Vec<&Function> = funcs.iter().zip(&released).map(|(f, r)| r.as_ref().unwrap_or(f)).collect();
    lower_unit_with_entries(ctx, &module, &funcs, options, entry_symbols)?;
    let t_lower = t0.elapsed();
    let pass_options = PassBuilderOptions::create();
    pass_options.set_loop_vectorization(true);
    pass_options.set_loop_slp_vectorization(true);
    pass_options.set_loop_unrolling(true);
    pass_options.set_merge_functions(false);
    module
        .run_passes("default<O3>", &machine, pass_options)
        .map_err(|e| Diagnostic::internal(format!("LLVM optimization failed: {}", e.to_string())))?;
    let t_opt = t0.elapsed();
    let llvm_ir = module.print_to_string().to_string();
    let engine = module
        .create_jit_execution_engine(OptimizationLevel::Aggressive)
        .map_err(|e| Diagnostic::internal(format!("cannot create the JIT: {}", e.to_string())))?;
    for (name, addr) in crate::cpu::runtime::symbols() {
        if let Some(f) = module.get_function(name) {
            engine.add_global_mapping(&f, addr);
        }
    }
    let mut addrs = vec![];
    for symbol in entry_symbols {
        addrs.push(engine.get_function_address(&format!("{symbol}.entry")).map_err(|e| Diagnostic::internal(format!("JIT lookup of {symbol}: {e:?}")))?);
    }
    if timing {
        eprintln!(
            "ferrumba: {entry_symbol}: lower {:.1} ms, optimize {:.1} ms, machine code {:.1} ms",
            t_lower.as_secs_f64() * 1e3,
            (t_opt - t_lower).as_secs_f64() * 1e3,
            (t0.elapsed() - t_opt).as_secs_f64() * 1e3
        );
    }
    // The engine owns the module and the machine code; both must outlive every call.
    std::mem::forget(engine);
    std::mem::forget(module);
    let mut entries = addrs.into_iter().map(|addr| unsafe { std::mem::transmute::<usize, EntryFn>(addr) });
    let entry = entries.next().expect("at least one entry");
    Ok(CompiledUnit { entry, more_entries: entries.collect(), llvm_ir })
}

/// Host assembly of an LLVM IR module (for `inspect_asm()`), generated on demand.
pub fn assembly_of(llvm_ir: &str) -> Result<String, Diagnostic> {
    let ctx = Context::create();
    let buffer = MemoryBuffer::create_from_memory_range_copy(llvm_ir.as_bytes(), "inspect");
    let module = ctx.create_module_from_ir(buffer).map_err(|e| Diagnostic::internal(format!("re-reading LLVM IR: {}", e.to_string())))?;
    let machine = host_machine()?;
    let asm = machine
        .write_to_memory_buffer(&module, FileType::Assembly)
        .map_err(|e| Diagnostic::internal(format!("emitting assembly: {}", e.to_string())))?;
    Ok(String::from_utf8_lossy(asm.as_slice()).into_owned())
}
