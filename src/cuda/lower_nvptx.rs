//! The CUDA operations of the typed IR as NVVM intrinsics: special registers, barriers,
//! shared memory (address space 3) and warp intrinsics. The rest of lowering is shared with
//! the host backend (`cpu/lower*.rs`, with `LowerOptions::gpu`).

use crate::common::diagnostic::Diagnostic;
use crate::common::ir::{Expr, ExprKind, GpuReg, WarpOp};
use crate::common::types::Type;
use crate::cpu::lower::{Lowerer, R};
use crate::cpu::lower_types::{ie, memory_type};
use inkwell::module::Linkage;
use inkwell::types::BasicType;
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, IntValue};
use inkwell::AddressSpace;

const SHARED: u16 = 3;

impl<'a, 'ctx> Lowerer<'a, 'ctx> {
    fn nvvm(&mut self, name: &str, args: &[BasicValueEnum<'ctx>], ret: Option<inkwell::types::BasicTypeEnum<'ctx>>) -> R<Option<BasicValueEnum<'ctx>>> {
        let f = match self.module.get_function(name) {
            Some(f) => f,
            None => {
                let params: Vec<inkwell::types::BasicMetadataTypeEnum> = args.iter().map(|a| a.get_type().into()).collect();
                let fn_ty = match ret {
                    Some(t) => t.fn_type(&params, false),
                    None => self.ctx.void_type().fn_type(&params, false),
                };
                self.module.add_function(name, fn_ty, None)
            }
        };
        let margs: Vec<BasicMetadataValueEnum> = args.iter().map(|a| (*a).into()).collect();
        Ok(self.builder.build_call(f, &margs, "nvvm").map_err(ie)?.try_as_basic_value().basic())
    }

    fn int_of_width(&self, bits: u32) -> inkwell::types::IntType<'ctx> {
        match bits {
            8 => self.ctx.i8_type(),
            16 => self.ctx.i16_type(),
            32 => self.ctx.i32_type(),
            _ => self.ctx.i64_type(),
        }
    }

    fn sreg(&mut self, name: &str) -> R<IntValue<'ctx>> {
        let i32t = self.ctx.i32_type();
        Ok(self.nvvm(&format!("llvm.nvvm.read.ptx.sreg.{name}"), &[], Some(i32t.into()))?.expect("sreg value").into_int_value())
    }

    pub fn lower_gpu_expr(&mut self, e: &Expr) -> R<BasicValueEnum<'ctx>> {
        let axis = |a: u8| ["x", "y", "z"][a as usize];
        match &e.kind {
            ExprKind::GpuReg(r) => {
                let name = match r {
                    GpuReg::ThreadIdx(a) => format!("tid.{}", axis(*a)),
                    GpuReg::BlockIdx(a) => format!("ctaid.{}", axis(*a)),
                    GpuReg::BlockDim(a) => format!("ntid.{}", axis(*a)),
                    GpuReg::GridDim(a) => format!("nctaid.{}", axis(*a)),
                    GpuReg::LaneId => "laneid".into(),
                    GpuReg::WarpSize => "warpsize".into(),
                };
                Ok(self.sreg(&name)?.into())
            }
            ExprKind::Barrier => {
                self.nvvm("llvm.nvvm.barrier0", &[], None)?;
                Ok(self.ctx.const_struct(&[], false).into())
            }
            ExprKind::BarrierCount(pred) => {
                let i32t = self.ctx.i32_type();
                let p = self.expr(pred)?.into_int_value();
                let p = self.builder.build_int_z_extend(p, i32t, "pred").map_err(ie)?;
                Ok(self.nvvm("llvm.nvvm.barrier0.popc", &[p.into()], Some(i32t.into()))?.expect("barrier count"))
            }
            ExprKind::SharedArray(dims) => {
                let a = e.ty.array().expect("shared array type");
                let count: i64 = dims.iter().product();
                let elem = memory_type(self.ctx, a.dtype);
                let dynamic = dims.as_slice() == [0];
                let arr_t = elem.array_type(if dynamic { 0 } else { count.max(1) as u32 });
                let g = self.module.add_global(arr_t, Some(AddressSpace::from(SHARED)), if dynamic { "dynshared" } else { "shared" });
                if dynamic {
                    // `extern __shared__`: sized by the launch.
                    g.set_linkage(Linkage::External);
                } else {
                    g.set_linkage(Linkage::Internal);
                    g.set_initializer(&arr_t.get_undef());
                }
                g.set_alignment(16);
                let generic = self
                    .builder
                    .build_address_space_cast(g.as_pointer_value(), self.ctx.ptr_type(AddressSpace::default()), "shared.ptr")
                    .map_err(ie)?;
                let itemsize = a.dtype.itemsize() as i64;
                let d: Vec<IntValue> = if dynamic {
                    // The element count comes from the size the launch gave.
                    let fn_ty = self.ctx.i32_type().fn_type(&[], false);
                    let asm = self.ctx.create_inline_asm(fn_ty, "mov.u32 $0, %dynamic_smem_size;".into(), "=r".into(), false, false, None, false);
                    let bytes = self.builder.build_indirect_call(fn_ty, asm, &[], "smem").map_err(ie)?.try_as_basic_value().basic().unwrap().into_int_value();
                    let bytes = self.builder.build_int_z_extend(bytes, self.ctx.i64_type(), "smem").map_err(ie)?;
                    vec![self.builder.build_int_unsigned_div(bytes, self.i64c(itemsize), "count").map_err(ie)?]
                } else {
                    dims.iter().map(|n| self.i64c(*n)).collect()
                };
                let strides = self.const_c_strides(dims, itemsize);
                let null = self.ctx.ptr_type(AddressSpace::default()).const_null();
                Ok(self.array_value(a.ndim, null, null, generic, &d, &strides)?.into())
            }
            ExprKind::Warp(op, args) => self.warp(*op, args, &e.ty),
            _ => Err(Diagnostic::internal("lower_gpu_expr on a non-CUDA expression")),
        }
    }

    fn warp(&mut self, op: WarpOp, args: &[Expr], ty: &Type) -> R<BasicValueEnum<'ctx>> {
        let i32t = self.ctx.i32_type();
        let mut vals = vec![];
        for a in args {
            vals.push(self.expr(a)?);
        }
        let mask = |this: &mut Self, v: BasicValueEnum<'ctx>| -> R<IntValue<'ctx>> {
            Ok(this.builder.build_int_truncate_or_bit_cast(v.into_int_value(), i32t, "mask").map_err(ie)?)
        };
        match op {
            WarpOp::ActiveMask => {
                let m = self.nvvm("llvm.nvvm.activemask", &[], Some(i32t.into()))?.unwrap().into_int_value();
                Ok(self.builder.build_int_z_extend_or_bit_cast(m, self.ty(ty).into_int_type(), "mask").map_err(ie)?.into())
            }
            WarpOp::SyncWarp => {
                let m = if vals.is_empty() { i32t.const_all_ones() } else { mask(self, vals[0])? };
                self.nvvm("llvm.nvvm.bar.warp.sync", &[m.into()], None)?;
                Ok(self.ctx.const_struct(&[], false).into())
            }
            WarpOp::Ballot | WarpOp::All | WarpOp::Any => {
                let m = mask(self, vals[0])?;
                let p = vals[1].into_int_value();
                let (name, ret): (&str, inkwell::types::BasicTypeEnum) = match op {
                    WarpOp::Ballot => ("llvm.nvvm.vote.ballot.sync", i32t.into()),
                    WarpOp::All => ("llvm.nvvm.vote.all.sync", self.ctx.bool_type().into()),
                    _ => ("llvm.nvvm.vote.any.sync", self.ctx.bool_type().into()),
                };
                let v = self.nvvm(name, &[m.into(), p.into()], Some(ret))?.unwrap().into_int_value();
                Ok(self.builder.build_int_z_extend_or_bit_cast(v, self.ty(ty).into_int_type(), "vote").map_err(ie)?.into())
            }
            WarpOp::Eq => {
                let m = mask(self, vals[0])?;
                let v = self.nvvm("llvm.nvvm.vote.uni.sync", &[m.into(), vals[1]], Some(self.ctx.bool_type().into()))?.unwrap().into_int_value();
                Ok(self.builder.build_int_z_extend_or_bit_cast(v, self.ty(ty).into_int_type(), "vote").map_err(ie)?.into())
            }
            WarpOp::MatchAny => {
                // match.any.sync (sm_70+) compares 32- or 64-bit patterns.
                let m = mask(self, vals[0])?;
                let value = vals[1];
                let width = value.get_type().into_int_type_or_float_bits(self.ctx);
                let bits = self.builder.build_bit_cast(value, self.int_of_width(width), "bits").map_err(ie)?.into_int_value();
                let wide = if width > 32 { 64 } else { 32 };
                let bits = self.builder.build_int_z_extend_or_bit_cast(bits, self.int_of_width(wide), "bits").map_err(ie)?;
                let name = format!("llvm.nvvm.match.any.sync.i{wide}");
                Ok(self.nvvm(&name, &[m.into(), bits.into()], Some(i32t.into()))?.unwrap())
            }
            WarpOp::Shfl | WarpOp::ShflUp | WarpOp::ShflDown | WarpOp::ShflXor => {
                let m = mask(self, vals[0])?;
                let lane = self.builder.build_int_truncate_or_bit_cast(vals[2].into_int_value(), i32t, "lane").map_err(ie)?;
                let (kind, clamp) = match op {
                    WarpOp::Shfl => ("idx", 0x1f),
                    WarpOp::ShflUp => ("up", 0),
                    WarpOp::ShflDown => ("down", 0x1f),
                    _ => ("bfly", 0x1f),
                };
                let c = i32t.const_int(clamp, false);
                // 32-bit shuffles; wider values move as two halves.
                let value = vals[1];
                let width = value.get_type().into_int_type_or_float_bits(self.ctx);
                let as_int = self.builder.build_bit_cast(value, self.int_of_width(width), "bits").map_err(ie)?.into_int_value();
                let wide = self.builder.build_int_z_extend_or_bit_cast(as_int, self.ctx.i64_type(), "wide").map_err(ie)?;
                let lo = self.builder.build_int_truncate(wide, i32t, "lo").map_err(ie)?;
                let hi = self.builder.build_right_shift(wide, self.ctx.i64_type().const_int(32, false), false, "hi").map_err(ie)?;
                let hi = self.builder.build_int_truncate(hi, i32t, "hi").map_err(ie)?;
                let name = format!("llvm.nvvm.shfl.sync.{kind}.i32");
                let lo = self.nvvm(&name, &[m.into(), lo.into(), lane.into(), c.into()], Some(i32t.into()))?.unwrap().into_int_value();
                let hi = if width > 32 { self.nvvm(&name, &[m.into(), hi.into(), lane.into(), c.into()], Some(i32t.into()))?.unwrap().into_int_value() } else { hi };
                let lo = self.builder.build_int_z_extend(lo, self.ctx.i64_type(), "lo").map_err(ie)?;
                let hi = self.builder.build_int_z_extend(hi, self.ctx.i64_type(), "hi").map_err(ie)?;
                let hi = self.builder.build_left_shift(hi, self.ctx.i64_type().const_int(32, false), "hi").map_err(ie)?;
                let joined = self.builder.build_or(lo, hi, "joined").map_err(ie)?;
                let narrow = self.builder.build_int_truncate_or_bit_cast(joined, self.int_of_width(width), "narrow").map_err(ie)?;
                Ok(self.builder.build_bit_cast(narrow, value.get_type(), "shfl").map_err(ie)?)
            }
        }
    }
}

trait Bits {
    fn into_int_type_or_float_bits(self, ctx: &inkwell::context::Context) -> u32;
}

impl Bits for inkwell::types::BasicTypeEnum<'_> {
    fn into_int_type_or_float_bits(self, _ctx: &inkwell::context::Context) -> u32 {
        match self {
            inkwell::types::BasicTypeEnum::IntType(t) => t.get_bit_width(),
            inkwell::types::BasicTypeEnum::FloatType(t) => t.get_bit_width(),
            _ => 64,
        }
    }
}
